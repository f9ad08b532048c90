package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// An upgraded connection is a tunnel: after the 101, its bytes pass
// uninspected by the request validation, the WAF, the policy and the rate
// limits. So the gateway upgrades only what a route asks for:
//
//   - h2c (HTTP/2 over cleartext, by Upgrade) is refused always, and the
//     HTTP2-Settings header is never forwarded;
//   - WebSocket is allowed on the routes with websocket: true, for a GET
//     that lists upgrade in Connection and asks for websocket alone;
//   - any other request with an Upgrade header is refused.
//
// A refused request is answered 400 with a counted reason, and any answer
// to an upgrade request other than the 101 closes the connection: the
// framing inspector stops reading an upgrade request's connection, so it
// must not carry further requests. An open tunnel is closed when its client
// becomes blocked: the blocklist check is asked again every
// Timeouts.TunnelRecheck.

// Reasons an upgrade is refused; values of the invalid requests' reason
// label.
const (
	reasonH2C     = "h2c_upgrade"     // Upgrade: h2c
	reasonUpgrade = "upgrade_refused" // another upgrade, or WebSocket on a route without websocket: true
)

// DefaultTunnelRecheck is how often the blocklist is asked again about the
// client of an open WebSocket tunnel.
const DefaultTunnelRecheck = time.Second

// upgradeReason returns why r, which carries an Upgrade header, may not be
// upgraded on rt (nil: before routing), or "" when it may.
func upgradeReason(r *http.Request, rt *route) string {
	ups := r.Header.Values("Upgrade")
	for _, v := range ups {
		for tok := range strings.SplitSeq(v, ",") {
			if p, _, _ := strings.Cut(strings.TrimSpace(tok), "/"); strings.EqualFold(p, "h2c") {
				return reasonH2C
			}
		}
	}
	if rt == nil {
		return ""
	}
	if !rt.WebSocket || r.Method != http.MethodGet || len(ups) != 1 || !strings.EqualFold(strings.TrimSpace(ups[0]), "websocket") ||
		!headerHasToken(r.Header, "Connection", "upgrade") {
		return reasonUpgrade
	}
	return ""
}

// headerHasToken says whether the comma-separated values of header name
// in h hold token, in any case.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h[http.CanonicalHeaderKey(name)] {
		for tok := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), token) {
				return true
			}
		}
	}
	return false
}

// watchTunnel asks the blocklist about the client of an upgrade request
// every Timeouts.TunnelRecheck until stop is called, and calls cancel
// (which closes the tunnel) once the client is blocked.
func (g *Gateway) watchTunnel(ctx context.Context, cancel context.CancelFunc, rt *route, ex *exchange) (stop func()) {
	if g.checker == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	ip, key, user, mode := ex.ip, ex.key, ex.user, rt.mode
	if ex.keyID != "" {
		key = ex.keyID
	}
	wg.Go(func() {
		t := time.NewTicker(g.cfg.Timeouts.TunnelRecheck)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if v := g.checker.CheckRoute(ip, key, user, mode); v.Blocked && v.Client != "" {
				g.m.tunnelsClosed.WithLabelValues(rt.Name).Inc()
				g.logger.LogAttrs(ctx, slog.LevelInfo, "closed the tunnel of a client blocked since it opened",
					slog.String("route", rt.Name), slog.String("client", v.Client))
				cancel()
				return
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// closeFailedUpgrade closes the connection after an upstream's answer to an
// upgrade request that did not switch protocols (see the framing
// inspector).
func closeFailedUpgrade(resp *http.Response) error {
	if resp.StatusCode != http.StatusSwitchingProtocols && resp.Request != nil && len(resp.Request.Header["Upgrade"]) > 0 {
		resp.Header.Set("Connection", "close")
	}
	return nil
}
