package runtime

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// claimReader reads the registered claims of a verified JWT of the
// server's own into typed values; ok turns false at the first claim of
// the wrong type (a string that is not one, a date that is not a number).
type claimReader struct {
	m  jwt.MapClaims
	ok bool
}

func readClaims(m jwt.MapClaims) *claimReader { return &claimReader{m: m, ok: true} }

// str is the string claim name, or "" when absent.
func (r *claimReader) str(name string) string {
	v, present := r.m[name]
	s, isStr := v.(string)
	if present && !isStr {
		r.ok = false
	}
	return s
}

// date is the NumericDate claim name (RFC 7519 §2), or zero when absent.
func (r *claimReader) date(name string) time.Time {
	v, present := r.m[name]
	if !present {
		return time.Time{}
	}
	f, isNum := v.(float64)
	if !isNum {
		r.ok = false
		return time.Time{}
	}
	return time.Unix(int64(f), 0)
}

// strs is the claim name as a list of strings: an array, or, when one is
// set, a single string (aud, RFC 7519 §4.1.3).
func (r *claimReader) strs(name string, one bool) []string {
	switch v := r.m[name].(type) {
	case nil:
	case string:
		if one {
			return []string{v}
		}
		r.ok = false
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, isStr := e.(string)
			if !isStr {
				r.ok = false
			}
			out = append(out, s)
		}
		return out
	default:
		r.ok = false
	}
	return nil
}
