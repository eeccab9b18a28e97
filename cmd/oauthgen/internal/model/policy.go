package model

import (
	"time"

	"github.com/oauthgen/oauthgen/spec"
)

// The built-in token defaults, used when neither the catalogue, the flow nor
// the server sets a value.
const (
	DefaultAccessFormat   = "jwt"
	DefaultAccessTTL      = 10 * time.Minute
	DefaultIssueRefresh   = true
	DefaultRotateRefresh  = true
	DefaultRefreshTTL     = 720 * time.Hour
	DefaultRefreshIdleTTL = 72 * time.Hour // 0 means no idle timeout
	DefaultRefreshGrace   = 0 * time.Second
	DefaultCodeTTL        = 60 * time.Second
	DefaultDeviceCodeTTL  = 10 * time.Minute
	DefaultSigningAlg     = "ES256"
	// ID tokens: RS256 is the algorithm OIDC Discovery §3 requires servers
	// to support; the lifetime is the runtime's default.
	DefaultIDTokenSigningAlg = "RS256"
	DefaultIDTokenTTL        = 10 * time.Minute
)

// resolvePolicy applies, per setting, the first value set by: the catalogue
// flow's forced defaults, the flow's tokens, the server's tokens, then the
// built-in default.
func resolvePolicy(layers ...*spec.TokenSettings) Policy {
	return Policy{
		AccessFormat:   pick(layers, func(t *spec.TokenSettings) *string { return t.AccessTokenFormat }, DefaultAccessFormat),
		AccessTTL:      pick(layers, func(t *spec.TokenSettings) *time.Duration { return t.AccessTokenTTL }, DefaultAccessTTL),
		IssueRefresh:   pick(layers, func(t *spec.TokenSettings) *bool { return t.IssueRefreshToken }, DefaultIssueRefresh),
		RotateRefresh:  pick(layers, func(t *spec.TokenSettings) *bool { return t.RotateRefreshToken }, DefaultRotateRefresh),
		RefreshTTL:     pick(layers, func(t *spec.TokenSettings) *time.Duration { return t.RefreshTokenTTL }, DefaultRefreshTTL),
		RefreshIdleTTL: pick(layers, func(t *spec.TokenSettings) *time.Duration { return t.RefreshTokenIdleTTL }, DefaultRefreshIdleTTL),
		RefreshGrace:   pick(layers, func(t *spec.TokenSettings) *time.Duration { return t.RefreshGrace }, DefaultRefreshGrace),
		CodeTTL:        pick(layers, func(t *spec.TokenSettings) *time.Duration { return t.CodeTTL }, DefaultCodeTTL),
		DeviceCodeTTL:  pick(layers, func(t *spec.TokenSettings) *time.Duration { return t.DeviceCodeTTL }, DefaultDeviceCodeTTL),
	}
}

// pick returns the first value a layer sets, or def. Nil layers are skipped.
func pick[T any](layers []*spec.TokenSettings, get func(*spec.TokenSettings) *T, def T) T {
	for _, l := range layers {
		if l == nil {
			continue
		}
		if v := get(l); v != nil {
			return *v
		}
	}
	return def
}
