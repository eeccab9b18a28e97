package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthgen/oauthgen/runtime/internal/formpost"
	"github.com/oauthgen/oauthgen/runtime/internal/reply"
	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// Responses of the authorization endpoint: the redirect to the client with
// a code or an error (RFC 6749 §4.1.2, §4.1.2.1), the form_post page (OAuth
// 2.0 Form Post Response Mode), and the error pages shown instead of a
// redirect (RFC 6749 §4.1.2.1).

// authorizeEndpointCode reports whether the authorization endpoint may
// answer with the code (RFC 6749 §4.1.2.1; OIDC Core §3.1.2.6; RFC 8707 §2).
func authorizeEndpointCode(c oauth.ErrorCode) bool {
	switch c {
	case oauth.ErrInvalidRequest, oauth.ErrUnauthorizedClient, oauth.ErrAccessDenied, oauth.ErrUnsupportedResponseType,
		oauth.ErrInvalidScope, oauth.ErrServerError, oauth.ErrTemporarilyUnavail, oauth.ErrInvalidTarget,
		oauth.ErrLoginRequired, oauth.ErrConsentRequired, oauth.ErrInteractionRequired, oauth.ErrAccountSelectionRequired,
		oauth.ErrRequestNotSupported, oauth.ErrRequestURINotSupported:
		return true
	}
	return false
}

// authorizeSuccess sends the code to the client with state and iss
// (RFC 6749 §4.1.2; RFC 9207 §2).
func (s *Server) authorizeSuccess(w http.ResponseWriter, ar *authorizeRequest, resp *AuthorizeResponse) {
	fields := []formpost.Field{{Name: "code", Value: resp.Code.Reveal()}}
	s.deliverAuthorize(w, ar, fields)
}

// authorizeFail logs err with ar's logger, which names the client, and
// sends it to the client with state and iss (RFC 6749 §4.1.2.1; RFC 9207
// §2). An error that is not an *oauth.Error, or whose code the endpoint cannot
// return, becomes server_error; the detail of a server_error stays in the
// log.
func (s *Server) authorizeFail(ctx context.Context, w http.ResponseWriter, ar *authorizeRequest, err error) {
	e := endpointFailure(ctx, ar.log, "authorization", authorizeEndpointCode, err)
	fields := []formpost.Field{{Name: "error", Value: string(e.Code)}}
	if e.Description != "" {
		fields = append(fields, formpost.Field{Name: "error_description", Value: oauth.SafeText(e.Description)})
	}
	if e.URI != "" {
		fields = append(fields, formpost.Field{Name: "error_uri", Value: oauth.SafeText(e.URI)})
	}
	s.deliverAuthorize(w, ar, fields)
}

// deliverAuthorize adds state (when sent) and iss to the fields and sends
// them in the request's response mode: a 303 redirect with the fields in
// the query (never 307, which would repeat a POST body: RFC 9700 §4.12), or
// the form_post page.
func (s *Server) deliverAuthorize(w http.ResponseWriter, ar *authorizeRequest, fields []formpost.Field) {
	if ar.state != "" {
		fields = append(fields, formpost.Field{Name: "state", Value: ar.state})
	}
	fields = append(fields, formpost.Field{Name: "iss", Value: s.settings.Issuer})
	if ar.mode == oauth.ResponseModeFormPost {
		s.endUser.formPost.Write(w, ar.redirectRaw, ar.redirect, fields)
		return
	}
	reply.SeeOther(w, appendQuery(ar.redirectRaw, fields))
}

// appendQuery adds the fields to the query of uri, keeping the query the
// redirect URI already has (RFC 6749 §3.1.2). The values are
// percent-encoded, so state comes back exactly (RFC 6749 §4.1.2).
func appendQuery(uri string, fields []formpost.Field) string {
	var b strings.Builder
	b.WriteString(uri)
	switch {
	case !strings.Contains(uri, "?"):
		b.WriteByte('?')
	case !strings.HasSuffix(uri, "?") && !strings.HasSuffix(uri, "&"):
		b.WriteByte('&')
	}
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f.Value))
	}
	return b.String()
}

// showError logs pe and renders it through Pages.Error with the page
// headers: no redirect (RFC 6749 §4.1.2.1). The page's way back is the
// browser's history (errorPageScript), never a URL from the request.
func (s *Server) showError(ctx context.Context, w http.ResponseWriter, r *http.Request, pe *pageError) {
	level := slog.LevelDebug
	if pe.status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	if s.log.Enabled(ctx, level) {
		attrs := []slog.Attr{slog.Int("status", pe.status), slog.String("message", pe.message), slog.String("path", r.URL.Path)}
		if pe.cause != nil {
			attrs = append(attrs, slog.String("cause", pe.cause.Error()))
		}
		s.log.LogAttrs(ctx, level, "authorization page error", attrs...)
	}
	reply.PageHeaders(w.Header(), nil, errorPageScript)
	s.pages.Error(w, r, ErrorPage{Status: pe.status, Title: pe.title, Message: pe.message})
}
