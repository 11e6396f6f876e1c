package server

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
)

// openAPIDoc documents every route (server/openapi.json, OpenAPI 3.1);
// TestOpenAPIDocumentsEveryRoute keeps it true.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPIDoc)
	return nil
}

type docOperation struct {
	Method, Path, Summary string
	Auth                  string
	Request, Response     string
	Status                string
}

// apiDocs renders the document as a plain page, readable without scripts.
func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request) error {
	var doc struct {
		Info  struct{ Title, Description string }
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		return err
	}
	var ops []docOperation
	for path, item := range doc.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct {
				Summary     string
				Security    []map[string]any
				RequestBody struct {
					Content map[string]struct{ Example any }
				}
				Responses map[string]struct {
					Content map[string]struct{ Example any }
				}
			}
			json.Unmarshal(raw, &op)
			d := docOperation{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Auth: "none"}
			switch {
			case len(op.Security) == 1:
				d.Auth = "bearer token"
			case len(op.Security) > 1:
				d.Auth = "optional bearer token"
			}
			if ex := op.RequestBody.Content["application/json"].Example; ex != nil {
				b, _ := json.MarshalIndent(ex, "", "  ")
				d.Request = string(b)
			}
			codes := make([]string, 0, len(op.Responses))
			for c := range op.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			if len(codes) > 0 {
				d.Status = strings.Join(codes, ", ")
				if ex := op.Responses[codes[0]].Content["application/json"].Example; ex != nil {
					b, _ := json.MarshalIndent(ex, "", "  ")
					d.Response = string(b)
				}
			}
			ops = append(ops, d)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return docsPage.Execute(w, map[string]any{"Title": doc.Info.Title, "Description": doc.Info.Description, "Ops": ops})
}

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
h2{font-size:1.05rem;margin-top:2rem}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace}
pre{background:#f5f5f5;padding:.6rem;overflow:auto;font-size:.85rem}.m{font-weight:700;color:#0b5394}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Description}}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
{{range .Ops}}<h2><span class="m">{{.Method}}</span> <code>{{.Path}}</code></h2><p>{{.Summary}}. Auth: {{.Auth}}. Responses: {{.Status}}.</p>
{{if .Request}}<p>Request:</p><pre>{{.Request}}</pre>{{end}}{{if .Response}}<p>Response:</p><pre>{{.Response}}</pre>{{end}}{{end}}
</body></html>`))
