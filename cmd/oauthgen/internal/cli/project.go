package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/emit"
	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/scaffold"
	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/writer"
	"github.com/oauthgen/oauthgen/spec"
)

// specNames are the spec files discovered in the working directory, in order.
var specNames = []string{"oauthgen.yaml", "oauthgen.yml"}

// errNoSpec is returned when no spec file is found.
var errNoSpec = errors.New("no oauthgen.yaml or oauthgen.yml here; run `oauthgen init` or pass -f FILE")

// usageError marks errors that exit with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// onDisk returns the path of p, which is relative to the working directory
// (-C), for the file system.
func (c *command) onDisk(p string) string {
	if filepath.IsAbs(p) || c.opts.dir == "" {
		return p
	}
	return filepath.Join(c.opts.dir, p)
}

// findSpec returns the spec file, as shown in diagnostics (relative to the
// working directory, or as given by -f).
func (c *command) findSpec() (string, error) {
	if c.opts.specFile != "" {
		return filepath.Clean(c.opts.specFile), nil
	}
	var found []string
	for _, name := range specNames {
		if _, err := os.Stat(c.onDisk(name)); err == nil {
			found = append(found, name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	switch len(found) {
	case 0:
		return "", usageError{errNoSpec}
	case 1:
		return found[0], nil
	default:
		return "", usageError{fmt.Errorf("both %s and %s exist; remove one", found[0], found[1])}
	}
}

// loaded is a spec that passed validation, resolved into a model.
type loaded struct {
	specFile string
	spec     *spec.Spec
	cat      *spec.Catalogue
	model    *model.Model
	// outShown is the output directory as shown to people; outDisk as opened.
	outShown, outDisk string
	// warnings are the spec's warnings (spec.Warnings), which vet and
	// generate print.
	warnings spec.Diagnostics
}

// load runs the pipeline's pure front: find, parse, validate, build the model.
// Spec problems are returned as spec.Diagnostics, all of them.
func (c *command) load() (*loaded, error) {
	file, err := c.findSpec()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(c.onDisk(file))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usageError{err}
		}
		return nil, err
	}
	cat, err := spec.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in catalogue: %w", err)
	}
	s, err := spec.LoadData(file, data, cat)
	if err != nil {
		return nil, err
	}
	m, err := model.Build(s, cat)
	if err != nil {
		return nil, err
	}
	out := s.Output
	if !filepath.IsAbs(out) {
		out = filepath.Join(filepath.Dir(file), out)
	}
	return &loaded{specFile: file, spec: s, cat: cat, model: m, outShown: out, outDisk: c.onDisk(out),
		warnings: spec.Warnings(s, cat)}, nil
}

// result is everything the pipeline decided, before the writer acts.
type result struct {
	*loaded
	plan    *scaffold.Plan
	changes []writer.Change
}

// files is the writer's view of oauthgen's files.
var files = writer.Config{Patterns: emit.FilePatterns, Header: emit.Header}

// pipeline runs every stage but the writer's Apply: it reads the output
// directory and decides what to change. When rendering fails and dump is
// true, the unformatted source is written to <file>.dump; diff passes false,
// as it writes nothing.
func (c *command) pipeline(dump bool) (*result, error) {
	l, err := c.load()
	if err != nil {
		return nil, err
	}
	machine, err := emit.Files(l.model)
	if err != nil {
		var re *emit.RenderError
		if errors.As(err, &re) && re.Source != nil && dump {
			if p, derr := writer.WriteDump(l.outDisk, re.File, re.Source); derr == nil {
				return nil, fmt.Errorf("%w; the unformatted source is in %s", err, p)
			}
		}
		return nil, err
	}
	pkg, err := scaffold.Scan(os.DirFS(l.outDisk), l.outShown)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", l.outShown, err)
	}
	plan, err := scaffold.Build(l.model, pkg)
	if err != nil {
		return nil, err
	}
	// Existing user-owned files go in as nil scaffolds: the writer reports
	// them as left alone and never writes them.
	scaffolds := maps.Clone(plan.Create)
	for _, name := range plan.Existing {
		if _, ok := scaffolds[name]; !ok {
			scaffolds[name] = nil
		}
	}
	changes, err := files.Plan(l.outDisk, machine, scaffolds)
	if err != nil {
		return nil, err
	}
	return &result{loaded: l, plan: plan, changes: changes}, nil
}

// fail reports err and returns its exit status.
func (c *command) fail(err error) int {
	c.report(err)
	var ds spec.Diagnostics
	var ue usageError
	if errors.As(err, &ds) || errors.As(err, &ue) {
		return exitUsage
	}
	return exitFail
}
