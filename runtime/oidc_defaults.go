package runtime

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The OpenID Connect parts of the server's settings and of the default
// token data: which keys an OpenID server needs, the default ID token of the
// code and refresh flows, and the offline_access rule for refresh tokens
// (OIDC Core §11).

// defaultIDTokenTTL is the lifetime of ID tokens when the spec sets none.
const defaultIDTokenTTL = 10 * time.Minute

// normaliseOpenID fills the OpenID Connect defaults of s (IDTokenSigningAlg
// RS256, IDTokenTTL 10 minutes) when the server speaks OpenID Connect, and
// checks the OpenID settings: a known ID token algorithm, a positive
// lifetime, and a userinfo flow only with the openid scope declared and a
// well-formed UserInfoPath.
func normaliseOpenID(s *Settings, fl Flows) error {
	var errs []error
	if s.OpenID() {
		if s.IDTokenSigningAlg == "" {
			s.IDTokenSigningAlg = oauth.AlgRS256 // OIDC Core §15.1: RS256 is the default
		}
		if s.IDTokenTTL == 0 {
			s.IDTokenTTL = defaultIDTokenTTL
		}
	}
	switch s.IDTokenSigningAlg {
	case "", oauth.AlgRS256, oauth.AlgES256, oauth.AlgEdDSA:
	default:
		errs = append(errs, fmt.Errorf("settings: unsupported IDTokenSigningAlg %q", s.IDTokenSigningAlg))
	}
	if s.IDTokenTTL < 0 {
		errs = append(errs, errors.New("settings: IDTokenTTL is negative"))
	}
	if fl.UserInfo != nil {
		if fl.UserInfo.Flow == nil {
			errs = append(errs, errors.New("userinfo flow: Flow is nil"))
		}
		if !s.OpenID() {
			errs = append(errs, errors.New("settings: the userinfo flow needs the openid scope (OIDC Core §5.3)"))
		}
	}
	return errors.Join(errs...)
}

// requiredKeyAlgs lists the algorithms the server's key set must sign
// with: the access tokens' and, for OpenID Connect, the ID tokens' and
// RS256, which id_token_signing_alg_values_supported must list (OIDC
// Discovery §3).
func requiredKeyAlgs(s Settings) []string {
	algs := []string{s.SigningAlg}
	if s.OpenID() {
		for _, a := range []string{s.IDTokenSigningAlg, oauth.AlgRS256} {
			if a != "" && !slices.Contains(algs, a) {
				algs = append(algs, a)
			}
		}
	}
	return algs
}

// checkKeyAlgs reports the algorithms of algs the key set cannot sign with.
func checkKeyAlgs(ks *KeySet, algs []string) error {
	have := ks.Algorithms()
	var errs []error
	for _, a := range algs {
		if !slices.Contains(have, a) {
			errs = append(errs, fmt.Errorf("the key set has no %s key", a))
		}
	}
	return errors.Join(errs...)
}

// idTokenAlgs is id_token_signing_alg_values_supported: the ID token
// algorithm, then RS256, which must always be listed (OIDC Discovery §3).
func idTokenAlgs(s Settings) []string {
	algs := []string{s.IDTokenSigningAlg}
	if s.IDTokenSigningAlg != oauth.AlgRS256 {
		algs = append(algs, oauth.AlgRS256)
	}
	return algs
}

// openIDGranted reports whether an ID token is due for scope.
func openIDGranted(t *TokenContext, scope oauth.ScopeSet) bool {
	return t.server.settings.OpenID() && scope.Contains(oauth.ScopeOpenID)
}

// withUserInfoAudience adds the issuer to aud when openid is granted: the
// access token of an OpenID Connect grant is the one a client presents at
// the userinfo endpoint (OIDC Core §5.3), which accepts only tokens whose
// audience names this server (RFC 8707 §2; RFC 9068 §4). aud is not
// modified.
func withUserInfoAudience(t *TokenContext, scope oauth.ScopeSet, aud []string) []string {
	if !openIDGranted(t, scope) || slices.Contains(aud, t.Issuer) {
		return aud
	}
	return append(slices.Clip(aud), t.Issuer)
}

// offlineAccessAllows applies the offline_access rule (OIDC Core §11): when
// the spec declares the offline_access scope, an OpenID request (openid
// granted) gets a refresh token only when offline_access was granted too.
// When the spec does not declare it, or openid was not granted, the flow's
// policy alone decides.
func offlineAccessAllows(t *TokenContext, scope oauth.ScopeSet) bool {
	if !openIDGranted(t, scope) || scope.Contains(oauth.ScopeOfflineAccess) {
		return true
	}
	for _, sc := range t.server.settings.Scopes {
		if sc.Name == oauth.ScopeOfflineAccess {
			return false
		}
	}
	return true
}

// codeIDDefaults is the default ID token of a redeemed code:
// nil unless openid was granted; otherwise the code's subject, nonce and
// authentication (auth_time, acr, amr, sid), aud [client_id] and azp.
func codeIDDefaults(t *TokenContext, rec AuthorizationCode) *IDTokenClaims {
	if !openIDGranted(t, t.GrantedScope) {
		return nil
	}
	c := idDefaults(t, rec.Authentication.Subject, t.Client.ID, rec.Authentication)
	c.Nonce = rec.Nonce
	return c
}

// refreshIDDefaults is the default ID token of a refresh:
// nil unless openid is in the grant's scope; otherwise iss, sub, aud and
// azp as in the original ID token and the original auth_time (OIDC Core
// §12.2), a new iat, and no nonce.
func refreshIDDefaults(t *TokenContext, g Grant) *IDTokenClaims {
	if !openIDGranted(t, g.Scope) {
		return nil
	}
	return idDefaults(t, g.Subject, g.ClientID, g.Authentication)
}

// idDefaults is the ID token both defaults share: the issuer, sub, aud
// [clientID] and azp clientID, a new iat and exp, and the authentication
// (auth_time, acr, amr, sid).
func idDefaults(t *TokenContext, subject, clientID string, a Authentication) *IDTokenClaims {
	return &IDTokenClaims{
		Issuer:          t.Issuer,
		Subject:         subject,
		Audience:        Audience{clientID},
		IssuedAt:        t.Now,
		ExpiresAt:       t.Now.Add(t.server.settings.IDTokenTTL),
		AuthTime:        a.AuthTime,
		ACR:             a.ACR,
		AMR:             slices.Clone(a.AMR),
		AuthorizedParty: clientID,
		SessionID:       a.SessionID,
	}
}

// checkIDTokenResponse is the endpoint's check of an id_token in a token
// response: a grant without an end user never carries one, and an at_hash
// in it must be the hash of the access_token returned alongside (OIDC Core
// §3.1.3.8), so a procedure that swapped the access
// token fails in tests, not at a relying party. The ID token is the
// server's own, so its payload is read without verifying the signature.
func checkIDTokenResponse(t *TokenContext, resp *TokenResponse) error {
	if resp.IDToken == "" {
		return nil
	}
	if t.grant.EndUser == flowkit.NoEndUser {
		return oauth.ServerError("token response: a grant without an end user returned an id_token")
	}
	atHash := t.issuedID.atHash
	if resp.IDToken != t.issuedID.token {
		// Not the one Issuers.ID signed in this request: read its at_hash.
		var err error
		if atHash, err = idTokenAtHash(resp.IDToken); err != nil {
			return err
		}
	}
	if atHash != "" && atHash != t.Issuers.AtHash(resp.AccessToken) {
		return oauth.ServerError("token response: id_token at_hash does not match the access_token")
	}
	return nil
}

// idTokenAtHash reads the at_hash claim of an ID token of the server's own,
// without verifying its signature.
func idTokenAtHash(idToken string) (string, error) {
	parts := strings.Split(idToken, ".")
	if len(parts) != 3 {
		return "", oauth.ServerError("token response: id_token is not a compact JWS")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		AtHash string `json:"at_hash"`
	}
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		return "", oauth.ServerError("token response: id_token payload is not JSON")
	}
	return claims.AtHash, nil
}
