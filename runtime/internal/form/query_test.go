package form

import "testing"

// TestQueryCarriesCredentials: every way of naming client credentials in the
// URL is caught, including the ones url.ParseQuery drops (RFC 6749 §2.3.1).
func TestQueryCarriesCredentials(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  bool
	}{
		{"client_secret=abc", true},
		{"a=1&client_assertion=x.y.z", true},
		{"client_secret=%zz", true},     // undecodable value: ParseQuery drops the pair
		{"x=1;client_secret=abc", true}, // ';' separator: ParseQuery drops the pair
		{"client%5Fsecret=abc", true},   // escaped key
		{"Client_Secret=abc", true},     // case
		{"client_secret", true},         // no value
		{"%zz&client_secret=1", true},   // a broken pair before it
		{"client_secret_hint=1", false}, // another name
		{"tenant=client_secret", false}, // the name as a value
		{"client_id=abc", false},        // client_id alone is not a credential
		{"x=%25client_secret", false},   // decodes to a value, not a key
		{"client+secret=1", false},      // '+' is a space
		{"", false},
	} {
		if got := QueryCarriesCredentials(tc.query); got != tc.want {
			t.Errorf("QueryCarriesCredentials(%q) = %v; want %v", tc.query, got, tc.want)
		}
	}
}
