package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/gateway/waf"
	"github.com/portcullis/portcullis/ingest"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
)

// wafGateway has a blocking-mode route under /block and a detect-mode one
// under /detect, with access logs in sink.
func wafGateway(t *testing.T, sink *memSink) (*testGateway, *upstream) {
	t.Helper()
	up := newUpstream(t, "up", nil)
	cfg := Config{Routes: []Route{
		{Name: "block", PathPrefix: "/block", Upstreams: []string{up.URL}, WAF: waf.Config{Mode: waf.ModeBlocking}},
		{Name: "detect", PathPrefix: "/detect", Upstreams: []string{up.URL}, WAF: waf.Config{Mode: waf.ModeDetect}},
		{Name: "open", PathPrefix: "/open", Upstreams: []string{up.URL}},
	}, RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"127.0.0.1"}}, AccessLog: AccessLog{Enabled: true}}
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, sink, nil, reg, nil)
	})
	return tg, up
}

// logged returns the access-log record of the request to path, once it is
// there.
func logged(t *testing.T, sink *memSink, path string) ingest.Record {
	t.Helper()
	var rec ingest.Record
	eventually(t, "the record of "+path+" is logged", func() bool {
		for _, m := range sink.messages() {
			var p ingest.JSONParser
			if err := p.Parse(m.Value, &rec); err == nil && string(rec.Path) == path {
				rec = rec.Clone()
				return true
			}
		}
		return false
	})
	return rec
}

var wafAttacks = []struct {
	name  string
	query string
	body  string // a JSON body, POSTed when set
}{
	{"SQL injection", "id=" + url.QueryEscape("1 UNION SELECT username, password FROM users--"), ""},
	{"XSS", "q=" + url.QueryEscape("<script>alert(document.cookie)</script>"), ""},
	{"path traversal", "file=" + url.QueryEscape("../../../../etc/passwd"), ""},
	{"command injection", "host=" + url.QueryEscape("127.0.0.1; cat /etc/passwd"), ""},
	{"XSS in a JSON body", "", `{"comment":"<script>alert(1)</script>"}`},
}

func TestWAFRoutes(t *testing.T) {
	noLeaks(t)
	sink := &memSink{}
	tg, up := wafGateway(t, sink)

	send := func(t *testing.T, path, body string) response {
		if body == "" {
			return tg.do(t, "GET", path, nil, from("198.51.100.9"))
		}
		return tg.do(t, "POST", path, strings.NewReader(body), func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Forwarded-For", "198.51.100.9")
		})
	}
	for i, a := range wafAttacks {
		t.Run("blocking mode refuses "+a.name+" with 403 and logs the rule count", func(t *testing.T) {
			path := "/block/x" + string(rune('a'+i)) + "?" + a.query
			before := len(up.seenAll())
			r := send(t, path, a.body)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "blocked by the WAF") {
				t.Fatalf("got %d %q; want 403 from the WAF", r.status, r.body)
			}
			if len(up.seenAll()) != before {
				t.Error("the upstream saw a blocked request")
			}
			if rec := logged(t, sink, path); rec.WAF == 0 || rec.Status != 403 {
				t.Errorf("record waf=%d status=%d; want rules counted and 403", rec.WAF, rec.Status)
			}
		})
		t.Run("detect mode passes "+a.name+" and logs the rule count", func(t *testing.T) {
			path := "/detect/x" + string(rune('a'+i)) + "?" + a.query
			r := send(t, path, a.body)
			if r.status != http.StatusOK {
				t.Fatalf("got %d %q; want the request proxied", r.status, r.body)
			}
			if rec := logged(t, sink, path); rec.WAF == 0 || rec.Status != 200 {
				t.Errorf("record waf=%d status=%d; want rules counted and 200", rec.WAF, rec.Status)
			}
		})
	}
	benign := []struct{ name, path, body string }{
		{"an item read", "/api/v1/items/42?page=2&sort=name", ""},
		{"a search", "/search?q=" + url.QueryEscape("red running shoes"), ""},
		{"a JSON order", "/orders", `{"item":42,"quantity":2,"note":"leave at the door"}`},
	}
	for _, mode := range []string{"block", "detect"} {
		for _, b := range benign {
			t.Run(mode+" mode passes "+b.name+" without a waf count", func(t *testing.T) {
				path := "/" + mode + b.path
				if r := send(t, path, b.body); r.status != http.StatusOK {
					t.Fatalf("got %d %q", r.status, r.body)
				}
				rec := logged(t, sink, path)
				if rec.WAF != 0 {
					t.Errorf("record waf=%d; want 0", rec.WAF)
				}
				var raw string
				for _, m := range sink.messages() {
					if strings.Contains(string(m.Value), `"path":"`+path+`"`) {
						raw = string(m.Value)
					}
				}
				if strings.Contains(raw, `"waf"`) {
					t.Errorf("a clean request's record has a waf field: %s", raw)
				}
			})
		}
	}
	t.Run("a route without a WAF passes an attack", func(t *testing.T) {
		if r := send(t, "/open/x?"+wafAttacks[0].query, ""); r.status != http.StatusOK {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("the WAF outcomes are counted by route and mode", func(t *testing.T) {
		if n := tg.metric(t, "portcullis_gateway_waf_requests_total", "mode", "blocking", "outcome", "blocked", "route", "block"); n != float64(len(wafAttacks)) {
			t.Errorf("blocked: %v; want %d", n, len(wafAttacks))
		}
		eventually(t, "every detect-mode inspection is counted", func() bool {
			return tg.metric(t, "portcullis_gateway_waf_requests_total", "mode", "detect", "outcome", "matched", "route", "detect") == float64(len(wafAttacks))
		})
	})
}

func TestWAFDetectQueueDropsWhenFull(t *testing.T) {
	noLeaks(t)
	sink := &memSink{block: make(chan struct{})}
	up := newUpstream(t, "up", nil)
	cfg := Config{Routes: []Route{{Name: "detect", PathPrefix: "/", Upstreams: []string{up.URL}, WAF: waf.Config{Mode: waf.ModeDetect}}},
		AccessLog: AccessLog{Enabled: true, Buffer: 1}, WAFDetect: WAFDetect{Queue: 1, Workers: 1}}
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, sink, nil, reg, nil)
	})
	defer close(sink.block) // let the flush on Close through
	for range 20 {
		if r := tg.do(t, "GET", "/x?q="+url.QueryEscape("<script>alert(1)</script>"), nil, nil); r.status != 200 {
			t.Fatalf("status %d; detect mode must not refuse", r.status)
		}
	}
	if n := tg.metric(t, "portcullis_gateway_waf_detect_dropped_total", "route", "detect"); n == 0 {
		t.Error("no drop counted with a queue of one behind a stuck access log")
	}
}

// BenchmarkWAFRoute measures the data path of a blocking-mode route on a
// typical API request, up to a stub upstream on loopback.
func BenchmarkWAFRoute(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{"ok":true}`) }))
	defer up.Close()
	for _, mode := range []string{"none", waf.ModeBlocking} {
		b.Run(mode, func(b *testing.B) {
			rc := Route{Name: "r", PathPrefix: "/", Upstreams: []string{up.URL}}
			if mode != "none" {
				rc.WAF = waf.Config{Mode: mode}
			}
			g, err := New(Config{Routes: []Route{rc}}, nil, nil, nil, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			h := g.Handler()
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest("GET", "/api/v1/items/42?page=2&sort=name", nil)
				req.RequestURI = "/api/v1/items/42?page=2&sort=name"
				req.RemoteAddr = "203.0.113.5:1234"
				req.Host = "api.example.com"
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
				req.Header.Set("Accept", "application/json")
				w := newRecorder()
				h.ServeHTTP(w, req)
				if w.code != 200 {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}
