package oauth

// Procedures carries what the procedures share: databases, HTTP clients,
// configuration. oauthgen scaffolds this file once and never touches it again.
type Procedures struct{}
