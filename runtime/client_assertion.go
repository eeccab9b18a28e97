package runtime

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/clientauth"
	"github.com/oauthgen/oauthgen/runtime/internal/jwkset"
	"github.com/oauthgen/oauthgen/runtime/internal/statens"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// verifyClientAssertion authenticates a private_key_jwt or
// client_secret_jwt client by its assertion (RFC 7523 §2.2, §3; OIDC Core
// §9), presented at the endpoint with the id: signed by one of the
// client's keys (Client.JWKS, or the set at Client.JWKSURI), or MACed
// with its secret (Client.SigningSecret), its claims within bounds
// (clientauth.VerifyAssertion), and its jti not used before, by any
// instance: the store's replay namespace keeps it until the assertion
// expires. Every failure is invalid_client, its cause (an unknown kid, a
// jwks_uri that cannot be fetched) logged; a store that fails is
// server_error.
func (s *Server) verifyClientAssertion(ctx context.Context, c *Client, assertion, endpoint string, now time.Time) *oauth.Error {
	origin := s.origin()
	aud := []string{s.settings.Issuer, origin + s.settings.Paths[tokenEndpointID]}
	if endpoint != tokenEndpointID {
		aud = append(aud, origin+s.settings.Paths[endpoint])
	}
	var secret []byte
	if c.AuthMethod == oauth.AuthClientSecretJWT {
		if c.SigningSecret == "" { // a registry that does not validate its clients
			return clientauth.Failed().WithCause(fmt.Errorf("client_secret_jwt client %q has no secret", c.ID))
		}
		secret = []byte(c.SigningSecret.Reveal()) // the HMAC key (OIDC Core §9)
	}
	a, e := clientauth.VerifyAssertion(assertion, clientauth.AssertionCheck{
		Secret:    secret,
		ClientID:  c.ID,
		Audiences: aud,
		Alg:       c.TokenEndpointAuthSigningAlg,
		Now:       now,
		Keys: func(refresh bool) (*jwkset.Set, error) {
			set, err := s.clientKeys(ctx, c, now, refresh)
			if set != nil && err != nil {
				// A stale set still verifies; the operator should know why
				// it is not refreshed.
				s.log.WarnContext(ctx, "client authentication: the client's jwks_uri cannot be fetched; its cached keys are used",
					"client_id", c.ID, "error", err)
				return set, nil
			}
			return set, err
		},
	})
	if e != nil {
		return e
	}
	// One use per jti, per client, across instances (RFC 7523 §3; RFC 7519
	// §4.1.7), kept until the assertion can no longer be accepted.
	key := statens.Key("client-assertion", c.ID, a.JTI)
	added, err := s.store.AddState(ctx, statens.Replay, key, []byte{1}, a.Exp.Add(clientauth.AssertionSkew), now)
	if err != nil {
		return oauth.AsError(fmt.Errorf("record the client assertion's jti: %w", err))
	}
	if !added {
		return oauth.NewError(oauth.ErrInvalidClient, "invalid client_assertion: its jti was already used (RFC 7523 §3)")
	}
	return nil
}

// clientKeys returns the public keys of a private_key_jwt client: its
// inline JWK Set, or the one at its jwks_uri, cached (jwkset.Remote).
func (s *Server) clientKeys(ctx context.Context, c *Client, now time.Time, refresh bool) (*jwkset.Set, error) {
	if c.JWKSURI != "" {
		return s.remoteKeys.Get(ctx, c.JWKSURI, now, refresh)
	}
	if c.jwks != nil {
		return c.jwks, nil // parsed when the registry was built
	}
	if len(c.JWKS) == 0 {
		return nil, fmt.Errorf("client %q has neither jwks nor jwks_uri", c.ID)
	}
	return jwkset.Parse(c.JWKS)
}

// assertionAlgs are the values of *_endpoint_auth_signing_alg_values_supported
// for an endpoint that accepts methods (RFC 8414 §2): the algorithms of
// private_key_jwt and of client_secret_jwt, of those of them it accepts;
// none when it accepts neither.
func assertionAlgs(methods []oauth.ClientAuthMethod) []string {
	var algs []string
	if slices.Contains(methods, oauth.AuthPrivateKeyJWT) {
		algs = append(algs, clientauth.AssertionAlgs...)
	}
	if slices.Contains(methods, oauth.AuthClientSecretJWT) {
		algs = append(algs, clientauth.SecretAlgs...)
	}
	return algs
}
