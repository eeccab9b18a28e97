package generated

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime/oauth"

	"github.com/golang-jwt/jwt/v5"
)

// The flow oauth-token-client-credentials through the generated
// clientCredentialsFlow and the procedure in client_credentials.go.

// correlationID is a valid X-Correlation-ID (a UUID).
const correlationID = "123e4567-e89b-12d3-a456-426614174000"

// ccRequest sends a client_credentials request for svc with extra form
// parameters kv and the optional header h.
func (e *env) ccRequest(t testing.TB, h http.Header, kv ...string) result {
	t.Helper()
	return e.do(t, call{basic: creds(svcID, svcSecret), header: h,
		body: form(append([]string{"grant_type", "client_credentials"}, kv...)...)})
}

// TestClientCredentialsSuccess: a confidential client gets an RFC 9068 JWT
// access token that verifies with the published JWKS, with every required
// claim, scope as one string, no refresh token (RFC 6749 §4.4.3; RFC 9068
// §2.1, §2.2).
func TestClientCredentialsSuccess(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, client string
		c            call
		aud          string
	}{
		{"basic", svcID, call{basic: creds(svcID, svcSecret), body: form("grant_type", "client_credentials", "scope", "read write")}, "https://api.example"},
		{"post", postID, call{body: form("grant_type", "client_credentials", "scope", "read write", "client_id", postID, "client_secret", postSecret)}, specIssuer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := wantToken(t, e.do(t, tt.c))
			if tok.Scope != "read write" || tok.ExpiresIn != 600 || tok.RefreshToken != "" {
				t.Errorf("scope %q expires_in %d refresh_token %q; want \"read write\", 600, none", tok.Scope, tok.ExpiresIn, tok.RefreshToken)
			}
			for name := range tok.Raw {
				switch name {
				case "access_token", "token_type", "expires_in", "scope":
				default:
					t.Errorf("unexpected response member %q", name)
				}
			}
			header, claims := e.verifyAccessJWT(t, tok.AccessToken)
			if header["alg"] != "ES256" || header["kid"] == "" {
				t.Errorf("header %v: want alg ES256 and a kid", header)
			}
			iat, exp := numClaim(claims, "iat"), numClaim(claims, "exp")
			want := map[string]any{
				"iss": specIssuer, "sub": tt.client, "client_id": tt.client, "aud": tt.aud, "scope": "read write",
			}
			for k, v := range want {
				if claims[k] != v {
					t.Errorf("claim %s = %#v, want %#v", k, claims[k], v)
				}
			}
			if iat != jsonInt(testStart.Unix()) || exp != jsonInt(testStart.Add(10*time.Minute).Unix()) {
				t.Errorf("iat %s exp %s, want %d and %d", iat, exp, testStart.Unix(), testStart.Add(10*time.Minute).Unix())
			}
			if jti, _ := claims["jti"].(string); len(jti) < 16 {
				t.Errorf("jti %q: want a random id", jti)
			}
			for _, c := range []string{"tenant", "max_items", "dry_run", "ratio", "tags", "callback", "correlation_id"} {
				if _, ok := claims[c]; ok {
					t.Errorf("claim %q present although the property was not sent", c)
				}
			}
			if !e.active(t, tok.AccessToken) {
				t.Error("the server does not consider its new token active")
			}
		})
	}
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestClientCredentialsPublicClientRefused: a public client cannot use the
// grant: it cannot authenticate (RFC 6749 §4.4), so invalid_client, 400
// because no Authorization header was used (RFC 6749 §5.2).
func TestClientCredentialsPublicClientRefused(t *testing.T) {
	e := newEnv(t, nil)
	r := e.token(t, nil, "grant_type", "client_credentials", "client_id", spaID, "scope", "read")
	wantError(t, r, http.StatusBadRequest, oauth.ErrInvalidClient, "public")
}

// TestClientCredentialsProperties: every team property of the reference
// spec arrives in the context parsed into its Go type: the procedure copies
// them into the token, so the claims show the types.
func TestClientCredentialsProperties(t *testing.T) {
	e := newEnv(t, nil)
	r := e.ccRequest(t, http.Header{"X-Correlation-Id": {correlationID}},
		"scope", "read",
		"tenant", "acme",
		"max_items", "250",
		"dry_run", "true",
		"ratio", "0.25",
		"lifetime", "30s",
		"tags", "alpha  beta ",
		"callback", "https://usage.example/report?x=1&y=2",
	)
	tok := wantToken(t, r)
	_, claims := e.verifyAccessJWT(t, tok.AccessToken)
	if claims["tenant"] != "acme" {
		t.Errorf("tenant = %#v", claims["tenant"])
	}
	if got := numClaim(claims, "max_items"); got != "250" {
		t.Errorf("max_items = %#v, want the JSON number 250", claims["max_items"])
	}
	if claims["dry_run"] != true {
		t.Errorf("dry_run = %#v, want the JSON true", claims["dry_run"])
	}
	if got := numClaim(claims, "ratio"); got != "0.25" {
		t.Errorf("ratio = %#v, want the JSON number 0.25", claims["ratio"])
	}
	if tags, _ := claims["tags"].([]any); len(tags) != 2 || tags[0] != "alpha" || tags[1] != "beta" {
		t.Errorf("tags = %#v, want [alpha beta]", claims["tags"])
	}
	if claims["callback"] != "https://usage.example/report?x=1&y=2" {
		t.Errorf("callback = %#v", claims["callback"])
	}
	if claims["correlation_id"] != correlationID {
		t.Errorf("correlation_id = %#v, want the header's value", claims["correlation_id"])
	}
	// lifetime (a time.Duration) shortened the token: in the JWT and in expires_in.
	if iat, exp := numClaim(claims, "iat"), numClaim(claims, "exp"); exp != jsonInt(testStart.Add(30*time.Second).Unix()) || iat != jsonInt(testStart.Unix()) {
		t.Errorf("iat %s exp %s: want a 30 s token", iat, exp)
	}
	if tok.ExpiresIn != 30 {
		t.Errorf("expires_in = %d, want 30", tok.ExpiresIn)
	}
	// dry_run also reaches the response through Extra (RFC 6749 §5.1 allows members).
	if tok.Raw["dry_run"] != true {
		t.Errorf("response dry_run = %#v, want true", tok.Raw["dry_run"])
	}
}

// TestClientCredentialsPropertyValues: edge values of each property parse
// and pass their rules (the bounds are inclusive where the spec says so).
func TestClientCredentialsPropertyValues(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name  string
		kv    []string
		check func(t *testing.T, c jwt.MapClaims, tok tokenResp)
	}{
		{"dry_run 1", []string{"dry_run", "1"}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if c["dry_run"] != true {
				t.Errorf("dry_run = %#v", c["dry_run"])
			}
		}},
		{"dry_run false", []string{"dry_run", "false"}, func(t *testing.T, c jwt.MapClaims, tok tokenResp) {
			if _, ok := c["dry_run"]; ok || tok.Raw["dry_run"] != nil {
				t.Errorf("dry_run=false reached the token or the response")
			}
		}},
		{"max_items lower bound", []string{"max_items", "1"}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if numClaim(c, "max_items") != "1" {
				t.Errorf("max_items = %#v", c["max_items"])
			}
		}},
		{"max_items upper bound", []string{"max_items", "1000"}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if numClaim(c, "max_items") != "1000" {
				t.Errorf("max_items = %#v", c["max_items"])
			}
		}},
		{"ratio upper bound", []string{"ratio", "1"}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if numClaim(c, "ratio") != "1" {
				t.Errorf("ratio = %#v", c["ratio"])
			}
		}},
		{"ratio exponent", []string{"ratio", "5e-1"}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if numClaim(c, "ratio") != "0.5" {
				t.Errorf("ratio = %#v", c["ratio"])
			}
		}},
		{"lifetime upper bound", []string{"lifetime", "1h"}, func(t *testing.T, _ jwt.MapClaims, tok tokenResp) {
			if tok.ExpiresIn != 600 { // 1h is not shorter than the spec's 10m
				t.Errorf("expires_in = %d, want 600", tok.ExpiresIn)
			}
		}},
		{"lifetime compound", []string{"lifetime", "1m30s"}, func(t *testing.T, _ jwt.MapClaims, tok tokenResp) {
			if tok.ExpiresIn != 90 {
				t.Errorf("expires_in = %d, want 90", tok.ExpiresIn)
			}
		}},
		{"five tags", []string{"tags", "a b c d e"}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if tags, _ := c["tags"].([]any); len(tags) != 5 {
				t.Errorf("tags = %#v", c["tags"])
			}
		}},
		{"tenant of 32", []string{"tenant", strings.Repeat("t", 32)}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if c["tenant"] != strings.Repeat("t", 32) {
				t.Errorf("tenant = %#v", c["tenant"])
			}
		}},
		{"callback with port and path", []string{"callback", "http://localhost:8443/usage"}, func(t *testing.T, c jwt.MapClaims, _ tokenResp) {
			if c["callback"] != "http://localhost:8443/usage" {
				t.Errorf("callback = %#v", c["callback"])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := wantToken(t, e.ccRequest(t, nil, tt.kv...))
			_, claims := e.verifyAccessJWT(t, tok.AccessToken)
			tt.check(t, claims, tok)
		})
	}
}

// TestClientCredentialsPropertyErrors: a value that does not parse into its
// type, or breaks a validate rule of the spec, is invalid_request naming the
// parameter (RFC 6749 §5.2), and the procedure never runs (tenant=boom would
// panic).
func TestClientCredentialsPropertyErrors(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, param, value, desc string
		proc                     bool // the procedure's check, not the generated code's
	}{
		// Parse failures: the generated strconv / time / url calls.
		{"max_items not a number", "max_items", "many", "parameter 'max_items' is invalid", false},
		{"max_items fraction", "max_items", "1.5", "parameter 'max_items' is invalid", false},
		{"max_items overflow", "max_items", "99999999999999999999", "parameter 'max_items' is invalid", false},
		{"dry_run not a bool", "dry_run", "maybe", "parameter 'dry_run' is invalid", false},
		{"ratio not a number", "ratio", "half", "parameter 'ratio' is invalid", false},
		{"ratio hex", "ratio", "0x1p-2x", "parameter 'ratio' is invalid", false},
		{"lifetime no unit", "lifetime", "30", "parameter 'lifetime' is invalid", false},
		{"lifetime not a duration", "lifetime", "forever", "parameter 'lifetime' is invalid", false},
		{"callback relative", "callback", "/usage", "parameter 'callback' is invalid", false},
		{"callback with fragment", "callback", "https://usage.example/r#frag", "parameter 'callback' is invalid", false},
		{"callback bad escape", "callback", "https://usage.example/%zz", "parameter 'callback' is invalid", false},
		{"callback no scheme", "callback", "usage.example", "parameter 'callback' is invalid", false},
		// Validate rules of the spec.
		{"tenant alphanum", "tenant", "ac-me", "parameter 'tenant' is invalid: must satisfy alphanum", false},
		{"tenant max", "tenant", strings.Repeat("t", 33), "parameter 'tenant' is invalid: must satisfy max=32", false},
		{"max_items min", "max_items", "-1", "parameter 'max_items' is invalid: must satisfy min=1", false},
		{"max_items max", "max_items", "1001", "parameter 'max_items' is invalid: must satisfy max=1000", false},
		{"ratio gt", "ratio", "-0.5", "parameter 'ratio' is invalid: must satisfy gt=0", false},
		{"ratio lte", "ratio", "1.0001", "parameter 'ratio' is invalid: must satisfy lte=1", false},
		{"ratio NaN", "ratio", "NaN", "parameter 'ratio' is invalid", false},
		{"ratio Inf", "ratio", "Inf", "parameter 'ratio' is invalid", false},
		{"lifetime max", "lifetime", "61m", "parameter 'lifetime' is invalid: must satisfy max=1h", false},
		{"tags max", "tags", "a b c d e f", "parameter 'tags' is invalid: must satisfy max=5", false},
		{"tags dive alphanum", "tags", "ok not-ok", "parameter 'tags[1]' is invalid: must satisfy alphanum", false},
		// The procedure's own check (the spec bounds lifetime above only).
		{"lifetime negative", "lifetime", "-5m", "parameter 'lifetime' must be positive", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kv := []string{tt.param, tt.value}
			if tt.param != "tenant" && !tt.proc {
				kv = append(kv, "tenant", "boom") // the procedure would panic if it ran
			}
			wantError(t, e.ccRequest(t, nil, kv...), http.StatusBadRequest, oauth.ErrInvalidRequest, tt.desc)
		})
	}
}

// TestClientCredentialsHeaderProperty: the header-sourced correlation_id is
// validated (uuid) and a repeated header is invalid_request, like a
// repeated parameter (RFC 6749 §3.2).
func TestClientCredentialsHeaderProperty(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name string
		h    http.Header
		desc string
	}{
		{"not a uuid", http.Header{"X-Correlation-Id": {"req-42"}}, "parameter 'X-Correlation-ID' is invalid: must satisfy uuid"},
		{"repeated", http.Header{"X-Correlation-Id": {correlationID, correlationID}}, "header 'X-Correlation-ID' is repeated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.ccRequest(t, tt.h), http.StatusBadRequest, oauth.ErrInvalidRequest, tt.desc)
		})
	}
	// Absent is fine, and the claim is absent too.
	tok := wantToken(t, e.ccRequest(t, nil))
	if _, claims := e.verifyAccessJWT(t, tok.AccessToken); claims["correlation_id"] != nil {
		t.Errorf("correlation_id = %#v without the header", claims["correlation_id"])
	}
}

// TestClientCredentialsProcedureErrors: the procedure's typed error
// (c.Errors.UnauthorizedClient) reaches the client with its code; a plain
// error is 500 server_error with no detail; a panic is 500 server_error and
// the next request succeeds.
func TestClientCredentialsProcedureErrors(t *testing.T) {
	e := newEnv(t, nil)

	wantError(t, e.ccRequest(t, nil, "tenant", "blocked"), http.StatusBadRequest, oauth.ErrUnauthorizedClient, "tenant 'blocked'")

	for _, tenant := range []string{"dbdown", "boom"} {
		r := e.ccRequest(t, nil, "tenant", tenant)
		wantError(t, r, http.StatusInternalServerError, oauth.ErrServerError, "")
		if string(r.raw) != `{"error":"server_error"}` {
			t.Errorf("tenant %s: body %s, want exactly {\"error\":\"server_error\"}", tenant, r.raw)
		}
		// The process keeps serving.
		tok := wantToken(t, e.ccRequest(t, nil, "tenant", "acme"))
		if _, claims := e.verifyAccessJWT(t, tok.AccessToken); claims["tenant"] != "acme" {
			t.Errorf("after %s: tenant = %#v", tenant, claims["tenant"])
		}
	}
	// The causes are in the log, for the operator.
	logs := e.logs.String()
	for _, want := range []string{"connection refused", "tenant directory exploded"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
}
