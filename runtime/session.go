package runtime

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The end user's login session (security.md S-50). The browser holds a
// cookie whose value is a 256-bit random id and an HMAC-SHA256 over it with
// the server's session key; the server keeps the session record keyed by
// the SHA-256 of the id, so neither a leaked store nor a forged cookie
// yields a session. Every browser that reaches a login page gets a cookie,
// before it signs in: pending interactions are bound to it (interaction.go),
// which defeats login CSRF (RFC 6749 §10.12). A successful login always
// issues a new id (against session fixation), and the record of the old one
// is deleted.

// Session lifetimes and bounds.
const (
	sessionTTL        = 12 * time.Hour
	sessionIDBytes    = 32
	maxSessions       = 1 << 16
	sessionCookieName = "oauthgen-session"
	// securePrefix is the cookie prefix that makes the browser insist on
	// Secure, Path=/ and no Domain (RFC 6265bis §4.1.3.2).
	securePrefix = "__Host-"
)

// sessionMACLabel separates the session cookie's MAC from any other use of
// the session key.
const sessionMACLabel = "oauthgen session cookie v1\x00"

// sessionID is the random id of a browser's session cookie.
type sessionID [sessionIDBytes]byte

// sessionKey is the SHA-256 of a sessionID: the key of its record.
type sessionKey [sha256.Size]byte

// key returns the hash under which the session's record is kept.
func (id sessionID) key() sessionKey { return sha256.Sum256(id[:]) }

func newSessionID() sessionID {
	var id sessionID
	_, _ = rand.Read(id[:]) // crypto/rand.Read never returns an error (Go 1.24+)
	return id
}

// loginSession is the server-side record of a signed-in browser.
type loginSession struct {
	// Subject is the end user; Username is the name they signed in with,
	// shown on the consent page.
	Subject  string
	Username string
	// AuthTime is when they authenticated, AMR how (RFC 8176).
	AuthTime time.Time
	AMR      []string
	// SID is the public session id (the sid claim); never the cookie's id.
	SID string
	// ExpiresAt ends the session: sessionTTL after the login.
	ExpiresAt time.Time
	// previous is the key of the cookie this session replaced at login, so
	// an interaction started in another tab before the login stays usable.
	previous sessionKey
}

// authentication is the session as an Authentication.
func (ls loginSession) authentication() Authentication {
	return Authentication{Subject: ls.Subject, AuthTime: ls.AuthTime, AMR: slices.Clone(ls.AMR), SessionID: ls.SID}
}

// sessions holds the login sessions of one server.
type sessions struct {
	key    []byte // the HMAC key, ≥ 32 bytes
	name   string // the cookie name
	secure bool   // the Secure attribute and the __Host- prefix
	table  *expiringTable[sessionKey, loginSession]
}

// newSessions builds the session state of a server with the issuer iss.
// The cookie is Secure and __Host- prefixed unless the issuer is http on a
// loopback host (which NewServer allows only there, flows.md §2.1 rule 1):
// browsers refuse Secure cookies over plain http.
func newSessions(key []byte, iss string) *sessions {
	s := &sessions{key: key, name: securePrefix + sessionCookieName, secure: true,
		table: newExpiringTable[sessionKey, loginSession](maxSessions)}
	if u, err := url.Parse(iss); err == nil && u.Scheme == "http" {
		s.name, s.secure = sessionCookieName, false
	}
	return s
}

// mac returns the HMAC-SHA256 of id with the session key.
func (s *sessions) mac(id sessionID) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(sessionMACLabel))
	m.Write(id[:])
	return m.Sum(nil)
}

// cookieValue is base64url(id) "." base64url(HMAC(id)).
func (s *sessions) cookieValue(id sessionID) string {
	return base64.RawURLEncoding.EncodeToString(id[:]) + "." + base64.RawURLEncoding.EncodeToString(s.mac(id))
}

// fromRequest returns the id of the request's session cookie when it is
// present and its MAC verifies (compared in constant time).
func (s *sessions) fromRequest(r *http.Request) (sessionID, bool) {
	var id sessionID
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
	if err != nil || !hmac.Equal(m, s.mac(id)) {
		return sessionID{}, false
	}
	return id, true
}

// setCookie sends the cookie of id: HttpOnly, SameSite=Lax, Path=/, and
// Secure with the __Host- prefix (security.md S-50). SameSite=Lax, not
// Strict, because the browser arrives from the client's site by a
// top-level GET and must bring the session along. Max-Age is the session's
// lifetime; the record's expiry is what counts.
func (s *sessions) setCookie(w http.ResponseWriter, id sessionID) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.name,
		Value:    s.cookieValue(id),
		Path:     "/",
		MaxAge:   int(sessionTTL / time.Second),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}

// userState is the browser's session as the current step sees it: the key
// of its verified cookie, and the live session under that key.
type userState struct {
	browser    sessionKey
	hasBrowser bool
	session    loginSession
	hasSession bool
}

// current returns the state of the request's cookie: verified once, hashed
// once and looked up once per request.
func (s *sessions) current(r *http.Request, now time.Time) userState {
	id, ok := s.fromRequest(r)
	if !ok {
		return userState{}
	}
	us := userState{browser: id.key(), hasBrowser: true}
	us.session, us.hasSession = s.table.get(us.browser, now)
	return us
}

// login starts a new session for a successful login: a new id (rotated,
// security.md S-50), its cookie, and its record; the record of the
// browser's old cookie, if any, is deleted. It returns the new state.
func (s *sessions) login(w http.ResponseWriter, old userState, ls loginSession, now time.Time) userState {
	if old.hasBrowser {
		ls.previous = old.browser
		s.table.remove(old.browser)
	}
	id := newSessionID()
	ls.AuthTime = now
	ls.ExpiresAt = now.Add(sessionTTL)
	ls.SID = newID()
	us := userState{browser: id.key(), hasBrowser: true, session: ls, hasSession: true}
	s.table.put(us.browser, ls, ls.ExpiresAt, now)
	s.setCookie(w, id)
	return us
}
