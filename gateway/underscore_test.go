package gateway

import (
	"io"
	"strings"
	"testing"
)

// TestUnderscoreHeaders pins that a header whose name holds an underscore
// never reaches a backend that would fold it into a dash: dropped by
// default and counted, or the request refused when so configured.
func TestUnderscoreHeaders(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	const raw = "POST /api/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nTransfer_Encoding: chunked\r\n" +
		"X_Forwarded_For: 203.0.113.66\r\nX-Kept: yes\r\n\r\nhello"

	t.Run("by default they are dropped and counted", func(t *testing.T) {
		lg := serveGateway(t, oneRoute(up.URL, nil), nil)
		resps := rawExchange(t, lg.addr, raw, 1)
		if len(resps) != 1 || resps[0].StatusCode != 200 {
			t.Fatalf("got %v", resps)
		}
		seen := up.last()
		for name := range seen.Header {
			if strings.Contains(name, "_") {
				t.Errorf("the upstream saw %s: %q", name, seen.Header[name])
			}
		}
		if seen.Header.Get("X-Kept") != "yes" || len(seen.TransferEncoding) > 0 || seen.ContentLength != 5 {
			t.Errorf("the upstream saw headers %v, transfer encoding %v, length %d", seen.Header, seen.TransferEncoding, seen.ContentLength)
		}
		if n := lg.metric(t, "portcullis_gateway_underscore_headers_dropped_total"); n != 2 {
			t.Errorf("dropped %v; want 2", n)
		}
	})
	t.Run("with refuse the request is refused", func(t *testing.T) {
		cfg := oneRoute(up.URL, nil)
		cfg.Validation.UnderscoreHeaders = UnderscoreRefuse
		lg := serveGateway(t, cfg, nil)
		seen := len(up.seenAll())
		resps := rawExchange(t, lg.addr, raw, 1)
		if len(resps) != 1 || resps[0].StatusCode != 400 {
			t.Fatalf("got %v", resps)
		}
		body, _ := io.ReadAll(resps[0].Body)
		if !strings.Contains(string(body), reasonUnderscore) || len(up.seenAll()) != seen {
			t.Errorf("body %q; upstream saw %d more", body, len(up.seenAll())-seen)
		}
	})
}
