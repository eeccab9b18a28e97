package testenv

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestDecide: the verdict for every CI value × availability. Only a true
// CI value turns a missing need into a failure.
func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		ci        string
		available bool
		want      Verdict
	}{
		{"", true, Run},
		{"true", true, Run},
		{"", false, Skip},
		{"false", false, Skip},
		{"0", false, Skip},
		{"yes", false, Skip}, // not a boolean: not CI
		{"true", false, Fail},
		{"TRUE", false, Fail},
		{"1", false, Fail},
		{" true ", false, Fail},
	} {
		if got := Decide(tc.ci, tc.available); got != tc.want {
			t.Errorf("Decide(CI=%q, available=%v) = %v, want %v", tc.ci, tc.available, got, tc.want)
		}
	}
}

// TestMessageIsOneLine: the skip message names the need, the reason with
// its line breaks folded, and what to install, on one line.
func TestMessageIsOneLine(t *testing.T) {
	msg := Message("Chromium", "apt-get install chromium", errors.New("npm ci:\nexit status 1\n  ENOTFOUND registry.npmjs.org"))
	want := "Chromium is missing (npm ci: exit status 1 ENOTFOUND registry.npmjs.org): apt-get install chromium"
	if msg != want || strings.Contains(msg, "\n") {
		t.Errorf("Message = %q, want %q", msg, want)
	}
}

// TestRequire: a met need runs; an unmet one skips outside CI and fails
// in CI.
func TestRequire(t *testing.T) {
	for _, tc := range []struct {
		ci      string
		err     error
		skipped bool
		failed  bool
	}{
		{"", nil, false, false},
		{"true", nil, false, false},
		{"", errors.New("not found"), true, false},
		{"true", errors.New("not found"), false, true},
	} {
		t.Setenv("CI", tc.ci)
		rec := &recorder{TB: t}
		done := make(chan struct{})
		go func() { // Skip and Fatal end the goroutine that calls them
			defer close(done)
			Require(rec, "thing", "install thing", tc.err)
		}()
		<-done
		if rec.skipped != tc.skipped || rec.failed != tc.failed {
			t.Errorf("CI=%q err=%v: skipped %v failed %v, want %v %v", tc.ci, tc.err, rec.skipped, rec.failed, tc.skipped, tc.failed)
		}
	}
}

// recorder records Skip and Fatal instead of ending the test.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()           {}
func (r *recorder) Skip(args ...any)  { r.skipped = true; runtime.Goexit() }
func (r *recorder) Fatal(args ...any) { r.failed = true; runtime.Goexit() }
