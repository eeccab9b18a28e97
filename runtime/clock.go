package runtime

import "time"

// Clock is the server's only source of time (flows.md §3.5). Nothing in the
// runtime calls time.Now directly, so tests can fix or advance time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the Clock of production servers.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
