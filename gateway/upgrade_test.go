package gateway

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// newTunnelUpstream is an upstream that answers a WebSocket upgrade with
// a 101 and then echoes every byte back, and answers anything else 200.
func newTunnelUpstream(t *testing.T) *upstream {
	t.Helper()
	return newUpstream(t, "ws", func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			io.WriteString(w, "ws plain")
			return
		}
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer c.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		io.Copy(c, brw)
	})
}

const wsHead = "GET /ws/chat HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
	"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"

func upgradeConfig(up string) Config {
	return Config{RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"127.0.0.1"}}, Routes: []Route{
		{Name: "api", PathPrefix: "/api", Upstreams: []string{up}},
		{Name: "ws", PathPrefix: "/ws", Upstreams: []string{up}, WebSocket: true},
	}}
}

func TestUpgrades(t *testing.T) {
	noLeaks(t)
	up := newTunnelUpstream(t)
	lg := serveGateway(t, upgradeConfig(up.URL), nil)

	refused := []struct {
		name, raw, reason string
	}{
		{"h2c is refused", "GET /api/x HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n", reasonH2C},
		{"h2c is refused on a WebSocket route too", "GET /ws/x HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket, H2C\r\n\r\n", reasonH2C},
		{"WebSocket is refused on a route without websocket: true", strings.Replace(wsHead, "/ws/chat", "/api/chat", 1) + "\r\n", reasonUpgrade},
		{"another protocol is refused on a WebSocket route", "GET /ws/x HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: tls/1.2\r\n\r\n", reasonUpgrade},
		{"a WebSocket upgrade by POST is refused", strings.Replace(wsHead, "GET", "POST", 1) + "Content-Length: 0\r\n\r\n", reasonUpgrade},
		{"an Upgrade header that Connection does not name is refused", "GET /ws/x HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\n\r\n", reasonUpgrade},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			seen := len(up.seenAll())
			resps := rawExchange(t, lg.addr, tt.raw+"GET /api/smuggled HTTP/1.1\r\nHost: gw\r\n\r\n", 2)
			if len(resps) != 1 {
				t.Fatalf("%d responses; want one, and the connection closed", len(resps))
			}
			body, _ := io.ReadAll(resps[0].Body)
			if resps[0].StatusCode != 400 || !strings.Contains(string(body), `"reason":"`+tt.reason+`"`) {
				t.Fatalf("%d %s; want 400 %s", resps[0].StatusCode, body, tt.reason)
			}
			if len(up.seenAll()) != seen {
				t.Error("the upstream saw a refused upgrade, or the request after it")
			}
		})
	}
	t.Run("HTTP2-Settings is never forwarded", func(t *testing.T) {
		resps := rawExchange(t, lg.addr, "GET /api/x HTTP/1.1\r\nHost: gw\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n", 1)
		if len(resps) != 1 || resps[0].StatusCode != 200 {
			t.Fatalf("got %v", resps)
		}
		if v := up.last().Header.Values("Http2-Settings"); len(v) > 0 {
			t.Errorf("the upstream saw HTTP2-Settings: %q", v)
		}
	})
	t.Run("WebSocket opens a tunnel on a route with websocket: true", func(t *testing.T) {
		c, br := openTunnel(t, lg.addr)
		defer c.Close()
		echo(t, c, br, "hello through the tunnel")
	})
	t.Run("an upstream that does not switch closes the connection", func(t *testing.T) {
		up2 := newUpstream(t, "no", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
		lg2 := serveGateway(t, upgradeConfig(up2.URL), nil)
		resps := rawExchange(t, lg2.addr, wsHead+"\r\nPOST /api/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 2)
		if len(resps) != 1 || resps[0].StatusCode != 401 || !resps[0].Close {
			t.Fatalf("got %d responses (first %v); want one 401 that closes the connection", len(resps), resps)
		}
	})
}

// openTunnel sends the WebSocket upgrade and returns the connection once
// the 101 came back.
func openTunnel(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(testwait.Deadline(t, 5*time.Second))
	io.WriteString(c, wsHead+"\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		c.Close()
		t.Fatalf("status %d; want 101", resp.StatusCode)
	}
	return c, br
}

func echo(t *testing.T, c net.Conn, br *bufio.Reader, msg string) {
	t.Helper()
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(br, buf); err != nil || string(buf) != msg {
		t.Fatalf("echo %q, %v; want %q", buf, err, msg)
	}
}

// TestTunnelClosesWhenItsClientIsBlocked opens a WebSocket tunnel, then
// blocks its client: the gateway closes the tunnel within a few rechecks.
func TestTunnelClosesWhenItsClientIsBlocked(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	store, err := redisstore.New(redisstore.Config{Addrs: []string{addr}, KeyPrefix: "tunnel:", Policy: redisstore.Policy{TTLJitter: -1}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	checker := runCheckerOn(t, store)
	up := newTunnelUpstream(t)
	cfg := upgradeConfig(up.URL)
	cfg.Timeouts.TunnelRecheck = 50 * time.Millisecond
	lg := serveGatewayWith(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, nil, reg, nil)
	})
	c, br := openTunnel(t, lg.addr)
	defer c.Close()
	c.SetDeadline(testwait.Deadline(t, 10*time.Second))
	echo(t, c, br, "before the block")

	if _, err := store.Apply(t.Context(), []*decision.Decision{{Client: "127.0.0.1", Scope: "ip", TS: time.Now(),
		Action: decision.ActionBlock, TTLSec: 600}}); err != nil {
		t.Fatal(err)
	}
	// The tunnel ends: the read sees EOF (or a reset), not the deadline.
	_, err = io.ReadAll(br)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the tunnel stayed open after its client was blocked")
	}
	if n := lg.metric(t, "portcullis_gateway_tunnels_closed_total", "route", "ws"); n != 1 {
		t.Errorf("tunnels closed: %v; want 1", n)
	}
}

// runCheckerOn runs a Checker over store until the test ends, once its
// first snapshot is loaded.
func runCheckerOn(t *testing.T, store *redisstore.Store) *blocklist.Checker {
	t.Helper()
	c := blocklist.NewChecker(store, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, nil)
	done := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		defer close(done)
		if err := c.Run(ctx); err != nil {
			t.Errorf("checker: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	eventually(t, "the checker loads its first snapshot", func() bool { return c.Stats().Resyncs > 0 })
	return c
}
