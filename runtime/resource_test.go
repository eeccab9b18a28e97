package runtime

import (
	"context"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestResourceParameter: RFC 8707 §2 at the token endpoint. A new grant's
// resources must be among the client's audiences and become the token's
// aud; a malformed one, or one the client may not have, is invalid_target.
func TestResourceParameter(t *testing.T) {
	env := htNewEnv(t)
	cc := htForm("grant_type", "client_credentials")
	b := htWantOK(t, env.do(t, htRequest{body: cc + "&resource=https://api.example", basic: htBasic("aud", htConfSecret)}))
	rec, ok, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
	if !ok || len(rec.Claims.Audience) != 1 || rec.Claims.Audience[0] != "https://api.example" {
		t.Errorf("aud = %v; want [https://api.example]", rec.Claims.Audience)
	}
	// A resource sent many times counts once.
	b = htWantOK(t, env.do(t, htRequest{body: cc + strings.Repeat("&resource=https://api.example", 100), basic: htBasic("aud", htConfSecret)}))
	if rec, _, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken)); len(rec.Claims.Audience) != 1 {
		t.Errorf("aud of a repeated resource = %v; want it once", rec.Claims.Audience)
	}
	for _, tc := range []struct {
		name, client, body string
	}{
		{"not among the client's audiences", "aud", cc + "&resource=https://other.example"},
		{"client without audiences", "conf", cc + "&resource=https://api.example"},
		{"relative", "aud", cc + "&resource=api"},
		{"fragment", "aud", cc + "&resource=https://api.example%23x"},
		{"one good, one bad", "aud", cc + "&resource=https://api.example&resource=https://other.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			htWantError(t, env.do(t, htRequest{body: tc.body, basic: htBasic(tc.client, htConfSecret)}), 400, oauth.ErrInvalidTarget)
		})
	}
}

// TestRefreshResource: a refresh may name a resource of the grant's
// audience (RFC 8707 §2.2), never another; a refused one does not spend the
// refresh token, which still works.
func TestRefreshResource(t *testing.T) {
	env := htNewEnv(t)
	first := htWantOK(t, env.do(t, htRequest{body: htRedeemForm(env.confCode(t)), basic: htBasic("conf", htConfSecret)}))
	refresh := htForm("grant_type", "refresh_token", "refresh_token", first.RefreshToken)
	htWantError(t, env.do(t, htRequest{body: refresh + "&resource=https://other.example", basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidTarget)
	b := htWantOK(t, env.do(t, htRequest{body: refresh + "&resource=" + htIssuer, basic: htBasic("conf", htConfSecret)}))
	rec, ok, _ := env.srv.AccessTokenActive(context.Background(), Secret(b.AccessToken))
	if !ok || len(rec.Claims.Audience) != 1 || rec.Claims.Audience[0] != htIssuer {
		t.Errorf("aud after refresh = %v; want [%s]", rec.Claims.Audience, htIssuer)
	}
}
