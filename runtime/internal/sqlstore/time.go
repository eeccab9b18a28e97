package sqlstore

import (
	"math"
	"time"

	"github.com/oauthgen/oauthgen/runtime/internal/memstore"
)

// noPrune is the pruning time of a row that is never deleted.
const noPrune = math.MaxInt64

// pruneAt is the pruning time, in Unix seconds, of a record that expires
// at exp: never for the zero time.
func pruneAt(exp time.Time) int64 {
	if exp.IsZero() {
		return noPrune
	}
	return exp.Unix() + 1
}

// codePruneAt is the pruning time of a code: past its expiry by
// memstore.CodePruneSlack, so that a late replay still finds it.
func codePruneAt(exp time.Time) int64 {
	if exp.IsZero() {
		return noPrune
	}
	return exp.Add(memstore.CodePruneSlack).Unix() + 1
}

// nanos is t in Unix nanoseconds; 0 for the zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is the instant of n Unix nanoseconds, in UTC; the zero time
// for 0.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
