package runtime

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestInvalidScopeNamesTheScope: the description of invalid_scope names the
// refused tokens, at the token endpoint and on refresh (RFC 6749 §5.2).
func TestInvalidScopeNamesTheScope(t *testing.T) {
	env := htNewEnv(t)
	body := htWantError(t, env.do(t, htRequest{body: htForm("grant_type", "client_credentials", "scope", "read admin"), basic: htBasic("conf", htConfSecret)}), 400, oauth.ErrInvalidScope)
	if body.ErrorDescription != "scope 'admin' is not allowed for this client" {
		t.Errorf("error_description = %q", body.ErrorDescription)
	}
}
