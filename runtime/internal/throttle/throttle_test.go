package throttle

import (
	"fmt"
	"testing"
	"time"
)

// TestThrottleBounded: the table never grows past maxEntries, and
// a blocked pair survives the eviction of others.
func TestThrottleBounded(t *testing.T) {
	th := NewClientAuth()
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < ClientAuthLimit; i++ {
		th.Fail(Key{"victim", "192.0.2.1"}, now)
	}
	for i := 0; i < 2*maxEntries; i++ {
		th.Fail(Key{fmt.Sprintf("junk-%d", i), "192.0.2.2"}, now)
	}
	if n := th.entries.Len(); n > maxEntries {
		t.Errorf("entries = %d; want at most %d", n, maxEntries)
	}
	if th.Blocked(Key{"victim", "192.0.2.1"}, now) == 0 {
		t.Error("the blocked pair was evicted")
	}
}
