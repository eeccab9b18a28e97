package runtime

import "time"

// Clock is the server's only source of time. Nothing in the runtime calls
// time.Now directly, so tests can fix or advance time (runtimetest.Clock).
type Clock interface {
	Now() time.Time
}

// systemClock is the Clock of production servers.
type systemClock struct{}

// Now returns the current time.
func (systemClock) Now() time.Time { return time.Now() }
