package runtime

import (
	"log/slog"
	"net/http"

	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// jwksEndpointID is the JWK Set endpoint's id.
const jwksEndpointID = "oauth-jwks"

// jwksEndpoint publishes the public keys that verify the server's signed
// tokens, public members only (RFC 7517 §5). Anyone may call it.
type jwksEndpoint struct{ unit }

func newJWKSEndpoint(s *Server) *jwksEndpoint {
	return &jwksEndpoint{s.newUnit(jwksEndpointID, "/oauth2/jwks", callerNone)}
}

// routes: GET and HEAD; another method is a plain 405.
func (e *jwksEndpoint) routes() []route {
	return []route{{path: e.path, methods: getHead, serve: e.serve, refuse: refusePlain}}
}

// advertise sets jwks_uri (RFC 8414 §2).
func (e *jwksEndpoint) advertise(md *Metadata) { md.JWKSURI = e.url() }

// serve answers with the key set, cacheable by anyone for five minutes.
// Keys the store cannot give are a 503, not an empty set a verifier would
// cache.
func (e *jwksEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	keys, err := e.s.keys.keySet(r.Context(), e.s.clock.Now())
	if err != nil {
		e.s.log.LogAttrs(r.Context(), slog.LevelError, "jwks request failed", slog.String("cause", err.Error()))
		reply.Error(w, http.StatusServiceUnavailable, oauth.NewError(oauth.ErrTemporarilyUnavail, "the signing keys cannot be read; try again"), nil)
		return
	}
	reply.Public(w, r, jwksContentType, keys.JWKS())
}

// getHead are the methods of a public document.
var getHead = []string{http.MethodGet, http.MethodHead}

// refusePlain answers a method a public document does not serve, in plain
// text: no client of it parses an error body.
func refusePlain(w http.ResponseWriter, _ *http.Request) { reply.PlainMethodNotAllowed(w) }
