package contract_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/contract"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// procedure is a token procedure: Default, with a change before or after;
// with issue, IssueDefaults, skipping Default's own refusals.
type procedure struct {
	before func(*runtime.TokenContext)
	after  func(*runtime.TokenResponse)
	issue  bool
}

func (p procedure) Prepare(t *runtime.TokenContext) (func(context.Context) (*runtime.TokenResponse, error), error) {
	return func(ctx context.Context) (*runtime.TokenResponse, error) {
		if p.before != nil {
			p.before(t)
		}
		run := t.Default
		if p.issue {
			run = t.IssueDefaults
		}
		resp, err := run(ctx)
		if err == nil && p.after != nil {
			p.after(resp)
		}
		return resp, err
	}, nil
}

// suite is a machine-to-machine server whose client_credentials procedure
// is p.
func suite(p procedure) contract.Suite {
	return contract.Suite{
		Settings: runtime.Settings{
			Issuer:      "http://127.0.0.1:8080",
			AuthMethods: []string{"client_secret_basic", "client_secret_post"},
			Scopes:      []runtime.ScopeInfo{{Name: "read"}, {Name: "write"}, {Name: "admin"}},
		},
		Flows: runtime.Flows{Token: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{{
			ID:     "oauth-token-client-credentials",
			Wire:   "client_credentials",
			Policy: runtime.TokenPolicy{AccessFormat: runtime.FormatOpaque, AccessTTL: 10 * time.Minute},
			Grant: flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.ClientCredential,
				Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.NoEndUser},
			Flow: p,
		}}},
	}
}

// signInSuite is a sign-in server: the code flow through the login and
// consent pages, refresh tokens, userinfo; code is its token procedure
// for codes, info its userinfo procedure.
func signInSuite(code procedure, info userInfo) contract.Suite {
	user := runtime.TokenPolicy{AccessFormat: runtime.FormatJWT, AccessTTL: 10 * time.Minute, IssueRefresh: true, RotateRefresh: true,
		RefreshTTL: 24 * time.Hour, RefreshIdleTTL: time.Hour, CodeTTL: time.Minute}
	grant := func(c flowkit.Credential) flowkit.GrantPolicy {
		return flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: c, Scope: flowkit.ScopeFromGrant,
			Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}
	}
	return contract.Suite{
		Settings: runtime.Settings{
			Issuer:      "http://127.0.0.1:8080",
			AuthMethods: []string{"client_secret_basic", "none"},
			Scopes:      []runtime.ScopeInfo{{Name: "openid"}, {Name: "offline_access"}, {Name: "read"}, {Name: "write"}},
			RequirePKCE: true,
		},
		Flows: runtime.Flows{
			Token: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{
				{ID: "oauth-token-authorization-code", Wire: "authorization_code", Policy: user, Grant: grant(flowkit.CodeCredential), Flow: code},
				{ID: "oauth-token-refresh", Wire: "refresh_token", Policy: user, Grant: grant(flowkit.RefreshCredential), Flow: procedure{}},
			},
			Authorize: &runtime.Registration[runtime.AuthorizeContext, runtime.AuthorizeResponse]{ID: "oauth-authorize-authorization-code", Wire: "code",
				Policy: runtime.TokenPolicy{CodeTTL: time.Minute}, Flow: authorize{}},
			UserInfo: &runtime.Registration[runtime.UserInfoContext, runtime.UserInfoResponse]{ID: "openid-userinfo", Flow: info},
		},
	}
}

// passwordSuite is a server of the password grant (RFC 6749 §4.3) with
// OpenID Connect and refresh tokens, and no authorization endpoint; p is
// its password procedure.
func passwordSuite(p procedure) contract.Suite {
	user := runtime.TokenPolicy{AccessFormat: runtime.FormatJWT, AccessTTL: 10 * time.Minute, IssueRefresh: true, RotateRefresh: true,
		RefreshTTL: 24 * time.Hour, RefreshIdleTTL: time.Hour}
	return contract.Suite{
		Settings: runtime.Settings{
			Issuer:      "http://127.0.0.1:8080",
			AuthMethods: []string{"client_secret_basic", "client_secret_post"},
			Scopes:      []runtime.ScopeInfo{{Name: "openid"}, {Name: "read"}, {Name: "write"}},
		},
		Flows: runtime.Flows{Token: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{
			{ID: "oauth-token-password", Wire: "password", Policy: user, Flow: p, Grant: flowkit.GrantPolicy{
				Clients: flowkit.ConfidentialClients, Credential: flowkit.PasswordCredential, Scope: flowkit.ScopeFromRequest,
				Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfCredential}},
			{ID: "oauth-token-refresh", Wire: "refresh_token", Policy: user, Flow: procedure{}, Grant: flowkit.GrantPolicy{
				Clients: flowkit.AnyClients, Credential: flowkit.RefreshCredential, Scope: flowkit.ScopeFromGrant,
				Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}},
		}},
	}
}

// jwtBearerSuite is a server of the JWT bearer grant (RFC 7523 §2.1) with
// OpenID Connect; p is its procedure. Its trusted issuer's key is nobody's:
// the suite trusts its own issuer in its place.
func jwtBearerSuite(p procedure) contract.Suite {
	return contract.Suite{
		Settings: runtime.Settings{
			Issuer:      "http://127.0.0.1:8080",
			AuthMethods: []string{"client_secret_basic"},
			Scopes:      []runtime.ScopeInfo{{Name: "openid"}, {Name: "read"}, {Name: "write"}},
		},
		Flows: runtime.Flows{Token: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{
			{ID: "oauth-token-jwt-bearer", Wire: string(oauth.GrantJWTBearer), Flow: p,
				Policy: runtime.TokenPolicy{AccessFormat: runtime.FormatJWT, AccessTTL: 10 * time.Minute},
				Grant: flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.AssertionCredential,
					Scope: flowkit.ScopeFromRequest, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfCredential},
				TrustedIssuers: []flowkit.TrustedIssuer{{Issuer: "https://idp.example.com", JWKSURI: "https://idp.example.com/jwks"}}},
		}},
	}
}

// exchangeSuite is a machine-to-machine server with token exchange
// (RFC 8693): the clients' own tokens are the subject and actor tokens; p
// is its exchange procedure.
func exchangeSuite(p procedure) contract.Suite {
	s := suite(procedure{})
	s.Flows.Token = append(s.Flows.Token, runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{
		ID: "oauth-token-oauth-token-exchange", Wire: string(oauth.GrantTokenExchange), Flow: p,
		Policy: runtime.TokenPolicy{AccessFormat: runtime.FormatJWT, AccessTTL: 10 * time.Minute},
		Grant: flowkit.GrantPolicy{Clients: flowkit.ConfidentialClients, Credential: flowkit.SubjectTokenCredential,
			Scope: flowkit.ScopeFromGrant, Resources: flowkit.ResourcesFromRequest, EndUser: flowkit.EndUserOfCredential},
	})
	return s
}

// deviceSuite is a server of the device authorization grant (RFC 8628)
// with OpenID Connect and refresh tokens, and no authorization endpoint;
// p is its device code procedure.
func deviceSuite(p procedure) contract.Suite {
	user := runtime.TokenPolicy{AccessFormat: runtime.FormatJWT, AccessTTL: 10 * time.Minute, IssueRefresh: true, RotateRefresh: true,
		RefreshTTL: 24 * time.Hour, RefreshIdleTTL: time.Hour}
	grant := func(c flowkit.Credential) flowkit.GrantPolicy {
		return flowkit.GrantPolicy{Clients: flowkit.AnyClients, Credential: c, Scope: flowkit.ScopeFromGrant,
			Resources: flowkit.ResourcesFromGrant, EndUser: flowkit.EndUserOfGrant}
	}
	return contract.Suite{
		Settings: runtime.Settings{
			Issuer:      "http://127.0.0.1:8080",
			AuthMethods: []string{"client_secret_basic", "none"},
			Scopes:      []runtime.ScopeInfo{{Name: "openid"}, {Name: "offline_access"}, {Name: "read"}, {Name: "write"}, {Name: "admin"}},
		},
		Flows: runtime.Flows{
			Token: []runtime.Registration[runtime.TokenContext, runtime.TokenResponse]{
				{ID: "oauth-token-device-code", Wire: string(oauth.GrantDeviceCode), Policy: user, Grant: grant(flowkit.DeviceCodeCredential), Flow: p},
				{ID: "oauth-token-refresh", Wire: "refresh_token", Policy: user, Grant: grant(flowkit.RefreshCredential), Flow: procedure{}},
			},
			DeviceAuthorization: &runtime.Registration[runtime.DeviceAuthorizationContext, runtime.DeviceAuthorizationResponse]{
				ID: "oauth-device-authorization", Flow: deviceAuthorization{}},
		},
	}
}

// deviceAuthorization is the default device authorization procedure.
type deviceAuthorization struct{}

func (deviceAuthorization) Prepare(c *runtime.DeviceAuthorizationContext) (func(context.Context) (*runtime.DeviceAuthorizationResponse, error), error) {
	return c.Default, nil
}

// authorize is the default authorization procedure.
type authorize struct{}

func (authorize) Prepare(a *runtime.AuthorizeContext) (func(context.Context) (*runtime.AuthorizeResponse, error), error) {
	return a.Default, nil
}

// introspect and revoke are the default introspection and revocation
// procedures.
type (
	introspect struct{}
	revoke     struct{}
)

func (introspect) Prepare(c *runtime.IntrospectionContext) (func(context.Context) (*runtime.IntrospectionResponse, error), error) {
	return c.Default, nil
}

func (revoke) Prepare(c *runtime.RevocationContext) (func(context.Context) (*runtime.RevocationResponse, error), error) {
	return c.Default, nil
}

// userInfo is the default userinfo procedure.
type userInfo struct{}

func (userInfo) Prepare(c *runtime.UserInfoContext) (func(context.Context) (*runtime.UserInfoResponse, error), error) {
	return c.Default, nil
}

// endSession is an end-session procedure: Default, with a change of its
// response after, or nothing at all when skip is set.
type endSession struct {
	after func(*runtime.EndSessionResponse)
	skip  bool
}

func (e endSession) Prepare(c *runtime.EndSessionContext) (func(context.Context) (*runtime.EndSessionResponse, error), error) {
	return func(ctx context.Context) (*runtime.EndSessionResponse, error) {
		if e.skip { // the redirect, without ending the session
			return &runtime.EndSessionResponse{PostLogoutRedirectURI: c.PostLogoutRedirectURI, State: c.State}, nil
		}
		resp, err := c.Default(ctx)
		if err == nil && e.after != nil {
			e.after(resp)
		}
		return resp, err
	}, nil
}

// logoutSuite is signInSuite with the end-session flow whose procedure is e.
func logoutSuite(e endSession) func(procedure) contract.Suite {
	return func(p procedure) contract.Suite {
		s := signInSuite(p, userInfo{})
		s.Flows.EndSession = &runtime.Registration[runtime.EndSessionContext, runtime.EndSessionResponse]{ID: "openid-end-session", Flow: e}
		return s
	}
}

// broken are procedures that each break one rule, with what the suite
// says about it. (A procedure cannot drop sub, change token_type or
// expires_in, or answer userinfo for another user: the runtime sets or
// refuses those whatever the procedure does.)
var broken = map[string]struct {
	p    procedure
	want string
	// suite builds the suite from p; nil means suite.
	suite func(procedure) contract.Suite
}{
	"scope_the_client_may_not_have": {
		procedure{after: func(r *runtime.TokenResponse) { r.Scope = append(r.Scope, "admin") }},
		`RFC 6749 §3.3: the token's scope "read admin" has "admin", which client contract-client-secret-basic may not have`,
		nil,
	},
	"access_token_scope_the_client_may_not_have": {
		procedure{before: func(t *runtime.TokenContext) { t.Defaults.Access.Scope = append(t.Defaults.Access.Scope, "admin") }},
		`RFC 9068 §2.2.3, RFC 6749 §3.3: the access token's scope claim "read admin" has "admin", which client contract-client-secret-basic may not have`,
		nil,
	},
	"refresh_token_for_the_client_itself": {
		procedure{after: func(r *runtime.TokenResponse) { r.RefreshToken = "contract" }},
		"RFC 6749 §4.4.3: the client_credentials response has a refresh token",
		nil,
	},
	"access_token_of_another_user": {
		procedure{before: func(t *runtime.TokenContext) { t.Defaults.Access.Subject = "someone-else" }},
		`RFC 9068 §2.2: the access token's sub is "someone-else", want the end user's, "contract-subject"`,
		func(p procedure) contract.Suite { return signInSuite(p, userInfo{}) },
	},
	"scope_beyond_the_grant": {
		procedure{after: func(r *runtime.TokenResponse) { r.Scope = append(r.Scope, "write") }},
		`RFC 6749 §3.3, §6: the token's scope "openid offline_access read write" has "write", which the request (or the grant) did not have`,
		func(p procedure) contract.Suite { return signInSuite(p, userInfo{}) },
	},
	"password_tokens_of_the_client": {
		procedure{before: func(t *runtime.TokenContext) { t.Defaults.Access.Subject = t.Client.ID }},
		`RFC 9068 §2.2: the access token's sub is "contract-client-secret-basic", want the end user's, "contract-subject"`,
		passwordSuite,
	},
	"password_without_id_token": {
		procedure{after: func(r *runtime.TokenResponse) { r.IDToken = "" }},
		"OIDC Core §3.1.3.3: the password grant was granted openid but the response has no id_token",
		passwordSuite,
	},
	"jwt_bearer_tokens_of_the_client": {
		procedure{before: func(t *runtime.TokenContext) { t.Defaults.Access.Subject = t.Client.ID }},
		`RFC 9068 §2.2: the access token's sub is "contract-client-secret-basic", want the end user's, "contract-assertion-subject"`,
		jwtBearerSuite,
	},
	"exchange_scope_beyond_the_subject": {
		procedure{before: func(t *runtime.TokenContext) {
			t.Defaults.Access.Scope = append(t.Defaults.Access.Scope, "write")
		}},
		`RFC 8693 §2.1: the exchanged token's scope "read write" has "write", beyond the subject token's "read"`,
		exchangeSuite,
	},
	"exchange_delegation_without_act": {
		procedure{before: func(t *runtime.TokenContext) { t.Defaults.Access.Act = nil }},
		"RFC 8693 §4.1: the token issued to an actor has no act claim",
		exchangeSuite,
	},
	"exchange_of_an_invalid_subject_token": {
		procedure{issue: true},
		"RFC 8693 §2.2.2 (a forged subject token): POST /oauth2/token answered 200",
		exchangeSuite,
	},
	"logout_without_state": {
		procedure{},
		"OpenID Connect RP-Initiated Logout 1.0 §3: state came back as",
		logoutSuite(endSession{after: func(r *runtime.EndSessionResponse) { r.State = "" }}),
	},
	"logout_that_keeps_the_session": {
		procedure{},
		"the session was not ended",
		logoutSuite(endSession{skip: true}),
	},
	"device_scope_beyond_the_approval": {
		procedure{after: func(r *runtime.TokenResponse) { r.Scope = append(r.Scope, "write") }},
		`RFC 6749 §3.3, §6: the token's scope "openid offline_access read write" has "write", which the request (or the grant) did not have`,
		deviceSuite,
	},
	"device_tokens_of_the_client": {
		procedure{before: func(t *runtime.TokenContext) { t.Defaults.Access.Subject = t.Client.ID }},
		`RFC 9068 §2.2: the access token's sub is "contract-client-secret-basic", want the end user's, "contract-subject"`,
		deviceSuite,
	},
	"property_without_its_name": {
		procedure{}, // Prepare's error names tenant; this one's property is "region"
		"does not name the parameter region",
		nil,
	},
}

// TestBrokenProcedureFails runs the suite against each broken procedure in
// a test process of its own, and checks that it fails naming the rule.
func TestBrokenProcedureFails(t *testing.T) {
	if name := os.Getenv("CONTRACT_BROKEN"); name != "" {
		t.Skip("the child process runs TestBroken")
	}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBroken$", "-test.v")
			cmd.Env = append(os.Environ(), "CONTRACT_BROKEN="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a procedure that breaks a rule:\n%s", out)
			}
			if !strings.Contains(string(out), b.want) {
				t.Errorf("the suite failed without saying %q:\n%s", b.want, out)
			}
		})
	}
}

// TestBroken is the child of TestBrokenProcedureFails.
func TestBroken(t *testing.T) {
	name := os.Getenv("CONTRACT_BROKEN")
	if name == "" {
		t.Skip("run by TestBrokenProcedureFails")
	}
	b := broken[name]
	s := suite(b.p)
	if b.suite != nil {
		s = b.suite(b.p)
	}
	if name == "property_without_its_name" {
		s.Properties = []contract.Property{{Flow: "oauth-token-client-credentials", Name: "region", Source: "form", Type: "int"}}
		s.Flows.Token[0].Flow = renamed{}
	}
	contract.Run(t, s)
}

// renamed reports a bad integer parameter under another name.
type renamed struct{}

func (renamed) Prepare(t *runtime.TokenContext) (func(context.Context) (*runtime.TokenResponse, error), error) {
	if v := t.Param("region"); v != "" && strings.Trim(v, "0123456789") != "" {
		return nil, oauth.NewError(oauth.ErrInvalidRequest, "parameter 'place' is invalid")
	}
	return t.Default, nil
}

// clientAuthSuite is the sign-in suite with the introspection and
// revocation endpoints, whose clients authenticate by methods: the suite
// registers a client per method, the first of them the one every check
// authenticating "a confidential client" uses.
func clientAuthSuite(methods ...string) contract.Suite {
	s := signInSuite(procedure{}, userInfo{})
	s.Settings.AuthMethods = methods
	s.Flows.Introspection = &runtime.Registration[runtime.IntrospectionContext, runtime.IntrospectionResponse]{ID: "oauth-introspect", Flow: introspect{}}
	s.Flows.Revocation = &runtime.Registration[runtime.RevocationContext, runtime.RevocationResponse]{ID: "oauth-revoke", Flow: revoke{}}
	return s
}

// TestCorrectServerPasses: the same server with the default procedure
// passes every check that applies.
func TestCorrectServerPasses(t *testing.T) {
	if os.Getenv("CONTRACT_BROKEN") != "" {
		t.Skip("the child process runs TestBroken")
	}
	contract.Run(t, suite(procedure{}))
	t.Run("sign-in", func(t *testing.T) { contract.Run(t, signInSuite(procedure{}, userInfo{})) })
	t.Run("private_key_jwt", func(t *testing.T) {
		// The suite registers a private_key_jwt client with a key of its
		// own, first so that every check authenticating "a confidential
		// client" signs assertions, at the token, introspection and
		// revocation endpoints.
		contract.Run(t, clientAuthSuite("private_key_jwt", "client_secret_basic", "none"))
		m := suite(procedure{})
		m.Settings.AuthMethods = []string{"private_key_jwt"}
		contract.Run(t, m)
	})
	t.Run("client_secret_jwt", func(t *testing.T) {
		// The suite registers a client_secret_jwt client with a secret of
		// its own, first so that every check authenticating "a
		// confidential client" MACs assertions, at the token,
		// introspection and revocation endpoints; with private_key_jwt
		// too, the metadata lists both families of algorithms.
		contract.Run(t, clientAuthSuite("client_secret_jwt", "private_key_jwt", "client_secret_basic", "none"))
		m := suite(procedure{})
		m.Settings.AuthMethods = []string{"client_secret_jwt"}
		contract.Run(t, m)
	})
	t.Run("password", func(t *testing.T) { contract.Run(t, passwordSuite(procedure{})) })
	t.Run("jwt_bearer", func(t *testing.T) { contract.Run(t, jwtBearerSuite(procedure{})) })
	t.Run("token_exchange", func(t *testing.T) { contract.Run(t, exchangeSuite(procedure{})) })
	t.Run("token_exchange_of_users", func(t *testing.T) {
		s := passwordSuite(procedure{})
		s.Flows.Token = append(s.Flows.Token, exchangeSuite(procedure{}).Flows.Token[1])
		contract.Run(t, s)
	})
	t.Run("logout", func(t *testing.T) { contract.Run(t, logoutSuite(endSession{})(procedure{})) })
	t.Run("device", func(t *testing.T) { contract.Run(t, deviceSuite(procedure{})) })
	t.Run("pushed", func(t *testing.T) {
		s := signInSuite(procedure{}, userInfo{})
		s.Settings.PushedAuthorizationRequests = true
		contract.Run(t, s)
	})
	t.Run("pushed-required", func(t *testing.T) {
		s := signInSuite(procedure{}, userInfo{})
		s.Settings.PushedAuthorizationRequests, s.Settings.RequirePushedAuthorizationRequests = true, true
		contract.Run(t, s)
	})
}
