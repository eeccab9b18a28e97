package runtime

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestRouterMethods: every route of every enabled endpoint answers a
// method it does not serve with 405 and an Allow header listing exactly
// the ones it does (RFC 9110 §15.5.6), in the endpoint's own format: an
// OAuth error with no-store from the token and userinfo endpoints, a page
// from the authorization endpoint's, plain text from public documents.
func TestRouterMethods(t *testing.T) {
	t.Run("oidc", func(t *testing.T) {
		checkRoutes(t, oidcNewEnv(t, oidcConfig{authorize: true}).htEnv, "/oauth2/token", "/oauth2/jwks", "/oauth2/authorize",
			"/oauth2/authorize/login", "/oauth2/authorize/consent", "/oauth2/userinfo",
			"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")
	})
	t.Run("introspection and revocation", func(t *testing.T) {
		checkRoutes(t, itNewEnv(t, nil), "/oauth2/token", "/oauth2/jwks", "/oauth2/introspect", "/oauth2/revoke",
			"/.well-known/oauth-authorization-server")
	})
}

// checkRoutes checks that env serves exactly wantPaths, each answering the
// methods it does not serve as TestRouterMethods says.
func checkRoutes(t *testing.T, env *htEnv, wantPaths ...string) {
	var paths []string
	for p := range env.srv.router.routes {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	slices.Sort(wantPaths)
	if !slices.Equal(paths, wantPaths) {
		t.Fatalf("routes %v, want %v", paths, wantPaths)
	}
	for path, rte := range env.srv.router.routes {
		t.Run(path, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete} {
				if slices.Contains(rte.methods, method) {
					continue
				}
				w := env.do(t, htRequest{method: method, path: path})
				if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != strings.Join(rte.methods, ", ") {
					t.Errorf("%s: %d, Allow %q; want 405, Allow %q", method, w.Code, w.Header().Get("Allow"), strings.Join(rte.methods, ", "))
				}
				ct := w.Header().Get("Content-Type")
				switch path {
				case "/oauth2/token", "/oauth2/userinfo", "/oauth2/introspect", "/oauth2/revoke":
					if !strings.HasPrefix(ct, "application/json") || w.Header().Get("Cache-Control") != "no-store" {
						t.Errorf("%s: Content-Type %q, Cache-Control %q", method, ct, w.Header().Get("Cache-Control"))
					}
				case "/oauth2/authorize", "/oauth2/authorize/login", "/oauth2/authorize/consent":
					if !strings.HasPrefix(ct, "text/html") {
						t.Errorf("%s: Content-Type %q, want a page", method, ct)
					}
				default:
					if !strings.HasPrefix(ct, "text/plain") {
						t.Errorf("%s: Content-Type %q, want plain text", method, ct)
					}
				}
			}
		})
	}
}

// TestRouterExactPaths: the router serves exact paths only: no cleaning,
// no redirect to a path with or without a trailing slash, no case folding.
func TestRouterExactPaths(t *testing.T) {
	env := oidcNewEnv(t, oidcConfig{authorize: true})
	for _, path := range []string{"/", "/oauth2/token/", "//oauth2/token", "/oauth2/./token", "/OAUTH2/TOKEN",
		"/oauth2/jwks.json", "/oauth2/authorize/", "/oauth2/authorize/other", "/.well-known/openid-configuration/"} {
		if w := env.do(t, htRequest{method: http.MethodGet, path: path}); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
	}
	// Without the OpenID scope there is no OpenID configuration.
	plain := htNewEnv(t)
	if w := plain.do(t, htRequest{method: http.MethodGet, path: "/.well-known/openid-configuration"}); w.Code != http.StatusNotFound {
		t.Errorf("OpenID configuration of a plain OAuth server: %d", w.Code)
	}
}

// TestEndpointsAdvertise: every endpoint but the metadata's advertises its
// URL in the metadata document, and only enabled endpoints do.
func TestEndpointsAdvertise(t *testing.T) {
	md := oidcNewEnv(t, oidcConfig{authorize: true}).srv.Metadata()
	for name, got := range map[string]string{
		"token_endpoint": md.TokenEndpoint, "jwks_uri": md.JWKSURI,
		"authorization_endpoint": md.AuthorizationEndpoint, "userinfo_endpoint": md.UserInfoEndpoint,
	} {
		if !strings.HasPrefix(got, htIssuer+"/oauth2/") {
			t.Errorf("%s = %q", name, got)
		}
	}
	plain := htNewEnv(t).srv.Metadata()
	if plain.AuthorizationEndpoint != "" || plain.UserInfoEndpoint != "" || len(plain.SubjectTypesSupported) != 0 {
		t.Errorf("a plain OAuth server advertises %+v", plain)
	}
}

// TestCallerAuth: every endpoint is reached only by the callers it
// declares. One whose callers are clients answers a wrong client_secret in
// the Authorization header with 401 invalid_client and a Basic challenge
// (RFC 6749 §5.2); one whose callers hold a bearer token answers a request
// without one with 401 and a Bearer challenge (RFC 6750 §3.1).
func TestCallerAuth(t *testing.T) {
	envs := map[string]*htEnv{
		"oidc":                         oidcNewEnv(t, oidcConfig{authorize: true}).htEnv,
		"introspection and revocation": itNewEnv(t, nil),
	}
	seen := map[callerAuth]bool{}
	for name, env := range envs {
		for _, ep := range env.srv.endpoints {
			seen[ep.auth()] = true
			for _, rte := range ep.routes() {
				switch ep.auth() {
				case callerClient:
					w := env.do(t, htRequest{path: rte.path, body: htForm("grant_type", "client_credentials", "token", "x"), basic: htBasic("conf", "wrong")})
					if w.Code != http.StatusUnauthorized || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Basic ") {
						t.Errorf("%s %s: %d, WWW-Authenticate %q", name, rte.path, w.Code, w.Header().Get("WWW-Authenticate"))
					}
				case callerBearer:
					w := env.do(t, htRequest{method: http.MethodGet, path: rte.path})
					if w.Code != http.StatusUnauthorized || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
						t.Errorf("%s %s: %d, WWW-Authenticate %q", name, rte.path, w.Code, w.Header().Get("WWW-Authenticate"))
					}
				case callerNone:
					if w := env.do(t, htRequest{method: http.MethodGet, path: rte.path}); w.Code != http.StatusOK {
						t.Errorf("%s %s: %d, want 200 for anyone", name, rte.path, w.Code)
					}
				}
			}
		}
	}
	for _, c := range []callerAuth{callerNone, callerClient, callerBearer, callerSession} {
		if !seen[c] {
			t.Errorf("no endpoint with callers %d was tested", c)
		}
	}
}

// TestFavicon: a browser that opens any URL of the server, a JSON
// endpoint's too, asks for /favicon.ico at the root of the origin. The
// server answers 204 No Content, cacheable, for GET and HEAD, whatever the
// issuer's path, rather than a 404 on every visit; other methods are 405.
// A team that mounts its own icon in front of the Server is served it, and
// the icon is at the root only.
func TestFavicon(t *testing.T) {
	s := htSettings()
	s.Issuer = "http://127.0.0.1:8080/tenant"
	withPath, err := NewServer(Config{Clients: htClients(t)}, s, Flows{})
	if err != nil {
		t.Fatal(err)
	}
	servers := map[string]http.Handler{
		"oidc":             oidcNewEnv(t, oidcConfig{authorize: true}).srv,
		"plain":            htNewEnv(t).srv,
		"issuer with path": withPath,
	}
	for name, srv := range servers {
		t.Run(name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, httptest.NewRequest(method, "/favicon.ico", nil))
				if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
					t.Errorf("%s /favicon.ico: %d %q, want 204 and no body", method, w.Code, w.Body.String())
				}
				if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=86400" {
					t.Errorf("%s /favicon.ico: Cache-Control %q, want it cacheable", method, cc)
				}
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/favicon.ico", nil))
			if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("POST /favicon.ico: %d, Allow %q; want 405, Allow GET, HEAD", w.Code, w.Header().Get("Allow"))
			}
			for _, path := range []string{"/tenant/favicon.ico", "/oauth2/favicon.ico", "/favicon.ico/", "/FAVICON.ICO"} {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
				if w.Code != http.StatusNotFound {
					t.Errorf("GET %s: %d, want 404", path, w.Code)
				}
			}
		})
	}

	// A team's own icon, mounted in front of the server, wins.
	mux := http.NewServeMux()
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/x-icon")
		_, _ = w.Write([]byte("icon"))
	})
	mux.Handle("/", htNewEnv(t).srv)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/favicon.ico", nil))
	if w.Code != http.StatusOK || w.Body.String() != "icon" {
		t.Errorf("the team's icon: %d %q", w.Code, w.Body.String())
	}
}
