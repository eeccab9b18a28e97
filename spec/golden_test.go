package spec

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// update rewrites golden files instead of comparing with them.
var update = os.Getenv("UPDATE_GOLDEN") == "1"

var diagLine = regexp.MustCompile(`^(testdata/invalid/[^:]+\.yaml):(\d+):(\d+): (OG\d{3}) \S`)

// TestInvalidSpecs loads every spec of testdata/invalid and compares the
// diagnostics with the .stderr golden next to it. UPDATE_GOLDEN=1 rewrites
// the goldens.
func TestInvalidSpecs(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid specs: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			s, err := Load(file)
			if err == nil {
				t.Fatalf("Load(%s) succeeded; want diagnostics", file)
			}
			if s != nil {
				t.Errorf("Load(%s) returned a spec with its error", file)
			}
			var ds Diagnostics
			if !errors.As(err, &ds) {
				t.Fatalf("Load(%s) error is %T, want Diagnostics: %v", file, err, err)
			}
			got := err.Error() + "\n"
			for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				m := diagLine.FindStringSubmatch(line)
				if m == nil || m[1] != file {
					t.Errorf("diagnostic %q is not %q-positioned file:line:col: CODE message", line, file)
				}
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".stderr"
			if update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
			}
			if got != string(want) {
				t.Errorf("diagnostics of %s differ from %s\n--- got\n%s--- want\n%s", file, golden, got, want)
			}
		})
	}
}

// TestManyErrorsAtOnce proves that one file's problems of every kind are all
// reported in one run, in position order.
func TestManyErrorsAtOnce(t *testing.T) {
	_, err := Load("testdata/invalid/many_errors.yaml")
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("Load: %v, want Diagnostics", err)
	}
	for _, code := range []string{
		CodeUnknownKey, CodeWrongType, CodeDuration, CodeUnknownFlow, CodePlannedFlow,
		CodeGoName, CodeGoNameClash, CodeIssuer, CodePath, CodeAuthMethods, CodeTokenSetting,
		CodeScope, CodeCommentText, CodeProperty, CodePropertyParam, CodeExtensionGrant,
	} {
		if !ds.Has(code) {
			t.Errorf("many_errors.yaml: no %s diagnostic in\n%v", code, err)
		}
	}
	for i := 1; i < len(ds); i++ {
		if ds[i].Line < ds[i-1].Line || ds[i].Line == ds[i-1].Line && ds[i].Col < ds[i-1].Col {
			t.Errorf("diagnostics not sorted: %v before %v", ds[i-1], ds[i])
		}
	}
}

// TestValidSpecs loads every spec of testdata/valid cleanly.
func TestValidSpecs(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid specs: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			s, err := Load(file)
			if err != nil {
				t.Fatalf("Load(%s):\n%v", file, err)
			}
			if s.Dir != "testdata/valid" {
				t.Errorf("Dir = %q, want testdata/valid", s.Dir)
			}
		})
	}
}
