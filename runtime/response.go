package runtime

// TokenResponse is the successful response of every token flow
// (RFC 6749 §5.1). TokenType and ExpiresIn are set by the runtime from the
// access token that was issued; a procedure sets the rest.
type TokenResponse struct {
	AccessToken  Secret
	TokenType    string
	ExpiresIn    int64
	RefreshToken Secret
	Scope        ScopeSet
	// Extra members. A member the response already defines is refused with
	// server_error (flows.md §4.1).
	Extra map[string]any
}
