package oauth

import (
	"context"

	"github.com/oauthgen/oauthgen/runtime"
)

// Introspection is the procedure of the flow oauth-introspect.
// This file is yours: oauthgen wrote it once and will not touch it again.
type Introspection struct{ *Procedures }

var _ IntrospectionProcedure = (*Introspection)(nil)

// Introspect answers an introspection request.
func (p *Introspection) Introspect(ctx context.Context, c *IntrospectionContext) (*runtime.IntrospectionResponse, error) {
	// To customise, edit c.Defaults before calling c.Default; an answer with
	// Active false says nothing more.
	return c.Default(ctx)
}
