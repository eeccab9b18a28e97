package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/testclock"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

const tkChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" // RFC 7636 Appendix B

// tkCodeServer is a server with a confidential client (PKCE required), a
// public client and an exempt confidential client.
func tkCodeServer(t *testing.T) (*Server, *testclock.Clock, *MemoryStore) {
	s, clk, store := tkServer(t, oauth.AlgES256)
	s.clients = tkClients{
		"conf": {ID: "conf", RequirePKCE: true, GrantTypes: []oauth.GrantType{oauth.GrantAuthorizationCode},
			RedirectURIs: []string{"https://app.example/cb", "https://app.example/cb2"}, Scopes: oauth.ScopeSet{"read", "write"}, DefaultScopes: oauth.ScopeSet{"read"}},
		"pub": {ID: "pub", AuthMethod: oauth.AuthNone, GrantTypes: []oauth.GrantType{oauth.GrantAuthorizationCode},
			RedirectURIs: []string{"http://127.0.0.1/cb"}, Scopes: oauth.ScopeSet{"read"}},
		"exempt": {ID: "exempt", GrantTypes: []oauth.GrantType{oauth.GrantAuthorizationCode},
			RedirectURIs: []string{"https://exempt.example/cb"}},
		"cc": {ID: "cc", GrantTypes: []oauth.GrantType{oauth.GrantClientCredentials},
			RedirectURIs: []string{"https://cc.example/cb"}},
	}
	return s, clk, store
}

func tkCodeRequest() AuthorizationCode {
	return AuthorizationCode{
		ClientID:            "conf",
		RedirectURI:         "https://app.example/cb2",
		RedirectURIProvided: true,
		Scope:               oauth.ScopeSet{"read", "write"},
		Authentication:      Authentication{Subject: "alice", AuthTime: tkNow, AMR: []string{"pwd"}},
		Nonce:               "n1",
		CodeChallenge:       tkChallenge,
		CodeChallengeMethod: "S256",
		Resources:           []string{"https://api.example"},
		Data:                json.RawMessage(`{"k":1}`),
	}
}

func TestIssueAuthorizationCode(t *testing.T) {
	ctx := context.Background()
	s, _, store := tkCodeServer(t)
	req := tkCodeRequest()
	code, err := s.IssueAuthorizationCode(ctx, req)
	if err != nil {
		t.Fatalf("IssueAuthorizationCode: %v", err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(code.Reveal()); err != nil || len(raw) < 32 {
		t.Errorf("code decodes to %d bytes (%v), want ≥ 32", len(raw), err)
	}
	if strings.Contains(tkDump(store), code.Reveal()) {
		t.Error("the raw code appears in the store dump")
	}
	rec, res, err := store.ConsumeCode(ctx, tkSHA256(code.Reveal()))
	if err != nil || res != Consumed {
		t.Fatalf("ConsumeCode = %v, %v", res, err)
	}
	if rec.ClientID != "conf" || rec.RedirectURI != req.RedirectURI || !rec.RedirectURIProvided ||
		!rec.Scope.Equal(req.Scope) || rec.Authentication.Subject != "alice" || rec.Nonce != "n1" ||
		rec.CodeChallenge != tkChallenge || rec.CodeChallengeMethod != "S256" || len(rec.Resources) != 1 ||
		!rec.IssuedAt.Equal(tkNow) || !rec.ExpiresAt.Equal(tkNow.Add(60*time.Second)) || string(rec.Data) != `{"k":1}` {
		t.Errorf("stored code = %+v", rec)
	}
}

func TestIssueAuthorizationCodeDefaults(t *testing.T) {
	ctx := context.Background()
	consume := func(t *testing.T, store *MemoryStore, code Secret) AuthorizationCode {
		t.Helper()
		rec, res, err := store.ConsumeCode(ctx, tkSHA256(code.Reveal()))
		if err != nil || res != Consumed {
			t.Fatalf("ConsumeCode = %v, %v", res, err)
		}
		return rec
	}
	t.Run("single registered redirect URI, scope defaults", func(t *testing.T) {
		s, _, store := tkCodeServer(t)
		code, err := s.IssueAuthorizationCode(ctx, AuthorizationCode{
			ClientID: "pub", Authentication: Authentication{Subject: "alice"},
			CodeChallenge: tkChallenge, CodeChallengeMethod: "S256", ExpiresAt: tkNow.Add(5 * time.Minute),
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := consume(t, store, code)
		if rec.RedirectURI != "http://127.0.0.1/cb" || rec.RedirectURIProvided || !rec.ExpiresAt.Equal(tkNow.Add(5*time.Minute)) {
			t.Errorf("stored code = %+v", rec)
		}
	})
	t.Run("client default scopes", func(t *testing.T) {
		s, _, store := tkCodeServer(t)
		req := tkCodeRequest()
		req.Scope = nil
		code, err := s.IssueAuthorizationCode(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if rec := consume(t, store, code); !rec.Scope.Equal(oauth.ScopeSet{"read"}) {
			t.Errorf("scope = %v, want the client's default", rec.Scope)
		}
	})
	t.Run("exempt confidential client without PKCE", func(t *testing.T) {
		s, _, _ := tkCodeServer(t)
		_, err := s.IssueAuthorizationCode(ctx, AuthorizationCode{
			ClientID: "exempt", Authentication: Authentication{Subject: "alice"},
		})
		if err != nil {
			t.Errorf("IssueAuthorizationCode: %v", err)
		}
	})
	t.Run("flow CodeTTL", func(t *testing.T) {
		s, _, store := tkCodeServer(t)
		s.authorize = &Registration[AuthorizeContext, AuthorizeResponse]{Policy: TokenPolicy{CodeTTL: 2 * time.Minute}}
		code, err := s.IssueAuthorizationCode(ctx, tkCodeRequest())
		if err != nil {
			t.Fatal(err)
		}
		if rec := consume(t, store, code); !rec.ExpiresAt.Equal(tkNow.Add(2 * time.Minute)) {
			t.Errorf("ExpiresAt = %v, want now+2m", rec.ExpiresAt)
		}
	})
}

func TestIssueAuthorizationCodeErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*AuthorizationCode)
		code oauth.ErrorCode
	}{
		{"unknown client", func(r *AuthorizationCode) { r.ClientID = "nobody" }, oauth.ErrInvalidRequest},
		{"client without the grant", func(r *AuthorizationCode) {
			r.ClientID, r.RedirectURI = "cc", "https://cc.example/cb"
		}, oauth.ErrUnauthorizedClient},
		{"unregistered redirect URI", func(r *AuthorizationCode) { r.RedirectURI = "https://evil.example/cb" }, oauth.ErrInvalidRequest},
		{"redirect URI with a trailing slash", func(r *AuthorizationCode) { r.RedirectURI = "https://app.example/cb/" }, oauth.ErrInvalidRequest},
		{"redirect URI omitted, several registered", func(r *AuthorizationCode) {
			r.RedirectURI, r.RedirectURIProvided = "", false
		}, oauth.ErrInvalidRequest},
		{"scope not allowed", func(r *AuthorizationCode) { r.Scope = oauth.ScopeSet{"read", "admin"} }, oauth.ErrInvalidScope},
		{"public client without challenge", func(r *AuthorizationCode) {
			r.ClientID, r.RedirectURI, r.Scope = "pub", "http://127.0.0.1/cb", oauth.ScopeSet{"read"}
			r.CodeChallenge, r.CodeChallengeMethod = "", ""
		}, oauth.ErrInvalidRequest},
		{"confidential client requiring PKCE without challenge", func(r *AuthorizationCode) {
			r.CodeChallenge, r.CodeChallengeMethod = "", ""
		}, oauth.ErrInvalidRequest},
		{"method plain", func(r *AuthorizationCode) { r.CodeChallengeMethod = "plain" }, oauth.ErrInvalidRequest},
		{"method omitted", func(r *AuthorizationCode) { r.CodeChallengeMethod = "" }, oauth.ErrInvalidRequest},
		{"method lower case", func(r *AuthorizationCode) { r.CodeChallengeMethod = "s256" }, oauth.ErrInvalidRequest},
		{"method without challenge", func(r *AuthorizationCode) { r.CodeChallenge = "" }, oauth.ErrInvalidRequest},
		{"challenge of 42 characters", func(r *AuthorizationCode) { r.CodeChallenge = tkChallenge[:42] }, oauth.ErrInvalidRequest},
		{"challenge of 44 characters", func(r *AuthorizationCode) { r.CodeChallenge = tkChallenge + "A" }, oauth.ErrInvalidRequest},
		{"challenge with padding", func(r *AuthorizationCode) { r.CodeChallenge = tkChallenge[:42] + "=" }, oauth.ErrInvalidRequest},
		{"challenge with +", func(r *AuthorizationCode) { r.CodeChallenge = "+" + tkChallenge[1:] }, oauth.ErrInvalidRequest},
		{"lifetime over 10 minutes", func(r *AuthorizationCode) { r.ExpiresAt = tkNow.Add(10*time.Minute + time.Second) }, oauth.ErrServerError},
		{"expired", func(r *AuthorizationCode) { r.ExpiresAt = tkNow.Add(-time.Second) }, oauth.ErrServerError},
		{"no subject", func(r *AuthorizationCode) { r.Authentication.Subject = "" }, oauth.ErrServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, store := tkCodeServer(t)
			req := tkCodeRequest()
			tt.edit(&req)
			code, err := s.IssueAuthorizationCode(context.Background(), req)
			var e *oauth.Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("error = %v, want %s", err, tt.code)
			}
			if code != "" || len(store.codes) != 0 {
				t.Error("a code was issued")
			}
		})
	}
	t.Run("no client registry", func(t *testing.T) {
		s, _, _ := tkCodeServer(t)
		s.clients = nil
		_, err := s.IssueAuthorizationCode(context.Background(), tkCodeRequest())
		tkWantServerError(t, err)
	})
}
