package session

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/statens"
)

// The relying parties of a login session: the clients that received a code,
// and so an ID token with the session's sid, while it lasted. Logout
// notifies them (OpenID Connect Back-Channel Logout 1.0 §2.1). The list is
// kept apart from the session record, under the hash of the public sid, so
// that it follows the session through the rotation of its cookie.

// MaxRelying bounds the clients one session records: a session that
// reached more keeps the first ones (a browser signs in to a handful).
const MaxRelying = 64

// relyingRecord is the list as the store keeps it.
type relyingRecord struct {
	Clients []string `json:"clients"`
}

func relyingKey(sid string) []byte { return statens.Key("relying", sid) }

// relyingWrites bounds the attempts of AddRelying to see its write survive
// another instance's concurrent write.
const relyingWrites = 4

// AddRelying records client among the relying parties of the session sid
// until expires. The store has no compare-and-swap, so the write is
// read-modify-write, read back until the client is seen: a concurrent
// write for another client of the same session that overwrote it is then
// redone.
func (s *Sessions) AddRelying(ctx context.Context, sid, client string, expires, now time.Time) error {
	if sid == "" || client == "" {
		return nil
	}
	for range relyingWrites {
		clients, err := s.Relying(ctx, sid, now)
		if err != nil {
			return err
		}
		if slices.Contains(clients, client) || len(clients) >= MaxRelying {
			return nil
		}
		clients = append(clients, client)
		if err := put(ctx, s.store, statens.Relying, relyingKey(sid), relyingRecord{Clients: clients}, expires, now); err != nil {
			return err
		}
	}
	return nil
}

// Relying returns the clients recorded for the session sid.
func (s *Sessions) Relying(ctx context.Context, sid string, now time.Time) ([]string, error) {
	var rec relyingRecord
	if _, err := get(ctx, s.store, statens.Relying, relyingKey(sid), &rec, now); err != nil {
		return nil, err
	}
	return rec.Clients, nil
}

// End ends the browser's session everywhere: its record and its list of
// relying parties are deleted from the store, which every instance shares,
// and the cookie is cleared. The relying parties are returned, for
// notification.
func (s *Sessions) End(ctx context.Context, w http.ResponseWriter, b Browser, now time.Time) ([]string, error) {
	var clients []string
	if b.SignedIn {
		var err error
		if clients, err = s.Relying(ctx, b.Session.SID, now); err != nil {
			return nil, err
		}
	}
	if b.HasCookie {
		if err := s.store.DeleteState(ctx, statens.Session, b.Key[:]); err != nil {
			return nil, fmt.Errorf("delete session: %w", err)
		}
	}
	if b.SignedIn {
		if err := s.store.DeleteState(ctx, statens.Relying, relyingKey(b.Session.SID)); err != nil {
			return nil, fmt.Errorf("delete relying parties: %w", err)
		}
	}
	s.ClearCookie(w)
	return clients, nil
}

// ClearCookie tells the browser to drop its session cookie (RFC 6265
// §5.3: an expired Max-Age), with the attributes it was set with.
func (s *Sessions) ClearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.name,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}
