// Package clientauth holds the mechanics of client authentication
// (RFC 6749 §2.3): the credentials a request presents, and the stored
// secret hashes they are verified against.
package clientauth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/oauthgen/oauthgen/runtime/internal/randtok"
)

// Client secrets are stored only as hashes, in one of two forms:
//
//   - "sha256:<base64url of SHA-256(secret)>" for secrets the server
//     generates: 256 random bits make a fast hash enough;
//   - a bcrypt hash ("$2a$", "$2b$", "$2y$") for imported low-entropy
//     secrets, verified behind a short-lived cache of successful checks.
const sha256SecretPrefix = "sha256:"

// Hash returns the stored form of a secret: "sha256:" followed by the
// unpadded base64url SHA-256 of the secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return sha256SecretPrefix + base64.RawURLEncoding.EncodeToString(sum[:])
}

// CheckHash reports whether h is a stored secret hash this runtime can
// verify.
func CheckHash(h string) error {
	switch {
	case strings.HasPrefix(h, sha256SecretPrefix):
		raw, err := base64.RawURLEncoding.DecodeString(h[len(sha256SecretPrefix):])
		if err != nil || len(raw) != sha256.Size {
			return errors.New("malformed sha256 secret hash")
		}
		return nil
	case isBcryptHash(h):
		if _, err := bcrypt.Cost([]byte(h)); err != nil {
			return errors.New("malformed bcrypt secret hash")
		}
		return nil
	case h == "":
		return errors.New("missing secret hash")
	default:
		return errors.New(`unknown secret hash format (want "sha256:..." or a bcrypt hash)`)
	}
}

func isBcryptHash(h string) bool {
	return strings.HasPrefix(h, "$2a$") || strings.HasPrefix(h, "$2b$") || strings.HasPrefix(h, "$2y$")
}

// dummySecretHash is compared against when the client is unknown or cannot
// use a secret, so that those failures do comparable work to a wrong secret
// (an unknown client is as slow as a wrong secret).
var dummySecretHash = sha256.Sum256([]byte("oauthgen: no such client"))

// Verifier checks presented client secrets against stored hashes. It
// belongs to one Server; its cache is the only mutable state, guarded by mu.
type Verifier struct {
	key [32]byte // per-server HMAC key of the cache keys

	mu      sync.Mutex
	ok      map[[32]byte]time.Time // successful bcrypt checks → expiry
	ttl     time.Duration
	maxSize int

	// cost is the running estimate, in nanoseconds, of a bcrypt check's
	// duration (0 while unknown): every failed authentication is padded
	// to it (PadFailure).
	cost atomic.Int64
	// expected is the costliest bcrypt hash the server's clients are
	// known to use; the first padding measures a check of it when no real
	// check has been measured yet.
	expected    atomic.Pointer[string]
	calibration sync.Once
	// wait waits for d or until ctx ends; tests replace it.
	wait func(ctx context.Context, d time.Duration)
}

// Defaults of the bcrypt success cache: entries live five minutes and at most
// 4096 are kept, so a flood of distinct clients cannot grow memory.
const (
	bcryptCacheTTL  = 5 * time.Minute
	bcryptCacheSize = 4096
)

// NewVerifier returns a verifier with an empty cache and a fresh cache key.
func NewVerifier() *Verifier {
	v := &Verifier{ok: make(map[[32]byte]time.Time), ttl: bcryptCacheTTL, maxSize: bcryptCacheSize, wait: sleep}
	_, _ = rand.Read(v.key[:])
	return v
}

// Verify reports whether secret matches the stored hash of the client. now
// comes from the server's Clock.
func (v *Verifier) Verify(clientID, storedHash, secret string, now time.Time) bool {
	if strings.HasPrefix(storedHash, sha256SecretPrefix) {
		var want [sha256.Size]byte
		var enc [64]byte // the encoded hash has 43 bytes: decoded from the stack
		m := copy(enc[:], storedHash[len(sha256SecretPrefix):])
		n, err := base64.RawURLEncoding.Decode(want[:], enc[:m])
		sum := randtok.Sum256(secret)
		if err != nil || n != sha256.Size || len(storedHash)-len(sha256SecretPrefix) != m {
			subtle.ConstantTimeCompare(sum[:], dummySecretHash[:])
			return false
		}
		return subtle.ConstantTimeCompare(sum[:], want[:]) == 1
	}
	if isBcryptHash(storedHash) {
		return v.verifyBcrypt(clientID, storedHash, secret, now)
	}
	v.Dummy(secret)
	return false
}

// Dummy does the work of a sha256 verification that cannot succeed.
func (v *Verifier) Dummy(secret string) {
	sum := randtok.Sum256(secret)
	subtle.ConstantTimeCompare(sum[:], dummySecretHash[:])
}

// verifyBcrypt checks a bcrypt hash, consulting the cache of recent
// successful checks first, so a slow hash does not dominate every request. The cache key is an HMAC
// under a per-server random key of the client id, the stored hash and the
// secret, so no secret plaintext is kept and a changed hash misses.
func (v *Verifier) verifyBcrypt(clientID, storedHash, secret string, now time.Time) bool {
	m := hmac.New(sha256.New, v.key[:])
	m.Write([]byte(clientID))
	m.Write([]byte{0})
	m.Write([]byte(storedHash))
	m.Write([]byte{0})
	m.Write([]byte(secret))
	var k [32]byte
	m.Sum(k[:0])

	v.mu.Lock()
	exp, hit := v.ok[k]
	v.mu.Unlock()
	if hit && now.Before(exp) {
		return true
	}
	start := time.Now()
	err := bcrypt.CompareHashAndPassword([]byte(storedHash), []byte(secret))
	v.observe(time.Since(start))
	if err != nil {
		return false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.ok) >= v.maxSize {
		for key, e := range v.ok {
			if !now.Before(e) {
				delete(v.ok, key)
			}
		}
		for key := range v.ok {
			if len(v.ok) < v.maxSize {
				break
			}
			delete(v.ok, key) // arbitrary victim: the map has no order
		}
	}
	v.ok[k] = now.Add(v.ttl)
	return true
}

// Expect tells the verifier about a stored hash one of the server's
// clients uses, so that failures are padded to its check's duration from
// the first one on, before any check of it has been measured.
func (v *Verifier) Expect(storedHash string) {
	if !isBcryptHash(storedHash) {
		return
	}
	cost, err := bcrypt.Cost([]byte(storedHash))
	if err != nil {
		return
	}
	for {
		old := v.expected.Load()
		if old != nil {
			if c, _ := bcrypt.Cost([]byte(*old)); c >= cost {
				return
			}
		}
		if v.expected.CompareAndSwap(old, &storedHash) {
			return
		}
	}
}

// observe updates the estimate of a bcrypt check's duration with one
// measured: an exponentially weighted average, which a single slow check
// moves by an eighth.
func (v *Verifier) observe(d time.Duration) {
	for {
		old := v.cost.Load()
		next := int64(d)
		if old != 0 {
			next = old + (int64(d)-old)/8
		}
		if v.cost.CompareAndSwap(old, next) {
			return
		}
	}
}

// Floor is how long a failed authentication takes at least: a quarter
// more than a bcrypt check is estimated to take, when the server's
// clients use bcrypt, else 0 (a fast hash's check takes the same time
// whether or not the client exists).
func (v *Verifier) Floor() time.Duration {
	if v.cost.Load() == 0 {
		if h := v.expected.Load(); h != nil {
			v.calibration.Do(func() {
				var probe [32]byte
				_, _ = rand.Read(probe[:])
				start := time.Now()
				_ = bcrypt.CompareHashAndPassword([]byte(*h), probe[:])
				v.observe(time.Since(start))
			})
		}
	}
	return time.Duration(v.cost.Load()) * 5 / 4
}

// PadFailure waits until Floor has passed since started, the start of a
// failed authentication, so that an unknown client, a client without a
// secret and a wrong secret take the same time: an observer cannot tell
// them apart, and an unknown client costs a timer, not a hash's CPU. It
// returns early when ctx ends.
func (v *Verifier) PadFailure(ctx context.Context, started time.Time) {
	if d := v.Floor() - time.Since(started); d > 0 {
		v.wait(ctx, d)
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
