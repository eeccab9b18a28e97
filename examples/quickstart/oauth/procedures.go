package oauth

// Procedures carries what the procedures share: databases, HTTP clients,
// configuration. oauthgen scaffolded this file once and never touches it
// again.
type Procedures struct {
	// DefaultTenant is the tenant of client_credentials tokens whose request
	// names none.
	DefaultTenant string
}
