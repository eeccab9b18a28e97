package ttltable

import (
	"errors"
	"testing"
	"time"
)

var now = time.Date(2032, 1, 2, 3, 4, 5, 0, time.UTC)

// sized charges an entry its value's length plus 10 bytes.
func sized(_ int, v string) int64 { return int64(len(v)) + 10 }

// TestTable: entries expire, and a full table makes room by dropping
// expired entries first, then others, never growing past its budget.
func TestTable(t *testing.T) {
	tb := New[int, string](88, false, sized) // eight entries of "v"
	for i := 0; i < 8; i++ {
		exp := now.Add(time.Hour)
		if i < 2 {
			exp = now.Add(time.Second)
		}
		if err := tb.Put(i, "v", exp, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := tb.Get(0, now.Add(time.Second)); ok {
		t.Error("an expired entry is returned")
	}
	if v, ok := tb.Get(5, now); !ok || v != "v" {
		t.Error("a live entry is missing")
	}
	later := now.Add(2 * time.Second)
	if err := tb.Put(100, "new", later.Add(time.Hour), later); err != nil {
		t.Fatal(err)
	}
	if tb.Len() != 7 {
		t.Errorf("len %d after pruning the two expired entries, want 7", tb.Len())
	}
	for i := 200; i < 300; i++ {
		if err := tb.Put(i, "flood", later.Add(time.Hour), later); err != nil {
			t.Fatal(err)
		}
		if tb.Used() > 88 {
			t.Fatalf("the table grew to %d bytes", tb.Used())
		}
	}
	if err := tb.Put(1000, string(make([]byte, 100)), later.Add(time.Hour), later); !errors.Is(err, ErrFull) {
		t.Errorf("an entry larger than the budget: %v, want ErrFull", err)
	}
}

// TestTableKeep: a table of kept entries never drops a live one to make
// room: it refuses new entries with ErrFull until one expires, while the
// entries it holds can still be replaced and counted.
func TestTableKeep(t *testing.T) {
	tb := New[int, string](44, true, sized) // four entries of "v"
	for i := 0; i < 4; i++ {
		if err := tb.Put(i, "v", now.Add(time.Duration(i+1)*time.Minute), now); err != nil {
			t.Fatal(err)
		}
	}
	for i := 10; i < 1000; i++ {
		if err := tb.Put(i, "v", now.Add(time.Hour), now); !errors.Is(err, ErrFull) {
			t.Fatalf("put %d into a full table of kept entries: %v, want ErrFull", i, err)
		}
	}
	for i := 0; i < 4; i++ {
		if _, ok := tb.Get(i, now); !ok {
			t.Fatalf("kept entry %d was dropped", i)
		}
	}
	// A kept entry may be replaced in place.
	if err := tb.Upsert(2, now, func(v string, exp time.Time, ok bool) (string, time.Time) { return "w", exp }); err != nil {
		t.Errorf("replace in a full table: %v", err)
	}
	// Once the first expires, there is room for one.
	later := now.Add(time.Minute)
	if err := tb.Put(20, "v", later.Add(time.Hour), later); err != nil {
		t.Errorf("put after an expiry: %v", err)
	}
	if err := tb.Put(21, "v", later.Add(time.Hour), later); !errors.Is(err, ErrFull) {
		t.Errorf("put into the full table again: %v, want ErrFull", err)
	}
	if _, ok := tb.Take(3, later); !ok {
		t.Error("take of a live entry failed")
	}
	if err := tb.Put(21, "v", later.Add(time.Hour), later); err != nil {
		t.Errorf("put after a take: %v", err)
	}
	if tb.Used() > 44 {
		t.Errorf("used %d > budget", tb.Used())
	}
}

// BenchmarkTableFullOfKept: refusing an entry from a full table of kept
// entries costs O(1), not a scan: a flood against a full table is no CPU
// amplifier.
func BenchmarkTableFullOfKept(b *testing.B) {
	const n = 1 << 16
	tb := New[int, string](n*11, true, sized)
	for i := 0; i < n; i++ {
		if err := tb.Put(i, "v", now.Add(time.Hour), now); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tb.Put(n+i, "v", now.Add(time.Hour), now); !errors.Is(err, ErrFull) {
			b.Fatal(err)
		}
	}
}
