package emit

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// RenderError is a failure to render or format a generated file. It keeps
// the unformatted source so that the caller can write it to <File>.dump; the
// real file is never written.
type RenderError struct {
	// File is the machine-owned file that failed.
	File string
	// Line is the line of Source the formatter complained about; 0 if unknown.
	Line int
	// Source is the unformatted source, if any was produced.
	Source []byte
	// Err is the underlying error.
	Err error
}

// Error names the file and line.
func (e *RenderError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("rendering %s failed at line %d of the unformatted source: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("rendering %s failed: %v", e.File, e.Err)
}

// Unwrap returns the underlying error.
func (e *RenderError) Unwrap() error { return e.Err }

// jenFormatSep separates jennifer's formatting error from the source it
// embeds in the message (jen.File.Render).
const jenFormatSep = " while formatting source:\n"

// lineRe finds the line:col prefix of a go/scanner error.
var lineRe = regexp.MustCompile(`^(\d+):(\d+):`)

// Render renders f, named name, to gofmt'ed source.
func Render(name string, f *jen.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		msg := err.Error()
		head, src, ok := strings.Cut(msg, jenFormatSep)
		if !ok {
			return nil, &RenderError{File: name, Err: err}
		}
		cause := strings.TrimPrefix(head, "Error ")
		re := &RenderError{File: name, Source: []byte(src), Err: errors.New(cause)}
		if m := lineRe.FindStringSubmatch(cause); m != nil {
			re.Line, _ = strconv.Atoi(m[1])
		}
		return nil, re
	}
	return groupImports(buf.Bytes()), nil
}

// groupImports splits the import block jennifer writes, one sorted list,
// into the standard library's imports, a blank line, and the others, as
// gofmt leaves them and goimports would write them. Jennifer has already
// formatted the source, and each group stays sorted.
func groupImports(src []byte) []byte {
	const open, closing = "\nimport (\n", "\n)\n"
	start := bytes.Index(src, []byte(open))
	if start < 0 {
		return src
	}
	body := start + len(open)
	end := bytes.Index(src[body:], []byte(closing))
	if end < 0 {
		return src
	}
	var std, other [][]byte
	for _, line := range bytes.Split(src[body:body+end], []byte("\n")) {
		path := strings.Trim(strings.TrimSpace(string(line)), `"`)
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	if len(std) == 0 || len(other) == 0 {
		return src
	}
	var out bytes.Buffer
	out.Write(src[:body])
	out.Write(bytes.Join(std, []byte("\n")))
	out.WriteString("\n\n")
	out.Write(bytes.Join(other, []byte("\n")))
	out.Write(src[body+end:])
	return out.Bytes()
}
