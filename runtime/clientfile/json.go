package clientfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// clientRecord is one client in a clients file: the members of Client's
// JSON names (RFC 7591 plus oauthgen's scopes, default_scopes, audiences and
// require_pkce, and client_secret, Client.SigningSecret) and the secret's
// hash.
type clientRecord struct {
	runtime.Client
	ClientSecretHash string `json:"client_secret_hash"`
}

// parseJSON reads clients from JSON: an array of client objects, or an
// object {"clients": [...]}. Any member but those of the package doc is an
// error, and so is client_secret but for a client_secret_jwt client: files
// hold other secrets only as hashes. The clients are not validated yet:
// NewMemoryClients does that.
func parseJSON(data []byte) ([]*runtime.Client, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var recs []clientRecord
	var err error
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var doc struct {
			Clients []clientRecord `json:"clients"`
		}
		err = decodeStrictJSON(data, &doc)
		recs = doc.Clients
	} else {
		err = decodeStrictJSON(data, &recs)
	}
	if err != nil {
		return nil, err
	}
	out := make([]*runtime.Client, 0, len(recs))
	for i, r := range recs {
		if r.SigningSecret != "" && r.AuthMethod != oauth.AuthClientSecretJWT {
			return nil, fmt.Errorf("client %d (%q): %s", i, r.ID, secretInClear)
		}
		out = append(out, r.client())
	}
	return out, nil
}

// client converts the record.
func (r clientRecord) client() *runtime.Client {
	c := r.Client
	c.SetSecretHash(r.ClientSecretHash)
	return &c
}

// decodeStrictJSON decodes one JSON value, refusing unknown members and
// trailing data, and reports syntax and type errors with line and column.
func decodeStrictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(data, se.Offset)
			return fmt.Errorf("%d:%d: %w", l, c, err)
		case errors.As(err, &te):
			l, c := lineCol(data, te.Offset)
			return fmt.Errorf("%d:%d: %w", l, c, err)
		default: // unknown member, unexpected end: the decoder's position is close
			l, c := lineCol(data, dec.InputOffset())
			return fmt.Errorf("%d:%d: %w", l, c, err)
		}
	}
	if dec.More() {
		l, c := lineCol(data, dec.InputOffset())
		return fmt.Errorf("%d:%d: unexpected data after the JSON value", l, c)
	}
	return nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
