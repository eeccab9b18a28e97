package generated

// Procedures carries what the procedures share: databases, HTTP clients,
// configuration. oauthgen scaffolds this file once and never touches it again.
//
// The reference server's procedures share two dependencies, both optional: a
// zero Procedures serves every standard flow with the runtime's defaults, and
// the magic-link grant then fails closed with invalid_grant.
type Procedures struct {
	// Tenants decides which tenants a client_credentials token may be issued
	// for; nil allows every tenant.
	Tenants TenantDirectory
	// MagicLinks holds the outstanding one-time magic-link tokens; nil means
	// there are none, so every magic-link request is invalid_grant.
	MagicLinks *MagicLinks
}
