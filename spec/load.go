package spec

import (
	"errors"
	"fmt"
	"os"
)

// Load reads a spec file, parses it and validates it against the built-in
// catalogue. On any problem it returns a nil spec and an error: Diagnostics
// listing every problem of the file, sorted by position, or the error of
// reading the file.
func Load(filename string) (*Spec, error) {
	data, err := os.ReadFile(filename)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	c, err := Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in catalogue: %w", err)
	}
	return LoadData(filename, data, c)
}

// LoadData is Load for a spec file already read, validated against the
// catalogue c: it parses data, named filename in diagnostics, and validates
// the result, reporting the problems of both steps at once as Diagnostics
// sorted by position, with a nil spec. The spec's warnings (Warnings) are
// listed among the errors when there are errors; a valid spec is returned
// without them, and callers that show warnings ask Warnings.
func LoadData(filename string, data []byte, c *Catalogue) (*Spec, error) {
	s, err := Parse(filename, data)
	var diags Diagnostics
	if err != nil && !errors.As(err, &diags) {
		return nil, err
	}
	if s != nil {
		var vd Diagnostics
		if err := Validate(s, c); err != nil {
			if !errors.As(err, &vd) {
				return nil, err
			}
			diags = append(diags, vd...)
		}
		if len(diags) > 0 {
			diags = append(diags, Warnings(s, c)...)
		}
	}
	if err := diags.Err(); err != nil {
		return nil, err
	}
	return s, nil
}
