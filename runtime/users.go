package runtime

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"

	"golang.org/x/crypto/bcrypt"
)

// User is an end user of MemoryUsers.
type User struct {
	// Subject is the stable, unique user id: the sub claim.
	Subject string
	// Username is what the user signs in with; compared exactly.
	Username string
	// PasswordHash is a bcrypt hash, from HashPassword.
	PasswordHash string
	// Claims are the user's standard claims (OIDC Core §5.1).
	Claims UserClaims
}

// MemoryUsers is an in-memory UserStore for examples and tests. It is
// immutable after NewMemoryUsers and safe for concurrent use.
type MemoryUsers struct {
	byName    map[string]*User
	bySubject map[string]*User
	// dummyHash is compared against for unknown users, so they cost the same
	// bcrypt work as a wrong password.
	dummyHash []byte
	// compare is bcrypt.CompareHashAndPassword; tests observe it.
	compare func(hash, password []byte) error
}

// maxPasswordBytes is bcrypt's input limit: longer passwords would be
// silently truncated, so HashPassword refuses them and Authenticate fails
// them.
const maxPasswordBytes = 72

// HashPassword returns the bcrypt hash of a password at bcrypt's default
// cost, for User.PasswordHash. Passwords over 72 bytes are refused, since
// bcrypt ignores the rest.
func HashPassword(password Secret) (string, error) {
	if len(password.Reveal()) > maxPasswordBytes {
		return "", fmt.Errorf("hash password: longer than %d bytes", maxPasswordBytes)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password.Reveal()), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// NewMemoryUsers builds a user store. It refuses an empty or repeated
// subject or username and a password hash that is not bcrypt. Unknown
// users are compared against a dummy hash of the highest cost among the
// users, so that they take as long as a wrong password.
func NewMemoryUsers(users ...User) (*MemoryUsers, error) {
	m := &MemoryUsers{
		byName:    make(map[string]*User, len(users)),
		bySubject: make(map[string]*User, len(users)),
		compare:   bcrypt.CompareHashAndPassword,
	}
	var errs []error
	cost := bcrypt.DefaultCost
	for i := range users {
		u := users[i] // a copy: the caller's slice stays theirs
		switch {
		case u.Subject == "" || u.Username == "":
			errs = append(errs, fmt.Errorf("user %d: subject and username are required", i))
			continue
		case m.bySubject[u.Subject] != nil:
			errs = append(errs, fmt.Errorf("user %d: subject %q is repeated", i, u.Subject))
			continue
		case m.byName[u.Username] != nil:
			errs = append(errs, fmt.Errorf("user %d: username %q is repeated", i, u.Username))
			continue
		}
		c, err := bcrypt.Cost([]byte(u.PasswordHash))
		if err != nil {
			errs = append(errs, fmt.Errorf("user %d (%s): password hash is not bcrypt: %w", i, u.Subject, err))
			continue
		}
		if i == 0 || c > cost {
			cost = c
		}
		m.byName[u.Username], m.bySubject[u.Subject] = &u, &u
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("runtime: new memory users: %w", err)
	}
	var random [32]byte
	_, _ = rand.Read(random[:])
	dummy, err := bcrypt.GenerateFromPassword([]byte(randtok.Encode(random[:])), cost)
	if err != nil {
		return nil, fmt.Errorf("runtime: new memory users: dummy hash: %w", err)
	}
	m.dummyHash = dummy
	return m, nil
}

// Authenticate checks a username and password. An unknown user, a wrong
// password and a password over 72 bytes all run one bcrypt comparison and
// give ok false.
func (m *MemoryUsers) Authenticate(_ context.Context, username string, password Secret) (string, bool, error) {
	u := m.byName[username]
	hash := m.dummyHash
	if u != nil {
		hash = []byte(u.PasswordHash)
	}
	pw := password.Reveal()
	tooLong := len(pw) > maxPasswordBytes
	if tooLong {
		pw = pw[:maxPasswordBytes]
	}
	err := m.compare(hash, []byte(pw))
	if u == nil || tooLong || err != nil {
		return "", false, nil
	}
	return u.Subject, true, nil
}

// Claims returns the claims of a subject.
func (m *MemoryUsers) Claims(_ context.Context, subject string) (UserClaims, bool, error) {
	u := m.bySubject[subject]
	if u == nil {
		return UserClaims{}, false, nil
	}
	return u.Claims, true, nil
}
