// Package testenv decides what a test does when the machine lacks
// something it needs (Chromium, node and its npm packages, PostgreSQL):
// outside CI it skips, with one line naming what to install; in CI
// (CI=true, as CI services set it) it fails, so that a missing tool never
// passes for a green run. Every such test in the module goes through
// Require.
package testenv

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// Verdict is what a test does about something it needs.
type Verdict int

const (
	// Run: the need is met.
	Run Verdict = iota
	// Skip: the need is not met and this is not CI.
	Skip
	// Fail: the need is not met and this is CI.
	Fail
)

func (v Verdict) String() string {
	switch v {
	case Run:
		return "run"
	case Skip:
		return "skip"
	case Fail:
		return "fail"
	}
	return "Verdict(" + strconv.Itoa(int(v)) + ")"
}

// InCI reports whether ci, the value of the CI environment variable, says
// the tests run in CI: a true value for strconv.ParseBool ("true", "1",
// "TRUE", ...). Unset, empty, "false" or anything else is not CI.
func InCI(ci string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(ci))
	return err == nil && b
}

// Decide is the verdict for a need that is available or not, given the
// value of the CI environment variable.
func Decide(ci string, available bool) Verdict {
	switch {
	case available:
		return Run
	case InCI(ci):
		return Fail
	default:
		return Skip
	}
}

// Require does nothing when err is nil. Otherwise what (the thing the test
// needs) is missing, for the reason err: the test skips, or fails in CI,
// with one line saying what is missing, why, and install (how to get it).
func Require(t testing.TB, what, install string, err error) {
	t.Helper()
	v := Decide(os.Getenv("CI"), err == nil)
	if v == Run {
		return
	}
	msg := Message(what, install, err)
	if v == Fail {
		t.Fatal(msg + " (CI=true: failing, not skipping)")
	}
	t.Skip(msg)
}

// Message is the one line Require reports: what is missing, err's text
// with its line breaks folded, and what to install.
func Message(what, install string, err error) string {
	reason := "unavailable"
	if err != nil {
		reason = strings.Join(strings.Fields(err.Error()), " ")
	}
	return what + " is missing (" + reason + "): " + install
}
