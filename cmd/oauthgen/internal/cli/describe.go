package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/oauthgen/oauthgen/cmd/oauthgen/internal/model"
	"github.com/oauthgen/oauthgen/spec"
)

// describe prints what a flow's procedure receives: the context's fields
// with their Go types, sources and descriptions, and the errors it may
// return. With a spec it describes the flow as the spec configures it,
// custom properties included; without one, as the catalogue defines it.
func (c *command) describe(id string) int {
	l, err := c.load()
	var noSpec usageError
	switch {
	case err == nil:
		for _, f := range l.model.Flows {
			if f.ID == id {
				c.printFlow(f, "enabled by "+l.specFile, l.model)
				if f.HasData {
					c.printCodeData(f, l.model.CodeData)
				}
				return exitOK
			}
		}
		return c.describeCatalogue(l.cat, id, "not enabled by "+l.specFile)
	case errors.As(err, &noSpec) && errors.Is(err, errNoSpec):
		cat, err := spec.Builtin()
		if err != nil {
			return c.fail(err)
		}
		return c.describeCatalogue(cat, id, "as the catalogue defines it; no spec here")
	default:
		return c.fail(err)
	}
}

// describeCatalogue describes a catalogue flow the spec does not enable.
func (c *command) describeCatalogue(cat *spec.Catalogue, id, note string) int {
	cf := cat.Flow(id)
	if cf == nil {
		return c.fail(usageError{fmt.Errorf("unknown flow %q; the catalogue has: %s", id, strings.Join(cat.FlowIDs(), ", "))})
	}
	// The flow as its defaults make it: with the flows that redeem refresh
	// tokens, without which no flow issues one (spec.RefreshFlowEnabled).
	s := &spec.Spec{Version: spec.Version, Package: "oauth", Output: ".", Flows: []spec.Flow{{ID: id}}}
	for _, other := range cat.Flows {
		if other.ID != id && other.Status == spec.StatusAvailable && other.Policy.Credential == "refresh_token" {
			s.Flows = append(s.Flows, spec.Flow{ID: other.ID})
		}
	}
	m, err := model.Build(s, cat)
	if err == nil {
		for _, f := range m.Flows {
			if f.ID == id {
				c.printFlow(f, note, nil) // the catalogue's flow, not this synthetic spec's
				return exitOK
			}
		}
	}
	// A flow the runtime does not serve yet: print the catalogue's entry.
	f := &model.Flow{
		ID: cf.ID, Endpoint: cf.Endpoint, Wire: cf.Wire, Description: cf.Description,
		Specs: cf.Specs, Issues: cf.Issues,
	}
	if ep := cat.Endpoint(cf.Endpoint); ep != nil {
		f.WireParam = ep.WireParam
	}
	for _, p := range cf.Properties {
		f.Catalogue = append(f.Catalogue, model.Field{Name: p.Field, GoType: p.Type, Wire: p.Name, Source: p.Source, Description: p.Description, Spec: p.Spec})
	}
	for _, code := range cf.Errors {
		f.Errors = append(f.Errors, model.ErrorCode{Code: code, Method: spec.GoName(code)})
	}
	c.printFlow(f, cf.Status+" in the catalogue; this version does not generate it", nil)
	return exitOK
}

// printFlow prints f, a flow of m; m is nil for a flow the spec does not
// enable, described as the catalogue defines it.
func (c *command) printFlow(f *model.Flow, note string, m *model.Model) {
	w := c.stdout
	kind := "flow"
	if f.Extension {
		kind = "extension grant"
	}
	fmt.Fprintf(w, "%s %s (%s)\n", kind, f.ID, note)
	where := f.Endpoint + " endpoint"
	if f.Route != "" {
		where = f.Route
	}
	if sel := cmp.Or(f.Selector(), f.Wire); sel != "" {
		fmt.Fprintf(w, "  %s at %s\n", sel, where)
	} else {
		fmt.Fprintf(w, "  at %s\n", where)
	}
	if f.Description != "" {
		fmt.Fprintf(w, "  %s\n", f.Description)
	}
	if len(f.Specs) > 0 {
		fmt.Fprintf(w, "  Specifications: %s\n", strings.Join(f.Specs, ", "))
	}
	if f.Deprecated != "" {
		fmt.Fprintf(w, "  Deprecated: %s.\n", f.Deprecated)
	}
	if f.Issues != "" {
		yields := "issues"
		if f.Binding != nil {
			yields = f.Binding.Yields
		}
		fmt.Fprintf(w, "  Default procedure %s %s.\n", yields, f.Issues)
	}
	printSources(w, f, m)
	if n, bd := f.Names, f.Binding; n.Context != "" && bd != nil {
		fmt.Fprintf(w, "\n%s, passed to %s.%s, implemented by %s in %s:\n", n.Context, n.Procedure, bd.Verb, n.User, n.StubFile)
		fmt.Fprintf(w, "  (it embeds *runtime.%s, which %s)\n", bd.Context.Name, strings.TrimSuffix(bd.ContextDoc, "."))
	} else {
		fmt.Fprintf(w, "\nContext properties:\n")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  FIELD\tGO TYPE\tSOURCE\tDESCRIPTION")
	for _, fd := range append(slices.Clone(f.Catalogue), f.Fields...) {
		src := fd.SourceText()
		if fd.Validate != "" {
			src += " [" + fd.Validate + "]"
		}
		desc := fd.Description
		if fd.Spec != "" {
			desc = strings.TrimSpace(desc + " (" + fd.Spec + ")")
		}
		name := fd.Name
		if name == "" {
			name = "-" // a parameter the runtime reads and checks itself
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", name, fd.GoType, src, oneLine(desc))
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nErrors (constructors on c.Errors):\n")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range f.Errors {
		fmt.Fprintf(tw, "  %s\tc.Errors.%s(description)\t%s\n", e.Code, e.Method, e.Spec)
	}
	_ = tw.Flush()
	if f.Names.Context != "" {
		printPolicy(w, f.Policy, f.TokenSettings)
	}
	if len(f.Grant) > 0 {
		parts := make([]string, len(f.Grant))
		for i, g := range f.Grant {
			parts[i] = strings.ReplaceAll(g.Key, "_", " ") + " " + g.Value
		}
		fmt.Fprintf(w, "Grant policy: %s\n", strings.Join(parts, ", "))
	}
	for _, ti := range f.TrustedIssuers {
		keys := "keys at " + ti.JWKSURI
		if ti.JWKS != "" {
			keys = "keys inline"
		}
		if len(ti.Audience) > 0 {
			keys += ", also aud " + strings.Join(ti.Audience, ", ")
		}
		fmt.Fprintf(w, "Trusted issuer: %s (%s)\n", ti.Issuer, keys)
	}
}

// printPolicy prints the settings of the policy the flow's endpoint uses.
func printPolicy(w io.Writer, p model.Policy, used []string) {
	var parts []string
	if slices.Contains(used, "access_token_ttl") {
		parts = append(parts, fmt.Sprintf("%s access tokens for %v", p.AccessFormat, p.AccessTTL))
	}
	if slices.Contains(used, "issue_refresh_token") {
		if p.IssueRefresh {
			parts = append(parts, fmt.Sprintf("refresh tokens for %v (idle %v, grace %v, rotated: %t)", p.RefreshTTL, p.RefreshIdleTTL, p.RefreshGrace, p.RotateRefresh))
		} else {
			parts = append(parts, "no refresh tokens")
		}
	}
	if slices.Contains(used, "code_ttl") {
		parts = append(parts, fmt.Sprintf("codes live %v", p.CodeTTL))
	}
	if len(parts) == 0 {
		return
	}
	fmt.Fprintf(w, "\nToken policy: %s\n", strings.Join(parts, "; "))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// printCodeData prints the CodeData field of a flow whose context carries
// the spec's code_data.
func (c *command) printCodeData(f *model.Flow, data []model.DataField) {
	w := c.stdout
	if f.IssuesCode {
		fmt.Fprintf(w, "\nc.CodeData, attached to the code by c.Default and decoded at the token step:\n")
	} else {
		fmt.Fprintf(w, "\nc.CodeData, what the authorization step attached to the code:\n")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  FIELD\tGO TYPE\tJSON\tDESCRIPTION")
	for _, d := range data {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", d.Name, d.GoType, d.JSON, oneLine(d.Doc))
	}
	_ = tw.Flush()
}
