package generated

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// floorHandler is the floor the generated handler is measured against: a
// hand-written net/http client_credentials token endpoint that does the same
// essential work (parse the form, authenticate the client with Basic and a
// constant-time hash comparison, build RFC 9068 claims, sign or mint an opaque
// token, encode JSON) and nothing else: no spec, no typed context, no stores
// beyond one map write for opaque tokens.
type floorHandler struct {
	clientID   string
	secretHash [32]byte
	key        *ecdsa.PrivateKey
	opaque     bool
	issued     map[[32]byte]string
}

func newFloorHandler(clientID, secret string, opaque bool) *floorHandler {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return &floorHandler{
		clientID:   clientID,
		secretHash: sha256.Sum256([]byte(secret)),
		key:        key,
		opaque:     opaque,
		issued:     map[[32]byte]string{},
	}
}

func (h *floorHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	}
	sum := sha256.Sum256([]byte(secret))
	if !ok || id != h.clientID || subtle.ConstantTimeCompare(sum[:], h.secretHash[:]) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="floor"`)
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	scope := r.PostForm.Get("scope")
	now := time.Now()
	var token string
	if h.opaque {
		var b [32]byte
		_, _ = rand.Read(b[:])
		token = base64.RawURLEncoding.EncodeToString(b[:])
		h.issued[sha256.Sum256([]byte(token))] = id
	} else {
		var jti [16]byte
		_, _ = rand.Read(jti[:])
		claims := jwt.MapClaims{
			"iss": "http://127.0.0.1:8080", "sub": id, "aud": "https://api.example.com", "client_id": id,
			"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
			"jti": base64.RawURLEncoding.EncodeToString(jti[:]), "scope": strings.TrimSpace(scope),
		}
		t := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
		t.Header["typ"] = "at+jwt"
		t.Header["kid"] = "floor"
		var err error
		if token, err = t.SignedString(h.key); err != nil {
			http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": token, "token_type": "Bearer", "expires_in": 600, "scope": scope,
	})
}
