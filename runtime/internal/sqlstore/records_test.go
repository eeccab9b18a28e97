package sqlstore

import (
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestAccessRecLeavesOutRepeats: a client's own token is written without
// the claims that repeat its record, and reads back whole.
func TestAccessRecLeavesOutRepeats(t *testing.T) {
	exp := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	r := runtime.AccessTokenRecord{Key: []byte("k"), ClientID: "svc", ExpiresAt: exp, Claims: runtime.AccessTokenClaims{
		Issuer: "https://as.example", Subject: "svc", ClientID: "svc", Audience: runtime.Audience{"https://api.example"},
		IssuedAt: exp.Add(-time.Minute), ExpiresAt: exp, JTI: "j", Scope: oauth.ScopeSet{"read"},
	}}
	rec, err := encodeAccess(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{`"sub"`, `"token_client_id"`, `"token_exp"`} {
		if strings.Contains(string(rec), member) {
			t.Errorf("%s is written: %s", member, rec)
		}
	}
	got, err := decodeAccess(r.Key, "", 0, rec)
	if err != nil || got.Claims.Subject != "svc" || got.Claims.ClientID != "svc" || !got.Claims.ExpiresAt.Equal(exp) {
		t.Errorf("read back %+v, %v", got, err)
	}
}

// TestAccessRecOfEarlierVersions: a row written before the repeats were
// left out reads back as it was written.
func TestAccessRecOfEarlierVersions(t *testing.T) {
	old := `{"client_id":"c","exp":1924916645000000000,"iss":"https://as.example","sub":"alice","aud":["x"],` +
		`"token_client_id":"c","iat":1924916585000000000,"token_exp":1924916645000000000,"jti":"j","scope":["read"]}`
	got, err := decodeAccess([]byte("k"), "g", 0, []byte(old))
	if err != nil {
		t.Fatal(err)
	}
	c := got.Claims
	if got.ClientID != "c" || got.GrantID != "g" || c.Subject != "alice" || c.ClientID != "c" ||
		c.ExpiresAt.UnixNano() != 1924916645000000000 || c.IssuedAt.UnixNano() != 1924916585000000000 || c.JTI != "j" {
		t.Errorf("read back %+v", got)
	}
}
