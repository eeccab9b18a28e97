package flowkit

import "github.com/oauthgen/oauthgen/runtime/oauth"

// The error constructors of the flows. A flow's generated Errors type
// embeds one type per error code the flow may return, so c.Errors has a
// method for exactly those codes and returning another is a compile error.
// Each method returns a new *oauth.Error with the code and the description.

// InvalidRequestCode gives a flow's Errors the InvalidRequest method: an invalid_request error (RFC 6749 §5.2).
type InvalidRequestCode struct{}

// InvalidRequest returns an invalid_request error with the description.
func (InvalidRequestCode) InvalidRequest(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidRequest, description)
}

// InvalidClientCode gives a flow's Errors the InvalidClient method: an invalid_client error (RFC 6749 §5.2).
type InvalidClientCode struct{}

// InvalidClient returns an invalid_client error with the description.
func (InvalidClientCode) InvalidClient(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidClient, description)
}

// InvalidGrantCode gives a flow's Errors the InvalidGrant method: an invalid_grant error (RFC 6749 §5.2).
type InvalidGrantCode struct{}

// InvalidGrant returns an invalid_grant error with the description.
func (InvalidGrantCode) InvalidGrant(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidGrant, description)
}

// UnauthorizedClientCode gives a flow's Errors the UnauthorizedClient method: an unauthorized_client error (RFC 6749 §5.2).
type UnauthorizedClientCode struct{}

// UnauthorizedClient returns an unauthorized_client error with the description.
func (UnauthorizedClientCode) UnauthorizedClient(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrUnauthorizedClient, description)
}

// UnsupportedGrantTypeCode gives a flow's Errors the UnsupportedGrantType method: an unsupported_grant_type error (RFC 6749 §5.2).
type UnsupportedGrantTypeCode struct{}

// UnsupportedGrantType returns an unsupported_grant_type error with the description.
func (UnsupportedGrantTypeCode) UnsupportedGrantType(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrUnsupportedGrantType, description)
}

// InvalidScopeCode gives a flow's Errors the InvalidScope method: an invalid_scope error (RFC 6749 §5.2).
type InvalidScopeCode struct{}

// InvalidScope returns an invalid_scope error with the description.
func (InvalidScopeCode) InvalidScope(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidScope, description)
}

// InvalidTargetCode gives a flow's Errors the InvalidTarget method: an invalid_target error (RFC 8707 §2).
type InvalidTargetCode struct{}

// InvalidTarget returns an invalid_target error with the description.
func (InvalidTargetCode) InvalidTarget(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidTarget, description)
}

// AccessDeniedCode gives a flow's Errors the AccessDenied method: an access_denied error (RFC 6749 §4.1.2.1).
type AccessDeniedCode struct{}

// AccessDenied returns an access_denied error with the description.
func (AccessDeniedCode) AccessDenied(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrAccessDenied, description)
}

// ServerErrorCode gives a flow's Errors the ServerError method: a server_error error (RFC 6749 §4.1.2.1).
type ServerErrorCode struct{}

// ServerError returns a server_error error with the description.
func (ServerErrorCode) ServerError(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrServerError, description)
}

// TemporarilyUnavailableCode gives a flow's Errors the TemporarilyUnavailable method: a temporarily_unavailable error (RFC 6749 §4.1.2.1).
type TemporarilyUnavailableCode struct{}

// TemporarilyUnavailable returns a temporarily_unavailable error with the description.
func (TemporarilyUnavailableCode) TemporarilyUnavailable(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrTemporarilyUnavail, description)
}

// AuthorizationPendingCode gives a flow's Errors the AuthorizationPending method: an authorization_pending error (RFC 8628 §3.5).
type AuthorizationPendingCode struct{}

// AuthorizationPending returns an authorization_pending error with the description.
func (AuthorizationPendingCode) AuthorizationPending(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrAuthorizationPending, description)
}

// SlowDownCode gives a flow's Errors the SlowDown method: a slow_down error (RFC 8628 §3.5).
type SlowDownCode struct{}

// SlowDown returns a slow_down error with the description.
func (SlowDownCode) SlowDown(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrSlowDown, description)
}

// ExpiredTokenCode gives a flow's Errors the ExpiredToken method: an expired_token error (RFC 8628 §3.5).
type ExpiredTokenCode struct{}

// ExpiredToken returns an expired_token error with the description.
func (ExpiredTokenCode) ExpiredToken(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrExpiredToken, description)
}

// InvalidTokenCode gives a flow's Errors the InvalidToken method: an invalid_token error (RFC 6750 §3.1).
type InvalidTokenCode struct{}

// InvalidToken returns an invalid_token error with the description.
func (InvalidTokenCode) InvalidToken(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInvalidToken, description)
}

// InsufficientScopeCode gives a flow's Errors the InsufficientScope method: an insufficient_scope error (RFC 6750 §3.1).
type InsufficientScopeCode struct{}

// InsufficientScope returns an insufficient_scope error with the description.
func (InsufficientScopeCode) InsufficientScope(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInsufficientScope, description)
}

// UnsupportedTokenTypeCode gives a flow's Errors the UnsupportedTokenType method: an unsupported_token_type error (RFC 7009 §2.2.1).
type UnsupportedTokenTypeCode struct{}

// UnsupportedTokenType returns an unsupported_token_type error with the description.
func (UnsupportedTokenTypeCode) UnsupportedTokenType(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrUnsupportedTokenType, description)
}

// UnsupportedResponseTypeCode gives a flow's Errors the UnsupportedResponseType method: an unsupported_response_type error (RFC 6749 §4.1.2.1).
type UnsupportedResponseTypeCode struct{}

// UnsupportedResponseType returns an unsupported_response_type error with the description.
func (UnsupportedResponseTypeCode) UnsupportedResponseType(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrUnsupportedResponseType, description)
}

// LoginRequiredCode gives a flow's Errors the LoginRequired method: a login_required error (OIDC Core §3.1.2.6).
type LoginRequiredCode struct{}

// LoginRequired returns a login_required error with the description.
func (LoginRequiredCode) LoginRequired(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrLoginRequired, description)
}

// ConsentRequiredCode gives a flow's Errors the ConsentRequired method: a consent_required error (OIDC Core §3.1.2.6).
type ConsentRequiredCode struct{}

// ConsentRequired returns a consent_required error with the description.
func (ConsentRequiredCode) ConsentRequired(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrConsentRequired, description)
}

// InteractionRequiredCode gives a flow's Errors the InteractionRequired method: an interaction_required error (OIDC Core §3.1.2.6).
type InteractionRequiredCode struct{}

// InteractionRequired returns an interaction_required error with the description.
func (InteractionRequiredCode) InteractionRequired(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrInteractionRequired, description)
}

// AccountSelectionRequiredCode gives a flow's Errors the AccountSelectionRequired method: an account_selection_required error (OIDC Core §3.1.2.6).
type AccountSelectionRequiredCode struct{}

// AccountSelectionRequired returns an account_selection_required error with the description.
func (AccountSelectionRequiredCode) AccountSelectionRequired(description string) *oauth.Error {
	return oauth.NewError(oauth.ErrAccountSelectionRequired, description)
}
