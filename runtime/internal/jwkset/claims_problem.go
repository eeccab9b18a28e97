package jwkset

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// ClaimsProblem names what is wrong with the claims of a correctly signed
// assertion (a client's, a trusted issuer's; RFC 7523 §3), for the error
// description; issuer says what an iss (or sub) the parser refused should
// have been.
func ClaimsProblem(err error, issuer string) string {
	switch {
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "exp is required (RFC 7523 §3)"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the assertion has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "the assertion is not valid yet (nbf)"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "the assertion is issued in the future (iat)"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer), errors.Is(err, jwt.ErrTokenInvalidSubject):
		return issuer
	}
	return "invalid claims"
}
