package throttle

import "time"

// The limits of client authentication (RFC 6749 §2.3.1). Client secrets
// are high-entropy, so these are about cost and noise rather than odds:
// a pair is blocked for ClientAuthBlock at its ClientAuthLimit-th failure
// within ClientAuthWindow, and at each failure after that within the
// window; a source at ClientSourceLimit failures for any clients; a
// client at ClientNameLimit failures from everywhere is under attack.
const (
	ClientAuthLimit   = 10
	ClientAuthWindow  = 5 * time.Minute
	ClientAuthBlock   = 5 * time.Minute
	ClientSourceLimit = 100
	ClientNameLimit   = 100
)

// NewClientAuth returns the guard of client authentication, counting in
// st.
func NewClientAuth(st Store) *Guard {
	return NewGuard(st, "client", Limits{
		Pair:            Hard(ClientAuthLimit, ClientAuthWindow, ClientAuthBlock),
		Source:          Hard(ClientSourceLimit, ClientAuthWindow, ClientAuthBlock),
		Name:            Hard(ClientNameLimit, ClientAuthWindow, ClientAuthWindow),
		AttackAllowance: AttackAllowance,
	})
}

// The limits of the login form (RFC 6749 §10.10; NIST SP 800-63B
// §5.2.2). An account and source pair may fail LoginFree times within
// LoginWindow; then it waits LoginDelay, doubling at each failure, up to
// LoginMaxDelay. A source is blocked for LoginWindow at LoginSourceLimit
// failures for any accounts; an account at LoginAccountLimit failures
// from everywhere (NIST's ceiling of 100) is under attack.
const (
	LoginFree         = 3
	LoginDelay        = time.Second
	LoginMaxDelay     = 15 * time.Minute
	LoginWindow       = 15 * time.Minute
	LoginSourceLimit  = 100
	LoginAccountLimit = 100
)

// AttackAllowance is how many failures a source may have for a name under
// attack and still be let try it.
const AttackAllowance = 3

// NewLogin returns the guard of the login form, counting in st.
func NewLogin(st Store) *Guard {
	return NewGuard(st, "login", Limits{
		Pair:            Policy{Free: LoginFree, Delay: LoginDelay, Max: LoginMaxDelay, Window: LoginWindow},
		Source:          Hard(LoginSourceLimit, LoginWindow, LoginWindow),
		Name:            Hard(LoginAccountLimit, LoginWindow, LoginWindow),
		AttackAllowance: AttackAllowance,
	})
}

// The limits of the device verification page's user codes (RFC 8628
// §5.1): a user code has about 34.5 bits, so wrong codes are counted per
// browser session and source, per source and per session. A pair is
// blocked for UserCodeWindow at UserCodeLimit wrong codes within it; a
// source at UserCodeSourceLimit wrong codes for any sessions (against one
// address cycling cookies); a session at UserCodeSessionLimit from
// everywhere is under attack. At these limits a source guesses at most
// UserCodeSourceLimit codes per window among 20^8: odds of about one in
// 10^9 per window against a live code.
const (
	UserCodeLimit        = 5
	UserCodeSourceLimit  = 20
	UserCodeSessionLimit = 20
	UserCodeWindow       = 15 * time.Minute
)

// NewUserCode returns the guard of the device verification page's user
// codes, counting in st; names are browser sessions.
func NewUserCode(st Store) *Guard {
	return NewGuard(st, "usercode", Limits{
		Pair:            Hard(UserCodeLimit, UserCodeWindow, UserCodeWindow),
		Source:          Hard(UserCodeSourceLimit, UserCodeWindow, UserCodeWindow),
		Name:            Hard(UserCodeSessionLimit, UserCodeWindow, UserCodeWindow),
		AttackAllowance: AttackAllowance,
	})
}
