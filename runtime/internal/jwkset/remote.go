package jwkset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Defaults of a Remote: a set is used for TTL after it was fetched; an
// unknown kid refetches it, but at most once per MinRefetch (so that
// assertions naming made-up kids cannot make the server hammer the
// client's host); a set that cannot be refetched is still used until
// MaxStale; a fetch gives up after Timeout; at most MaxEntries sets are
// kept.
const (
	TTL        = 10 * time.Minute
	MinRefetch = time.Minute
	MaxStale   = 24 * time.Hour
	Timeout    = 5 * time.Second
	MaxEntries = 1024
	// maxRedirects bounds the redirects of a fetch, each to https.
	maxRedirects = 3
)

// Remote fetches and caches the JWK Sets at jwks_uri URLs (RFC 7591 §2).
// It is a cache of public documents: each instance keeps its own, and
// losing it costs a fetch. It is safe for concurrent use; concurrent
// requests for one URL wait for one fetch.
type Remote struct {
	client *http.Client

	mu      sync.Mutex
	entries map[string]*entry
}

// entry is one URL's cached set. mu serialises its fetches.
type entry struct {
	mu      sync.Mutex
	set     *Set
	fetched time.Time // the last successful fetch
	tried   time.Time // the last attempt
	err     error     // the last attempt's error, while there is no set
	used    time.Time // for eviction
}

// NewRemote returns a cache whose fetches use client (its Transport and
// TLS roots; redirects are limited to maxRedirects to https, and every
// fetch to Timeout). A nil client means http.DefaultTransport.
func NewRemote(client *http.Client) *Remote {
	c := &http.Client{}
	if client != nil {
		*c = *client
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != "https" {
			return errors.New("redirect to a URL that is not https")
		}
		return nil
	}
	return &Remote{client: c, entries: make(map[string]*entry)}
}

// CheckURL reports whether u can be a jwks_uri: an absolute https URL
// without a fragment or user information.
func CheckURL(u string) error {
	p, err := url.Parse(u)
	switch {
	case err != nil:
		return fmt.Errorf("jwks_uri %q is not a URL", u)
	case p.Scheme != "https" || p.Host == "" || p.Opaque != "":
		return fmt.Errorf("jwks_uri %q must be an absolute https URL", u)
	case p.User != nil || p.Fragment != "":
		return fmt.Errorf("jwks_uri %q must have no user information or fragment", u)
	}
	return nil
}

// Get returns the set at uri as of now: the cached one while it is fresh,
// else a fetched one. refresh asks for a fetch even of a fresh set, after
// an unknown kid; it is honoured at most once per MinRefetch. A failed
// fetch falls back on the cached set until MaxStale: Get then returns
// both the set and the fetch's error, for the log.
func (r *Remote) Get(ctx context.Context, uri string, now time.Time, refresh bool) (*Set, error) {
	e := r.entry(uri, now)
	e.mu.Lock()
	defer e.mu.Unlock()
	// A host is asked at most once per MinRefetch, whatever happened.
	recent := !e.tried.IsZero() && now.Sub(e.tried) < MinRefetch
	switch {
	case e.set != nil && now.Sub(e.fetched) < TTL && !refresh:
		return e.set, nil
	case recent && e.set != nil:
		return e.set, nil
	case recent && e.err != nil:
		return nil, e.err
	}
	e.tried = now
	set, err := r.fetch(ctx, uri)
	if err != nil {
		if e.set != nil && now.Sub(e.fetched) < MaxStale {
			return e.set, err
		}
		e.set, e.err = nil, err
		return nil, err
	}
	e.set, e.fetched, e.err = set, now, nil
	return set, nil
}

// entry returns uri's entry, making room for it when the cache is full
// by dropping the least recently used one.
func (r *Remote) entry(uri string, now time.Time) *entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[uri]
	if !ok {
		if len(r.entries) >= MaxEntries {
			var oldest string
			var at time.Time
			for u, o := range r.entries {
				if oldest == "" || o.used.Before(at) {
					oldest, at = u, o.used
				}
			}
			delete(r.entries, oldest)
		}
		e = &entry{}
		r.entries[uri] = e
	}
	e.used = now
	return e
}

// fetch GETs the set at uri within Timeout and MaxBytes.
func (r *Remote) fetch(ctx context.Context, uri string) (*Set, error) {
	if err := CheckURL(uri); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch jwks_uri: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch jwks_uri: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch jwks_uri %s: status %d", uri, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch jwks_uri %s: %w", uri, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("fetch jwks_uri %s: the document is larger than %d bytes", uri, MaxBytes)
	}
	set, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("fetch jwks_uri %s: %w", uri, err)
	}
	return set, nil
}
