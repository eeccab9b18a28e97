package runtime

import (
	"net/url"
	"slices"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/form"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// resourceParams returns the request's resource parameters (RFC 8707 §2),
// which may repeat. Each must be an absolute URI without a fragment and one
// of allowed (none, when allowed is empty); otherwise the answer is
// invalid_target, whose description ends with refusal. The values are the
// audience of the tokens the request gets (RFC 9068 §3).
func resourceParams(p form.Params, allowed []string, refusal string) ([]string, *oauth.Error) {
	req, e := anyResourceParams(p)
	if e != nil {
		return nil, e
	}
	for _, r := range req {
		if !slices.Contains(allowed, r) {
			return nil, oauth.NewError(oauth.ErrInvalidTarget, "resource '"+oauth.SafeText(r)+"' "+refusal)
		}
	}
	return req, nil
}

// anyResourceParams is resourceParams without a list of allowed resources:
// only their syntax is checked. A resource sent twice counts once, so a
// request cannot inflate the audience it gets.
func anyResourceParams(p form.Params) ([]string, *oauth.Error) {
	req := p.Values("resource")
	var seen map[string]struct{} // for many values: linear de-duplication
	if len(req) > 8 {
		seen = make(map[string]struct{}, len(req))
	}
	out := req[:0:0]
	for _, r := range req {
		if seen != nil {
			if _, dup := seen[r]; dup {
				continue
			}
			seen[r] = struct{}{}
		} else if slices.Contains(out, r) {
			continue
		}
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || strings.Contains(r, "#") {
			return nil, oauth.NewError(oauth.ErrInvalidTarget, "resource must be an absolute URI without a fragment")
		}
		out = append(out, r)
	}
	return out, nil
}
