// Package session keeps the end user's side of the authorization endpoint:
// login sessions bound to a signed cookie, pending interactions between the
// login and consent pages with their CSRF tokens, and remembered consents.
package session

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// The end user's login session. The browser holds a
// cookie whose value is a 256-bit random id and an HMAC-SHA256 over it with
// the server's session key; the server keeps the session record in its
// StateStore keyed by the SHA-256 of the id, so neither a leaked store nor
// a forged cookie yields a session, and every instance on the store knows
// it. Every browser that reaches a login page gets a cookie,
// before it signs in: pending interactions are bound to it (interaction.go),
// which defeats login CSRF (RFC 6749 §10.12). A successful login always
// issues a new id (against session fixation), and the record of the old one
// is deleted.

// Session lifetimes and bounds.
const (
	// KeyBytes is the least length of the key that signs session cookies.
	KeyBytes = 32

	// TTL is the lifetime of a login session.
	TTL            = 12 * time.Hour
	sessionIDBytes = 32
	// CookieName is the name of the session cookie, after its prefix.
	CookieName = "oauthgen-session"
	// securePrefix is the cookie prefix that makes the browser insist on
	// Secure, Path=/ and no Domain (RFC 6265bis §4.1.3.2).
	securePrefix = "__Host-"
)

// sessionMACLabel separates the session cookie's MAC from any other use of
// the session key.
const sessionMACLabel = "oauthgen session cookie v1\x00"

// ID is the random id of a browser's session cookie.
type ID [sessionIDBytes]byte

// Key is the SHA-256 of an ID: the key of its record.
type Key [sha256.Size]byte

// Key returns the hash under which the session's record is kept.
func (id ID) Key() Key { return sha256.Sum256(id[:]) }

// NewID returns a new random session id.
func NewID() ID {
	var id ID
	_, _ = rand.Read(id[:]) // crypto/rand.Read never returns an error (Go 1.24+)
	return id
}

// Session is the server-side record of a signed-in browser.
type Session struct {
	// Subject is the end user; Username is the name they signed in with,
	// shown on the consent page.
	Subject  string `json:"sub"`
	Username string `json:"username,omitempty"`
	// AuthTime is when they authenticated, AMR how (RFC 8176).
	AuthTime time.Time `json:"auth_time"`
	AMR      []string  `json:"amr,omitempty"`
	// SID is the public session id (the sid claim); never the cookie's id.
	SID string `json:"sid"`
	// ExpiresAt ends the session: TTL after the login.
	ExpiresAt time.Time `json:"exp"`
	// Previous is the key of the cookie this session replaced at login, so
	// an interaction started in another tab before the login stays usable.
	Previous Key `json:"previous,omitzero"`
}

// Sessions holds the login sessions of one server, in its store.
type Sessions struct {
	keys   *cookieKey
	name   string // the cookie name
	secure bool   // the Secure attribute and the __Host- prefix
	store  Store
}

// New builds the session state of a server with the issuer iss. The
// cookies are signed with key when it is set, else with the key the
// instances sharing st agree on (cookieKey). The cookie is Secure and
// __Host- prefixed unless the issuer is http on a loopback host (which the
// server allows only there): browsers refuse Secure cookies over plain
// http.
func New(st Store, key []byte, iss string) *Sessions {
	s := &Sessions{keys: newCookieKey(st, key), name: securePrefix + CookieName, secure: true, store: st}
	if u, err := url.Parse(iss); err == nil && u.Scheme == "http" {
		s.name, s.secure = CookieName, false
	}
	return s
}

// mac returns the HMAC-SHA256 of id with the session key.
func mac(key []byte, id ID) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(sessionMACLabel))
	m.Write(id[:])
	return m.Sum(nil)
}

// cookieValue is base64url(id) "." base64url(HMAC(id)).
func cookieValue(key []byte, id ID) string {
	return base64.RawURLEncoding.EncodeToString(id[:]) + "." + base64.RawURLEncoding.EncodeToString(mac(key, id))
}

// fromRequest returns the id of the request's session cookie when it is
// present and its MAC verifies with key (compared in constant time).
func (s *Sessions) fromRequest(r *http.Request, key []byte) (ID, bool) {
	var id ID
	c, err := r.Cookie(s.name)
	if err != nil {
		return id, false
	}
	rawID, rawMAC, ok := strings.Cut(c.Value, ".")
	if !ok {
		return id, false
	}
	b, err := base64.RawURLEncoding.DecodeString(rawID)
	if err != nil || len(b) != sessionIDBytes {
		return id, false
	}
	copy(id[:], b)
	m, err := base64.RawURLEncoding.DecodeString(rawMAC)
	if err != nil || !hmac.Equal(m, mac(key, id)) {
		return ID{}, false
	}
	return id, true
}

// SetCookie sends the cookie of id: HttpOnly, SameSite=Lax, Path=/, and
// Secure with the __Host- prefix (RFC 6265bis §4.1.3.2). SameSite=Lax, not
// Strict, because the browser arrives from the client's site by a
// top-level GET and must bring the session along. Max-Age is the session's
// lifetime; the record's expiry is what counts.
func (s *Sessions) SetCookie(ctx context.Context, w http.ResponseWriter, id ID, now time.Time) error {
	key, err := s.keys.get(ctx, now)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     s.name,
		Value:    cookieValue(key, id),
		Path:     "/",
		MaxAge:   int(TTL / time.Second),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// Browser is the browser's session as the current step sees it: the key
// of its verified cookie, and the live session under that key.
type Browser struct {
	// Key is the key of the verified cookie; HasCookie whether there is one.
	Key       Key
	HasCookie bool
	// Session is the live session under Key; SignedIn whether there is one.
	Session  Session
	SignedIn bool
}

// Current returns the state of the request's cookie: verified once, hashed
// once and looked up once per request. An error is the store's.
func (s *Sessions) Current(ctx context.Context, r *http.Request, now time.Time) (Browser, error) {
	if _, err := r.Cookie(s.name); err != nil {
		return Browser{}, nil // no cookie: no need for the key
	}
	key, err := s.keys.get(ctx, now)
	if err != nil {
		return Browser{}, err
	}
	id, ok := s.fromRequest(r, key)
	if !ok {
		return Browser{}, nil
	}
	us := Browser{Key: id.Key(), HasCookie: true}
	us.SignedIn, err = get(ctx, s.store, statens.Session, us.Key[:], &us.Session, now)
	if err != nil {
		return Browser{}, err
	}
	return us, nil
}

// Login starts a new session for a successful login: a new id (rotated,
// against session fixation), its record, and its cookie; the record of
// the browser's old cookie, if any, is deleted. It returns the new state.
// On an error no cookie is sent, and the browser keeps its old session.
func (s *Sessions) Login(ctx context.Context, w http.ResponseWriter, old Browser, ls Session, now time.Time) (Browser, error) {
	if old.HasCookie {
		ls.Previous = old.Key
	}
	id := NewID()
	ls.AuthTime = now
	ls.ExpiresAt = now.Add(TTL)
	ls.SID = randtok.NewID()
	us := Browser{Key: id.Key(), HasCookie: true, Session: ls, SignedIn: true}
	if err := put(ctx, s.store, statens.Session, us.Key[:], ls, ls.ExpiresAt, now); err != nil {
		return old, err
	}
	if old.HasCookie {
		if err := s.store.DeleteState(ctx, statens.Session, old.Key[:]); err != nil {
			return old, fmt.Errorf("delete session: %w", err)
		}
	}
	if err := s.SetCookie(ctx, w, id, now); err != nil {
		return old, err
	}
	return us, nil
}
