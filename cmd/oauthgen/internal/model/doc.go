package model

import (
	"fmt"
	"strings"
)

// SourceText describes where a field's value comes from, for doc comments
// and describe: `form parameter "code"`, `header "X-Tenant"`, "store".
func (f Field) SourceText() string {
	switch f.Source {
	case "form":
		return fmt.Sprintf("form parameter %q", f.Wire)
	case "query":
		return fmt.Sprintf("query parameter %q", f.Wire)
	case "header":
		return fmt.Sprintf("header %q", f.Wire)
	default:
		return f.Source
	}
}

// Selector is what selects the flow on the wire, such as
// "grant_type=client_credentials"; "" when its endpoint has one flow.
func (f *Flow) Selector() string {
	if f.WireParam == "" || f.Wire == "" {
		return ""
	}
	return f.WireParam + "=" + f.Wire
}

// fieldDoc is the doc comment text of a field: its
// description and its source, with the defining section for catalogue
// properties. A description that starts with an article reads as the
// continuation of "<Field> is".
func fieldDoc(f Field) string {
	src := f.SourceText()
	if f.Spec != "" {
		src += " (" + f.Spec + ")"
	}
	return docText(f.Name, f.Description, "Source", src)
}

// docText is "<name> is the <src>. <description>", or, when the description
// starts with an article, "<name> is <description> <label>: <src>.".
func docText(name, description, label, src string) string {
	desc := sentence(description)
	switch {
	case desc == "":
		return fmt.Sprintf("%s is the %s.", name, src)
	case startsWithArticle(desc):
		return fmt.Sprintf("%s is %s %s: %s.", name, lowerInitial(desc), label, src)
	default:
		return fmt.Sprintf("%s is the %s. %s", name, src, desc)
	}
}

// sentence collapses whitespace and ends the text with a period.
func sentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
		s += "."
	}
	return s
}

func startsWithArticle(s string) bool {
	for _, a := range []string{"The ", "A ", "An "} {
		if strings.HasPrefix(s, a) {
			return true
		}
	}
	return false
}

func lowerInitial(s string) string {
	return strings.ToLower(s[:1]) + s[1:]
}

// dataDoc is the doc comment text of a code data field.
func dataDoc(f DataField, description string) string {
	return docText(f.Name, description, "Stored as", fmt.Sprintf("JSON member %q of the code's data", f.JSON))
}
