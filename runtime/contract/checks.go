package contract

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// check is one rule of the protocol, run as a subtest named name when it
// applies to the spec.
type check struct {
	name    string
	applies func(*harness) bool
	run     func(*testing.T, *harness)
}

// checks are every check, in the order they run.
func checks() []check {
	always := func(*harness) bool { return true }
	return []check{
		{"metadata/oauth_authorization_server", always, checkMetadata},
		{"metadata/openid_configuration", func(h *harness) bool { return h.srv.Settings().OpenID() }, checkOpenIDConfiguration},
		{"token_endpoint/errors", always, checkTokenEndpointErrors},
		{"token_endpoint/client_authentication", func(h *harness) bool { return h.other != nil }, checkClientAuthentication},
		{"client_credentials/tokens", func(h *harness) bool { return h.clientCredentials() }, checkClientCredentials},
		{"client_credentials/scope_within_client", func(h *harness) bool { return h.clientCredentials() && h.withheld != "" }, checkClientCredentialsScope},
		{"properties", func(h *harness) bool { return len(h.suite.Properties) > 0 && h.other != nil }, checkProperties},
		{"authorization_code/tokens", func(h *harness) bool { return h.codeFlow() }, checkCodeTokens},
		{"authorization_code/single_use", func(h *harness) bool { return h.codeFlow() }, checkCodeSingleUse},
		{"authorization_code/pkce", func(h *harness) bool { return h.codeFlow() }, checkCodePKCE},
		{"authorization_code/bound_to_client_and_redirect_uri", func(h *harness) bool { return h.codeFlow() }, checkCodeBinding},
		{"authorization_code/public_client_needs_pkce", func(h *harness) bool { return h.codeFlow() && h.public != nil }, checkPublicPKCE},
		{"authorization_code/unregistered_redirect_uri", func(h *harness) bool { return h.codeFlow() }, checkUnregisteredRedirect},
		{"par/push_then_authorize", func(h *harness) bool { return h.codeFlow() && h.parEnabled() }, checkPARCode},
		{"par/request_uri_single_use", func(h *harness) bool { return h.codeFlow() && h.parEnabled() }, checkPARSingleUse},
		{"par/request_uri_bound_to_client", func(h *harness) bool { return h.codeFlow() && h.parEnabled() && h.other != nil }, checkPARClient},
		{"par/push_checked", func(h *harness) bool { return h.codeFlow() && h.parEnabled() }, checkPARPushChecked},
		{"refresh_token/rotation_and_reuse", func(h *harness) bool { return h.refreshFlow() }, checkRefreshRotation},
		{"refresh_token/scope_not_widened", func(h *harness) bool { return h.refreshFlow() }, checkRefreshScope},
		{"refresh_token/bound_to_client", func(h *harness) bool { return h.refreshFlow() }, checkRefreshClient},
		{"introspection", func(h *harness) bool { return h.suite.Flows.Introspection != nil && h.tokenSource() }, checkIntrospection},
		{"revocation", func(h *harness) bool { return h.suite.Flows.Revocation != nil && h.tokenSource() }, checkRevocation},
		{"userinfo", func(h *harness) bool { return h.suite.Flows.UserInfo != nil && h.codeFlow() }, checkUserInfo},
		{"logout/ends_session_and_returns_with_state", func(h *harness) bool { return h.logoutEnabled() }, checkLogout},
		{"logout/unregistered_post_logout_redirect_uri", func(h *harness) bool { return h.logoutEnabled() }, checkLogoutOpenRedirect},
		{"password/tokens_of_the_user", func(h *harness) bool { return h.passwordFlow() }, checkPasswordTokens},
		{"password/wrong_credentials", func(h *harness) bool { return h.passwordFlow() }, checkPasswordWrongCredentials},
		{"jwt_bearer/tokens_of_the_subject", func(h *harness) bool { return h.jwtBearerFlow() }, checkJWTBearerTokens},
		{"jwt_bearer/refusals", func(h *harness) bool { return h.jwtBearerFlow() }, checkJWTBearerRefusals},
		{"token_exchange/impersonation", func(h *harness) bool { return h.exchangeFlow() }, checkExchangeImpersonation},
		{"token_exchange/delegation", func(h *harness) bool { return h.exchangeFlow() }, checkExchangeDelegation},
		{"token_exchange/refused", func(h *harness) bool { return h.exchangeFlow() }, checkExchangeRefused},
		{"device/pending_before_approval", func(h *harness) bool { return h.deviceFlow() }, checkDevicePending},
		{"device/denied", func(h *harness) bool { return h.deviceFlow() }, checkDeviceDenied},
		{"device/tokens_once", func(h *harness) bool { return h.deviceFlow() }, checkDeviceTokens},
		{"device/bound_to_client_and_scope", func(h *harness) bool { return h.deviceFlow() && h.other != nil }, checkDeviceClient},
	}
}

// flow returns the token flow whose credential is c, if one is enabled.
func (h *harness) flow(c flowkit.Credential) (wire string, ok bool) {
	for _, reg := range h.suite.Flows.Token {
		if reg.Grant.Credential == c {
			return reg.Wire, true
		}
	}
	return "", false
}

// clientCredentials reports whether the client_credentials flow is
// enabled and a confidential client can use it.
func (h *harness) clientCredentials() bool {
	wire, ok := h.flow(flowkit.ClientCredential)
	return ok && wire == string(oauth.GrantClientCredentials) && len(h.confidential) > 0
}

// codeFlow reports whether a code can be got at the authorization endpoint
// and redeemed, by a confidential client, with a user who signs in.
func (h *harness) codeFlow() bool {
	_, ok := h.flow(flowkit.CodeCredential)
	return ok && h.suite.Flows.Authorize != nil && len(h.confidential) > 0 && h.username != ""
}

// refreshFlow reports whether the code flow issues refresh tokens and the
// refresh flow redeems them.
func (h *harness) refreshFlow() bool {
	_, ok := h.flow(flowkit.RefreshCredential)
	if !ok || !h.codeFlow() {
		return false
	}
	for _, reg := range h.suite.Flows.Token {
		if reg.Grant.Credential == flowkit.CodeCredential {
			return reg.Policy.IssueRefresh
		}
	}
	return false
}

// parEnabled reports whether the server serves the pushed authorization
// request endpoint (RFC 9126).
func (h *harness) parEnabled() bool { return h.srv.Settings().PushedAuthorizationRequests }

// parRequired reports whether every authorization request must be pushed
// (RFC 9126 §5).
func (h *harness) parRequired() bool {
	return h.parEnabled() && h.srv.Settings().RequirePushedAuthorizationRequests
}

// tokenSource reports whether the suite can get an access token.
func (h *harness) tokenSource() bool { return h.clientCredentials() || h.codeFlow() }
