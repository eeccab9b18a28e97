package spec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDiagnosticString(t *testing.T) {
	for _, c := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{Pos: Pos{"a/b.yaml", 3, 7}, Code: "OG101", Message: `unknown key "x"`}, `a/b.yaml:3:7: OG101 unknown key "x"`},
		{Diagnostic{Pos: Pos{"b.yaml", 0, 0}, Code: "OG120", Message: "m"}, "b.yaml: OG120 m"},
		{Diagnostic{Pos: Pos{}, Code: "OG120", Message: "m"}, "<spec>: OG120 m"},
		{Diagnostic{Pos: Pos{"c.yaml", 4, 3}, Code: "OG170", Message: "m", Severity: SeverityWarning}, "c.yaml:4:3: OG170 warning: m"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestDiagnosticsSortedError(t *testing.T) {
	ds := Diagnostics{
		{Pos: Pos{"b.yaml", 1, 1}, Code: "OG101", Message: "b"},
		{Pos: Pos{"a.yaml", 9, 1}, Code: "OG101", Message: "late"},
		{Pos: Pos{"a.yaml", 2, 5}, Code: "OG102", Message: "second"},
		{Pos: Pos{"a.yaml", 2, 5}, Code: "OG101", Message: "first"},
		{Pos: Pos{"a.yaml", 2, 1}, Code: "OG103", Message: "col 1"},
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
	warn := Diagnostic{Pos: Pos{"a.yaml", 1, 1}, Code: CodeDeprecated, Message: "w", Severity: SeverityWarning}
	if err := (Diagnostics{warn}).Err(); err != nil {
		t.Errorf("Err() of a warning alone = %v, want nil: a warning leaves the spec valid", err)
	}
	mixed := append(Diagnostics{warn}, ds...)
	if err := mixed.Err(); err == nil || !strings.Contains(err.Error(), "a.yaml:1:1: OG170 warning: w\n") {
		t.Errorf("Err() of errors and a warning = %v, want both listed", err)
	}
	if w := mixed.Warnings(); len(w) != 1 || w[0] != warn {
		t.Errorf("Warnings() = %v, want the one warning", w)
	}
	if !ds.Has("OG103") || ds.Has("OG199") {
		t.Error("Has is wrong")
	}
}
