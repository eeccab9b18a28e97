package runtime

import (
	"net/http"
	"time"
)

// loginThrottle limits failed logins at the login form (RFC 6749 §10.10:
// guessing of passwords must be prevented; NIST SP 800-63B §5.2.2;
// security.md S-52). It counts failures under three keys, each an
// authThrottle:
//
//   - the account from the address: loginPairLimit failures block that
//     account from that address, and no other account or address;
//   - the account from anywhere: loginAccountLimit failures (NIST's ceiling
//     of 100 consecutive failures per account) block the account, against
//     guessing spread over many addresses;
//   - the address for any account: loginAddressLimit failures block the
//     address, against one password tried on many accounts.
//
// The keys use the submitted username whether or not the account exists,
// and a blocked attempt gets the same page as a wrong password, so the
// throttle reveals nothing about accounts (security.md S-53).
type loginThrottle struct {
	pair, account, address *authThrottle
}

const (
	loginPairLimit    = 10
	loginAccountLimit = 100
	loginAddressLimit = 100
	loginWindow       = 15 * time.Minute
	loginBlock        = 15 * time.Minute
)

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{
		pair:    newThrottle(loginPairLimit, loginWindow, loginBlock),
		account: newThrottle(loginAccountLimit, loginWindow, loginBlock),
		address: newThrottle(loginAddressLimit, loginWindow, loginBlock),
	}
}

// loginKeys are the three keys of an attempt. The address is the
// connection's: forwarded headers are not trusted (RFC 9700 §4.13).
func loginKeys(username string, r *http.Request) (pair, account, address string) {
	host := remoteHost(r)
	return username + "\x00" + host, username, host
}

// blocked reports whether an attempt for username from r must be refused
// without checking the password.
func (l *loginThrottle) blocked(username string, r *http.Request, now time.Time) bool {
	pair, account, address := loginKeys(username, r)
	return l.pair.blocked(pair, now) > 0 || l.account.blocked(account, now) > 0 || l.address.blocked(address, now) > 0
}

// fail records a failed attempt.
func (l *loginThrottle) fail(username string, r *http.Request, now time.Time) {
	pair, account, address := loginKeys(username, r)
	l.pair.fail(pair, now)
	l.account.fail(account, now)
	l.address.fail(address, now)
}

// succeed forgets the account's failures. The address keeps its count: one
// valid account must not let an address try on others without limit.
func (l *loginThrottle) succeed(username string, r *http.Request) {
	pair, account, _ := loginKeys(username, r)
	l.pair.succeed(pair)
	l.account.succeed(account)
}
