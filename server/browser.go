package server

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// contentSecurityPolicy allows exactly what the UI needs: its own scripts
// and WebAssembly (Ruff's linter and formatter; 'wasm-unsafe-eval' allows
// compiling wasm, not JavaScript eval), styles (Monaco and KaTeX set some inline), fonts and images (KaTeX's,
// some as data: URLs), Monaco's web workers (from blob: URLs), and
// connections to this origin, WebSocket included. The page may not be
// framed.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; " +
	"connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// browserHeaders sets the headers that keep browsers from misusing the
// service's responses.
func browserHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// crossSite refuses state-changing requests that another site's page could
// make with a visitor's browser: a form or a text/plain fetch needs no CORS
// preflight, so such a request must carry JSON, and come from this origin
// (or one configured in CORSOrigins) when the browser says where it comes
// from. Clients that are not browsers send no Origin and are not affected.
func (s *Server) crossSite(r *http.Request) *httpError {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if origin := r.Header.Get("Origin"); origin != "" && !s.sameOrigin(r, origin) && !s.corsAllowed(origin) {
		return &httpError{Status: http.StatusForbidden, Code: "forbidden", Msg: "cross-site request refused: origin " + origin + " is not allowed"}
	}
	if r.Header.Get("Origin") == "" && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return &httpError{Status: http.StatusForbidden, Code: "forbidden", Msg: "cross-site request refused"}
	}
	if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			return &httpError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
				Msg: "the request body must be JSON (Content-Type: application/json)"}
		}
	}
	return nil
}

// sameOrigin reports whether origin is the origin the request was made to.
func (s *Server) sameOrigin(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

func (s *Server) corsAllowed(origin string) bool {
	return slices.Contains(s.cfg.CORSOrigins, strings.TrimSuffix(origin, "/"))
}

// cors answers for the configured origins only: none by default.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) (preflight bool) {
	origin := r.Header.Get("Origin")
	if origin == "" || !s.corsAllowed(origin) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", "Retry-After, X-Request-Id")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// metricsAllowed checks the bearer token that guards /metrics, if one is
// configured.
func (s *Server) metricsAllowed(r *http.Request) bool {
	if s.cfg.MetricsToken == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.MetricsToken)) == 1
}
