package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/decision"
)

// Handler serves the review API under /api/v1/ and the review page under
// /review/ on the detector's admin listener, never on a data listener.
// Every API request needs the admin token as a bearer token; the page's
// files hold no data and are served without it, and the page sends the
// token with each API call.
type Handler struct {
	svc      *Service
	token    tokenCheck
	log      *slog.Logger
	mux      *http.ServeMux
	requests *prometheus.CounterVec
	verdicts *prometheus.CounterVec
	timeout  time.Duration
	fails    *failLimiter
}

// NewHandler returns a Handler over svc that accepts token. It registers
// its metrics with reg. A nil logger discards.
func NewHandler(svc *Service, token string, logger *slog.Logger, reg prometheus.Registerer) (*Handler, error) {
	if len(token) < MinTokenLen {
		return nil, fmt.Errorf("review: the admin token is %d characters; use %d or more", len(token), MinTokenLen)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{
		svc:     svc,
		token:   newTokenCheck(token),
		log:     logger,
		mux:     http.NewServeMux(),
		timeout: 10 * time.Second,
		fails:   newFailLimiter(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portcullis_review_requests_total",
			Help: "Requests to the review API, by route and status code (401: no or wrong token).",
		}, []string{"route", "code"}),
	}
	h.verdicts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portcullis_review_verdicts_total",
		Help: "Operators' verdicts recorded through the review API and page, by kind: unblock and allow (a block reversed, or an entry allowlisted) or block (by hand).",
	}, []string{"kind"})
	for _, k := range []string{decision.VerdictUnblock, decision.VerdictAllow, decision.VerdictBlock} {
		h.verdicts.WithLabelValues(k) // zeros rather than gaps
	}
	for _, c := range []prometheus.Collector{h.requests, h.verdicts} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("review: register metrics: %w", err)
		}
	}
	svc.OnVerdict(func(v decision.Verdict) { h.verdicts.WithLabelValues(v.Kind).Inc() })
	h.api("GET /api/v1/decisions", h.list)
	h.api("GET /api/v1/decisions/{client...}", h.get)
	h.api("POST /api/v1/decisions", h.decide)
	h.api("POST /api/v1/decisions/{client}/unblock", h.unblock)
	h.api("GET /api/v1/allowlist", h.allowlist)
	h.api("POST /api/v1/allowlist", h.allow)
	h.api("DELETE /api/v1/allowlist/{entry...}", h.unallow)
	h.api("/api/", func(http.ResponseWriter, *http.Request) (any, error) {
		return nil, fmt.Errorf("%w: no such endpoint; see docs/review.md for the review API", errNotFound)
	})
	h.page()
	return h, nil
}

// Register mounts h on mux: /api/ and /review/.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("/api/", h)
	mux.Handle("/review/", h)
	mux.Handle("/review", http.RedirectHandler("/review/", http.StatusMovedPermanently))
}

// ServeHTTP serves the API and the page.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	h.mux.ServeHTTP(w, r)
}

var errNotFound = errors.New("not found")

// apiFunc handles an authorized API request. It returns the value to send
// as JSON with 200, or an error that ServeHTTP maps to a status.
type apiFunc func(w http.ResponseWriter, r *http.Request) (any, error)

// api registers an API route: the bearer token is checked, the result is
// written as JSON, and the request is counted by route.
func (h *Handler) api(pattern string, fn apiFunc) {
	route := pattern
	if _, p, ok := strings.Cut(pattern, " "); ok {
		route = p
	}
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		code := h.serveAPI(w, r, fn)
		h.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	})
}

func (h *Handler) serveAPI(w http.ResponseWriter, r *http.Request, fn apiFunc) int {
	if code := h.authorize(w, r); code != 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(WithActor(r.Context(), via(r), httpcheck.ClientIP(r, nil).String()), h.timeout)
	defer cancel()
	v, err := fn(w, r.WithContext(ctx))
	if err != nil {
		code, msg := http.StatusInternalServerError, strings.TrimPrefix(err.Error(), "review: ")
		switch {
		case errors.Is(err, ErrBadInput):
			code = http.StatusBadRequest
		case errors.Is(err, errUnsupportedMedia):
			code = http.StatusUnsupportedMediaType
		case errors.Is(err, ErrNotBlocked), errors.Is(err, ErrNotAllowlisted), errors.Is(err, errNotFound):
			code = http.StatusNotFound
		case errors.Is(err, ErrRefused):
			code = http.StatusConflict
		default:
			// The store failed; the details are for the log.
			code, msg = http.StatusServiceUnavailable, "the blocklist did not answer; try again, and see the detector's log if it persists"
			h.log.Error("review request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		}
		writeJSON(w, code, map[string]string{"error": msg})
		return code
	}
	writeJSON(w, http.StatusOK, v)
	return http.StatusOK
}

// authorize checks the bearer token. It writes a 401 and returns its code
// when the token is missing or wrong, a 429 when the client's address sent
// too many wrong tokens lately, and returns 0 otherwise.
func (h *Handler) authorize(w http.ResponseWriter, r *http.Request) int {
	// The admin listener is not behind a proxy: the peer is the client.
	peer := httpcheck.ClientIP(r, nil)
	if wait := h.fails.wait(peer); wait > 0 {
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{
			"error": fmt.Sprintf("too many wrong tokens from this address; retry in %d s", secs)})
		return http.StatusTooManyRequests
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="portcullis"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"error": "no bearer token: send Authorization: Bearer <token>, the detector's " + TokenEnv + " or the content of its admin.token_file"})
		return http.StatusUnauthorized
	}
	if !h.token.matches(tok) {
		h.fails.fail(peer)
		h.log.Warn("review request with a wrong token", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Bearer realm="portcullis", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "wrong token"})
		return http.StatusUnauthorized
	}
	return 0
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // JSON served with nosniff, never as HTML
	_ = enc.Encode(v)
}

func (h *Handler) list(_ http.ResponseWriter, r *http.Request) (any, error) {
	q, err := ParseQuery(r.URL.Query(), time.Now())
	if err != nil {
		return nil, err
	}
	return h.svc.List(r.Context(), q)
}

func (h *Handler) get(_ http.ResponseWriter, r *http.Request) (any, error) {
	return h.svc.Get(r.Context(), r.PathValue("client"))
}

// via says whether r came from the review page (a browser's same-origin
// fetch) or another client of the API, for the verdicts. It is a label,
// not a check: any client can send the header.
func via(r *http.Request) string {
	if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return ViaPage
	}
	return ViaAPI
}

// verdictNotRecorded reports an error wrapping ErrVerdictNotRecorded: the
// change was made, so the request succeeded; the log says what was lost.
func (h *Handler) verdictNotRecorded(r *http.Request, err error) bool {
	if !errors.Is(err, ErrVerdictNotRecorded) {
		return false
	}
	h.log.Error("operator's verdict not recorded", "method", r.Method, "path", r.URL.Path, "error", err)
	return true
}

// decideBody is the body of POST /api/v1/decisions: a decision taken by
// hand (see Manual).
type decideBody struct {
	Client string  `json:"client"`
	TTLSec int64   `json:"ttl_s"`
	Note   string  `json:"note"`
	Action string  `json:"action"`
	Limit  float64 `json:"limit"`
}

const decideExample = `{"client": "203.0.113.7", "ttl_s": 600, "action": "throttle", "limit": 2, "note": "why"}`

func (h *Handler) decide(w http.ResponseWriter, r *http.Request) (any, error) {
	var b decideBody
	if err := decodeBody(w, r, &b, decideExample); err != nil {
		return nil, err
	}
	if b.TTLSec < 1 || b.TTLSec > maxManualTTL {
		return nil, fmt.Errorf("%w: ttl_s %d: give the decision's length in seconds, 1 to %d", ErrBadInput, b.TTLSec, maxManualTTL)
	}
	if len(b.Note) > maxNote {
		return nil, fmt.Errorf("%w: a note of %d bytes; keep it to %d", ErrBadInput, len(b.Note), maxNote)
	}
	o, err := h.svc.Decide(r.Context(), Manual{Client: b.Client, TTL: time.Duration(b.TTLSec) * time.Second, Note: b.Note, Action: b.Action, Limit: b.Limit})
	recorded := err == nil
	if err != nil && !h.verdictNotRecorded(r, err) {
		return nil, err
	}
	d, err := h.svc.store.Get(r.Context(), b.Client)
	if err != nil {
		return nil, err
	}
	action, limit := b.Action, b.Limit
	if d != nil {
		action, limit = d.Action, d.Limit
	}
	h.log.Info("client decided by hand", "client", b.Client, "action", action, "remote", r.RemoteAddr)
	return map[string]any{"client": b.Client, "action": action, "limit": limit, "result": o.Result.String(),
		"expires": o.Expires.UTC().Format(time.RFC3339), "verdict_recorded": recorded}, nil
}

// Bounds of a decision taken through the API.
const (
	maxManualTTL = 30 * 24 * 3600 // 30 days, in seconds
	maxNote      = 500
)

func (h *Handler) unblock(_ http.ResponseWriter, r *http.Request) (any, error) {
	c := r.PathValue("client")
	err := h.svc.Unblock(r.Context(), c)
	if err != nil && !h.verdictNotRecorded(r, err) {
		return nil, err
	}
	h.log.Info("client unblocked", "client", c, "remote", r.RemoteAddr)
	return map[string]any{"client": c, "unblocked": true, "verdict_recorded": err == nil}, nil
}

func (h *Handler) allowlist(_ http.ResponseWriter, r *http.Request) (any, error) {
	es, err := h.svc.Allowlist(r.Context())
	if err != nil {
		return nil, err
	}
	// Warnings name the entries that lift every block, for the page.
	warnings := []string{}
	for _, e := range es {
		if CoversEverything(e) {
			warnings = append(warnings, e+" covers every address: no client of its family is blocked while it stays")
		}
	}
	return map[string]any{"entries": es, "warnings": warnings}, nil
}

// allowBody is the body of POST /api/v1/allowlist. Force takes an entry
// that covers every address (see Service.AllowAll).
type allowBody struct {
	Entry string `json:"entry"`
	Force bool   `json:"force"`
}

var errUnsupportedMedia = errors.New("unsupported media type")

func (h *Handler) allow(w http.ResponseWriter, r *http.Request) (any, error) {
	var b allowBody
	if err := decodeBody(w, r, &b, `{"entry": "203.0.113.7"}`); err != nil {
		return nil, err
	}
	allow := h.svc.Allow
	if b.Force {
		allow = h.svc.AllowAll
	}
	err := allow(r.Context(), b.Entry)
	if err != nil && !h.verdictNotRecorded(r, err) {
		return nil, err
	}
	e := strings.TrimSpace(b.Entry)
	h.log.Info("allowlist entry added", "entry", e, "remote", r.RemoteAddr)
	return map[string]any{"entry": e, "allowlisted": true, "verdict_recorded": err == nil}, nil
}

func (h *Handler) unallow(_ http.ResponseWriter, r *http.Request) (any, error) {
	e := r.PathValue("entry")
	if err := h.svc.Unallow(r.Context(), e); err != nil {
		return nil, err
	}
	h.log.Info("allowlist entry removed", "entry", e, "remote", r.RemoteAddr)
	return map[string]any{"entry": e, "removed": true}, nil
}

// maxBody bounds a request body.
const maxBody = 4 << 10

// decodeBody reads one JSON object into v; unknown fields, trailing data
// and bodies over maxBody are errors, which show example.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, example string) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return fmt.Errorf("%w: send the body as JSON, with Content-Type: application/json", errUnsupportedMedia)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: the body is not the JSON expected (%v); send %s", ErrBadInput, err, example)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: the body holds more than one JSON value; send one object", ErrBadInput)
	}
	return nil
}
