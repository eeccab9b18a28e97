package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/cli"
)

// Scenario goldens: testdata/scenarios/<name>/oauthgen.yaml (output: ./out)
// generates exactly the tree testdata/scenarios/<name>/want/, machine-owned
// files and scaffolds alike. UPDATE_GOLDEN=1 rewrites the expectations.

const scenarioDir = "testdata/scenarios"

func scenarios(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(scenarioDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) < 4 {
		t.Fatalf("only %d scenarios", len(names))
	}
	return names
}

// generateScenario copies a scenario's spec into dir and generates it there.
// It returns the output directory.
func generateScenario(t *testing.T, name, dir string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(scenarioDir, name, "oauthgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "oauthgen.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := cli.Run([]string{"-C", dir, "generate"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("scenario %s: generate exited %d:\n%s", name, code, stderr.String())
	}
	return filepath.Join(dir, "out")
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestScenarios(t *testing.T) {
	for _, name := range scenarios(t) {
		t.Run(name, func(t *testing.T) {
			out := generateScenario(t, name, t.TempDir())
			got := readTree(t, out)
			wantDir := filepath.Join(scenarioDir, name, "want")
			if os.Getenv("UPDATE_GOLDEN") == "1" {
				if err := os.RemoveAll(wantDir); err != nil {
					t.Fatal(err)
				}
				for rel, b := range got {
					p := filepath.Join(wantDir, filepath.FromSlash(rel))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := readTree(t, wantDir)
			if g, w := strings.Join(sortedKeys(got), " "), strings.Join(sortedKeys(want), " "); g != w {
				t.Errorf("files:\n got  %s\n want %s", g, w)
			}
			for rel, w := range want {
				if g, ok := got[rel]; ok && !bytes.Equal(g, w) {
					t.Errorf("%s differs from the golden; run UPDATE_GOLDEN=1 go test ./cmd/oauthgen/ and review the diff:\n%s", rel, firstDifference(g, w))
				}
			}
		})
	}
}

// firstDifference shows the first differing line.
func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n got  " + gl + "\n want " + wl
		}
	}
	return ""
}

func itoa(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

// TestDeterminism generates every scenario twice, in two directories, and
// compares the trees byte for byte.
func TestDeterminism(t *testing.T) {
	for _, name := range scenarios(t) {
		a := readTree(t, generateScenario(t, name, t.TempDir()))
		b := readTree(t, generateScenario(t, name, t.TempDir()))
		if strings.Join(sortedKeys(a), " ") != strings.Join(sortedKeys(b), " ") {
			t.Errorf("%s: file sets differ", name)
		}
		for rel := range a {
			if !bytes.Equal(a[rel], b[rel]) {
				t.Errorf("%s: %s differs between runs", name, rel)
			}
		}
	}
}
