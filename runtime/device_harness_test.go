package runtime

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The device flow's test server: the authorization test server (azNewEnv)
// with the device authorization flow and the device code token flow, and
// clients for them.

const (
	dvPath       = "/oauth2/device_authorization"
	dvVerifyPath = dvPath + "/verify"
)

// dvGrant is the device code flow's policy, as generated registrations
// spell it out.
var dvGrant = flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: flowkit.DeviceCodeCredential,
	Scope: flowkit.ScopeFromGrant, Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}

// dvEnable enables the device flow on an azNewEnv server.
func dvEnable(s *Settings, _ *Config) {
	s.Paths[deviceEndpointID] = dvPath
	s.Scopes = append(s.Scopes, ScopeInfo{Name: "openid"}, ScopeInfo{Name: "offline_access"})
}

// dvAddFlows adds the device flows and their clients: tv (public), tvc
// (confidential) and tvother (public, another device client).
func dvAddFlows(env *azEnv, fl *Flows) {
	fl.Token = append(fl.Token, Registration[TokenContext, TokenResponse]{
		ID: "oauth-token-device-code", Wire: string(oauth.GrantDeviceCode), Policy: htPolicy(), Grant: dvGrant, Flow: htDefaultFlow{}})
	fl.DeviceAuthorization = &Registration[DeviceAuthorizationContext, DeviceAuthorizationResponse]{
		ID: "oauth-device-authorization", Policy: htPolicy(), Flow: dvFlow{env}}
}

// dvClients adds the device clients to a registry.
func dvClients(c azClients) {
	for _, id := range []string{"tv", "tvc", "tvother"} {
		cl := azClient(id, id != "tvc")
		cl.Name = "Living Room TV"
		cl.GrantTypes = []oauth.GrantType{oauth.GrantDeviceCode, oauth.GrantRefreshToken}
		cl.Scopes = oauth.ScopeSet{"openid", "offline_access", "read", "write"}
		c[id] = cl
	}
}

// setDeviceHook makes the device authorization flow run hook instead of
// the default procedure (nil for the default).
func (env *azEnv) setDeviceHook(hook func(ctx context.Context, c *DeviceAuthorizationContext) (*DeviceAuthorizationResponse, error)) {
	env.mu.Lock()
	defer env.mu.Unlock()
	env.deviceHook = hook
}

// dvFlow mirrors the generated device authorization flow: a team property
// (room must not be "bad"), then the hook or the default procedure.
type dvFlow struct{ env *azEnv }

func (f dvFlow) Prepare(c *DeviceAuthorizationContext) (func(context.Context) (*DeviceAuthorizationResponse, error), error) {
	if c.Param("room") == "bad" {
		return nil, flowkit.InvalidParameter("room", errInvalidRoom)
	}
	f.env.mu.Lock()
	hook := f.env.deviceHook
	f.env.mu.Unlock()
	if hook != nil {
		return func(ctx context.Context) (*DeviceAuthorizationResponse, error) { return hook(ctx, c) }, nil
	}
	return c.Default, nil
}

var errInvalidRoom = &oauth.Error{Code: oauth.ErrInvalidRequest, Description: "room is invalid"}

// dvNewEnv is the test server with the device flow.
func dvNewEnv(t *testing.T, opts ...azOption) *azEnv {
	t.Helper()
	return azNewEnv(t, append([]azOption{dvEnable, func(_ *Settings, c *Config) {
		dvClients(c.Clients.(azClients))
		c.Keys = oidcKeys(t, oauth.AlgRS256)
	}}, opts...)...)
}

// dvStarted is a device authorization response.
type dvStarted struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int64  `json:"expires_in"`
	Interval                int64  `json:"interval"`
	Error                   string `json:"error"`
}

// dvPost sends a form to a path of the server, as client id with secret
// (Basic) when secret is set.
func (env *azEnv) dvPost(path string, form url.Values, id, secret string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if secret != "" {
		req.SetBasicAuth(id, secret)
	}
	w := httptest.NewRecorder()
	env.srv.ServeHTTP(w, req)
	return w
}

// dvStart starts a device authorization of the public client id with the
// form kv, and checks the success response (RFC 8628 §3.2).
func (env *azEnv) dvStart(t *testing.T, id string, kv ...string) dvStarted {
	t.Helper()
	form := url.Values{"client_id": {id}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	w := env.dvPost(dvPath, form, "", "")
	if w.Code != http.StatusOK {
		t.Fatalf("device authorization: %d %s", w.Code, w.Body)
	}
	htWantNoStore(t, w)
	var d dvStarted
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// dvUserCode is the shape of a shown user code (RFC 8628 §6.1).
var dvUserCode = regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`)

// dvPoll polls the token endpoint as the public client id.
func (env *azEnv) dvPoll(t *testing.T, id, deviceCode string) htTokenBody {
	t.Helper()
	w := env.dvPost("/oauth2/token", url.Values{"grant_type": {string(oauth.GrantDeviceCode)}, "device_code": {deviceCode}, "client_id": {id}}, "", "")
	return htDecode(t, w)
}

// dvApprove runs the verification page as alice in browser b: the code
// form (pre-filled from verification_uri_complete), the login, the
// consent with decision; it returns the result page.
func (b *azBrowser) dvApprove(d dvStarted, decision string) azResponse {
	b.t.Helper()
	u, err := url.Parse(d.VerificationURIComplete)
	if err != nil {
		b.t.Fatal(err)
	}
	r := b.get(u.RequestURI())
	azWantPage(b.t, r, "Connect a device")
	if !strings.Contains(r.body, `value="`+d.UserCode+`"`) {
		b.t.Fatalf("the code form is not pre-filled with %s:\n%s", d.UserCode, r.body)
	}
	r = b.dvSubmitCode(r, d.UserCode)
	if r.status == http.StatusOK && strings.Contains(r.body, "Sign in") {
		r = b.dvLogin(r, "alice", azAlicePass)
	}
	return b.dvConsent(r, decision)
}

// dvSubmitCode posts the code form of page r with code.
func (b *azBrowser) dvSubmitCode(r azResponse, code string) azResponse {
	b.t.Helper()
	id, csrf := azFormFields(b.t, r)
	return b.post(dvVerifyPath, url.Values{"interaction": {id}, "csrf": {csrf}, "user_code": {code}})
}

// dvLogin posts the login form of page r.
func (b *azBrowser) dvLogin(r azResponse, username, password string) azResponse {
	b.t.Helper()
	azWantPage(b.t, r, "Sign in")
	id, csrf := azFormFields(b.t, r)
	return b.post(dvVerifyPath+"/login", url.Values{"interaction": {id}, "csrf": {csrf}, "username": {username}, "password": {password}})
}

// dvConsent follows the 303 r to the consent page and submits decision.
func (b *azBrowser) dvConsent(r azResponse, decision string) azResponse {
	b.t.Helper()
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, dvVerifyPath+"/consent?") {
		b.t.Fatalf("want a 303 to the consent page, got %d %q\n%s", r.status, loc, r.body)
	}
	r = b.get(loc)
	azWantPage(b.t, r, "Allow")
	id, csrf := azFormFields(b.t, r)
	return b.post(dvVerifyPath+"/consent", url.Values{"interaction": {id}, "csrf": {csrf}, "decision": {decision}})
}

// htWantNoStore checks the headers of a response that carries secrets
// (RFC 6749 §5.1; RFC 8628 §3.2).
func htWantNoStore(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	for k, want := range map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"} {
		if got := w.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// dvWantError checks an OAuth error answer: status, code, no-store.
func dvWantError(t *testing.T, w *httptest.ResponseRecorder, status int, code oauth.ErrorCode) {
	t.Helper()
	htWantNoStore(t, w)
	var body struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != status || body.Error != string(code) {
		t.Errorf("got %d %s, want %d %s", w.Code, w.Body, status, code)
	}
}

// htJWTClaims decodes a JWT's payload without verifying it.
func htJWTClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err == nil {
		err = json.Unmarshal(b, &claims)
	}
	if err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	return claims
}

// dvEntries counts the device authorizations the store holds.
func (env *azEnv) dvEntries() int {
	return env.store.states.table(statens.Device).Len()
}
