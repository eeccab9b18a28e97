package redirecturi

import "testing"

// TestMatchRedirectURI: exact string comparison; only the port of an http
// loopback IP literal may vary (RFC 8252 §7.3; RFC 9700 §4.1.3).
func TestMatchRedirectURI(t *testing.T) {
	registered := []string{
		"https://app.example/cb",
		"http://127.0.0.1/cb",
		"http://[::1]/cb",
		"http://127.0.0.1:8080/fixed?x=1",
		"http://localhost/cb",
		"com.example.app:/cb",
	}
	tests := []struct {
		uri  string
		want bool
	}{
		{"https://app.example/cb", true},
		{"http://127.0.0.1/cb", true},
		{"http://127.0.0.1:51234/cb", true},
		{"http://127.0.0.1:1/cb", true},
		{"http://127.0.0.1:65535/cb", true},
		{"http://[::1]:51234/cb", true},
		{"http://[::1]/cb", true},
		{"http://127.0.0.1/fixed?x=1", true},
		{"http://127.0.0.1:9/fixed?x=1", true},
		{"com.example.app:/cb", true},

		{"https://app.example:8443/cb", false}, // no variance for https
		{"http://127.0.0.1:0/cb", false},
		{"http://127.0.0.1:65536/cb", false},
		{"http://127.0.0.1:080/cb", false},
		{"http://127.0.0.1:/cb", false},
		{"http://127.0.0.1:123456/cb", false},
		{"http://127.0.0.1:51234/cb/", false},
		{"http://127.0.0.1:51234/other", false},
		{"http://127.0.0.1:51234/cb?x=1", false},
		{"http://127.0.0.1:51234/cb#f", false},
		{"http://127.0.0.1:9/fixed", false},
		{"http://127.0.0.2:51234/cb", false},
		{"http://127.0.0.10/cb", false},
		{"http://127.0.0.1.evil.example/cb", false},
		{"http://127.0.0.1@evil.example/cb", false},
		{"http://127.0.0.1:51234@evil.example/cb", false},
		{"https://127.0.0.1:51234/cb", false},
		{"HTTP://127.0.0.1:51234/cb", false},
		{"http://[::1]:51234/other", false},
		{"http://[0:0:0:0:0:0:0:1]:51234/cb", false},
		{"http://localhost:51234/cb", false}, // localhost is not an IP literal
		{"com.example.app:/cb/", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Match(registered, tt.uri); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}
