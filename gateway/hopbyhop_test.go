package gateway

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestHopByHopHeaders pins what httputil.ReverseProxy already does: the
// hop-by-hop headers of RFC 9110 section 7.6.1, and any header that
// Connection names, stop at the gateway in both directions.
func TestHopByHopHeaders(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Connection", "X-Backend-Secret")
		h.Set("X-Backend-Secret", "internal")
		h.Set("Keep-Alive", "timeout=5")
		h.Set("Proxy-Authenticate", "Basic")
		h.Set("Upgrade", "h2c")
		h.Set("X-End-To-End", "kept")
		io.WriteString(w, "ok")
	})
	lg := serveGateway(t, oneRoute(up.URL, nil), nil)

	c, err := net.Dial("tcp", lg.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /api/x HTTP/1.1\r\nHost: gw\r\n"+
		"Connection: keep-alive, X-Client-Hop\r\nX-Client-Hop: 1\r\nKeep-Alive: timeout=9\r\n"+
		"Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\n"+
		"X-End-To-End: kept\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}

	t.Run("the upstream sees none of the client's hop-by-hop headers", func(t *testing.T) {
		seen := up.last().Header
		for _, h := range []string{"X-Client-Hop", "Keep-Alive", "Proxy-Authorization", "Proxy-Connection", "Te"} {
			if v := seen.Values(h); len(v) > 0 {
				t.Errorf("the upstream saw %s: %q", h, v)
			}
		}
		if c := seen.Get("Connection"); c != "" {
			t.Errorf("the upstream saw Connection: %q", c)
		}
		if seen.Get("X-End-To-End") != "kept" {
			t.Error("an end-to-end header was dropped")
		}
	})
	t.Run("the client sees none of the upstream's hop-by-hop headers", func(t *testing.T) {
		for _, h := range []string{"X-Backend-Secret", "Keep-Alive", "Proxy-Authenticate", "Upgrade"} {
			if v := resp.Header.Values(h); len(v) > 0 {
				t.Errorf("the client saw %s: %q", h, v)
			}
		}
		if c := resp.Header.Get("Connection"); strings.Contains(c, "X-Backend-Secret") {
			t.Errorf("the client saw Connection: %q", c)
		}
		if resp.Header.Get("X-End-To-End") != "kept" {
			t.Error("an end-to-end header was dropped")
		}
	})
}
