package throttle

import (
	"context"
	"errors"
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

// NewLogin returns the throttle of the login form, counting in st.
func NewLogin(st Store) *Login {
	return &Login{
		pair:    New(st, "login-pair", LoginPairLimit, LoginWindow, LoginBlock),
		account: New(st, "login-account", LoginAccountLimit, LoginWindow, LoginBlock),
		address: New(st, "login-address", LoginAddressLimit, LoginWindow, LoginBlock),
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
func (l *Login) Blocked(ctx context.Context, username, addr string, now time.Time) (bool, error) {
	pair, account, address := loginKeys(username, addr)
	for _, c := range []struct {
		t *Throttle
		k Key
	}{{l.pair, pair}, {l.account, account}, {l.address, address}} {
		d, err := c.t.Blocked(ctx, c.k, now)
		if err != nil || d > 0 {
			return d > 0, err
		}
	}
	return false, nil
}

// Fail records a failed attempt.
func (l *Login) Fail(ctx context.Context, username, addr string, now time.Time) error {
	pair, account, address := loginKeys(username, addr)
	return errors.Join(l.pair.Fail(ctx, pair, now), l.account.Fail(ctx, account, now), l.address.Fail(ctx, address, now))
}

// Succeed forgets the account's failures. The address keeps its count: one
// valid account must not let an address try on others without limit.
func (l *Login) Succeed(ctx context.Context, username, addr string, now time.Time) error {
	pair, account, _ := loginKeys(username, addr)
	return errors.Join(l.pair.Succeed(ctx, pair, now), l.account.Succeed(ctx, account, now))
}
