package review

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
)

//go:embed page
var pageFiles embed.FS

// pageCSP lets the page load its own script and style and call its own
// API, and nothing else: no inline script, no other origin, no framing.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// page registers the review page: index.html, rendered once with the
// signal names for the reason filter, and its script and style.
func (h *Handler) page() {
	sub, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	t := template.Must(template.ParseFS(sub, "index.html"))
	var buf bytes.Buffer
	if err := t.Execute(&buf, struct{ Features []string }{reasonNames()}); err != nil {
		panic(err)
	}
	index := buf.Bytes()
	static := http.FileServerFS(sub)
	serve := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		if r.URL.Path == "/review/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(index)
			return
		}
		http.StripPrefix("/review", static).ServeHTTP(w, r)
	}
	h.mux.HandleFunc("GET /review/{$}", serve)
	h.mux.HandleFunc("GET /review/app.js", serve)
	h.mux.HandleFunc("GET /review/style.css", serve)
}
