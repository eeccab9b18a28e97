package spec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse asserts that Parse, and Validate on what Parse returns, never
// panic, and that every problem is a positioned diagnostic. Run it with
// go test -fuzz FuzzParse ./spec/.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*.yaml", "testdata/invalid/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range []string{"", "~", "version: 1", "version: 1\nflows: {a: {properties: {b: {type: int, source: form, validate: 'max='}}}}",
		"a: &a [*a]", "version: 1\n? [a]\n: b", "\xff\xfe", "version: 1\n<<: {}\n"} {
		f.Add([]byte(s))
	}
	c, err := Builtin()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ds Diagnostics
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("Parse error is not Diagnostics: %v", err)
			}
			for _, d := range ds {
				if d.File != "fuzz.yaml" || d.Line < 1 || d.Code == "" || d.Message == "" {
					t.Fatalf("malformed diagnostic %+v", d)
				}
			}
		}
		if s == nil {
			if err == nil {
				t.Fatal("Parse returned neither a spec nor an error")
			}
			return
		}
		if err := Validate(s, c); err != nil {
			var ds Diagnostics
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("Validate error is not Diagnostics: %v", err)
			}
		}
	})
}
