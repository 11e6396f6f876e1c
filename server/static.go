package server

import (
	"compress/gzip"
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
	onlyGzip := false
	if errors.Is(err, fs.ErrNotExist) {
		// Large assets are embedded compressed only (ui/scripts/compress.mjs).
		f, err = s.cfg.UI.Open(name + ".gz")
		onlyGzip = err == nil
	}
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
	if name == "index.html" {
		s.ensureSession(w, r) // every browser gets an identity (sessions.go)
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
		w.Header().Set("Content-Type", contentType(name))
		w.Header().Set("Content-Encoding", enc.name)
		http.ServeContent(w, r, name, st.ModTime(), rs)
		return nil
	}
	if onlyGzip {
		return serveGunzipped(w, r, s.cfg.UI, name)
	}
	http.ServeFileFS(w, r, s.cfg.UI, name)
	return nil
}

// indexPage serves the UI's single page for a path the page itself reads
// (/s/{id}, /p/{id}).
func (s *Server) indexPage(w http.ResponseWriter, r *http.Request) error {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/"
	return s.static(w, r2)
}

func contentType(name string) string {
	if ctype := mime.TypeByExtension(path.Ext(name)); ctype != "" {
		return ctype
	}
	return "application/octet-stream"
}

// serveGunzipped sends an asset embedded only as name.gz to a client that
// accepts no compression, decompressing it on the way.
func serveGunzipped(w http.ResponseWriter, r *http.Request, ui fs.FS, name string) error {
	f, err := ui.Open(name + ".gz")
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType(name))
	if r.Method == http.MethodHead {
		return nil
	}
	// Once the body has begun there is no other answer to give: a client
	// that went away (or a corrupt copy, which the tests rule out) ends it.
	io.Copy(w, zr)
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
