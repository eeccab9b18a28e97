package generated

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sync"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
)

// MagicLinks is an in-memory set of outstanding one-time magic-link tokens,
// each bound to the client it was issued for and the user it signs in. Only
// the SHA-256 of a token is kept. It is safe for concurrent use; a service
// with several instances keeps links in a shared store instead.
type MagicLinks struct {
	mu    sync.Mutex
	links map[[sha256.Size]byte]magicLinkEntry
}

// magicLinkEntry is what a link token stands for.
type magicLinkEntry struct {
	clientID  string
	subject   string
	expiresAt time.Time
}

// NewMagicLinks returns an empty set.
func NewMagicLinks() *MagicLinks {
	return &MagicLinks{links: map[[sha256.Size]byte]magicLinkEntry{}}
}

// Issue creates a link token of 256 random bits (RFC 6749 §10.10) for the
// client to redeem on behalf of subject until expiresAt.
func (m *MagicLinks) Issue(clientID, subject string, expiresAt time.Time) (runtime.Secret, error) {
	if clientID == "" || subject == "" {
		return "", errors.New("magic link: client and subject are required")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	tok := runtime.Secret(base64.RawURLEncoding.EncodeToString(b[:]))
	m.mu.Lock()
	defer m.mu.Unlock()
	m.links[sha256.Sum256([]byte(tok))] = magicLinkEntry{clientID: clientID, subject: subject, expiresAt: expiresAt}
	return tok, nil
}

// Redeem consumes the link token atomically and returns the subject it signs
// in. It fails for an unknown or already used token, for another client's
// token and for an expired one; the token is consumed in every case, so a
// link that leaked to the wrong client is dead.
func (m *MagicLinks) Redeem(tok runtime.Secret, clientID string, now time.Time) (string, bool) {
	key := sha256.Sum256([]byte(tok))
	m.mu.Lock()
	e, found := m.links[key]
	delete(m.links, key)
	m.mu.Unlock()
	if !found || e.clientID != clientID || !now.Before(e.expiresAt) {
		return "", false
	}
	return e.subject, true
}
