package runtime

import (
	"fmt"
	"log/slog"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
)

// Secret is a string that must never be printed or logged: tokens, codes,
// client secrets, passwords and PKCE verifiers. Every
// formatting path prints "[redacted]"; use Reveal to get the value.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret value. Call it only where the value must go on the
// wire or into a hash.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer and prints "[redacted]".
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer and prints "[redacted]".
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that %s, %v, %q and %x all print "[redacted]".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON prints "[redacted]", so a Secret cannot leak through a JSON log.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// LogValue implements slog.LogValuer and prints "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Equal compares two secrets in constant time.
func (s Secret) Equal(o Secret) bool { return randtok.Equal(string(s), string(o)) }

// newSecretValue returns a new token, code or secret value: 256 bits from
// crypto/rand, base64url-encoded.
func newSecretValue() Secret { return Secret(randtok.NewValue()) }

// hashSecret returns the hash under which a token or code value is stored:
// its SHA-256. Only the hash is ever stored.
func hashSecret(s Secret) []byte { return randtok.Hash(string(s)) }
