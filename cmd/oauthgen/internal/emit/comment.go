package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// commentWidth is the width doc comment text is wrapped to.
const commentWidth = 76

// doc returns the doc comment of a declaration: each paragraph of the text
// (paragraphs are separated by "\n\n") wrapped to commentWidth, each line a
// "//" comment followed by a newline. Chain the declaration after it.
func doc(paragraphs ...string) *jen.Statement {
	s := jen.Null()
	first := true
	for _, p := range paragraphs {
		lines := Wrap(p, commentWidth)
		if len(lines) == 0 {
			continue
		}
		if !first {
			s.Comment("//").Line()
		}
		first = false
		for _, l := range lines {
			// A leading "// " makes jennifer print the line verbatim, so text
			// that itself starts with "//" or "/*" cannot change the comment.
			s.Comment("// " + l).Line()
		}
	}
	return s
}

// docLines is doc for a struct field or interface method: the comment lines
// as separate group items, without trailing newlines.
func docLines(text string) []jen.Code {
	var out []jen.Code
	for _, l := range Wrap(text, commentWidth) {
		out = append(out, jen.Comment("// "+l))
	}
	return out
}

// Wrap splits text into lines of at most width bytes, breaking at spaces.
// A word longer than width gets a line of its own. The stubs' comments are
// wrapped by it too.
func Wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
