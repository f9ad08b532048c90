package gateway

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/internal/redistest"
)

// TestForwardedHeaderPerProxy pins that the gateway reads from a trusted
// proxy only the forwarding header that proxy writes: the reproduction of
// the report, where a proxy writing Forwarded passed the client's own
// X-Forwarded-For through and a blocked client escaped.
func TestForwardedHeaderPerProxy(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	checker := runChecker(t, addr, "203.0.113.66")
	up := newUpstream(t, "up", nil)
	start := func(p TrustedProxy) *testGateway {
		cfg := oneRoute(up.URL, nil)
		cfg.TrustedProxies = nil
		p.Addrs = []string{"127.0.0.1"}
		cfg.Proxies = []TrustedProxy{p}
		return startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
			return New(cfg, checker, nil, nil, reg, nil)
		})
	}
	headers := func(h map[string]string) func(*http.Request) {
		return func(r *http.Request) {
			for k, v := range h {
				r.Header.Set(k, v)
			}
		}
	}
	forwarded := start(TrustedProxy{ForwardedHeader: "forwarded"})
	realIP := start(TrustedProxy{ForwardedHeader: "x-real-ip"})
	xff := start(TrustedProxy{})
	strict := start(TrustedProxy{ForwardedHeader: "forwarded", RefuseConflicting: true})

	tests := []struct {
		name    string
		tg      *testGateway
		h       map[string]string
		status  int
		upstrXF string // the upstream's X-Forwarded-For, for a 200
	}{
		{"a Forwarded proxy's blocked client is refused, whatever X-Forwarded-For says", forwarded,
			map[string]string{"X-Forwarded-For": "1.2.3.4", "Forwarded": "for=203.0.113.66"}, 403, ""},
		{"a Forwarded proxy's client goes upstream as the X-Forwarded-For", forwarded,
			map[string]string{"X-Forwarded-For": "203.0.113.66", "Forwarded": `for="[2001:db8::7]:443"`}, 200, "2001:db8::7, 127.0.0.1"},
		{"an X-Real-IP proxy's blocked client is refused", realIP,
			map[string]string{"X-Forwarded-For": "1.2.3.4", "X-Real-Ip": "203.0.113.66"}, 403, ""},
		{"an X-Real-IP proxy ignores Forwarded", realIP,
			map[string]string{"Forwarded": "for=203.0.113.66", "X-Real-Ip": "198.51.100.9"}, 200, "198.51.100.9, 127.0.0.1"},
		{"an X-Forwarded-For proxy ignores Forwarded", xff,
			map[string]string{"Forwarded": "for=203.0.113.66"}, 200, "127.0.0.1"},
		{"an X-Forwarded-For proxy's blocked client is refused", xff,
			map[string]string{"X-Forwarded-For": "203.0.113.66", "Forwarded": "for=1.2.3.4"}, 403, ""},
		{"a proxy that refuses conflicts refuses a second header", strict,
			map[string]string{"X-Forwarded-For": "1.2.3.4", "Forwarded": "for=198.51.100.9"}, 400, ""},
		{"a proxy that refuses conflicts passes its own header alone", strict,
			map[string]string{"Forwarded": "for=198.51.100.9"}, 200, "198.51.100.9, 127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.tg.do(t, "GET", "/api/x", nil, headers(tt.h))
			if r.status != tt.status {
				t.Fatalf("status %d %q; want %d", r.status, r.body, tt.status)
			}
			if tt.status == 400 && !strings.Contains(r.body, reasonForwardedConflict) {
				t.Errorf("body %q; want the reason %s", r.body, reasonForwardedConflict)
			}
			if tt.status != 200 {
				return
			}
			seen := up.last().Header
			if got := strings.Join(seen.Values("X-Forwarded-For"), ", "); got != tt.upstrXF {
				t.Errorf("upstream X-Forwarded-For %q; want %q", got, tt.upstrXF)
			}
			if v := seen.Values("X-Real-Ip"); len(v) > 0 {
				t.Errorf("upstream X-Real-IP %q; the gateway does not vouch for it", v)
			}
		})
	}
}

func TestProxiesConfigIsChecked(t *testing.T) {
	cfg := oneRoute("http://127.0.0.1:1", nil)
	cfg.Proxies = []TrustedProxy{{Addrs: []string{"10.0.0.0/8"}, ForwardedHeader: "x-client"}, {ForwardedHeader: "forwarded"}}
	err := cfg.WithDefaults().Validate()
	for _, want := range []string{`forwarded_header "x-client"`, "proxies[1]: no addrs"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v; want it to say %s", err, want)
		}
	}
}
