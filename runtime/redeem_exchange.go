package runtime

import (
	"context"
	"fmt"
	"slices"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// The token exchange request (RFC 8693 §2.1), for a flow whose credential
// is a subject token (flowkit.SubjectTokenCredential): its parameters,
// its two tokens validated by their declared types, may_act, scope and
// audience, and the default token data of the exchange.

// exchangeTypeParam returns a token type parameter of a token exchange,
// checked: a token type identifier is an absolute URI (RFC 8693
// §3), anything else is invalid_request (RFC 8693 §2.2.2).
func exchangeTypeParam(t *TokenContext, name string) (oauth.TokenType, *oauth.Error) {
	v := t.form.Get(name)
	if v != "" && !oauth.ValidTokenType(v) {
		return "", oauth.NewError(oauth.ErrInvalidRequest, "parameter '"+name+"' is not a token type identifier (RFC 8693 §3)")
	}
	return oauth.TokenType(v), nil
}

// redeemSubjectToken checks a token exchange request, in order:
//
//  1. subject_token and subject_token_type are present; actor_token and
//     actor_token_type come together; the three token type parameters are
//     token type URIs; else invalid_request (RFC 8693 §2.1, §2.2.2).
//     (A repeated parameter was refused with the form.)
//  2. Each audience parameter is one of the client's registered
//     audiences, as a resource parameter is; else invalid_target
//     (RFC 8693 §2.2.2).
//  3. The subject token, and the actor token, are validated by their
//     declared types against this server's tokens
//     (validateExchangeToken); one that is not is left nil for the
//     procedure, which the default procedure refuses.
//  4. may_act (RFC 8693 §4.4): when the subject token has one and the
//     actor token was validated, it must name the actor; else
//     invalid_request, the code RFC 8693 §2.2.2 gives to a token
//     unacceptable by policy.
//  5. Scope: never beyond the subject token's (RFC 8693 §2.1, RFC 6749
//     §3.3): a requested scope it lacks is invalid_scope; without a scope
//     parameter, the subject token's scope that the client may have.
//
// On success the default token data are the subject's (impersonation) or,
// with an actor, the subject's with an act claim naming the actor and,
// nested, the subject token's own actors (delegation, RFC 8693 §1.1,
// §4.1). Without a validated subject token the defaults stay the client's,
// for a procedure that validates the token itself.
func (s *Server) redeemSubjectToken(ctx context.Context, t *TokenContext) error {
	subjectTok, actorTok := Secret(t.form.Get("subject_token")), Secret(t.form.Get("actor_token"))
	subjectType, e := exchangeTypeParam(t, "subject_token_type")
	if e != nil {
		return e
	}
	actorType, e := exchangeTypeParam(t, "actor_token_type")
	if e != nil {
		return e
	}
	if t.RequestedTokenType, e = exchangeTypeParam(t, "requested_token_type"); e != nil {
		return e
	}
	switch {
	case subjectTok == "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'subject_token' is missing")
	case subjectType == "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'subject_token_type' is missing")
	case actorTok != "" && actorType == "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'actor_token_type' is required with 'actor_token' (RFC 8693 §2.1)")
	case actorTok == "" && actorType != "":
		return oauth.NewError(oauth.ErrInvalidRequest, "parameter 'actor_token_type' must not be sent without 'actor_token' (RFC 8693 §2.1)")
	}
	if t.RequestedAudience, e = audienceParams(t); e != nil {
		return e
	}

	var err error
	if t.Subject, err = s.validateExchangeToken(ctx, subjectTok, subjectType, t.Now); err != nil {
		return oauth.AsError(fmt.Errorf("token exchange: validate the subject token: %w", err))
	}
	if actorTok != "" {
		if t.Actor, err = s.validateExchangeToken(ctx, actorTok, actorType, t.Now); err != nil {
			return oauth.AsError(fmt.Errorf("token exchange: validate the actor token: %w", err))
		}
	}
	sub, act := t.Subject, t.Actor
	if sub != nil && sub.MayAct != nil && act != nil && !sub.MayAct.names(act) {
		return oauth.NewError(oauth.ErrInvalidRequest, "the actor is not the party the subject token's may_act claim allows to act for its subject (RFC 8693 §4.4)")
	}

	granted := t.RequestedScope // already within the client's scopes
	if sub != nil {
		if extra := granted.Without(sub.Scope); len(extra) > 0 {
			return oauth.NewError(oauth.ErrInvalidScope, "scope '"+extra.String()+"' exceeds the subject token's scope")
		}
		if len(granted) == 0 {
			granted = intersectScope(sub.Scope, t.Client.Scopes)
		}
	}
	t.GrantedScope = granted
	return fillExchangeDefaults(s, t)
}

// audienceParams returns the request's audience parameters (RFC 8693
// §2.1), which may repeat and count once each: each must be one of the
// client's registered audiences, else invalid_target (RFC 8693 §2.2.2).
func audienceParams(t *TokenContext) ([]string, *oauth.Error) {
	var out []string
	for _, a := range t.form.Values("audience") {
		if a == "" || slices.Contains(out, a) { // RFC 6749 §3.2: empty is omitted
			continue
		}
		if !slices.Contains(t.Client.Audiences, a) {
			return nil, oauth.NewError(oauth.ErrInvalidTarget, "audience '"+oauth.SafeText(a)+"' is not allowed for this client")
		}
		out = append(out, a)
	}
	return out, nil
}

// intersectScope is the scopes of a that b has too, in a's order.
func intersectScope(a, b oauth.ScopeSet) oauth.ScopeSet {
	var out oauth.ScopeSet
	for _, sc := range a {
		if b.Contains(sc) {
			out = append(out, sc)
		}
	}
	return out
}

// fillExchangeDefaults sets the default token data of an exchange: the
// granted scope and the requested audience (the resource and audience
// parameters, else the client's audiences); with a validated subject
// token, its subject and authentication (impersonation), and the act
// claim: the actor's with the subject token's actors nested (delegation,
// RFC 8693 §4.1), or the subject token's own act, so that an exchange
// never drops a delegation chain. No ID token: the response of RFC 8693
// §2.2.1 has none. A refresh token only when the policy issues them and
// the token has no act, which a grant could not carry on.
func fillExchangeDefaults(s *Server, t *TokenContext) error {
	d := &t.Defaults
	aud := append(slices.Clone(t.Resources), t.RequestedAudience...)
	if len(aud) > 0 {
		d.Grant.Audience = aud
		d.Access.Audience = Audience(aud)
	}
	d.Grant.Scope, d.Access.Scope = t.GrantedScope, t.GrantedScope
	d.Refresh, d.ID = nil, nil
	sub := t.Subject
	if sub == nil {
		return nil
	}
	t.Authentication = sub.Authentication
	t.Authentication.Subject = sub.Subject
	fillEndUserDefaults(t)
	d.ID = nil
	d.Access.Act = sub.Act
	if t.Actor != nil {
		d.Access.Act = actOf(t.Actor, sub)
		if d.Access.Act.depth() > maxActDepth {
			return oauth.NewError(oauth.ErrInvalidRequest, "the delegation chain of the subject token is too long")
		}
	}
	if d.Access.Act == nil && s.canRefresh(t, t.GrantedScope) {
		d.Refresh = newRefreshData(t, t.GrantedScope)
		d.Grant.ExpiresAt = laterOf(d.Access.ExpiresAt, d.Refresh.ExpiresAt)
	}
	return nil
}
