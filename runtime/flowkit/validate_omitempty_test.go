package flowkit_test

import (
	"math"
	"testing"
	"time"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
)

// omitemptyContext has a field of every property kind, each with a rule
// that every value it could be tested on here fails after omitempty.
type omitemptyContext struct {
	S   string         `form:"s" validate:"omitempty,len=99"`
	Sec runtime.Secret `form:"sec" validate:"omitempty,len=99"`
	I   int            `form:"i" validate:"omitempty,min=5"`
	I64 int64          `form:"i64" validate:"omitempty,min=5"`
	F   float64        `form:"f" validate:"omitempty,gt=0"`
	B   bool           `form:"b" validate:"omitempty,eq=false"`
	D   time.Duration  `form:"d" validate:"omitempty,min=1h"`
	L   []string       `form:"l" validate:"omitempty,min=1"`
}

// TestValidateOmitemptyZero pins what generated code relies on when it
// guards runtime.Validate by "some validated field is not zero" (emit's
// nonZero): with every field zero as that guard sees it, a context whose
// rules all start with omitempty validates, and each value the guard does
// count as set is validated.
func TestValidateOmitemptyZero(t *testing.T) {
	for name, c := range map[string]omitemptyContext{
		"all zero": {},
		"-0.0":     {F: math.Copysign(0, -1)}, // reflect's IsZero, like c.F != 0
	} {
		if err := flowkit.Validate(&c); err != nil {
			t.Errorf("flowkit.Validate(%s) = %v, want nil", name, err)
		}
	}
	for name, c := range map[string]omitemptyContext{
		"s": {S: "x"}, "sec": {Sec: "x"}, "i": {I: 1}, "i64": {I64: 1},
		"f": {F: -1}, "f NaN": {F: math.NaN()}, "b": {B: true}, "d": {D: time.Second},
		"l": {L: []string{}},
	} {
		if err := flowkit.Validate(&c); err == nil {
			t.Errorf("flowkit.Validate(%s set) = nil, want an error", name)
		}
	}
}
