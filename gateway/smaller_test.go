package gateway

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestSmallerRefusals pins the smaller refusals of the security test:
// TRACE and CONNECT only where a route lists them, methods in upper case,
// a bound on the header count, and 400 (not 502) for a body the client
// framed wrongly.
func TestSmallerRefusals(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.Routes = append(cfg.Routes, Route{Name: "diag", PathPrefix: "/diag", Upstreams: []string{up.URL}, Methods: []string{"TRACE"}})
	lg := serveGateway(t, cfg, nil)
	many := ""
	for i := range DefaultMaxHeaders + 1 {
		many += fmt.Sprintf("X-H%d: v\r\n", i)
	}
	tests := []struct {
		name, raw string
		status    int
		body      string
	}{
		{"TRACE is refused on a route without a method list", "TRACE /api/x HTTP/1.1\r\nHost: gw\r\n\r\n", 405, "method not allowed"},
		{"TRACE passes where a route lists it", "TRACE /diag/x HTTP/1.1\r\nHost: gw\r\n\r\n", 200, ""},
		{"a lower-case method is refused", "get /api/x HTTP/1.1\r\nHost: gw\r\n\r\n", 400, reasonBadMethod},
		{"a mixed-case method is refused", "Get /api/x HTTP/1.1\r\nHost: gw\r\n\r\n", 400, reasonBadMethod},
		{"100 headers pass", "GET /api/x HTTP/1.1\r\nHost: gw\r\n" + strings.Join(strings.SplitAfter(many, "\r\n")[:DefaultMaxHeaders], "") + "\r\n", 200, ""},
		{"101 headers are refused", "GET /api/x HTTP/1.1\r\nHost: gw\r\n" + many + "\r\n", 431, "header_count too large"},
		{"a malformed chunked body is 400", "POST /api/x HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400, "bad request body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resps := rawExchange(t, lg.addr, tt.raw, 1)
			if len(resps) != 1 {
				t.Fatal("no response")
			}
			body, _ := io.ReadAll(resps[0].Body)
			if resps[0].StatusCode != tt.status || !strings.Contains(string(body), tt.body) {
				t.Errorf("%d %q; want %d %q", resps[0].StatusCode, body, tt.status, tt.body)
			}
		})
	}
}
