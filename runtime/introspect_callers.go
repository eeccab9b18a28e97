package runtime

import (
	"context"
	"log/slog"
	"slices"
	"strings"
)

// warnIntrospectionCallers logs a warning at startup when the client
// registry can list its clients (MemoryClients, runtime/clientfile) and
// none of them can call the introspection endpoint: a caller must be
// allowed to introspect (Client.Introspection, RFC 7662 §2.1) and
// authenticate with a method the endpoint accepts, and without one every
// request is refused. It only warns: nothing is exposed (the endpoint
// fails closed), and a deployment whose resource servers verify JWT access
// tokens themselves may not need it. A registry that cannot list its
// clients is not checked.
func (s *Server) warnIntrospectionCallers() {
	var ep *introspectEndpoint
	for _, e := range s.endpoints {
		if ie, ok := e.(*introspectEndpoint); ok {
			ep = ie
		}
	}
	clients, listed := s.listedClients()
	if ep == nil || !listed {
		return
	}
	ctx := context.Background()
	// callers may introspect; others may too, but authenticate with a
	// method the endpoint does not accept.
	var callers, others []string
	for _, c := range clients {
		id := c.ID
		switch {
		case !c.Introspection:
		case !slices.Contains(ep.methods, c.AuthMethod):
			others = append(others, id+" ("+string(c.AuthMethod)+")")
		default:
			callers = append(callers, id)
		}
	}
	if len(callers) > 0 {
		return
	}
	methods := make([]string, len(ep.methods))
	for i, m := range ep.methods {
		methods[i] = string(m)
	}
	attrs := []slog.Attr{slog.String("endpoint", ep.path), slog.String("auth_methods", strings.Join(methods, ", "))}
	if len(others) > 0 {
		attrs = append(attrs, slog.String("clients_with_another_method", strings.Join(others, ", ")))
	}
	s.log.LogAttrs(ctx, slog.LevelWarn,
		"introspection endpoint: no registered client can call it, so every request is refused; set introspection: true on a confidential client (Client.Introspection) that authenticates with one of auth_methods",
		attrs...)
}

// listedClients returns the registered clients, for startup warnings, when
// the registry can list them (MemoryClients, runtime/clientfile) and the
// server logs; listed is false otherwise, and nothing is checked.
func (s *Server) listedClients() (clients []*Client, listed bool) {
	lister, ok := s.clients.(interface{ IDs() []string })
	if !ok || s.log.Handler() == slog.DiscardHandler {
		return nil, false
	}
	for _, id := range lister.IDs() {
		if c, err := s.clients.Client(context.Background(), id); err == nil && c != nil {
			clients = append(clients, c)
		}
	}
	return clients, true
}
