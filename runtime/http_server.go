package runtime

import (
	"net/http"
	"time"
)

// The limits of NewHTTPServer.
const (
	serveReadHeaderTimeout = 5 * time.Second
	serveReadTimeout       = 15 * time.Second
	serveWriteTimeout      = 30 * time.Second
	serveIdleTimeout       = 2 * time.Minute
	serveMaxHeaderBytes    = 32 << 10
)

// NewHTTPServer returns an http.Server for h on addr with the limits a
// server on the public internet needs: 5 s to read a request's headers
// and 15 s for the whole request (against slow clients holding
// connections), 30 s to write the response, 2 min for an idle keep-alive
// connection, and request headers of at most 32 KiB (Go's default of
// 1 MiB lets each request carry a megabyte of credentials or cookies).
// The token endpoint's own body limit (Settings.MaxBodyBytes) still
// applies. Set ErrorLog and TLSConfig as needed before serving.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
	}
}
