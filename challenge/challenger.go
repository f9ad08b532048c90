package challenge

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// VerifyPath is where the page posts its answer.
const VerifyPath = "/.portcullis/challenge"

//go:embed page/challenge.html
var pageHTML string

// Challenger serves the challenge page, checks the answers and the passes,
// and counts them. It is safe for concurrent use.
type Challenger struct {
	cfg  Config
	key  []byte
	now  func() time.Time
	page *template.Template
	csp  string
	m    *metrics
}

// New returns a Challenger for cfg (taken WithDefaults and validated). It
// reads the key of cfg.SecretFile or cfg.SecretEnv, or makes a random one
// and says so in the log.
func New(cfg Config, logger *slog.Logger) (*Challenger, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	key, generated, err := cfg.loadSecret(os.Getenv)
	if err != nil {
		return nil, err
	}
	if generated {
		logger.Warn("no challenge.secret_file or secret_env: seeds and passes are signed with a random key made at start; "+
			"passes end with a restart and other gateway instances refuse them (set secret_file to share one key)",
			"component", "challenge")
	}
	page, csp, err := parsePage(pageHTML)
	if err != nil {
		return nil, err
	}
	return &Challenger{cfg: cfg, key: key, now: time.Now, page: page, csp: csp, m: newMetrics()}, nil
}

// parsePage parses the page and returns it with its Content-Security-Policy,
// which allows its one inline script and its one inline style by their
// SHA-256 and nothing else: no other script, style, image, connection or
// frame, and forms only to this origin. The hashes are taken from the page
// as rendered (html/template drops the script's comments), and the page is
// refused if its script or style would change with the data.
func parsePage(src string) (*template.Template, string, error) {
	t, err := template.New("challenge").Parse(src)
	if err != nil {
		return nil, "", fmt.Errorf("challenge: page: %w", err)
	}
	var csp string
	for i, d := range []pageData{{Action: VerifyPath, Seed: "a", Return: "/", Bits: 1}, {Action: "/b", Seed: "b-b", Return: "/b?c=d", Bits: 20}} {
		var buf bytes.Buffer
		if err := t.Execute(&buf, d); err != nil {
			return nil, "", fmt.Errorf("challenge: page: %w", err)
		}
		script, err1 := between(buf.String(), "<script>", "</script>")
		style, err2 := between(buf.String(), "<style>", "</style>")
		if err := errors.Join(err1, err2); err != nil {
			return nil, "", err
		}
		p := "default-src 'none'; script-src " + hashSource(script) + "; style-src " + hashSource(style) +
			"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
		if i > 0 && p != csp {
			return nil, "", errors.New("challenge: page: the inline script or style changes with the data; pass data in attributes")
		}
		csp = p
	}
	return t, csp, nil
}

// between returns the text between open and close.
func between(src, open, close string) (string, error) {
	_, rest, ok := strings.Cut(src, open)
	body, _, ok2 := strings.Cut(rest, close)
	if !ok || !ok2 {
		return "", fmt.Errorf("challenge: page: want one %s", open)
	}
	return body, nil
}

func hashSource(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// failPage answers an answer that was refused, with a link to try again.
var failPage = template.Must(template.New("failed").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Check failed</title></head>
<body><h1>The check failed</h1><p>{{.Why}}</p><p><a href="{{.Return}}">Try again</a></p></body></html>
`))

// failCSP allows the failure page nothing but its own link.
const failCSP = "default-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// Bits returns the difficulty for a client whose severity is s (see
// decision.Decision.Severity): MinBits at
// 0 (just past the threshold), MaxBits at 1 (far past it), in between
// linearly; s is clamped to [0, 1], and NaN counts as 0.
func (c *Challenger) Bits(s float64) int {
	if !(s > 0) {
		s = 0
	}
	s = min(s, 1)
	return c.cfg.MinBits + int(math.Round(s*float64(c.cfg.MaxBits-c.cfg.MinBits)))
}

// CookieName returns the name of the pass cookie of the route class:
// under the __Host- prefix on a secure connection, so that no subdomain
// and no plain-HTTP response can set it.
func CookieName(class string, secure bool) string {
	id := classID(class)
	name := "portcullis_pass_" + hex.EncodeToString(id[:4])
	if secure {
		return "__Host-" + name
	}
	return name
}

// Passed says whether r carries a valid pass for client on the route
// class.
func (c *Challenger) Passed(r *http.Request, client netip.Addr, class string) bool {
	ck, err := r.Cookie(CookieName(class, r.TLS != nil))
	return err == nil && c.CheckPass(ck.Value, client, class) == nil
}

// pageData is what the page shows and posts.
type pageData struct {
	Action, Seed, Return string
	Bits                 int
}

// ServePage answers r with the challenge page for client on the route
// class, at the difficulty of severity (see Bits). The page posts its
// answer to VerifyPath, then returns to r's URL.
func (c *Challenger) ServePage(w http.ResponseWriter, r *http.Request, client netip.Addr, class string, severity float64) {
	ret, ok := SafeReturn(r.URL.RequestURI())
	if !ok {
		ret = "/"
	}
	c.servePage(w, r, client, class, severity, ret)
}

// servePage serves the page that returns to ret.
func (c *Challenger) servePage(w http.ResponseWriter, r *http.Request, client netip.Addr, class string, severity float64, ret string) {
	bits := c.Bits(severity)
	var buf bytes.Buffer
	if err := c.page.Execute(&buf, pageData{Action: VerifyPath, Seed: c.Seed(client, class, bits), Return: ret, Bits: bits}); err != nil {
		http.Error(w, "challenge page failed", http.StatusInternalServerError)
		return
	}
	c.m.served.Inc()
	h := w.Header()
	h.Set("Content-Security-Policy", c.csp)
	noStore(h)
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

func noStore(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// maxAnswerBytes bounds the form the page posts: a seed, a nonce and a
// return URL.
const maxAnswerBytes = 16 << 10

// ServeVerify serves VerifyPath for client. A POST is the answer the page
// posts: the seed, its nonce and the return URL, whose route class classOf
// names (false: no route). A right answer gets a pass cookie and a
// redirect (303) to the return URL, which is always a path on this site; a
// wrong one, 403 and a link to try again. A GET (or HEAD) with
// ?return=URL serves the page for URL at the difficulty of severity, for
// a proxy that redirects challenged browsers here rather than serving the
// page in place.
func (c *Challenger) ServeVerify(w http.ResponseWriter, r *http.Request, client netip.Addr, severity float64, classOf func(path string) (string, bool)) {
	switch r.Method {
	case http.MethodPost:
	case http.MethodGet, http.MethodHead:
		ret, ok := SafeReturn(r.URL.Query().Get("return"))
		var class string
		if ok {
			u, _ := url.Parse(ret) // SafeReturn parsed it
			class, ok = classOf(u.Path)
		}
		if !ok {
			http.Error(w, "return: give a path on this site that a challenge covers", http.StatusBadRequest)
			return
		}
		c.servePage(w, r, client, class, severity, ret)
		return
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ret, err := c.verify(w, r, client, classOf)
	if err != nil {
		c.m.failed.WithLabelValues(Reason(err)).Inc()
		c.refuse(w, err, ret)
		return
	}
	c.m.passed.Inc()
	noStore(w.Header())
	w.Header().Set("Location", ret)
	w.WriteHeader(http.StatusSeeOther)
}

// verify checks the answer of r and sets the pass cookie when it is right.
// It returns the return URL, "/" when the answer has none fit to follow.
func (c *Challenger) verify(w http.ResponseWriter, r *http.Request, client netip.Addr, classOf func(string) (string, bool)) (string, error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return "/", ErrMalformed
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAnswerBytes)
	if err := r.ParseForm(); err != nil {
		return "/", ErrMalformed
	}
	ret, ok := SafeReturn(r.PostForm.Get("return"))
	if !ok {
		return "/", ErrMalformed
	}
	u, _ := url.Parse(ret) // SafeReturn parsed it
	class, ok := classOf(u.Path)
	if !ok {
		return "/", ErrMalformed
	}
	if err := c.CheckSolution(r.PostForm.Get("seed"), r.PostForm.Get("nonce"), client, class); err != nil {
		return ret, err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName(class, r.TLS != nil),
		Value:    c.Pass(client, class),
		Path:     "/",
		MaxAge:   int(c.cfg.CookieTTL / time.Second),
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
	return ret, nil
}

// refuse answers an answer that was refused.
func (c *Challenger) refuse(w http.ResponseWriter, err error, ret string) {
	why := "The answer was not right. Try again."
	switch {
	case errors.Is(err, ErrExpired):
		why = "The check took too long. Try again."
	case errors.Is(err, ErrWrongAddress):
		why = "Your network address changed during the check. Try again."
	}
	var buf bytes.Buffer
	failPage.Execute(&buf, struct{ Why, Return string }{why, ret})
	h := w.Header()
	h.Set("Content-Security-Policy", failCSP)
	noStore(h)
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	w.Write(buf.Bytes())
}

// SafeReturn returns s when it is a path on this site, with its query: it
// starts with one '/', names no scheme or host, and holds no backslash,
// control character or space, which browsers read in ways that could
// lead off the site. Anything else is refused, so the answer never
// redirects elsewhere.
func SafeReturn(s string) (string, bool) {
	if len(s) == 0 || len(s) > 8<<10 || s[0] != '/' || strings.HasPrefix(s, "//") {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b == 0x7f || b == '\\' || b >= 0x80 {
			return "", false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil || u.Fragment != "" {
		return "", false
	}
	return s, true
}

// metrics count what the Challenger did.
type metrics struct {
	served, passed prometheus.Counter
	failed         *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		served: prometheus.NewCounter(prometheus.CounterOpts{Name: "portcullis_challenge_pages_served_total",
			Help: "Challenge pages served to clients whose decision is a challenge and who had no valid pass."}),
		passed: prometheus.NewCounter(prometheus.CounterOpts{Name: "portcullis_challenge_passed_total",
			Help: "Challenges solved: a pass cookie was set."}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_challenge_failed_total",
			Help: "Challenge answers refused, by reason: bad_signature, expired, wrong_address, wrong_route, bad_pow, malformed."}, []string{"reason"}),
	}
	for _, r := range reasons {
		m.failed.WithLabelValues(r)
	}
	return m
}

// Collectors returns the Challenger's metrics, for the caller to register.
func (c *Challenger) Collectors() []prometheus.Collector {
	return []prometheus.Collector{c.m.served, c.m.passed, c.m.failed}
}
