package waf

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/types"
)

// Modes of Config.
const (
	// ModeBlocking inspects inline and refuses (403) what the CRS blocks.
	ModeBlocking = "blocking"
	// ModeDetect inspects off the request path and only reports.
	ModeDetect = "detect"
)

// Config is one route's WAF. The zero Config (no Mode) is no WAF.
type Config struct {
	// Mode is blocking or detect; empty means no WAF on the route.
	Mode string `yaml:"mode"`
	// Paranoia is the CRS paranoia level, 1 (the default) to 4. Levels
	// above 1 catch more and refuse more legitimate free text unless tuned.
	Paranoia int `yaml:"paranoia"`
	// AnomalyThreshold is the CRS inbound anomaly score at which a
	// request is blocked: 5 (the default) is one critical rule.
	AnomalyThreshold int `yaml:"anomaly_threshold"`
	// BodyLimit is how many bytes of a request body are inspected; the
	// rest passes uninspected. Default 128 KiB.
	BodyLimit int64 `yaml:"body_limit"`
	// RemoveRules are CRS rule ids to turn off, for false positives.
	RemoveRules []int `yaml:"remove_rules"`
}

// Defaults.
const (
	DefaultParanoia         = 1
	DefaultAnomalyThreshold = 5
	DefaultBodyLimit        = 128 << 10
)

// Enabled reports whether c asks for a WAF.
func (c Config) Enabled() bool { return c.Mode != "" }

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if !c.Enabled() {
		return c
	}
	if c.Paranoia == 0 {
		c.Paranoia = DefaultParanoia
	}
	if c.AnomalyThreshold == 0 {
		c.AnomalyThreshold = DefaultAnomalyThreshold
	}
	if c.BodyLimit == 0 {
		c.BodyLimit = DefaultBodyLimit
	}
	c.RemoveRules = slices.Clone(c.RemoveRules)
	slices.Sort(c.RemoveRules)
	c.RemoveRules = slices.Compact(c.RemoveRules)
	return c
}

// Validate reports what is wrong with c, after WithDefaults.
func (c Config) Validate() error {
	if !c.Enabled() {
		if c.Paranoia != 0 || c.AnomalyThreshold != 0 || c.BodyLimit != 0 || len(c.RemoveRules) > 0 {
			return errors.New("waf: settings without a mode; set mode to blocking or detect, or remove the waf settings")
		}
		return nil
	}
	var errs []error
	if c.Mode != ModeBlocking && c.Mode != ModeDetect {
		errs = append(errs, fmt.Errorf("waf: mode %q: use blocking (refuse inline) or detect (inspect off the request path and report)", c.Mode))
	}
	if c.Paranoia < 1 || c.Paranoia > 4 {
		errs = append(errs, fmt.Errorf("waf: paranoia %d: the CRS has levels 1 to 4", c.Paranoia))
	}
	if c.AnomalyThreshold < 1 {
		errs = append(errs, fmt.Errorf("waf: anomaly_threshold %d: set it to 1 or more (5 blocks on one critical rule)", c.AnomalyThreshold))
	}
	if c.BodyLimit < 0 || c.BodyLimit > 1<<30 {
		errs = append(errs, fmt.Errorf("waf: body_limit %d: set it between 1 and 1 GiB", c.BodyLimit))
	}
	for _, id := range c.RemoveRules {
		if id <= 0 {
			errs = append(errs, fmt.Errorf("waf: remove_rules: %d is not a rule id", id))
		}
	}
	return errors.Join(errs...)
}

// key is what shapes the rules: routes whose keys are equal share an Engine.
// The mode is not part of it: a detect-mode route ignores the verdict.
func (c Config) key() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pl=%d;t=%d;body=%d;rm=", c.Paranoia, c.AnomalyThreshold, c.BodyLimit)
	for _, id := range c.RemoveRules {
		b.WriteString(strconv.Itoa(id))
		b.WriteByte(',')
	}
	return b.String()
}

// directives is the Coraza configuration for c: the recommended Coraza
// settings, with the rule engine on, the audit log and response
// inspection off, the body limits from c, then the CRS with c's paranoia
// level and threshold.
func (c Config) directives() string {
	var b strings.Builder
	b.WriteString("Include @coraza.conf-recommended\n")
	b.WriteString("SecRuleEngine On\nSecAuditEngine Off\nSecResponseBodyAccess Off\nSecRequestBodyAccess On\n")
	fmt.Fprintf(&b, "SecRequestBodyLimit %d\nSecRequestBodyInMemoryLimit %d\nSecRequestBodyLimitAction ProcessPartial\n", c.BodyLimit, c.BodyLimit)
	b.WriteString("Include @crs-setup.conf.example\n")
	fmt.Fprintf(&b, `SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=%d"`+"\n", c.Paranoia)
	fmt.Fprintf(&b, `SecAction "id:900110,phase:1,pass,t:none,nolog,setvar:tx.inbound_anomaly_score_threshold=%d,setvar:tx.outbound_anomaly_score_threshold=4"`+"\n", c.AnomalyThreshold)
	b.WriteString("Include @owasp_crs/*.conf\n")
	for _, id := range c.RemoveRules {
		fmt.Fprintf(&b, "SecRuleRemoveById %d\n", id)
	}
	return b.String()
}

// Engine evaluates requests against the CRS. It is safe for concurrent
// use.
type Engine struct {
	waf       coraza.WAF
	bodyLimit int64
}

// NewEngine loads the CRS with c's settings (c taken WithDefaults). It
// takes about a second.
func NewEngine(c Config) (*Engine, error) {
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	w, err := coraza.NewWAF(coraza.NewWAFConfig().WithRootFS(coreruleset.FS).WithDirectives(c.directives()))
	if err != nil {
		return nil, fmt.Errorf("waf: loading the OWASP CRS: %w", err)
	}
	return &Engine{waf: w, bodyLimit: c.BodyLimit}, nil
}

// BodyLimit is how many bytes of a body the engine inspects.
func (e *Engine) BodyLimit() int64 { return e.bodyLimit }

// Request is what the engine inspects of one request.
type Request struct {
	Method string
	// URI is the request target as received: path and query.
	URI   string
	Proto string
	Host  string
	// Header is read, not kept or modified.
	Header http.Header
	// TransferEncoding is http.Request.TransferEncoding (net/http takes
	// the header out).
	TransferEncoding []string
	// Body is the start of the body, up to the engine's BodyLimit.
	Body       []byte
	ClientIP   string
	ClientPort int
}

// Result is the verdict on one request.
type Result struct {
	// Matched is how many CRS detection rules of severity critical or
	// error the request matched: the access log's waf field. Warnings and
	// notices (protocol hygiene) still add to the anomaly score, but are
	// not counted here.
	Matched int
	// Blocked says the CRS would refuse the request; Status is the status
	// it asks for (403).
	Blocked bool
	Status  int
	// Rules are the ids of the first matched detection rules, at most
	// maxRules of them, for logs at debug level.
	Rules []int
}

const maxRules = 8

// Evaluate runs the request phases of the CRS on req.
func (e *Engine) Evaluate(req *Request) (Result, error) {
	tx := e.waf.NewTransaction()
	defer func() {
		tx.ProcessLogging()
		tx.Close()
	}()
	tx.ProcessConnection(req.ClientIP, req.ClientPort, "", 0)
	tx.ProcessURI(req.URI, req.Method, req.Proto)
	for k, vs := range req.Header {
		for _, v := range vs {
			tx.AddRequestHeader(k, v)
		}
	}
	if req.Host != "" {
		tx.AddRequestHeader("Host", req.Host)
		tx.SetServerName(req.Host)
	}
	for _, te := range req.TransferEncoding {
		tx.AddRequestHeader("Transfer-Encoding", te)
	}
	it := tx.ProcessRequestHeaders()
	if it == nil {
		if len(req.Body) > 0 && tx.IsRequestBodyAccessible() {
			body := req.Body
			if int64(len(body)) > e.bodyLimit {
				body = body[:e.bodyLimit]
			}
			var err error
			if it, _, err = tx.WriteRequestBody(body); err != nil {
				return Result{}, fmt.Errorf("waf: request body: %w", err)
			}
		}
		if it == nil {
			var err error
			if it, err = tx.ProcessRequestBody(); err != nil {
				return Result{}, fmt.Errorf("waf: request body: %w", err)
			}
		}
	}
	res := Result{}
	if it != nil && it.Action != "pass" && it.Action != "allow" {
		res.Blocked = true
		res.Status = it.Status
		if res.Status == 0 {
			res.Status = http.StatusForbidden
		}
	}
	for _, mr := range tx.MatchedRules() {
		if id := mr.Rule().ID(); isDetection(id) && isAttack(mr.Rule().Severity()) && mr.Message() != "" {
			res.Matched++
			if len(res.Rules) < maxRules {
				res.Rules = append(res.Rules, id)
			}
		}
	}
	return res, nil
}

// isAttack reports whether a rule's severity marks attack evidence
// (critical or error) rather than protocol hygiene (warning, notice),
// such as 920350, a numeric Host, which every request to a gateway
// addressed by IP would match.
func isAttack(s types.RuleSeverity) bool {
	return s >= types.RuleSeverityEmergency && s <= types.RuleSeverityError
}

// isDetection reports whether id is a CRS request detection rule: the
// method, scanner, protocol and attack families (911 to 944), not the
// set-up (901, 905) or the score evaluation (949) rules.
func isDetection(id int) bool { return id >= 911000 && id < 945000 }

// Engines builds engines on demand and shares them among equal settings.
// It is safe for concurrent use.
type Engines struct {
	mu sync.Mutex
	m  map[string]*Engine
}

// Get returns the engine for c, building it the first time.
func (s *Engines) Get(c Config) (*Engine, error) {
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	k := c.key()
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[k]; ok {
		return e, nil
	}
	e, err := NewEngine(c)
	if err != nil {
		return nil, err
	}
	if s.m == nil {
		s.m = map[string]*Engine{}
	}
	s.m[k] = e
	return e, nil
}

// Len returns how many engines were built.
func (s *Engines) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
