package spec

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ReservedStems are Go names the generated package declares once, or that
// the user owns: a flow's stem must not produce them.
func ReservedStems() []string {
	return []string{"Procedures", "Settings", "NewServer", "Flows", "CodeData"}
}

// StemNames are the Go names the generator derives from a flow's name stem:
// the user's procedure type (the stem itself), the context, the procedure
// interface, the error constructors and the unexported flow adapter.
func StemNames(stem string) []string {
	r, n := utf8.DecodeRuneInString(stem)
	lower := string(unicode.ToLower(r)) + stem[n:]
	return []string{stem, stem + "Context", stem + "Procedure", stem + "Errors", lower + "Flow"}
}

// stem is a flow or extension grant's Go name stem.
type stem struct {
	name, what string
	pos        Pos
}

// stems reports flows and extension grants whose generated Go names clash
// with each other or with the package's own names. Names are compared
// without regard to case, because stub file names derive from them and some
// file systems ignore case.
func (v *validation) stems() {
	var stems []stem
	seen := map[string]bool{}
	for _, f := range v.s.Flows {
		if cf := v.c.Flow(f.ID); cf != nil && !seen[f.ID] {
			seen[f.ID] = true
			stems = append(stems, stem{cf.Name, fmt.Sprintf("flow %q", f.ID), f.Pos})
		}
	}
	for _, g := range v.s.ExtensionGrants {
		if checkGoName(g.Name) == "" {
			stems = append(stems, stem{GoName(g.Name), fmt.Sprintf("extension grant %q", g.Name), g.Pos})
		}
	}
	for i, a := range stems {
		names := StemNames(a.name)
		if r := firstFold(names, ReservedStems()); r != "" {
			v.report(a.pos, CodeGoNameClash, "%s gives the Go name %s, which the generated package already declares", a.what, r)
			continue
		}
		for _, b := range stems[:i] {
			if r := firstFold(names, StemNames(b.name)); r != "" {
				v.report(a.pos, CodeGoNameClash, "%s gives the Go name %s, which clashes with %s%s", a.what, r, b.what, lineRef(b.pos))
				break
			}
		}
	}
}

// firstFold returns the first name of a that equals a name of b without
// regard to case, or "".
func firstFold(a, b []string) string {
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) {
				return x
			}
		}
	}
	return ""
}
