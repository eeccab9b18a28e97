package ttltable

import (
	"testing"
	"time"
)

// TestTable: entries expire, and a full table makes room by
// dropping expired entries first, then others, never growing past max.
func TestTable(t *testing.T) {
	now := time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)
	tb := New[int, string](8)
	for i := 0; i < 8; i++ {
		exp := now.Add(time.Hour)
		if i < 2 {
			exp = now.Add(time.Second)
		}
		tb.Put(i, "v", exp, now)
	}
	if _, ok := tb.Get(0, now.Add(time.Second)); ok {
		t.Error("an expired entry is returned")
	}
	if v, ok := tb.Get(5, now); !ok || v != "v" {
		t.Error("a live entry is missing")
	}
	later := now.Add(2 * time.Second)
	tb.Put(100, "new", later.Add(time.Hour), later)
	if tb.Len() != 7 {
		t.Errorf("len %d after pruning the two expired entries, want 7", tb.Len())
	}
	for i := 200; i < 300; i++ {
		tb.Put(i, "flood", later.Add(time.Hour), later)
		if tb.Len() > 8 {
			t.Fatalf("the table grew to %d", tb.Len())
		}
	}
	if _, ok := tb.Update(999, later, func(*string) bool { return true }); ok {
		t.Error("update of a missing entry succeeded")
	}
}
