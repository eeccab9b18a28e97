package observe

import (
	"context"
	"log/slog"
)

// The audit events. Each is a record with the message "audit", the event
// name in the attribute event, and the request id in request_id, then the
// event's own attributes: client_id and, once known, subject (the audit's
// point), never a secret, token, code, password or username.
const (
	// EventLoginSucceeded: the end user signed in (client_id, subject,
	// client_addr).
	EventLoginSucceeded = "login_succeeded"
	// EventLoginFailed: a sign-in was refused: unknown user or wrong
	// password, or the user store failed (client_id, client_addr, reason).
	EventLoginFailed = "login_failed"
	// EventLoginThrottled: a sign-in was refused unchecked, the username
	// and address having failed too often (client_id, client_addr).
	EventLoginThrottled = "login_throttled"
	// EventConsentGranted: the end user approved the client's request
	// (client_id, subject, scope).
	EventConsentGranted = "consent_granted"
	// EventConsentDenied: the end user denied it (client_id, subject).
	EventConsentDenied = "consent_denied"
	// EventCodeIssued: the authorization endpoint sent a code (client_id,
	// subject, flow, scope).
	EventCodeIssued = "authorization_code_issued"
	// EventTokenIssued: the token endpoint answered with tokens (client_id,
	// subject when an end user is behind them, flow, grant_type, scope,
	// tokens).
	EventTokenIssued = "token_issued"
	// EventRefreshReuse: a refresh token was used again after its rotation,
	// and its grant revoked (client_id, grant_id, family_id).
	EventRefreshReuse = "refresh_token_reuse_detected"
	// EventCodeReplay: an authorization code was redeemed again, and its
	// grant revoked (client_id, grant_id).
	EventCodeReplay = "authorization_code_replay_detected"
	// EventTokenRevoked: a revocation request revoked a token or its grant
	// (client_id, type).
	EventTokenRevoked = "token_revoked"
	// EventClientAuthThrottled: a client authentication was refused
	// unchecked, the client_id and address having failed too often
	// (client_id, client_addr).
	EventClientAuthThrottled = "client_auth_throttled"
)

// The attributes of log lines and audit events that name the request.
const (
	// LogRequestID is the request id's attribute.
	LogRequestID = "request_id"
	// LogEvent is the audit event's attribute.
	LogEvent = "event"
	// AuditMessage is the message of every audit record.
	AuditMessage = "audit"
)

// Audits reports whether the request's server records audit events, so
// that a caller builds their attributes only then.
func (q *Request) Audits() bool { return q != nil && q.o.audit != nil }

// Audit records the audit event of the request at level with attrs.
func (q *Request) Audit(ctx context.Context, level slog.Level, event string, attrs ...slog.Attr) {
	if !q.Audits() {
		return
	}
	all := make([]slog.Attr, 0, len(attrs)+2)
	all = append(all, slog.String(LogEvent, event), slog.String(LogRequestID, q.ID))
	q.o.audit.LogAttrs(ctx, level, AuditMessage, append(all, attrs...)...)
}

// LogHandler wraps h so that every record logged with the context of an
// observed request carries its id (LogRequestID).
func LogHandler(h slog.Handler) slog.Handler { return idHandler{h} }

type idHandler struct{ h slog.Handler }

func (h idHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h idHandler) Handle(ctx context.Context, r slog.Record) error {
	if q := FromContext(ctx); q != nil {
		r.AddAttrs(slog.String(LogRequestID, q.ID))
	}
	return h.h.Handle(ctx, r)
}

func (h idHandler) WithAttrs(attrs []slog.Attr) slog.Handler { return idHandler{h.h.WithAttrs(attrs)} }

func (h idHandler) WithGroup(name string) slog.Handler { return idHandler{h.h.WithGroup(name)} }
