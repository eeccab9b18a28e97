package main

// oauthgen runs as a Go tool, exactly as it does in a service that adopted
// it with `go get -tool github.com/oauthgen/oauthgen/cmd/oauthgen`.
//go:generate go tool oauthgen generate -q
