// Package oauth is the OAuth 2.0 and OpenID Connect vocabulary every part
// of the oauthgen runtime shares: the Error type and its error codes, grant
// types, client authentication methods, response modes, token type hints,
// the scope syntax and the scopes OpenID Connect defines, PKCE and the JWS
// algorithm names.
//
// It is a leaf: it imports nothing of the runtime, so the runtime's root
// package, its mechanics and generated code all speak it without import
// cycles. Procedures rarely import it: they return errors built by the
// generated c.Errors constructors, which are *Error values.
package oauth
