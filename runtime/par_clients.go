package runtime

import (
	"context"
	"log/slog"
	"slices"
	"strings"
)

// warnPushRequiredClients logs a warning at startup when the server serves
// the authorization endpoint without the pushed authorization request
// endpoint and registered clients require pushed requests
// (Client.RequirePushedAuthorizationRequests, RFC 9126 §6): every
// authorization request of theirs is refused, so nobody can sign in to
// them until the spec declares endpoints.par or their entries drop the
// requirement. It only warns: those clients fail closed.
func (s *Server) warnPushRequiredClients() {
	if s.settings.PushedAuthorizationRequests || !slices.ContainsFunc(s.endpoints, func(e endpoint) bool { return e.id() == authorizeEndpointID }) {
		return
	}
	clients, listed := s.listedClients()
	if !listed {
		return
	}
	var ids []string
	for _, c := range clients {
		if c.RequirePushedAuthorizationRequests {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	s.log.LogAttrs(context.Background(), slog.LevelWarn,
		"pushed authorization requests: these clients require them (require_pushed_authorization_requests), and the server does not accept them, so every authorization request of theirs is refused; declare endpoints.par in the spec, or drop the requirement",
		slog.String("clients", strings.Join(ids, ", ")))
}
