package spec

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// privateJWKMembers are the members of a JWK that hold private or
// symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2):
// a spec is checked in, so a trusted issuer's keys in it are public ones.
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// trustedIssuerKeyTypes are the key types an assertion may be verified
// with: RSA, EC and OKP public keys (RFC 7518 §6, RFC 8037 §2); oct would
// be HMAC with a shared secret, which a JWK Set published by an issuer
// cannot hold (RFC 8725 §3.1).
var trustedIssuerKeyTypes = []string{"RSA", "EC", "OKP"}

// issuers checks a flow's trusted issuers: only a flow whose credential
// is an assertion has them, and it needs at least one; each has exactly one
// of an https jwks_uri and an inline JWK Set of public keys.
func (v *validation) issuers(f Flow, cf *CatalogueFlow) {
	p := join(join("flows", f.ID), "issuers")
	if cf == nil {
		return
	}
	if cf.Policy.Credential != "assertion" {
		if len(f.Issuers) > 0 {
			v.report(v.at(p, f.Pos), CodeTrustedIssuer,
				"flow %q takes no issuers: only a flow whose credential is a JWT assertion (oauth-token-jwt-bearer) trusts issuers", f.ID)
		}
		return
	}
	if len(f.Issuers) == 0 && !v.failed(p) {
		v.report(f.Pos, CodeTrustedIssuer,
			"flow %q needs at least one trusted issuer under issuers, whose JWTs it accepts (RFC 7523 §3): its iss as the key, with jwks_uri or jwks (docs/spec.md, Trusted issuers)", f.ID)
	}
	for _, ti := range f.Issuers {
		ip := join(p, ti.Issuer)
		if why := checkCommentText(ti.Issuer); why != "" {
			v.report(ti.Pos, CodeTrustedIssuer, "trusted issuer %q %s", ti.Issuer, why)
		}
		up, jp := join(ip, "jwks_uri"), join(ip, "jwks")
		if v.failed(up) || v.failed(jp) {
			continue
		}
		switch {
		case ti.JWKSURI == "" && ti.JWKS == "":
			v.report(ti.Pos, CodeTrustedIssuer, "trusted issuer %q needs its keys: jwks_uri (the https URL of its JWK Set) or jwks (the JWK Set itself)", ti.Issuer)
		case ti.JWKSURI != "" && ti.JWKS != "":
			v.report(v.at(jp, ti.Pos), CodeTrustedIssuer, "trusted issuer %q has both jwks_uri and jwks; keep one", ti.Issuer)
		case ti.JWKSURI != "":
			if why := checkJWKSURI(ti.JWKSURI); why != "" {
				v.report(v.at(up, ti.Pos), CodeTrustedIssuer, "trusted issuer %q: jwks_uri %s", ti.Issuer, why)
			}
		default:
			if why := checkPublicJWKS(ti.JWKS); why != "" {
				v.report(v.at(jp, ti.Pos), CodeTrustedIssuer, "trusted issuer %q: jwks %s", ti.Issuer, why)
			}
		}
		for i, a := range ti.Audience {
			if strings.TrimSpace(a) == "" {
				v.report(v.at(fmt.Sprintf("%s[%d]", join(ip, "audience"), i), ti.Pos), CodeTrustedIssuer,
					"trusted issuer %q: an audience value is empty", ti.Issuer)
			}
		}
	}
}

// checkJWKSURI says what is wrong with a trusted issuer's jwks_uri, or "".
func checkJWKSURI(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "https":
		return "must be an https URL, so that the keys cannot be swapped in transit"
	case u.Host == "" || u.Hostname() == "":
		return "has no host"
	case u.User != nil:
		return "must not carry user information"
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "must not have a fragment"
	}
	return ""
}

// checkPublicJWKS says what is wrong with an inline JWK Set, or "": it
// must be a JSON object with a non-empty keys array of public RSA, EC or
// OKP keys. Parsing the keys themselves is the runtime's, when the server
// is built.
func checkPublicJWKS(text string) string {
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(text), &set); err != nil {
		return "is not a JWK Set (a JSON object with a keys array): " + err.Error()
	}
	if len(set.Keys) == 0 {
		return "has no keys"
	}
	for i, k := range set.Keys {
		kty, _ := k["kty"].(string)
		if !slices.Contains(trustedIssuerKeyTypes, kty) {
			return fmt.Sprintf("key %d: kty %q is not a public key type (%s); a shared secret cannot verify an issuer's signature", i, kty, orList(trustedIssuerKeyTypes))
		}
		for _, m := range privateJWKMembers {
			if _, ok := k[m]; ok {
				return fmt.Sprintf("key %d holds private key material (%q): a spec names public keys only; remove it and rotate the key", i, m)
			}
		}
	}
	return ""
}
