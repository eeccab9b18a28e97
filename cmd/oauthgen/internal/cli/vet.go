package cli

// vet loads, validates and models the spec, and prints its diagnostics:
// errors exit 2; warnings alone are printed and exit 0.
func (c *command) vet() int {
	l, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	printDiagnostics(c.stderr, l.warnings)
	return exitOK
}
