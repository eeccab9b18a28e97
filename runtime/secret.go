package runtime

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
)

// Secret is a string that must never be printed or logged: tokens, codes,
// client secrets, passwords and PKCE verifiers (security.md S-76). Every
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

// Equal compares two secrets in constant time (security.md S-04).
func (s Secret) Equal(o Secret) bool { return ConstantTimeEqual(string(s), string(o)) }

// ConstantTimeEqual reports whether a and b are equal without leaking, through
// timing, where they differ. Lengths are not secret.
func ConstantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
