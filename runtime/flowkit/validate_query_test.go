package flowkit_test

import (
	"errors"
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
	"github.com/oauthgen/oauthgen/runtime/flowkit"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// htAuthorizeValidated is shaped like a generated authorization context: a
// team property of the authorization request has a query tag.
type htAuthorizeValidated struct {
	*runtime.AuthorizeContext `validate:"-"`
	Campaign                  string `query:"campaign" validate:"omitempty,alphanum"`
	Both                      string `form:"f" query:"q" validate:"omitempty,alphanum"`
}

// TestValidateNamesQueryParameters: a failed rule on a query-tagged field
// names the query parameter , and a form tag still
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
			err := flowkit.Validate(&tc.v)
			if tc.desc == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var e *oauth.Error
			if !errors.As(err, &e) || e.Code != oauth.ErrInvalidRequest || e.Description != tc.desc {
				t.Fatalf("Validate = %v, want invalid_request %q", err, tc.desc)
			}
		})
	}
}
