package spec

import (
	_ "embed"
	"slices"
)

//go:embed oauthgen.schema.json
var schemaJSON []byte

// Schema returns the JSON Schema (draft-07) of the spec format, which
// editors use to complete and check oauthgen.yaml. Each call returns a fresh
// copy.
func Schema() []byte { return slices.Clone(schemaJSON) }
