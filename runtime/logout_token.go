package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/backchannel"
	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Back-channel logout (OpenID Connect Back-Channel Logout 1.0): when a
// login session ends, each client that took part in it and registered a
// backchannel_logout_uri gets a logout token, sent by the server itself
// (internal/backchannel), retried on failure, once across instances.

// backchannelWait bounds how long a logout's response waits for the first
// attempt of its deliveries: a slow receiver delays the end user by at
// most this, and its delivery goes on in the background.
const backchannelWait = 2 * time.Second

// newBackchannel is the sender of the server's logout tokens.
func (s *Server) newBackchannel(cfg Config) *backchannel.Sender {
	return backchannel.New(s.store, cfg.HTTPClient, s.clock.Now, s.signLogoutToken, s.log)
}

// idTokenAlg is the algorithm of ID tokens, and of logout tokens, which
// relying parties verify like them (Back-Channel Logout 1.0 §2.6).
func (s *Server) idTokenAlg() string {
	if alg := s.settings.IDTokenSigningAlg; alg != "" {
		return alg
	}
	return oauth.AlgRS256
}

// signLogoutToken signs the logout token of d's attempt at now
// (Back-Channel Logout 1.0 §2.4): typ logout+jwt, a short lifetime, the
// delivery's jti, sub and sid, and no nonce.
func (s *Server) signLogoutToken(ctx context.Context, d backchannel.Delivery, now time.Time) (string, error) {
	keys, err := s.keys.keySet(ctx, now)
	if err != nil {
		return "", err
	}
	key := keys.ForAlg(s.idTokenAlg())
	if key == nil {
		return "", fmt.Errorf("the key set has no %s key", s.idTokenAlg())
	}
	payload, err := json.Marshal(backchannel.Claims{
		Issuer: s.settings.Issuer, Audience: d.Client, IssuedAt: now, ExpiresAt: now.Add(backchannel.TokenTTL),
		ID: d.ID, Subject: d.Subject, SessionID: d.SID,
	})
	if err != nil {
		return "", err
	}
	return key.signPayload(backchannel.Typ, payload)
}

// notifyLogout sends a logout token to each of clients registered for
// back-channel logout, for the ended session a, and returns their ids. It
// waits for the first attempts at most backchannelWait; retries go on in
// the background, and any instance takes over the deliveries of one that
// stops (backchannel.Sender.Resume, run at every logout).
func (s *Server) notifyLogout(ctx context.Context, log *slog.Logger, a Authentication, clients []string, now time.Time) []string {
	bg := context.WithoutCancel(ctx)
	defer s.backchannel.Resume(bg)
	var ds []backchannel.Delivery
	var notified []string
	for _, id := range clients {
		c, err := s.clients.Client(ctx, id)
		if err != nil {
			log.LogAttrs(ctx, slog.LevelWarn, "back-channel logout: client not read", slog.String("client_id", id), slog.String("cause", err.Error()))
			continue
		}
		if c == nil || c.BackchannelLogoutURI == "" {
			continue
		}
		ds = append(ds, backchannel.Delivery{
			ID: randtok.NewID(), Client: c.ID, URI: c.BackchannelLogoutURI, Subject: a.Subject, SID: a.SessionID,
			Next: now, Deadline: s.backchannel.Deadline(now),
		})
		notified = append(notified, c.ID)
	}
	if len(ds) == 0 {
		return nil
	}
	first := s.backchannel.Start(bg, ds)
	t := time.NewTimer(backchannelWait)
	defer t.Stop()
	select {
	case <-first:
	case <-t.C:
		log.LogAttrs(ctx, slog.LevelInfo, "back-channel logout continues in the background")
	case <-ctx.Done():
	}
	return notified
}
