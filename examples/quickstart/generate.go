package main

// oauthgen runs as a Go tool, exactly as it does in a service that adopted
// it as the README's "Adopt oauthgen in a service" says.
//go:generate go tool oauthgen generate -q
