package spec

// Warnings are what a valid spec does that the team should know about: a
// deprecated flow it enables (OG170), at the flow's key. They never make
// the spec invalid; `oauthgen vet` and `oauthgen generate` print them and
// exit 0.
func Warnings(s *Spec, c *Catalogue) Diagnostics {
	if s == nil || c == nil {
		return nil
	}
	var ds Diagnostics
	for _, f := range s.Flows {
		cf := c.Flow(f.ID)
		if cf == nil || cf.Deprecated == "" {
			continue
		}
		ds = append(ds, Diagnostic{Pos: f.Pos, Code: CodeDeprecated, Severity: SeverityWarning,
			Message: "flow " + f.ID + " is deprecated: " + cf.Deprecated})
	}
	return ds
}
