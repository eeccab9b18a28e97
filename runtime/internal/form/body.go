package form

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/oauthgen/oauthgen/runtime/oauth"
)

// IsFormContentType reports whether ct is
// application/x-www-form-urlencoded, parameters (such as charset) allowed.
func IsFormContentType(ct string) bool {
	const form = "application/x-www-form-urlencoded"
	if ct == form {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == form
}

// ReadBody reads the request body up to limit bytes; a larger body is
// invalid_request. With a Content-Length (at most limit) the body is read
// into one buffer of exactly that size, and nothing past it is read;
// without one, through http.MaxBytesReader.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) (string, *oauth.Error) {
	if r.ContentLength > limit {
		return "", oauth.NewError(oauth.ErrInvalidRequest, "request body too large")
	}
	var (
		b   []byte
		err error
	)
	if r.ContentLength > 0 {
		b = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, b)
	} else {
		b, err = io.ReadAll(http.MaxBytesReader(unwrap(w), r.Body, limit))
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", oauth.NewError(oauth.ErrInvalidRequest, "request body too large")
		}
		return "", oauth.NewError(oauth.ErrInvalidRequest, "cannot read the request body").WithCause(err)
	}
	return string(b), nil
}

// ParseBody reads a form body (the content type must be
// application/x-www-form-urlencoded) within limit and parses it, refusing
// repeated parameters: the request parsing every form endpoint shares
// (RFC 6749 §3.2).
func ParseBody(w http.ResponseWriter, r *http.Request, limit int64) (Params, *oauth.Error) {
	if !IsFormContentType(r.Header.Get("Content-Type")) {
		return Params{}, oauth.NewError(oauth.ErrInvalidRequest, "Content-Type must be application/x-www-form-urlencoded")
	}
	body, e := ReadBody(w, r, limit)
	if e != nil {
		return Params{}, e
	}
	return Parse(body)
}

// unwrap is the writer of net/http under wrappers that say what they wrap
// (an observed request's): http.MaxBytesReader tells that one to close the
// connection after a body over the limit.
func unwrap(w http.ResponseWriter) http.ResponseWriter {
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}
