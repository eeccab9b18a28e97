package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/internal/backchannel"
	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
	"github.com/oauthgen/oauthgen/runtime/internal/clientip"
	"github.com/oauthgen/oauthgen/runtime/internal/devicecode"
	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/internal/observe"
	"github.com/oauthgen/oauthgen/runtime/internal/outbound"
	"github.com/oauthgen/oauthgen/runtime/internal/pushed"
	"github.com/oauthgen/oauthgen/runtime/internal/throttle"

	"github.com/oauthgen/oauthgen/runtime/internal/redirecturi"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
)

// Config is what a service supplies at startup: its stores, keys, clock and
// logger. There is no global state; everything the runtime uses hangs off the
// Server built from a Config.
type Config struct {
	// Clients finds registered clients. Required.
	Clients ClientRegistry
	// Store keeps all of the server's state: grants, codes, tokens and
	// revocations, sessions, pending sign-ins, consents, throttle counts
	// and the signing keys. Pick runtime/sqlite for one server (a file
	// that survives restarts), runtime/postgres for two or more instances
	// on one database, or open either from a location string with
	// runtime/stores. Nil means a new MemoryStore, which prunes expired
	// records by Clock and loses everything when the process stops: for
	// tests.
	Store Store
	// Keys signs JWTs with keys the operator manages: loaded from files
	// (ParseSigningKeyPEM) or held by a KMS or HSM (NewSigningKey with
	// its crypto.Signer). Nil means keys kept in the Store: made on first
	// use, shared by every instance on it, and rotated (KeyRotation).
	Keys *KeySet
	// KeyRotation is how long a key kept in the Store signs before its
	// successor takes over: zero means 30 days; a negative value means
	// only on demand (Server.RotateKeys, `oauthgen keys rotate`). A
	// retired key stays in the JWK Set until every token it signed has
	// expired. Not used with Keys.
	KeyRotation time.Duration
	// KeyPrePublish is how long a new key is in the JWK Set before it
	// signs, so that verifiers that cache the set learn it first: zero
	// means one hour; at least ten minutes.
	KeyPrePublish time.Duration
	// Clock is the source of time. Nil means the system's.
	Clock Clock
	// Logger receives the runtime's logs. Nil discards them.
	Logger *slog.Logger
	// Users authenticates end users and provides their claims. Required
	// when the authorization or userinfo endpoint or the password flow is
	// enabled.
	Users UserStore
	// Pages renders the login, consent and error pages. Nil means the
	// runtime's own accessible, asset-free pages.
	Pages Pages
	// SessionKey signs the login session cookie; at least 32 bytes. Nil
	// means a random key kept in the Store, made by the first instance
	// that needs it: every instance on one store shares it, and sessions
	// survive restarts of a persistent store.
	SessionKey []byte
	// TrustedProxies are the networks of the reverse proxies and load
	// balancers in front of the server. A request from one of them is
	// believed about the client's address (Forwarded, X-Forwarded-For),
	// which the brute-force throttles count failures against; by default
	// no proxy is trusted and the connection's address counts, so a client
	// cannot pick the address it is throttled under.
	TrustedProxies []netip.Prefix
	// HTTPClient makes the server's own requests: fetching the JWK Sets of
	// private_key_jwt clients registered with a jwks_uri, and sending
	// logout tokens to clients' backchannel_logout_uri (Back-Channel
	// Logout 1.0). Its Transport and TLS roots are used; JWK Set fetches
	// follow at most three redirects, to https, each within 5 seconds;
	// logout tokens follow none, each attempt within 5 seconds. Nil means
	// a client that connects only to publicly routable addresses: never to
	// private, link-local (cloud metadata), shared or reserved ones, nor to
	// loopback unless the issuer is on a loopback host, checked after name
	// resolution (server-side request forgery), and through no proxy. Set
	// it to reach an identity provider or a relying party on an internal
	// network, or through a proxy; it is then used as given.
	HTTPClient *http.Client
	// Issuer, when set, replaces the spec's issuer: the same generated code
	// then serves a staging host, or a test server on a random port. It is
	// checked like the spec's (https, or http on a loopback host).
	Issuer string

	// Observability (docs/observability.md), off by default at no cost.
	// With any of Logger, Metrics, TracerProvider or AuditLog set, every
	// request gets a random id, returned in the X-Request-Id header of
	// every response and carried by its log lines, audit events and span.

	// Metrics, when set, receives the server's Prometheus metrics: requests
	// by endpoint, flow and outcome, their latency, tokens issued and
	// revoked, throttle decisions, store latency and errors, pending
	// sign-ins. Pass a prometheus.NewRegistry() and serve it with promhttp
	// on an operator's listener. Nil means no metrics.
	Metrics prometheus.Registerer
	// TracerProvider, when set, traces every request: a span per request
	// with child spans for the client's authentication, the procedure and
	// each store call. Nil means no spans (not even the OpenTelemetry
	// global provider's).
	TracerProvider trace.TracerProvider
	// AuditLog, when set, receives the audit events: sign-ins and their
	// failures, consents, tokens issued, refresh token reuse, revocations,
	// throttled attempts. They name the client and the end user's subject,
	// never a secret. Nil means no audit events.
	AuditLog *slog.Logger
}

// Server serves every endpoint the spec enables. It implements http.Handler.
// It is immutable after NewServer, apart from the bcrypt cache of its secret
// verifier, and safe for concurrent use.
type Server struct {
	settings Settings
	clients  ClientRegistry
	store    Store
	keys     keySource
	clock    Clock
	log      *slog.Logger
	flows    map[oauth.GrantType]*Registration[TokenContext, TokenResponse]
	// grantOrder are the registered grant types, in registration order.
	grantOrder []oauth.GrantType
	// refreshGrant is the grant type of the flow that redeems refresh
	// tokens; empty when the server serves none, and issues none.
	refreshGrant oauth.GrantType
	// codeGrant is the grant type of the flow that redeems authorization
	// codes; empty when the server serves none.
	codeGrant oauth.GrantType
	// deviceGrant is the grant type of the flow that redeems device codes;
	// empty when the server serves none.
	deviceGrant oauth.GrantType

	// secrets verifies client secrets and owns the bcrypt success cache.
	secrets *clientauth.Verifier
	// tokenAuthMethods are the client authentication methods of the token
	// endpoint.
	tokenAuthMethods []oauth.ClientAuthMethod
	// throttle limits failed client authentications (RFC 6749 §2.3.1).
	throttle *throttle.Guard
	// loginThrottle limits failed end-user sign-ins, on the login page and
	// by a password grant alike (RFC 6749 §10.10; docs/throttling.md): one
	// count per username and source, source and username, whichever way
	// the password came.
	loginThrottle *throttle.Guard
	// clientIP resolves client addresses behind the trusted proxies.
	clientIP clientip.Resolver
	// remoteKeys caches the JWK Sets at clients' jwks_uri.
	remoteKeys *jwkset.Remote
	// assertionIssuers are the trusted issuers of the JWT bearer flows,
	// by flow id, then by iss.
	assertionIssuers map[string]map[string]*trustedIssuer

	// authorize and userinfo are the flows of those endpoints; nil when
	// the spec does not enable them.
	authorize *Registration[AuthorizeContext, AuthorizeResponse]
	userinfo  *Registration[UserInfoContext, UserInfoResponse]
	// introspection and revocation are the flows of those endpoints; nil
	// when the spec does not enable them.
	introspection *Registration[IntrospectionContext, IntrospectionResponse]
	revocation    *Registration[RevocationContext, RevocationResponse]
	// endSession is the end-session endpoint's flow; nil when not enabled.
	// backchannel sends its logout tokens.
	endSession  *Registration[EndSessionContext, EndSessionResponse]
	backchannel *backchannel.Sender
	// users and pages serve the end user (authorize endpoint).
	users UserStore
	pages Pages
	// pushed keeps the pushed authorization requests (RFC 9126); nil when
	// the endpoint is not enabled.
	pushed *pushed.Requests
	// device is the device authorization flow (RFC 8628); devices keep its
	// authorizations, userCodes throttles wrong user codes on its
	// verification page. All nil when it is not enabled.
	device    *Registration[DeviceAuthorizationContext, DeviceAuthorizationResponse]
	devices   *devicecode.Authorizations
	userCodes *throttle.Guard
	// endUser holds the login sessions, pending interactions, remembered
	// consents and login throttle of the authorization endpoint.
	endUser *endUser
	// basicChallenge is the WWW-Authenticate value of a failed Basic
	// authentication (RFC 6749 §5.2; RFC 7617 §2).
	basicChallenge []string
	// metadata is the RFC 8414 document, built once; metadataJSON its encoding.
	metadata     Metadata
	metadataJSON []byte
	// endpoints are the enabled endpoints; router serves their routes.
	endpoints []endpoint
	router    *router
	// obs observes requests; nil when nothing is observed.
	obs *observe.Observer
}

// Defaults NewServer applies.
const (
	defaultMaxBodyBytes = 64 << 10
	defaultSigningAlg   = oauth.AlgES256
	defaultAccessTTL    = 10 * time.Minute
	defaultRefreshTTL   = 30 * 24 * time.Hour
	wellKnownOAuthPath  = "/.well-known/oauth-authorization-server"
	jwksContentType     = "application/jwk-set+json" // RFC 7517 §8.5.1
	metadataContentType = "application/json"
)

// NewServer validates the settings and the flow registrations and builds the
// server. It fills defaults: a MemoryStore, the system clock, a logger that
// discards, signing keys kept in the store when cfg.Keys is nil (made on
// first use) of s.SigningAlg (ES256 when empty; with cfg.Keys, the default
// key's algorithm) and, when s.OpenID(), of s.IDTokenSigningAlg (RS256 when
// empty) and RS256 too (cfg.Keys must then have them), a 64 KiB body limit,
// the default endpoint paths, and the default token lifetimes (access 10
// min, refresh 30 days, code 60 s) of a policy that leaves them zero. It refuses a missing client registry, an
// issuer that is not https (or http on a loopback host)
// or that has a query or fragment (RFC 8414 §2), clashing paths, an unknown
// auth method, a nil Flow, and two flows for one grant type. A MemoryStore
// without a Clock gets the server's, by which it prunes expired records.
// With an authorization flow it also defaults AuthorizePath
// (/oauth2/authorize), the flow's CodeTTL (60 s), Pages (the runtime's own) and
// SessionKey (a random key kept in the store), and refuses a SessionKey under 32 bytes
// (normaliseAuthorize). Settings.PushedAuthorizationRequests needs the
// authorization flow, and RequirePushedAuthorizationRequests needs it.
// When the client registry can list its clients
// (MemoryClients, runtime/clientfile), it logs a warning if no client can
// call the introspection endpoint, and if clients require pushed
// authorization requests that the server does not accept.
func NewServer(cfg Config, s Settings, fl Flows) (*Server, error) {
	flows := fl.Token
	var errs []error
	if cfg.Clients == nil {
		errs = append(errs, errors.New("config: Clients is required"))
	}
	if cfg.Issuer != "" {
		s.Issuer = cfg.Issuer
	}
	if (fl.Authorize != nil || fl.UserInfo != nil || fl.DeviceAuthorization != nil) && cfg.Users == nil {
		errs = append(errs, errors.New("config: Users is required by the authorization, device authorization and userinfo endpoints"))
	}
	if cfg.Users == nil && slices.ContainsFunc(flows, func(r Registration[TokenContext, TokenResponse]) bool {
		return r.Grant.Credential == flowkit.PasswordCredential
	}) {
		errs = append(errs, errors.New("config: Users is required by the password flow, which authenticates end users"))
	}
	if err := normaliseSettings(&s); err != nil {
		errs = append(errs, err)
	}
	authorize, sessionKey, aerr := normaliseAuthorize(fl.Authorize, cfg.SessionKey)
	if aerr != nil {
		errs = append(errs, aerr)
	}
	if fl.Authorize == nil && fl.DeviceAuthorization != nil {
		// The verification page signs the end user in without the
		// authorization endpoint.
		sessionKey, aerr = normaliseSessionKey(cfg.SessionKey)
		errs = append(errs, aerr)
	}
	if err := normaliseOpenID(&s, fl); err != nil {
		errs = append(errs, err)
	}
	introspection, ierr := normaliseOne("introspection", fl.Introspection)
	revocation, rerr := normaliseOne("revocation", fl.Revocation)
	endSession, eerr := normaliseOne("end session", fl.EndSession)
	device, derr := normaliseDevice(fl.DeviceAuthorization)
	errs = append(errs, ierr, rerr, eerr, derr)
	if fl.EndSession != nil && (fl.Authorize == nil || !s.OpenID()) {
		errs = append(errs, errors.New("end session flow: needs the authorize flow and OpenID Connect (the openid scope), whose login sessions and ID tokens it ends (OpenID Connect RP-Initiated Logout 1.0)"))
	}
	if introspection != nil && !slices.ContainsFunc(s.AuthMethods, func(m string) bool { return m != string(oauth.AuthNone) }) {
		errs = append(errs, errors.New("introspection flow: callers must authenticate with a credential, and AuthMethods has only none (RFC 7662 §2.1)"))
	}
	if s.SigningAlg == "" {
		s.SigningAlg = defaultSigningAlg
		if cfg.Keys != nil {
			s.SigningAlg = cfg.Keys.Algorithms()[0] // the default signing key's
		}
	}
	srv := &Server{
		settings:      s,
		clients:       cfg.Clients,
		store:         cfg.Store,
		clock:         cfg.Clock,
		log:           cfg.Logger,
		flows:         make(map[oauth.GrantType]*Registration[TokenContext, TokenResponse], len(flows)),
		secrets:       clientauth.NewVerifier(),
		authorize:     authorize,
		userinfo:      fl.UserInfo,
		introspection: introspection,
		revocation:    revocation,
		endSession:    endSession,
		device:        device,
		users:         cfg.Users,
		pages:         cfg.Pages,
		clientIP:      clientip.New(cfg.TrustedProxies),
	}
	if cfg.HTTPClient == nil {
		// Registrations name the URLs the server fetches and posts to, so
		// by default it reaches only public addresses; a server on a
		// loopback host (development) reaches loopback ones too.
		cfg.HTTPClient = outbound.Client(issuerIsLoopback(s.Issuer))
	}
	srv.remoteKeys = jwkset.NewRemote(cfg.HTTPClient)
	for _, m := range s.AuthMethods {
		srv.tokenAuthMethods = append(srv.tokenAuthMethods, oauth.ClientAuthMethod(m))
	}
	for i := range flows {
		reg := flows[i] // a copy: the caller's slice stays theirs
		if err := normaliseFlow(&reg); err != nil {
			errs = append(errs, fmt.Errorf("flow %d (%s): %w", i, reg.ID, err))
			continue
		}
		gt := oauth.GrantType(reg.Wire)
		if _, dup := srv.flows[gt]; dup {
			errs = append(errs, fmt.Errorf("flow %d (%s): grant type %q is registered twice", i, reg.ID, reg.Wire))
			continue
		}
		if err := srv.addTrustedIssuers(&reg); err != nil {
			errs = append(errs, fmt.Errorf("flow %d (%s): %w", i, reg.ID, err))
			continue
		}
		srv.flows[gt] = &reg
		srv.grantOrder = append(srv.grantOrder, gt)
		switch reg.Grant.Credential {
		case flowkit.RefreshCredential:
			srv.refreshGrant = gt
		case flowkit.CodeCredential:
			srv.codeGrant = gt
		case flowkit.DeviceCodeCredential:
			srv.deviceGrant = gt
		}
	}
	keyPolicy, kerr := newKeyPolicy(cfg, srv.settings, srv.flows)
	errs = append(errs, kerr)
	if s.PushedAuthorizationRequests && fl.Authorize == nil {
		errs = append(errs, errors.New("settings: PushedAuthorizationRequests needs the authorize flow: a pushed request is an authorization request (RFC 9126)"))
	}
	if s.RequirePushedAuthorizationRequests && !s.PushedAuthorizationRequests {
		errs = append(errs, errors.New("settings: RequirePushedAuthorizationRequests needs PushedAuthorizationRequests"))
	}
	if fl.Authorize != nil && srv.codeGrant == "" {
		errs = append(errs, errors.New("authorize flow: no token flow redeems its codes (one whose Grant.Credential is flowkit.CodeCredential)"))
	}
	if (device != nil) != (srv.deviceGrant != "") {
		errs = append(errs, errors.New("device authorization flow: it and the token flow that redeems device codes (Grant.Credential flowkit.DeviceCodeCredential) go together (RFC 8628 §3.1, §3.4)"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("runtime: new server: %w", err)
	}

	if srv.store == nil {
		srv.store = NewMemoryStore()
	}
	if srv.clock == nil {
		srv.clock = systemClock{}
	}
	if err := srv.initObserve(cfg); err != nil {
		return nil, fmt.Errorf("runtime: new server: %w", err)
	}
	srv.throttle = throttle.NewClientAuth(srv.store)
	srv.loginThrottle = throttle.NewLogin(srv.store)
	srv.expectSecretHashes()
	if m, ok := srv.store.(*MemoryStore); ok {
		m.adoptClock(srv.clock) // it prunes expired records by the server's time
	}
	if srv.log == nil {
		srv.log = slog.New(slog.DiscardHandler)
	}
	if srv.authorize != nil || srv.device != nil {
		if srv.pages == nil {
			srv.pages = defaultPages()
		}
		srv.endUser = newEndUser(srv.store, sessionKey, s.Issuer) // sessions, interactions, consents, login throttle
	}
	if srv.authorize != nil && s.PushedAuthorizationRequests {
		srv.pushed = pushed.New(srv.store)
	}
	if srv.device != nil {
		srv.devices = devicecode.New(srv.store)
		srv.userCodes = throttle.NewUserCode(srv.store)
	}
	if srv.endSession != nil {
		srv.backchannel = srv.newBackchannel(cfg)
	}
	switch {
	case cfg.Keys == nil:
		// A key for every algorithm the server signs with: access tokens'
		// and, for OpenID Connect, ID tokens' and RS256 (requiredKeyAlgs).
		srv.keys = srv.storedKeys(keyPolicy)
	case !slices.Contains(cfg.Keys.Algorithms(), s.SigningAlg):
		return nil, fmt.Errorf("runtime: new server: the key set has no %s key (settings.SigningAlg)", s.SigningAlg)
	default:
		if err := checkKeyAlgs(cfg.Keys, requiredKeyAlgs(s)); err != nil {
			// OIDC Discovery §3: RS256 must be available for ID tokens; and
			// settings.IDTokenSigningAlg must have a key.
			return nil, fmt.Errorf("runtime: new server: OpenID Connect: %w", err)
		}
		srv.keys = staticKeys{cfg.Keys}
	}

	srv.basicChallenge = []string{`Basic realm="` + reply.QuotedStringSafe(s.Issuer) + `"`}
	if err := srv.mount(fl); err != nil {
		return nil, fmt.Errorf("runtime: new server: %w", err)
	}
	srv.warnIntrospectionCallers()
	srv.warnPushRequiredClients()
	return srv, nil
}

// mount builds the router and the metadata document from the enabled
// endpoints: the token endpoint and the JWK Set always, the endpoint of
// each registered flow, and the metadata last. This is the one place that
// knows every endpoint; adding one is a line here.
func (s *Server) mount(fl Flows) error {
	s.settings.Paths = maps.Clone(s.settings.Paths)
	if s.settings.Paths == nil {
		s.settings.Paths = map[string]string{}
	}
	eps := []endpoint{newTokenEndpoint(s), newJWKSEndpoint(s)}
	if fl.Authorize != nil {
		eps = append(eps, newAuthorizeEndpoint(s))
	}
	if s.pushed != nil {
		eps = append(eps, newPAREndpoint(s))
	}
	if fl.UserInfo != nil {
		eps = append(eps, newUserInfoEndpoint(s))
	}
	if fl.Introspection != nil {
		eps = append(eps, newIntrospectEndpoint(s))
	}
	if fl.Revocation != nil {
		eps = append(eps, newRevokeEndpoint(s))
	}
	if fl.EndSession != nil {
		eps = append(eps, newEndSessionEndpoint(s))
	}
	if s.device != nil {
		eps = append(eps, newDeviceEndpoint(s))
	}
	eps = append(eps, &metadataEndpoint{s: s})

	var errs []error
	if err := checkPaths(s.settings.Paths, eps); err != nil {
		errs = append(errs, err)
	}
	rt, err := newRouter(eps)
	if err != nil {
		errs = append(errs, err)
	}
	for p, rte := range rt.routes {
		rte.flow = s.endpointFlow(rte.endpoint)
		rt.routes[p] = rte
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.endpoints, s.router = eps, rt
	md := Metadata{ResponseTypesSupported: []string{}, ResponseModesSupported: []string{}}
	for _, ep := range eps {
		ep.advertise(&md)
	}
	s.metadata = md
	if s.metadataJSON, err = json.Marshal(md); err != nil {
		return fmt.Errorf("encode metadata: %w", err)
	}
	return nil
}

// normaliseSettings fills the defaults of s and validates it.
func normaliseSettings(s *Settings) error {
	var errs []error
	if err := checkIssuer(s.Issuer); err != nil {
		errs = append(errs, fmt.Errorf("settings: issuer %q: %w", s.Issuer, err))
	}
	if len(s.AuthMethods) == 0 {
		s.AuthMethods = []string{string(oauth.AuthClientSecretBasic)} // RFC 8414 §2 default
	}
	for i, m := range s.AuthMethods {
		switch oauth.ClientAuthMethod(m) {
		case oauth.AuthClientSecretBasic, oauth.AuthClientSecretPost, oauth.AuthNone, oauth.AuthPrivateKeyJWT, oauth.AuthClientSecretJWT:
		default:
			errs = append(errs, fmt.Errorf("settings: unsupported auth method %q", m))
		}
		if slices.Contains(s.AuthMethods[:i], m) {
			errs = append(errs, fmt.Errorf("settings: auth method %q listed twice", m))
		}
	}
	for i, sc := range s.Scopes {
		if sc.Name == "" || !oauth.ValidScopeToken(sc.Name) {
			errs = append(errs, fmt.Errorf("settings: scope %q is not a valid scope token (RFC 6749 §3.3)", sc.Name))
		}
		for _, o := range s.Scopes[:i] {
			if o.Name == sc.Name {
				errs = append(errs, fmt.Errorf("settings: scope %q declared twice", sc.Name))
			}
		}
	}
	switch {
	case s.MaxBodyBytes == 0:
		s.MaxBodyBytes = defaultMaxBodyBytes
	case s.MaxBodyBytes < 0:
		errs = append(errs, errors.New("settings: MaxBodyBytes is negative"))
	}
	return errors.Join(errs...)
}

// checkIssuer enforces RFC 8414 §2 (a URL with no query or fragment) and
// TLS (RFC 6749 §3.1, §3.2): https, or http only on a loopback host.
// issuerIsLoopback reports whether the issuer is on a loopback host: a
// development server, whose own requests may reach loopback addresses.
func issuerIsLoopback(iss string) bool {
	u, err := url.Parse(iss)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || redirecturi.IsLoopbackIP(h)
}

func checkIssuer(iss string) error {
	if iss == "" {
		return errors.New("is empty")
	}
	u, err := url.Parse(iss)
	if err != nil {
		return fmt.Errorf("malformed: %w", err)
	}
	switch {
	case u.Host == "":
		return errors.New("has no host")
	case u.RawQuery != "" || u.ForceQuery || strings.Contains(iss, "#"):
		return errors.New("must not have a query or fragment (RFC 8414 §2)")
	case u.User != nil:
		return errors.New("must not carry user information")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http":
		if issuerIsLoopback(iss) {
			return nil
		}
		return errors.New("http is allowed only for a loopback host (RFC 6749 §3.1)")
	default:
		return errors.New("must be an https URL")
	}
}

// normaliseOne checks the registration of the one flow of an endpoint
// without a wire parameter, and returns its copy: a Flow, no Wire.
func normaliseOne[C, R any](name string, reg *Registration[C, R]) (*Registration[C, R], error) {
	if reg == nil {
		return nil, nil
	}
	r := *reg // the caller's value stays theirs
	var errs []error
	if r.Flow == nil {
		errs = append(errs, fmt.Errorf("%s flow: Flow is nil", name))
	}
	if r.Wire != "" {
		errs = append(errs, fmt.Errorf("%s flow: Wire %q must be empty: the endpoint serves one flow", name, r.Wire))
	}
	return &r, errors.Join(errs...)
}

// normaliseFlow fills the default lifetimes of a registration and checks
// it: a flow, a grant type that is a registered name or an absolute URI
// (RFC 6749 §4.5), a complete and coherent policy, no negative lifetime.
func normaliseFlow(reg *Registration[TokenContext, TokenResponse]) error {
	if reg.Flow == nil {
		return errors.New("Flow is nil")
	}
	if reg.Wire == "" {
		return errors.New("Wire (the grant type) is empty")
	}
	if err := oauth.CheckGrantType(oauth.GrantType(reg.Wire)); err != nil {
		return err
	}
	if err := reg.Grant.Check(); err != nil {
		return err
	}
	p := &reg.Policy
	if p.AccessTTL < 0 || p.RefreshTTL < 0 || p.RefreshIdleTTL < 0 || p.RefreshGrace < 0 || p.CodeTTL < 0 || p.DeviceCodeTTL < 0 {
		return errors.New("a policy duration is negative")
	}
	if p.AccessTTL == 0 {
		p.AccessTTL = defaultAccessTTL
	}
	if p.RefreshTTL == 0 {
		p.RefreshTTL = defaultRefreshTTL
	}
	if p.CodeTTL == 0 {
		p.CodeTTL = defaultCodeTTL
	}
	switch p.AccessFormat {
	case "":
		p.AccessFormat = FormatJWT
	case FormatJWT, FormatOpaque:
	default:
		return fmt.Errorf("unknown access token format %q", p.AccessFormat)
	}
	return nil
}

// origin is scheme://host of the issuer: endpoint URLs are origin + path.
func (s *Server) origin() string {
	u, err := url.Parse(s.settings.Issuer)
	if err != nil {
		return s.settings.Issuer
	}
	return u.Scheme + "://" + u.Host
}

// Settings returns the server's settings, with defaults filled.
func (s *Server) Settings() Settings { return s.settings }

// ServeHTTP serves the routes of the enabled endpoints, each at its exact
// path; anything else is 404. An observed server (Config.Metrics,
// TracerProvider, AuditLog, Logger) gives each request its id first.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.obs == nil {
		s.router.ServeHTTP(w, r)
		return
	}
	s.serveObserved(w, r)
}
