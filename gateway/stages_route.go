package gateway

import (
	"context"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/gateway/auth"
	learnedlimits "github.com/portcullis/portcullis/limits"
)

// blocklistStage is httpcheck.Middleware on the client the gateway
// resolved (see blocklistChecks); it is left out without a Checker.
type blocklistStage struct{ nop }

func (blocklistStage) Provision(g *Gateway) error {
	if g.checker == nil {
		return nil
	}
	for _, rt := range g.routes {
		mode := rt.mode
		if mode == 0 {
			mode = g.checker.FailMode()
		}
		g.m.failMode.WithLabelValues(rt.Name, mode.String()).Set(1)
		g.logger.Info("route", "name", rt.Name, "path_prefix", rt.PathPrefix, "fail_mode", mode.String())
		g.blocklistChecks(rt)
	}
	return nil
}

func (blocklistStage) wrap(rt *route, next handler) handler {
	if rt.check == nil {
		return next
	}
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		// A key presented, not verified, is checked by its id (a refusal
		// harms only who presents it), never logged.
		if checkBlocklist(rt.check, w, r, ex) {
			next(w, r, ex)
		}
	}
}

// authStage authenticates and authorizes the requests of the routes that
// take credentials (gateway/auth; see authorize in authhook.go), behind
// each route's limit of failed authentications.
type authStage struct {
	nop
	g *Gateway
}

func (s *authStage) Provision(g *Gateway) error {
	s.g = g
	for _, rt := range g.routes {
		if m, _ := auth.ParseMode(rt.Auth); m != auth.ModeNone && rt.AuthFailures.RPS > 0 {
			rt.authFail = newLocalLimiter(rt.AuthFailures.RPS, rt.AuthFailures.Burst, DefaultMaxClients)
		}
	}
	return nil
}

// Validate refuses a route that takes credentials without an
// Authenticator built for it.
func (s *authStage) Validate() error { return s.g.checkAuth() }

func (s *authStage) wrap(rt *route, next handler) handler {
	g := s.g
	if g.auth == nil || !g.auth.Protects(rt.Name) {
		return next
	}
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		if g.authorizeLimited(w, r, rt, ex) {
			next(w, r, ex)
		}
	}
}

// rateLimitStage is the route's per-client token bucket: local, or shared
// through the SharedLimiter (see allow); then the learned per-endpoint
// limits (learned.go), which count or refuse.
type rateLimitStage struct {
	nop
	g       *Gateway
	learned *learnedSet // learned per-endpoint limits; nil without (learned.go)
}

func (s *rateLimitStage) Provision(g *Gateway) error {
	s.g = g
	for _, rt := range g.routes {
		if rt.RateLimit.RPS > 0 {
			rt.local = newLocalLimiter(rt.RateLimit.RPS, rt.RateLimit.Burst, DefaultMaxClients)
		}
		g.m.rateLimited.WithLabelValues(rt.Name)
	}
	return s.provisionLearned()
}

// provisionLearned reads the learned limits and creates their counters up
// front, so dashboards see zeros rather than gaps.
func (s *rateLimitStage) provisionLearned() error {
	g := s.g
	lc := g.cfg.RateLimits
	if !lc.configured() {
		return nil
	}
	es, mode, from, err := loadLearned(lc)
	if err != nil {
		return err
	}
	over := g.m.wouldRefuse
	if mode == learnedlimits.ModeEnforce {
		over = g.m.learnedRefused
	}
	maxClients := lc.MaxClients
	if maxClients == 0 {
		maxClients = DefaultLearnedMaxClients
	}
	s.learned = newLearnedSet(es, mode, lc.Shared, maxClients, func(path, method, class string) prometheus.Counter {
		return over.WithLabelValues(method, path, class)
	})
	g.logger.Info("learned rate limits", "from", from, "limits", len(es), "mode", string(mode), "shared", lc.Shared && g.shared != nil)
	return nil
}

func (s *rateLimitStage) wrap(rt *route, next handler) handler {
	g := s.g
	if rt.local == nil && s.learned == nil {
		return next
	}
	limited := g.m.rateLimited.WithLabelValues(rt.Name)
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		if rt.local != nil {
			if ok, wait := g.allow(r.Context(), rt, ex.ip); !ok {
				limited.Inc()
				tooMany(w, wait)
				return
			}
		}
		if s.learned != nil {
			if l := s.learned.match(r.URL.Path, r.Method); l != nil {
				if b, ok, wait := s.allowLearned(r.Context(), l, ex); !ok {
					b.over.Inc()
					if s.learned.enforce {
						tooMany(w, wait)
						return
					}
				}
			}
		}
		next(w, r, ex)
	}
}

// tooMany answers 429, to be retried after wait.
func tooMany(w *statusWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	writeJSON(w, http.StatusTooManyRequests, `{"error":"rate limited"}`)
}

// wafStage runs the route's WAF (security.go): in blocking mode on the
// request, in detect mode after the response, from a queue.
type wafStage struct {
	nop
	g *Gateway
}

func (s *wafStage) Provision(g *Gateway) error {
	s.g = g
	return g.provisionWAF()
}

func (s *wafStage) Cleanup() error {
	s.g.closeWAF()
	return nil
}

func (s *wafStage) wrap(rt *route, next handler) handler {
	if rt.sec.waf == nil {
		return next
	}
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		if s.g.inspectWAF(w, r, rt, ex) {
			next(w, r, ex)
		}
	}
}

// proxyStage sends the request to the route's next upstream, over the
// gateway's transport (or the route's upstream TLS), within the upstream
// timeout; a WebSocket tunnel lives until its client becomes blocked.
type proxyStage struct {
	nop
	g *Gateway
}

func (s *proxyStage) Provision(g *Gateway) error {
	s.g = g
	t := g.cfg.Timeouts
	g.tr = &http.Transport{
		DialContext:           (&net.Dialer{Timeout: t.UpstreamDial, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   t.UpstreamTLSHandshake,
		ResponseHeaderTimeout: t.UpstreamResponseHeader,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	errLog := g.errorLog()
	for _, rt := range g.routes {
		rt.proxy = &httputil.ReverseProxy{
			Rewrite:        func(pr *httputil.ProxyRequest) { g.rewrite(rt, pr) },
			ModifyResponse: closeFailedUpgrade,
			Transport:      g.tr,
			ErrorHandler:   func(w http.ResponseWriter, r *http.Request, err error) { g.proxyError(rt, w, r, err) },
			ErrorLog:       errLog,
		}
		// Routes are a bounded label set: created up front so dashboards
		// see zeros rather than gaps.
		g.m.upstreamErr.WithLabelValues(rt.Name)
	}
	return g.provisionUpstreamTLS() // security.go
}

func (s *proxyStage) Cleanup() error {
	if s.g.tr != nil {
		s.g.tr.CloseIdleConnections()
	}
	return nil
}

func (s *proxyStage) wrap(rt *route, _ handler) handler {
	g := s.g
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		if ex.upgrade {
			// A WebSocket tunnel lives as long as both ends keep it, unless
			// its client becomes blocked; the transport bounds the wait for
			// the 101.
			ctx, cancel := context.WithCancel(r.Context())
			defer cancel()
			stop := g.watchTunnel(ctx, cancel, rt, ex)
			defer stop()
			w.Header().Del("Connection")
			rt.proxy.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), g.cfg.Timeouts.Upstream)
		defer cancel()
		rt.proxy.ServeHTTP(w, r.WithContext(ctx))
	}
}
