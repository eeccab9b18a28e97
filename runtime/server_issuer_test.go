package runtime

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// TestConfigIssuerOverride: Config.Issuer replaces the spec's issuer
// everywhere the server states it, and is checked like it (http only on a
// loopback host).
func TestConfigIssuerOverride(t *testing.T) {
	srv, err := NewServer(Config{Clients: htClients(t), Issuer: "http://127.0.0.1:41234"}, htSettings(), Flows{})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/.well-known/oauth-authorization-server", nil))
	var md struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &md); err != nil {
		t.Fatalf("metadata: %v (%s)", err, w.Body)
	}
	if md.Issuer != "http://127.0.0.1:41234" || md.TokenEndpoint != "http://127.0.0.1:41234/oauth2/token" {
		t.Errorf("metadata issuer, token_endpoint = %q, %q; want the override", md.Issuer, md.TokenEndpoint)
	}
	if _, err := NewServer(Config{Clients: htClients(t), Issuer: "http://example.com"}, htSettings(), Flows{}); err == nil {
		t.Error("NewServer accepted the non-loopback http issuer override http://example.com")
	}
}
