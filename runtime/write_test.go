package runtime

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

func TestEncodeTokenResponse(t *testing.T) {
	out, err := encodeTokenResponse(nil, &TokenResponse{
		AccessToken: "at", TokenType: "Bearer", ExpiresIn: 60, RefreshToken: "rt",
		Scope: oauth.ScopeSet{"a", "b"}, Extra: map[string]any{"z": []int{1}, "id_x": "y"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"access_token":"at","token_type":"Bearer","expires_in":60,"refresh_token":"rt","scope":"a b","id_x":"y","z":[1]}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	for _, name := range []string{"access_token", "token_type", "expires_in", "refresh_token", "scope", "id_token", "issued_token_type", ""} {
		if _, err := encodeTokenResponse(nil, &TokenResponse{AccessToken: "at", Extra: map[string]any{name: 1}}); err == nil {
			t.Errorf("Extra %q accepted", name)
		}
	}
}
