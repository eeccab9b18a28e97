package runtime

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestRecordRoundTrip: every field of every record reads back equal: times
// with their instant and UTC or Local location (another location as UTC),
// and nil slices apart from empty ones.
func TestRecordRoundTrip(t *testing.T) {
	utc := time.Date(2031, 1, 2, 3, 4, 5, 678, time.UTC)
	local := time.Unix(1900000000, 12345).Local()
	zone := time.Date(2031, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	auth := Authentication{Subject: "alice", AuthTime: local, ACR: "urn:acr", AMR: []string{}, SessionID: "sid"}

	g := Grant{ID: "g", ClientID: "c", Subject: "s", Scope: ScopeSet{"a", ""}, Audience: nil,
		Authentication: auth, Created: utc, ExpiresAt: zone, Status: GrantRevoked, Data: json.RawMessage{}}
	gotG, err := decodeGrant(string(appendGrant(nil, &g)))
	wantG := g
	wantG.ExpiresAt = zone.UTC()
	if err != nil || !reflect.DeepEqual(gotG, wantG) {
		t.Errorf("grant = %#v, %v\nwant %#v", gotG, err, wantG)
	}

	c := AuthorizationCode{Hash: []byte{0, 1, 255}, ClientID: "c", RedirectURI: "https://a/cb", RedirectURIProvided: true,
		Scope: ScopeSet{"read"}, Authentication: auth, Nonce: "n", CodeChallenge: "cc", CodeChallengeMethod: "S256",
		Resources: []string{"r1", "r2"}, IssuedAt: utc, ExpiresAt: local, GrantID: "g", Data: json.RawMessage(`{"k":1}`)}
	if got, err := decodeCode(string(appendCode(nil, &c))); err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("code = %#v, %v\nwant %#v", got, err, c)
	}

	r := RefreshTokenRecord{Hash: []byte("h"), ID: "i", GrantID: "g", FamilyID: "f", ClientID: "c", Scope: ScopeSet{},
		IssuedAt: utc, ExpiresAt: utc.Add(time.Hour), IdleExpiresAt: time.Time{}, RotatedAt: local}
	if got, err := decodeRefresh(string(appendRefresh(nil, &r))); err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("refresh = %#v, %v\nwant %#v", got, err, r)
	}

	a := AccessTokenRecord{Key: []byte{}, GrantID: "g", ClientID: "c", ExpiresAt: utc,
		Claims: AccessTokenClaims{Issuer: "https://as", Subject: "s", Audience: Audience{"x", "y"}, ClientID: "c",
			IssuedAt: utc, ExpiresAt: utc, JTI: "j", Scope: nil, AuthTime: local, ACR: "acr", AMR: []string{"pwd"}}}
	if got, err := decodeAccess(string(appendAccess(nil, &a))); err != nil || !reflect.DeepEqual(got, a) {
		t.Errorf("access = %#v, %v\nwant %#v", got, err, a)
	}
}

// TestRecordCorrupt: a truncated or extended record is an error, never a
// partial record taken as whole.
func TestRecordCorrupt(t *testing.T) {
	g := Grant{ID: "g", ClientID: "c", Subject: "s", Scope: ScopeSet{"read"}, Created: time.Unix(1, 0).UTC()}
	rec := string(appendGrant(nil, &g))
	for name, bad := range map[string]string{
		"empty":     "",
		"truncated": rec[:len(rec)-1],
		"trailing":  rec + "x",
		"bad time":  string(appendRecStr(nil, "g")) + string(appendRecStr(nil, "c")) + string(appendRecStr(nil, "s")) + "\x00\x00\x00\x00\x09",
	} {
		if _, err := decodeGrant(bad); !errors.Is(err, errCorruptRecord) {
			t.Errorf("%s: err = %v, want errCorruptRecord", name, err)
		}
	}
}

// TestMemKeyOfID: short ids are their own key, long ones a hash; the two
// never meet.
func TestMemKeyOfID(t *testing.T) {
	short := memKeyOfID("abc")
	if short[0] != 3 || string(short[1:4]) != "abc" {
		t.Errorf("key of a short id = %x", short)
	}
	long := memKeyOfID("0123456789012345678901234567890123456789")
	if long[0]&0x80 == 0 {
		t.Errorf("key of a long id %x lacks the top bit", long)
	}
	if memKeyOfID("") == memKeyOfID("\x00") {
		t.Error("ids of different lengths share a key")
	}
}

// TestRecTimeOf: recTimeOf gives what a record reads back, so a record
// changed in place (RotateRefreshToken) need not be decoded again.
func TestRecTimeOf(t *testing.T) {
	for name, in := range map[string]time.Time{
		"zero":       {},
		"utc":        time.Date(2031, 1, 2, 3, 4, 5, 678, time.UTC),
		"local":      time.Unix(1900000000, 12345).Local(),
		"fixed zone": time.Date(2031, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)),
		"monotonic":  time.Now(),
	} {
		var d recDecoder
		d.s = string(appendRecTime(nil, in))
		want := d.time()
		if got := recTimeOf(in); !reflect.DeepEqual(got, want) || d.done() != nil {
			t.Errorf("%s: recTimeOf = %#v, read back %#v (%v)", name, got, want, d.done())
		}
	}
}
