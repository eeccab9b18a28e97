package runtime

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// endpoint is one unit of the server's HTTP surface: the token endpoint,
// the authorization endpoint with its login and consent pages, userinfo,
// introspection, revocation, the JWK Set, the metadata documents. Each
// says how its callers authenticate, declares its routes and sets the
// members of the metadata document that advertise it. NewServer builds
// the router from the enabled endpoints (enabledEndpoints, the one place
// that knows them all); no other code names an endpoint.
type endpoint interface {
	// id is the endpoint's id, the key of its path in Settings.Paths
	// (empty for the metadata documents, served at fixed locations).
	id() string
	// auth is how the endpoint's callers authenticate.
	auth() callerAuth
	// routes are the endpoint's routes.
	routes() []route
	// advertise sets the endpoint's members of the metadata document
	// (RFC 8414 §2). The metadata endpoint serves the document once every
	// endpoint has advertised.
	advertise(md *Metadata)
}

// callerAuth is how an endpoint's callers authenticate.
type callerAuth uint8

// The ways callers authenticate.
const (
	// callerNone: anyone may call (the JWK Set, the metadata).
	callerNone callerAuth = iota
	// callerClient: a registered client, by one of Settings.AuthMethods
	// (RFC 6749 §2.3); a failure is 401 invalid_client.
	callerClient
	// callerBearer: an access token (RFC 6750 §2); a failure is 401
	// invalid_token.
	callerBearer
	// callerSession: the end user's browser, which signs in on the
	// endpoint's own pages.
	callerSession
)

// route is one path of an endpoint.
type route struct {
	// path is the exact path; the router matches it byte for byte.
	path string
	// methods are the methods served; the Allow header of a 405 lists them
	// (RFC 9110 §15.5.6).
	methods []string
	// serve handles a request with one of the methods.
	serve http.HandlerFunc
	// refuse answers a request with another method, in the endpoint's own
	// error format, once the router has set Allow.
	refuse http.HandlerFunc
	// endpoint is the id of the route's endpoint ("metadata" for the
	// metadata documents) and flow the flow it serves, if it has one
	// flow: the labels of its requests' metrics and spans.
	endpoint, flow string
}

// router serves each route at its exact path. Unlike http.ServeMux it
// neither cleans paths nor redirects: an authorization server answers
// exactly the URLs it advertises.
type router struct {
	routes map[string]route
}

// newRouter mounts the routes of the endpoints, refusing a path that is not
// absolute, has a query, fragment or space, sits under /.well-known/ (the
// metadata's, RFC 8615) unless the endpoint is the metadata's, or is taken
// by another route.
func newRouter(eps []endpoint) (*router, error) {
	rt := &router{routes: map[string]route{}}
	owner := map[string]string{}
	var errs []error
	for _, ep := range eps {
		name := ep.id()
		if name == "" {
			name = "metadata"
		}
		for _, r := range ep.routes() {
			switch {
			case !strings.HasPrefix(r.path, "/") || strings.ContainsAny(r.path, "?# \t\r\n") || len(r.path) > 1 && strings.HasSuffix(r.path, "/"):
				errs = append(errs, fmt.Errorf("settings: %s path %q must be an absolute path without query, fragment or trailing slash", name, r.path))
				continue
			case ep.id() != "" && strings.HasPrefix(r.path, "/.well-known/"):
				errs = append(errs, fmt.Errorf("settings: %s path %q must not be under /.well-known/", name, r.path))
				continue
			}
			if other, taken := owner[r.path]; taken {
				errs = append(errs, fmt.Errorf("settings: %s path %q is also %s's", name, r.path, other))
				continue
			}
			owner[r.path] = name
			r.endpoint = name
			rt.routes[r.path] = r
		}
	}
	return rt, errors.Join(errs...)
}

// ServeHTTP routes a request by its exact path; an unknown path is 404, a
// method the route does not serve 405 with Allow. /favicon.ico, which
// browsers ask for at the root of any URL they open (a JSON endpoint's
// too), is answered by serveFavicon unless an endpoint has that path.
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rte, ok := rt.routes[r.URL.Path]
	if !ok && r.URL.Path == faviconPath {
		serveFavicon(w, r)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !slices.Contains(rte.methods, r.Method) {
		w.Header().Set("Allow", strings.Join(rte.methods, ", "))
		rte.refuse(w, r)
		return
	}
	rte.serve(w, r)
}

// faviconPath is where browsers look for a site's icon when a page names
// none: the root of the origin, whatever the issuer's path.
const faviconPath = "/favicon.ico"

// faviconMaxAge is how long a browser may keep the empty icon.
const faviconMaxAge = "86400"

// serveFavicon answers a browser's request for /favicon.ico with 204 No
// Content, cacheable for a day (RFC 9111 §5.2.2.1), so that it neither
// logs a 404 nor asks again on every page: the server has no icon. A team
// that has one serves it in front of the Server (an http.ServeMux pattern
// "/favicon.ico" wins over the Server's "/"). Other methods are 405.
func serveFavicon(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", strings.Join(getHead, ", "))
		refusePlain(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age="+faviconMaxAge)
	w.WriteHeader(http.StatusNoContent)
}

// unit is what every endpoint with a path has: its server, id, path and
// callers. Endpoints embed it.
type unit struct {
	s      *Server
	name   string
	path   string
	caller callerAuth
}

// newUnit is the unit of the endpoint id at the path Settings.Paths gives
// it, or def; NewServer records the default there, so Settings reports
// every path.
func (s *Server) newUnit(id, def string, caller callerAuth) unit {
	p := s.settings.Paths[id]
	if p == "" {
		p = def
		s.settings.Paths[id] = def
	}
	return unit{s: s, name: id, path: p, caller: caller}
}

func (u unit) id() string       { return u.name }
func (u unit) auth() callerAuth { return u.caller }

// url is the endpoint's URL, which the metadata advertises.
func (u unit) url() string { return u.s.origin() + u.path }

// checkPaths refuses a path Settings.Paths gives an endpoint that is not
// enabled: a typo in an id would otherwise leave the endpoint at its
// default path unnoticed.
func checkPaths(paths map[string]string, eps []endpoint) error {
	var errs []error
	for id := range paths {
		if !slices.ContainsFunc(eps, func(ep endpoint) bool { return ep.id() == id }) {
			errs = append(errs, fmt.Errorf("settings: Paths has %q, which is not an enabled endpoint", id))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}
