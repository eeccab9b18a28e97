package cli

// vet loads, validates and models the spec, and prints its diagnostics.
func (c *command) vet() int {
	if _, err := c.load(); err != nil {
		return c.fail(err)
	}
	return exitOK
}
