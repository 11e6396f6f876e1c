package server

import (
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// static serves the embedded UI: hashed assets are cached for good,
// index.html is revalidated on every load. Unknown paths are 404s in the
// API's error shape (the UI has a single page at "/").
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	f, err := s.cfg.UI.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errNotFound("no route for " + r.Method + " " + r.URL.Path)
		}
		return err
	}
	st, err := f.Stat()
	f.Close()
	if err != nil || st.IsDir() {
		return errNotFound("no route for " + r.Method + " " + r.URL.Path)
	}
	if strings.HasPrefix(name, "assets/") {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Add("Vary", "Accept-Encoding")
	// The build precompresses assets (ui/scripts/compress.mjs): send the
	// smallest encoding the client accepts.
	for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !acceptsEncoding(r.Header.Get("Accept-Encoding"), enc.name) {
			continue
		}
		cf, err := s.cfg.UI.Open(name + enc.ext)
		if err != nil {
			continue
		}
		defer cf.Close()
		rs, ok := cf.(io.ReadSeeker)
		if !ok {
			continue
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Encoding", enc.name)
		http.ServeContent(w, r, name, st.ModTime(), rs)
		return nil
	}
	http.ServeFileFS(w, r, s.cfg.UI, name)
	return nil
}

// acceptsEncoding reads an Accept-Encoding header: whether coding is
// listed (or "*" is) without q=0.
func acceptsEncoding(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != coding && name != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if q == "q=0" || strings.HasPrefix(q, "q=0.0") && strings.Trim(q[2:], "0.") == "" {
			return false
		}
		return true
	}
	return false
}
