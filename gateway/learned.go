package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/internal/yamlconf"
	learnedlimits "github.com/portcullis/portcullis/limits"
)

// LearnedLimits are per-endpoint rate limits learned from traffic by
// portcullis train (package limits): a token bucket per client for each
// method and path template, one for anonymous clients and one for keyed
// ones (an authenticated API key or user). They apply on every route,
// besides the route's own RateLimit.
//
// They come from Learned, a model file written by portcullis train or a
// file written by portcullis limits --format gateway, or are listed under
// Endpoints, as portcullis limits --format gateway writes them: that
// output is a rate_limits section to paste into the config as it is.
type LearnedLimits struct {
	// Learned is a model file, or a file written by portcullis limits
	// --format gateway; read when the gateway starts.
	Learned string `yaml:"learned"`
	// Mode is log (the default: would-be refusals are counted in
	// portcullis_gateway_ratelimit_would_refuse_total, nothing is
	// refused) or enforce (429 with Retry-After). Empty takes the mode of
	// the file Learned names when it has one.
	Mode string `yaml:"mode"`
	// Shared keeps the buckets in the SharedLimiter (Redis), so that
	// every gateway instance counts against the same limit.
	Shared bool `yaml:"shared"`
	// MaxClients caps the clients each endpoint's buckets track
	// (default DefaultLearnedMaxClients).
	MaxClients int `yaml:"max_clients"`
	// Endpoints are the limits themselves.
	Endpoints []LearnedEndpoint `yaml:"endpoints"`
}

// LearnedEndpoint is one limit, as portcullis limits --format gateway
// writes it. Clients and Confidence say what stands behind it; the
// gateway does not use them.
type LearnedEndpoint struct {
	Method string `yaml:"method"`
	// Path is a path template: literal segments and "{id}", which matches
	// any one segment. A literal segment wins over "{id}".
	Path       string  `yaml:"path"`
	Class      string  `yaml:"class"` // anonymous or keyed
	RPS        float64 `yaml:"rps"`
	Burst      int     `yaml:"burst"`
	Clients    int     `yaml:"clients"`
	Confidence string  `yaml:"confidence"`
}

// DefaultLearnedMaxClients caps the clients each learned limit tracks in
// the local buckets. An endpoint's limit past it evicts a bucket (its
// client starts afresh), so memory stays bounded however many endpoints
// the model holds.
const DefaultLearnedMaxClients = 10_000

// Classes of a learned limit.
const (
	classAnonymous = "anonymous"
	classKeyed     = "keyed"
)

func (l LearnedLimits) configured() bool { return l.Learned != "" || len(l.Endpoints) > 0 }

// validate names what is wrong with the rate_limits section. The file
// Learned names is read later, by New.
func (l LearnedLimits) validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("gateway: rate_limits: "+format, args...))
	}
	if _, err := learnedMode(l.Mode); err != nil {
		bad("%v", err)
	}
	if l.Learned != "" && len(l.Endpoints) > 0 {
		bad("learned and endpoints are both set; keep one: learned names a file, endpoints lists the limits")
	}
	if !l.configured() && (l.Mode != "" || l.Shared || l.MaxClients != 0) {
		bad("mode, shared or max_clients set without limits; set learned to a model file (portcullis train) or a file of portcullis limits --format gateway")
	}
	if l.MaxClients < 0 {
		bad("max_clients is %d; set it above 0, or leave it unset for %d", l.MaxClients, DefaultLearnedMaxClients)
	}
	errs = append(errs, validateEndpoints(l.Endpoints, "endpoints")...)
	return errs
}

// validateEndpoints names what is wrong with each limit of es; where says
// where they come from.
func validateEndpoints(es []LearnedEndpoint, where string) []error {
	var errs []error
	seen := map[[3]string]bool{}
	for i, e := range es {
		at := fmt.Sprintf("gateway: rate_limits: %s[%d] (%s %s)", where, i, printableField(e.Method), printableField(e.Path))
		if !isMethod(e.Method) {
			errs = append(errs, fmt.Errorf("%s: method %q must be upper case, as in GET", at, e.Method))
		}
		if ls, _ := learnedlimits.Safe([]learnedlimits.Limit{{Method: "GET", Path: e.Path}}); len(ls) == 0 {
			errs = append(errs, fmt.Errorf("%s: path %q is not a template of '/'-separated segments of letters, digits, '.', '_', '~', '-' or {id}", at, e.Path))
		}
		if e.Class != classAnonymous && e.Class != classKeyed {
			errs = append(errs, fmt.Errorf("%s: class %q is not anonymous or keyed", at, e.Class))
		}
		if !(e.RPS > 0) || e.Burst < 1 {
			errs = append(errs, fmt.Errorf("%s: rps %v, burst %d: set rps above 0 and burst at least 1", at, e.RPS, e.Burst))
		}
		k := [3]string{e.Method, e.Path, e.Class}
		if seen[k] {
			errs = append(errs, fmt.Errorf("%s: a second %s limit for the same method and path; keep one", at, e.Class))
		}
		seen[k] = true
	}
	return errs
}

// printableField quotes s when it holds what a terminal would act on.
func printableField(s string) string {
	for _, c := range s {
		if c < ' ' || c == 0x7f || c > '~' {
			q := fmt.Sprintf("%q", s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

func learnedMode(s string) (learnedlimits.Mode, error) {
	if s == "" {
		return learnedlimits.ModeLog, nil
	}
	m, err := learnedlimits.ParseMode(s)
	if err != nil {
		return "", fmt.Errorf("mode %q: use log (count would-be refusals, refuse nothing) or enforce (429)", s)
	}
	return m, nil
}

// loadLearned returns the limits of l: its Endpoints, or those of the
// file Learned names, with the mode that applies and where they came
// from (for the log).
func loadLearned(l LearnedLimits) ([]LearnedEndpoint, learnedlimits.Mode, string, error) {
	mode := l.Mode
	if l.Learned == "" {
		m, _ := learnedMode(mode)
		return l.Endpoints, m, "config", nil
	}
	es, fileMode, from, err := readLearnedFile(l.Learned)
	if err != nil {
		return nil, "", "", err
	}
	if mode == "" {
		mode = fileMode
	}
	m, err := learnedMode(mode)
	if err != nil {
		return nil, "", "", fmt.Errorf("gateway: rate_limits: %s: %w", l.Learned, err)
	}
	if errs := validateEndpoints(es, l.Learned); len(errs) > 0 {
		return nil, "", "", errors.Join(errs...)
	}
	return es, m, from, nil
}

// readLearnedFile reads a model file (gzip) or a file of portcullis limits
// --format gateway (YAML).
func readLearnedFile(path string) (es []LearnedEndpoint, mode, from string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", "", fmt.Errorf("gateway: rate_limits.learned: %w; name a model file (portcullis train) or a file of portcullis limits --format gateway", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		t, id, err := learnedlimits.ReadModel(br)
		if err != nil {
			return nil, "", "", fmt.Errorf("gateway: rate_limits.learned: %s: %w", path, err)
		}
		ls, _ := learnedlimits.Safe(t.Recommend())
		for _, l := range ls {
			es = append(es, LearnedEndpoint{Method: l.Method, Path: l.Path, Class: l.Class, RPS: l.RPS, Burst: l.Burst,
				Clients: l.Clients, Confidence: string(l.Confidence)})
		}
		return es, "", "model " + id, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", "", fmt.Errorf("gateway: rate_limits.learned: %w", err)
	}
	var doc struct {
		RateLimits LearnedLimits `yaml:"rate_limits"`
	}
	if err := yamlconf.Decode(path, data, &doc); err != nil {
		return nil, "", "", fmt.Errorf("gateway: rate_limits.learned: %w; name a model file or a file of portcullis limits --format gateway", err)
	}
	if doc.RateLimits.Learned != "" {
		return nil, "", "", fmt.Errorf("gateway: rate_limits.learned: %s names another file (learned: %s); list the limits under endpoints", path, doc.RateLimits.Learned)
	}
	return doc.RateLimits.Endpoints, doc.RateLimits.Mode, "file " + path, nil
}

// learnedSet is the learned limits as the data path reads them: a tree of
// path segments whose nodes hold the limits by method.
type learnedSet struct {
	enforce bool
	shared  bool
	root    learnedNode
	n       int
}

type learnedNode struct {
	lit  map[string]*learnedNode
	id   *learnedNode // the "{id}" segment
	ends []*learnedLimit
}

// learnedLimit is the limits of one method and path template.
type learnedLimit struct {
	method string
	path   string
	anon   *learnedBucket
	keyed  *learnedBucket
}

// learnedBucket is one class's limit and buckets. over counts the
// requests past it: would-be refusals in log mode, refusals in enforce.
type learnedBucket struct {
	rps    float64
	burst  int
	byAddr *keyedLimiter[netip.Addr] // anonymous
	byKey  *keyedLimiter[credential] // keyed
	over   prometheus.Counter
	shared string // the SharedLimiter key's prefix
}

// newLearnedSet builds the set of es; over returns the counter of an
// endpoint and class.
func newLearnedSet(es []LearnedEndpoint, mode learnedlimits.Mode, shared bool, maxClients int, over func(path, method, class string) prometheus.Counter) *learnedSet {
	s := &learnedSet{enforce: mode == learnedlimits.ModeEnforce, shared: shared, n: len(es)}
	for _, e := range es {
		n := &s.root
		for _, seg := range strings.Split(e.Path[1:], "/") {
			if seg == "{id}" {
				if n.id == nil {
					n.id = &learnedNode{}
				}
				n = n.id
				continue
			}
			if n.lit == nil {
				n.lit = map[string]*learnedNode{}
			}
			next := n.lit[seg]
			if next == nil {
				next = &learnedNode{}
				n.lit[seg] = next
			}
			n = next
		}
		var ll *learnedLimit
		for _, x := range n.ends {
			if x.method == e.Method {
				ll = x
			}
		}
		if ll == nil {
			ll = &learnedLimit{method: e.Method, path: e.Path}
			n.ends = append(n.ends, ll)
		}
		b := &learnedBucket{rps: e.RPS, burst: e.Burst, over: over(e.Path, e.Method, e.Class),
			shared: "learned:" + e.Method + " " + e.Path + ":" + e.Class + ":"}
		if e.Class == classKeyed {
			b.byKey = newKeyedLimiter[credential](e.RPS, e.Burst, maxClients)
			ll.keyed = b
		} else {
			b.byAddr = newKeyedLimiter[netip.Addr](e.RPS, e.Burst, maxClients)
			ll.anon = b
		}
	}
	return s
}

// match returns the limits of method on path, a literal segment winning
// over "{id}"; nil when none applies. It allocates nothing.
func (s *learnedSet) match(path, method string) *learnedLimit {
	if len(path) == 0 || path[0] != '/' {
		return nil
	}
	return s.root.match(path[1:], method)
}

func (n *learnedNode) match(rest, method string) *learnedLimit {
	seg, tail, more := strings.Cut(rest, "/")
	if next := n.lit[seg]; next != nil {
		if l := next.matchNext(tail, more, method); l != nil {
			return l
		}
	}
	if n.id != nil && seg != "" {
		return n.id.matchNext(tail, more, method)
	}
	return nil
}

func (n *learnedNode) matchNext(tail string, more bool, method string) *learnedLimit {
	if more {
		return n.match(tail, method)
	}
	for _, l := range n.ends {
		if l.method == method {
			return l
		}
	}
	return nil
}

// credential names a keyed client: an API key's id, or a user.
type credential struct {
	user bool
	id   string
}

// allowLearned takes a token for the client of ex from its class's bucket
// of l, and says whether there was one and, when not, how long until
// there is. A class without a limit passes. The client is keyed when its
// credentials were verified (an API key's id or a user), else anonymous,
// by address: a key merely presented could be rotated for fresh buckets.
func (s *rateLimitStage) allowLearned(ctx context.Context, l *learnedLimit, ex *exchange) (*learnedBucket, bool, time.Duration) {
	g := s.g
	b, key := l.anon, credential{}
	switch {
	case ex.keyID != "":
		b, key = l.keyed, credential{id: ex.keyID}
	case ex.user != "":
		b, key = l.keyed, credential{user: true, id: ex.user}
	}
	if b == nil || b.byAddr != nil && !ex.ip.IsValid() {
		return nil, true, 0
	}
	if s.learned.shared && g.shared != nil {
		sk := "key:" + key.id
		switch {
		case b.byAddr != nil:
			sk = ex.ip.String()
		case key.user:
			sk = "user:" + key.id
		}
		sctx, cancel := context.WithTimeout(ctx, sharedTimeout)
		ok, err := g.shared.Allow(sctx, b.shared+sk, b.rps, b.burst)
		cancel()
		if err == nil {
			return b, ok, time.Duration(float64(time.Second) / b.rps)
		}
		g.logger.LogAttrs(ctx, slog.LevelDebug, "shared learned rate limit failed; using the local bucket",
			slog.String("method", l.method), slog.String("path", l.path), slog.Any("error", err))
	}
	if b.byAddr != nil {
		ok, wait := b.byAddr.allow(ex.ip)
		return b, ok, wait
	}
	ok, wait := b.byKey.allow(key)
	return b, ok, wait
}
