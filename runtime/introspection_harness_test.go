package runtime

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// itFlow mirrors the generated introspection flow with a fresh stub.
type itFlow struct{}

func (itFlow) Prepare(c *IntrospectionContext) (func(context.Context) (*IntrospectionResponse, error), error) {
	return c.Default, nil
}

// itFuncFlow calls proc instead of the default.
type itFuncFlow struct {
	proc func(ctx context.Context, c *IntrospectionContext) (*IntrospectionResponse, error)
}

func (f itFuncFlow) Prepare(c *IntrospectionContext) (func(context.Context) (*IntrospectionResponse, error), error) {
	return func(ctx context.Context) (*IntrospectionResponse, error) { return f.proc(ctx, c) }, nil
}

// rvFlow mirrors the generated revocation flow with a fresh stub.
type rvFlow struct{}

func (rvFlow) Prepare(c *RevocationContext) (func(context.Context) (*RevocationResponse, error), error) {
	return c.Default, nil
}

// itUsers knows alice's preferred username, for the username member.
func itUsers() *oidcUserStore {
	return &oidcUserStore{claims: map[string]UserClaims{"alice": {PreferredUsername: "alice.a"}}}
}

// itNewEnv is a test server with the introspection and revocation
// endpoints; edit, when set, adjusts its flows.
func itNewEnv(t testing.TB, edit func(fl *Flows), opts ...htOption) *htEnv {
	t.Helper()
	return itNewEnvConfig(t, func(_ *Config, fl *Flows) {
		if edit != nil {
			edit(fl)
		}
	}, opts...)
}

// itNewEnvConfig is itNewEnv whose edit, when set, adjusts its Config and
// flows.
func itNewEnvConfig(t testing.TB, edit htConfigOption, opts ...htOption) *htEnv {
	t.Helper()
	return htNewEnvConfig(t, func(cfg *Config, fl *Flows) {
		cfg.Users = itUsers()
		fl.Introspection = &Registration[IntrospectionContext, IntrospectionResponse]{ID: "oauth-introspect", Flow: itFlow{}}
		fl.Revocation = &Registration[RevocationContext, RevocationResponse]{ID: "oauth-revoke", Flow: rvFlow{}}
		if edit != nil {
			edit(cfg, fl)
		}
	}, opts...)
}

// introspect asks the introspection endpoint about token as the resource
// server rs, with the extra form parameters.
func (env *htEnv) introspect(t testing.TB, token string, extra ...string) *httptest.ResponseRecorder {
	t.Helper()
	return env.do(t, htRequest{path: "/oauth2/introspect", body: htForm(append([]string{"token", token}, extra...)...), basic: htBasic("rs", htConfSecret)})
}

// itMembers checks an introspection answer's status and headers and
// decodes its members.
func itMembers(t testing.TB, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("introspection: %d %q %q %s", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"), w.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("introspection body %q: %v", w.Body, err)
	}
	return m
}

// itWantInactive checks that the answer is exactly {"active":false}.
func itWantInactive(t testing.TB, w *httptest.ResponseRecorder) {
	t.Helper()
	if m := itMembers(t, w); len(m) != 1 || m["active"] != false {
		t.Errorf("introspection = %v, want exactly {\"active\":false}", m)
	}
}

// itActive reports whether introspection says the token is active.
func (env *htEnv) itActive(t testing.TB, token string) bool {
	t.Helper()
	return itMembers(t, env.introspect(t, token))["active"] == true
}

// revoke asks the revocation endpoint, as client id with the secret, to
// revoke token.
func (env *htEnv) revoke(t testing.TB, id, secret, token string, extra ...string) *httptest.ResponseRecorder {
	t.Helper()
	return env.do(t, htRequest{path: "/oauth2/revoke", body: htForm(append([]string{"token", token}, extra...)...), basic: htBasic(id, secret)})
}

// rvWantOK checks a revocation answer: 200, no body, no-store.
func rvWantOK(t testing.TB, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code != http.StatusOK || w.Body.Len() != 0 || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("revocation: %d %q body %q", w.Code, w.Header().Get("Cache-Control"), w.Body)
	}
}
