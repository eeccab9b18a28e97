package cli

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// apply replays an edit script and returns b, checking that kept lines match.
func apply(t *testing.T, a, b []string, script []edit) []string {
	t.Helper()
	var out []string
	ai := 0
	for _, e := range script {
		switch e.op {
		case ' ':
			if e.a != ai || a[e.a] != b[e.b] {
				t.Fatalf("bad keep %+v", e)
			}
			out = append(out, a[e.a])
			ai++
		case '-':
			if e.a != ai {
				t.Fatalf("bad delete %+v at %d", e, ai)
			}
			ai++
		case '+':
			out = append(out, b[e.b])
		}
	}
	if ai != len(a) {
		t.Fatalf("script consumed %d of %d lines", ai, len(a))
	}
	return out
}

func TestEditScriptRebuildsB(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "c", "d"}
	gen := func() []string {
		n := rng.IntN(12)
		s := make([]string, n)
		for i := range s {
			s[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return s
	}
	for i := 0; i < 2000; i++ {
		a, b := gen(), gen()
		script := editScript(a, b)
		got := apply(t, a, b, script)
		if strings.Join(got, ",") != strings.Join(b, ",") {
			t.Fatalf("a=%v b=%v: rebuilt %v", a, b, got)
		}
		// Minimality against an LCS computed by dynamic programming.
		edits := 0
		for _, e := range script {
			if e.op != ' ' {
				edits++
			}
		}
		if want := len(a) + len(b) - 2*lcs(a, b); edits != want {
			t.Fatalf("a=%v b=%v: %d edits, shortest is %d", a, b, edits, want)
		}
	}
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func TestWriteUnified(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"equal", "x\ny\n", "x\ny\n", ""},
		{"create", "", "x\ny\n", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n"},
		{"delete", "x\n", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n"},
		{
			"change in the middle",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			"1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			"two hunks",
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			"one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n",
			"--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n",
		},
		{
			"merged hunks",
			"1\n2\n3\n4\n5\n6\n7\n8\n",
			"one\n2\n3\n4\n5\n6\n7\neight\n",
			"--- a\n+++ b\n@@ -1,8 +1,8 @@\n-1\n+one\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n",
		},
		{"no newline", "x\n", "x", "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			writeUnified(&buf, "a", "b", []byte(tt.a), []byte(tt.b))
			if buf.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", buf.String(), tt.want)
			}
		})
	}
}
