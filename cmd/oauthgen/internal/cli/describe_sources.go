package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
)

// What describe says a flow depends on that another flow or the service
// provides: where the codes a flow redeems come from, and where its ID
// tokens are verified and their claims fetched. With a spec it says what
// that spec enables; without one (m nil), what a spec may enable.

// claimScopes are the scopes whose claims OIDC Core §5.4 returns from the
// userinfo endpoint.
var claimScopes = []string{"profile", "email", "address", "phone"}

// printSources prints the sources of what f redeems and the sinks of what
// it issues, for a flow of m, or of the catalogue when m is nil.
func printSources(w io.Writer, f *model.Flow, m *model.Model) {
	if f.RedeemsCode {
		fmt.Fprintf(w, "  %s\n", codeSources(m))
	}
	if f.IssuesCode {
		fmt.Fprintf(w, "  %s\n", pushedRequests(m))
	}
	if c := grantValue(f, "credential"); c == "code" || c == "refresh_token" {
		fmt.Fprintf(w, "  %s\n", idTokenSinks(m))
	}
}

// codeSources says where the authorization codes a flow redeems come from:
// a flow that issues them, and the service's own sign-in, which may issue
// them through the runtime whatever the spec enables.
func codeSources(m *model.Model) string {
	const own = "the service's own sign-in through (*runtime.Server).IssueAuthorizationCode"
	if m == nil {
		return "Codes come from flow oauth-authorize-authorization-code when the spec enables it, and from " + own + "."
	}
	var issuers []string
	for _, f := range m.Flows {
		if f.IssuesCode {
			issuers = append(issuers, fmt.Sprintf("flow %s (%s at %s)", f.ID, f.Selector(), f.Route))
		}
	}
	if len(issuers) == 0 {
		return "Codes come only from " + own + ": the spec enables no flow that issues them (oauth-authorize-authorization-code), so no authorization endpoint is served."
	}
	return "Codes come from " + strings.Join(issuers, ", ") + ", and from " + own + "."
}

// pushedRequests says whether the authorization flow's requests may be
// pushed first (RFC 9126): the pushed authorization request endpoint has
// no flow of its own, and runs this flow's Prepare on what is pushed.
func pushedRequests(m *model.Model) string {
	const how = "a client pushes the request, authenticated as at the token endpoint, and the browser brings only client_id and a single-use request_uri; the runtime checks the pushed request and runs this flow's Prepare when it is pushed"
	if m == nil {
		return "Requests may be pushed first to the pushed authorization request endpoint (RFC 9126) when the spec declares endpoints.par: " + how + "."
	}
	if !m.Server.PushedAuthorizationRequests {
		return "Requests are not pushed: the spec does not declare endpoints.par (RFC 9126)."
	}
	path := "/oauth2/par"
	for _, p := range m.Server.Paths {
		if p.ID == "oauth-par" {
			path = p.Path
		}
	}
	s := "Requests may be pushed first to POST " + path + " (RFC 9126): " + how
	if m.Server.RequirePushedAuthorizationRequests {
		return s + "; every client must push them (require_pushed_authorization_requests)."
	}
	return s + "; a client registered with require_pushed_authorization_requests must."
}

// idTokenSinks says when a flow issues ID tokens, where relying parties
// verify them (the JWK Set, always served) and where they fetch the claims
// of the scopes that ask for claims (OIDC Core §5.4: the userinfo endpoint).
func idTokenSinks(m *model.Model) string {
	if m == nil {
		return "ID tokens only when the spec declares the openid scope and openid is granted; relying parties verify them with the JWK Set (jwks_uri), always served, and fetch the claims of the profile, email, address and phone scopes from flow openid-userinfo when the spec enables it."
	}
	if !m.Server.OpenID {
		return "No ID tokens: the spec does not declare the openid scope."
	}
	jwks := "/oauth2/jwks"
	for _, p := range m.Server.Paths {
		if p.ID == "oauth-jwks" {
			jwks = p.Path
		}
	}
	var scopes []string
	for _, sc := range m.Server.Scopes {
		if slices.Contains(claimScopes, sc.Name) {
			scopes = append(scopes, sc.Name)
		}
	}
	s := fmt.Sprintf("ID tokens when openid is granted, signed %s, valid %v, verified with the JWK Set at %s", m.Server.IDTokenSigningAlg, m.Server.IDTokenTTL, jwks)
	i := slices.IndexFunc(m.Flows, func(f *model.Flow) bool { return f.ID == "openid-userinfo" })
	switch {
	case i >= 0 && len(scopes) > 0:
		return s + fmt.Sprintf("; the claims of scopes %s at flow openid-userinfo (%s).", strings.Join(scopes, ", "), m.Flows[i].Route)
	case i >= 0:
		return s + fmt.Sprintf("; userinfo at flow openid-userinfo (%s).", m.Flows[i].Route)
	case len(scopes) > 0:
		return s + fmt.Sprintf("; no userinfo endpoint (flow openid-userinfo is not enabled): the claims of scopes %s reach a client only in the ID token, if the procedure puts them there (c.Defaults.ID.User).", strings.Join(scopes, ", "))
	}
	return s + "; no userinfo endpoint (flow openid-userinfo is not enabled)."
}

// grantValue is the value of a key of f's grant policy, or "".
func grantValue(f *model.Flow, key string) string {
	for _, g := range f.Grant {
		if g.Key == key {
			return g.Value
		}
	}
	return ""
}
