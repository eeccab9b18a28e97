package cli

import (
	"fmt"
	"io"
	"strings"
)

// diffContext is the number of unchanged lines around each hunk.
const diffContext = 3

// edit is one line of an edit script: ' ' kept, '-' deleted from a, '+'
// inserted from b. a and b are line indexes (the one not used is -1).
type edit struct {
	op   byte
	a, b int
}

// splitLines splits text into lines without their "\n". noEOL reports that
// the last line had none.
func splitLines(text []byte) (lines []string, noEOL bool) {
	if len(text) == 0 {
		return nil, false
	}
	s := string(text)
	noEOL = !strings.HasSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n"), noEOL
}

// editScript returns a shortest edit script from a to b (Myers, "An O(ND)
// Difference Algorithm and Its Variations", 1986). It keeps, per step d,
// only the 2d+3 diagonals that step can reach, so memory is O(D²).
func editScript(a, b []string) []edit {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		script := make([]edit, 0, n+m)
		for i := range a {
			script = append(script, edit{'-', i, -1})
		}
		for j := range b {
			script = append(script, edit{'+', -1, j})
		}
		return script
	}
	maxD := n + m
	offset := maxD + 1
	v := make([]int, 2*maxD+3)
	// trace[d] is v[k] for k in [-d-1, d+1] before step d, at index k+d+1.
	var trace [][]int
	var d int
search:
	for d = 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v[offset-d-1:offset+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1] // down: insertion
			} else {
				x = v[offset+k-1] + 1 // right: deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				break search
			}
		}
	}
	// Walk back through the snapshots; trace[d] holds V before step d.
	var script []edit
	x, y := n, m
	for ; d > 0; d-- {
		vd := trace[d]
		at := func(k int) int { return vd[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			script = append(script, edit{' ', x, y})
		}
		if x == prevX {
			y--
			script = append(script, edit{'+', -1, y})
		} else {
			x--
			script = append(script, edit{'-', x, -1})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		script = append(script, edit{' ', x, y})
	}
	for i, j := 0, len(script)-1; i < j; i, j = i+1, j-1 {
		script[i], script[j] = script[j], script[i]
	}
	return script
}

// writeUnified writes the unified diff of a and b, labelled aName and bName,
// with diffContext lines of context. It writes nothing when they are equal.
func writeUnified(w io.Writer, aName, bName string, a, b []byte) {
	al, aNoEOL := splitLines(a)
	bl, bNoEOL := splitLines(b)
	script := editScript(eolKeys(al, aNoEOL), eolKeys(bl, bNoEOL))
	changed := false
	for _, e := range script {
		if e.op != ' ' {
			changed = true
			break
		}
	}
	if !changed {
		return
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n", aName, bName)
	for _, h := range hunks(script) {
		aStart, aLen, bStart, bLen := h.ranges(script)
		fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
		for _, e := range script[h.from:h.to] {
			var line string
			var last bool
			switch e.op {
			case ' ', '-':
				line, last = al[e.a], e.a == len(al)-1 && aNoEOL
			case '+':
				line, last = bl[e.b], e.b == len(bl)-1 && bNoEOL
			}
			fmt.Fprintf(w, "%c%s\n", e.op, line)
			if last {
				fmt.Fprintln(w, `\ No newline at end of file`)
			}
		}
	}
}

// eolKeys returns the lines to compare: a last line without "\n" differs
// from the same text with one.
func eolKeys(lines []string, noEOL bool) []string {
	if !noEOL {
		return lines
	}
	keys := append([]string(nil), lines...)
	keys[len(keys)-1] += "\x00no newline"
	return keys
}

// hunk is script[from:to].
type hunk struct{ from, to int }

// hunks groups the changes of script with their context, merging groups
// whose context would overlap.
func hunks(script []edit) []hunk {
	var out []hunk
	for i := 0; i < len(script); {
		if script[i].op == ' ' {
			i++
			continue
		}
		from := max(i-diffContext, 0)
		// Extend through changes separated by at most 2*diffContext kept lines.
		j := i
		for {
			for j < len(script) && script[j].op != ' ' {
				j++
			}
			k := j
			for k < len(script) && script[k].op == ' ' {
				k++
			}
			if k < len(script) && k-j <= 2*diffContext {
				j = k
				continue
			}
			break
		}
		to := min(j+diffContext, len(script))
		if n := len(out); n > 0 && out[n-1].to >= from {
			out[n-1].to = to
		} else {
			out = append(out, hunk{from, to})
		}
		i = to
	}
	return out
}

// ranges returns the 1-based start lines and lengths of h in a and b.
func (h hunk) ranges(script []edit) (aStart, aLen, bStart, bLen int) {
	// Lines before the hunk, to place empty ranges.
	aBefore, bBefore := 0, 0
	for _, e := range script[:h.from] {
		if e.op != '+' {
			aBefore++
		}
		if e.op != '-' {
			bBefore++
		}
	}
	for _, e := range script[h.from:h.to] {
		if e.op != '+' {
			aLen++
		}
		if e.op != '-' {
			bLen++
		}
	}
	aStart, bStart = aBefore+1, bBefore+1
	if aLen == 0 {
		aStart = aBefore
	}
	if bLen == 0 {
		bStart = bBefore
	}
	return aStart, aLen, bStart, bLen
}

// hunkRange formats a hunk range as diff does: "l" for one line, "l,n" else.
func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
