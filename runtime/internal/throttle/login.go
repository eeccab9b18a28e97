package throttle

import (
	"time"
)

// Login limits failed logins at the login form (RFC 6749 §10.10:
// guessing of passwords must be prevented; NIST SP 800-63B §5.2.2). It
// counts failures under three keys, each a Throttle:
//
//   - the account from the address: LoginPairLimit failures block that
//     account from that address, and no other account or address;
//   - the account from anywhere: LoginAccountLimit failures (NIST's ceiling
//     of 100 consecutive failures per account) block the account, against
//     guessing spread over many addresses;
//   - the address for any account: LoginAddressLimit failures block the
//     address, against one password tried on many accounts.
//
// The keys use the submitted username whether or not the account exists,
// and a blocked attempt gets the same page as a wrong password, so the
// throttle reveals nothing about accounts.
type Login struct {
	pair, account, address *Throttle
}

// The limits of the login form.
const (
	LoginPairLimit    = 10
	LoginAccountLimit = 100
	LoginAddressLimit = 100
	LoginWindow       = 15 * time.Minute
	LoginBlock        = 15 * time.Minute
)

// NewLogin returns the throttle of the login form.
func NewLogin() *Login {
	return &Login{
		pair:    New(LoginPairLimit, LoginWindow, LoginBlock),
		account: New(LoginAccountLimit, LoginWindow, LoginBlock),
		address: New(LoginAddressLimit, LoginWindow, LoginBlock),
	}
}

// loginKeys are the three keys of an attempt from the client address
// addr (runtime/internal/clientip: the connection's, unless a trusted
// proxy forwarded it).
func loginKeys(username, addr string) (pair, account, address Key) {
	return Key{username, addr}, Key{Name: username}, Key{Host: addr}
}

// Blocked reports whether an attempt for username from addr must be
// refused without checking the password.
func (l *Login) Blocked(username, addr string, now time.Time) bool {
	pair, account, address := loginKeys(username, addr)
	return l.pair.Blocked(pair, now) > 0 || l.account.Blocked(account, now) > 0 || l.address.Blocked(address, now) > 0
}

// Fail records a failed attempt.
func (l *Login) Fail(username, addr string, now time.Time) {
	pair, account, address := loginKeys(username, addr)
	l.pair.Fail(pair, now)
	l.account.Fail(account, now)
	l.address.Fail(address, now)
}

// Succeed forgets the account's failures. The address keeps its count: one
// valid account must not let an address try on others without limit.
func (l *Login) Succeed(username, addr string) {
	pair, account, _ := loginKeys(username, addr)
	l.pair.Succeed(pair)
	l.account.Succeed(account)
}
