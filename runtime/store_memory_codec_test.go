package runtime

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/memstore"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// TestRecordRoundTrip: every field of every record reads back equal: times
// with their instant and UTC or Local location (another location as UTC),
// and nil slices apart from empty ones.
func TestRecordRoundTrip(t *testing.T) {
	utc := time.Date(2031, 1, 2, 3, 4, 5, 678, time.UTC)
	local := time.Unix(1900000000, 12345).Local()
	zone := time.Date(2031, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	auth := Authentication{Subject: "alice", AuthTime: local, ACR: "urn:acr", AMR: []string{}, SessionID: "sid"}

	g := Grant{ID: "g", ClientID: "c", Subject: "s", Scope: oauth.ScopeSet{"a", ""}, Audience: nil,
		Authentication: auth, Created: utc, ExpiresAt: zone, Revoked: true, Data: json.RawMessage{}}
	gotG, err := decodeGrant(string(appendGrant(nil, &g)))
	wantG := g
	wantG.ExpiresAt = zone.UTC()
	if err != nil || !reflect.DeepEqual(gotG, wantG) {
		t.Errorf("grant = %#v, %v\nwant %#v", gotG, err, wantG)
	}

	c := AuthorizationCode{Hash: []byte{0, 1, 255}, ClientID: "c", RedirectURI: "https://a/cb", RedirectURIProvided: true,
		Scope: oauth.ScopeSet{"read"}, Authentication: auth, Nonce: "n", CodeChallenge: "cc", CodeChallengeMethod: "S256",
		Resources: []string{"r1", "r2"}, IssuedAt: utc, ExpiresAt: local, GrantID: "g", Data: json.RawMessage(`{"k":1}`)}
	if got, err := decodeCode(string(appendCode(nil, &c))); err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("code = %#v, %v\nwant %#v", got, err, c)
	}

	r := RefreshTokenRecord{Hash: []byte("h"), ID: "i", GrantID: "g", FamilyID: "f", ClientID: "c", Scope: oauth.ScopeSet{},
		IssuedAt: utc, ExpiresAt: utc.Add(time.Hour), IdleExpiresAt: time.Time{}, RotatedAt: local}
	if got, err := decodeRefresh(string(appendRefresh(nil, &r))); err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("refresh = %#v, %v\nwant %#v", got, err, r)
	}

	a := AccessTokenRecord{Key: []byte{}, GrantID: "g", ClientID: "c", ExpiresAt: utc,
		Claims: AccessTokenClaims{Issuer: "https://as", Subject: "s", Audience: Audience{"x", "y"}, ClientID: "c",
			IssuedAt: utc, ExpiresAt: utc, JTI: "j", Scope: nil, AuthTime: local, ACR: "acr", AMR: []string{"pwd"}}}
	// The claims that repeat the record, and those that do not.
	own := a
	own.GrantID, own.Claims.Subject = "", "c"
	apart := a
	apart.Claims.ClientID, apart.Claims.Subject, apart.Claims.ExpiresAt = "", "c2", local
	zeroExp := a
	zeroExp.ExpiresAt, zeroExp.Claims.ExpiresAt = time.Time{}, time.Time{}
	localExp := a
	localExp.Claims.ExpiresAt = utc.Local() // the same instant in another location
	for name, a := range map[string]AccessTokenRecord{"grant's": a, "own": own, "apart": apart, "zero exp": zeroExp, "local exp": localExp} {
		for _, extra := range [][]byte{nil, []byte(`{"k":1}`)} {
			got, gotExtra, err := decodeAccess(string(appendAccess(nil, &a, extra)))
			if err != nil || !reflect.DeepEqual(got, a) || string(gotExtra) != string(extra) {
				t.Errorf("%s access = %#v, %s, %v\nwant %#v, %s", name, got, gotExtra, err, a, extra)
			}
		}
	}
}

// TestAccessRecordNotRepeated: the claims that repeat an access token's
// record (client_id, exp, and a client's own sub) are encoded once.
func TestAccessRecordNotRepeated(t *testing.T) {
	exp := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	own := AccessTokenRecord{Key: make([]byte, 32), ClientID: "client-with-a-long-id", ExpiresAt: exp,
		Claims: AccessTokenClaims{Subject: "client-with-a-long-id", ClientID: "client-with-a-long-id", ExpiresAt: exp}}
	apart := own
	apart.Claims.Subject, apart.Claims.ClientID, apart.Claims.ExpiresAt = "client-with-a-long-iX", "client-with-a-long-iY", exp.Add(time.Second)
	short, long := len(appendAccess(nil, &own, nil)), len(appendAccess(nil, &apart, nil))
	if long-short < 2*(1+len(own.ClientID))+5 {
		t.Errorf("own record %d bytes, apart %d: the repeated claims are encoded again", short, long)
	}
}

// TestRecordCorrupt: a truncated or extended record is an error, never a
// partial record taken as whole.
func TestRecordCorrupt(t *testing.T) {
	g := Grant{ID: "g", ClientID: "c", Subject: "s", Scope: oauth.ScopeSet{"read"}, Created: time.Unix(1, 0).UTC()}
	rec := string(appendGrant(nil, &g))
	for name, bad := range map[string]string{
		"empty":     "",
		"truncated": rec[:len(rec)-1],
		"trailing":  rec + "x",
		"bad time":  string(memstore.AppendStr(nil, "g")) + string(memstore.AppendStr(nil, "c")) + string(memstore.AppendStr(nil, "s")) + "\x00\x00\x00\x00\x09",
	} {
		if _, err := decodeGrant(bad); !errors.Is(err, memstore.ErrCorrupt) {
			t.Errorf("%s: err = %v, want memstore.ErrCorrupt", name, err)
		}
	}
}
