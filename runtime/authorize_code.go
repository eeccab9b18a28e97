package runtime

import (
	"context"
	"slices"
)

// The default procedure of the authorization flow and its code issuer
// (flows.md §5.1).

// IssueAuthorizeCode is the default procedure of the authorization flow: it
// issues a code from a.CodeData with a.Issuers.Codes (flows.md §5.1) and
// returns it; the runtime adds state and iss.
func IssueAuthorizeCode(ctx context.Context, a *AuthorizeContext) (*AuthorizeResponse, error) {
	code, err := a.Issuers.Codes.Issue(ctx, a.CodeData)
	if err != nil {
		return nil, err
	}
	return &AuthorizeResponse{Code: code}, nil
}

// Issue issues an authorization code from d after the checks of
// (*Server).IssueAuthorizationCode, which it shares: ≥256 random bits,
// stored as a hash, bound to the client, the redirect URI, the PKCE
// challenge, the nonce, the scope and the authentication (RFC 6749 §4.1.2;
// RFC 7636 §4.4). A zero d.TTL means the flow's CodeTTL. It also refuses,
// as server_error, a code the response could not carry: for another client
// or redirect URI than the request's, or for a scope the end user did not
// grant.
func (i CodeIssuer) Issue(ctx context.Context, d AuthorizationCodeRequest) (Secret, error) {
	a := i.a
	if a == nil || a.server == nil {
		return "", issuerFault("authorization code: the issuer is not bound to a request")
	}
	if d.ClientID != a.ClientID {
		return "", issuerFault("authorization code: client %q is not the request's", d.ClientID)
	}
	if d.RedirectURI != a.redirectRaw || d.RedirectURIProvided != a.RedirectURIProvided {
		return "", issuerFault("authorization code: the redirect URI is not the request's")
	}
	if len(d.Scope) == 0 {
		d.Scope = slices.Clone(a.GrantedScope)
	}
	if !d.Scope.SubsetOf(a.GrantedScope) {
		return "", issuerFault("authorization code: scope %q exceeds the granted scope", d.Scope.String())
	}
	return a.server.issueCodeFor(ctx, a.Client, d, a.Policy.CodeTTL) // the client the request identified
}
