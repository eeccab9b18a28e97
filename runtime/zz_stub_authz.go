package runtime

// Stubs of the authorization endpoint, replaced function by function by
// the authorize helper (authorize_endpoint.go and friends). Every one fails
// closed until then.

import (
	"context"
	"errors"
	"net/http"
)

var errAuthorizeNotBuilt = errors.New("authorization endpoint not built yet")

func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

func (s *Server) serveConsent(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

// IssueAuthorizeCode is the default procedure of the authorization flow: it
// issues a code from a.CodeData (flows.md §5.1).
func IssueAuthorizeCode(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
	return nil, AsError(errAuthorizeNotBuilt)
}

// Issue issues an authorization code from d.
func (i CodeIssuer) Issue(ctx context.Context, d AuthorizationCodeRequest) (Secret, error) {
	return "", AsError(errAuthorizeNotBuilt)
}
