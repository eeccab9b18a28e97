package spec

import (
	"errors"
	"fmt"
	"testing"
)

func TestDiagnosticString(t *testing.T) {
	for _, c := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Pos{"a/b.yaml", 3, 7}, "OG101", `unknown key "x"`}, `a/b.yaml:3:7: OG101 unknown key "x"`},
		{Diagnostic{Pos{"b.yaml", 0, 0}, "OG120", "m"}, "b.yaml: OG120 m"},
		{Diagnostic{Pos{}, "OG120", "m"}, "<spec>: OG120 m"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestDiagnosticsSortedError(t *testing.T) {
	ds := Diagnostics{
		{Pos{"b.yaml", 1, 1}, "OG101", "b"},
		{Pos{"a.yaml", 9, 1}, "OG101", "late"},
		{Pos{"a.yaml", 2, 5}, "OG102", "second"},
		{Pos{"a.yaml", 2, 5}, "OG101", "first"},
		{Pos{"a.yaml", 2, 1}, "OG103", "col 1"},
	}
	want := "a.yaml:2:1: OG103 col 1\n" +
		"a.yaml:2:5: OG101 first\n" +
		"a.yaml:2:5: OG102 second\n" +
		"a.yaml:9:1: OG101 late\n" +
		"b.yaml:1:1: OG101 b"
	if got := ds.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	if ds[0].File != "b.yaml" {
		t.Error("Error() sorted the receiver in place")
	}
	err := ds.Err()
	var got Diagnostics
	if !errors.As(fmt.Errorf("wrapped: %w", err), &got) || got[0].File != "a.yaml" || got[0].Line != 2 {
		t.Errorf("Err() = %v, want the sorted Diagnostics", err)
	}
	if (Diagnostics{}).Err() != nil || Diagnostics(nil).Err() != nil {
		t.Error("Err() of no diagnostics is not nil")
	}
	if !ds.Has("OG103") || ds.Has("OG199") {
		t.Error("Has is wrong")
	}
}
