package server

import (
	"errors"
	"io/fs"
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
	http.ServeFileFS(w, r, s.cfg.UI, name)
	return nil
}
