package runtime

import (
	"errors"
	"testing"
)

// htAuthorizeValidated is shaped like a generated authorization context: a
// team property of the authorization request has a query tag.
type htAuthorizeValidated struct {
	*AuthorizeContext `validate:"-"`
	Campaign          string `query:"campaign" validate:"omitempty,alphanum"`
	Both              string `form:"f" query:"q" validate:"omitempty,alphanum"`
}

// TestValidateNamesQueryParameters: a failed rule on a query-tagged field
// names the query parameter (flows.md §2.1 rule 8), and a form tag still
// wins over a query tag.
func TestValidateNamesQueryParameters(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    htAuthorizeValidated
		desc string
	}{
		{"valid", htAuthorizeValidated{Campaign: "spring24"}, ""},
		{"query name", htAuthorizeValidated{Campaign: "a-b"}, "parameter 'campaign' is invalid: must satisfy alphanum"},
		{"form before query", htAuthorizeValidated{Both: "a-b"}, "parameter 'f' is invalid: must satisfy alphanum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(&tc.v)
			if tc.desc == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != ErrInvalidRequest || e.Description != tc.desc {
				t.Fatalf("Validate = %v, want invalid_request %q", err, tc.desc)
			}
		})
	}
}
