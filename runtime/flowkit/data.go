package flowkit

import (
	"encoding/json"
	"fmt"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// EncodeData encodes a flow's typed carry-over data (the spec's code_data)
// for storage on an authorization code. Generated code calls it.
func EncodeData(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, oauth.AsError(fmt.Errorf("encode carry-over data: %w", err))
	}
	return b, nil
}

// DecodeData decodes carry-over data stored by EncodeData into v. Empty
// data leaves v at its zero value. A failure is server_error: the data was
// written by this server. Generated code calls it.
func DecodeData(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return oauth.AsError(fmt.Errorf("decode carry-over data: %w", err))
	}
	return nil
}
