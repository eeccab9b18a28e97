package runtime

// Stubs of OpenID Connect, replaced by the OIDC helper. Every one fails
// closed until then.

import (
	"context"
	"errors"
	"net/http"
)

var errOIDCNotBuilt = errors.New("OpenID Connect not built yet")

func (s *Server) serveUserInfo(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

func (s *Server) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "not implemented", http.StatusNotImplemented)
}

// DefaultUserInfo is the default procedure of the userinfo flow: it returns
// u.Defaults, the claims the token's scope grants (OIDC Core §5.4).
func DefaultUserInfo(ctx context.Context, u *UserInfoContext) (*UserInfoResponse, error) {
	return nil, AsError(errOIDCNotBuilt)
}
