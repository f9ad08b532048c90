package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/portcullis/portcullis/challenge"
)

// The data path is a chain of small stages, in this order:
//
//	limits     the request's normal form and input limits (400, 413, 414, 431)
//	route      the route of the request (404, 405)
//	blocklist  httpcheck.Middleware on the client (403; 503 when the view is
//	           stale on a fail-closed route; 429 past a throttle decision's
//	           rate; the challenge of a challenge decision on a browser
//	           route, challenge.go, unless the client holds a pass)
//	auth       credentials and the policy, on the routes that take them
//	           (401, 403, 429)
//	ratelimit  the route's per-client token bucket, then the learned
//	           per-endpoint limits (429, or counted only in log mode)
//	waf        the route's web application firewall (403 in blocking mode)
//	proxy      the route's upstreams (502, 504)
//
// limits and route run for every request; route hands the request to its
// route's own chain of the other stages, built once by New. A stage with
// nothing to do on a route (no Checker, no ChallengeFunc, no credentials,
// no rate limit, no WAF) is left out of that route's chain, so it costs nothing there.

// handler serves one request in a chain; ex is what the data path learns
// about it, for its metric and its access-log record.
type handler func(w *statusWriter, r *http.Request, ex *exchange)

// stage is the lifecycle of one stage, as Caddy's modules have it.
type stage interface {
	// Provision readies the stage for g, whose config is validated.
	Provision(g *Gateway) error
	// Validate reports what is wrong with the stage, once provisioned.
	Validate() error
	// Cleanup releases what Provision took; Close calls it once, after
	// the listener stopped.
	Cleanup() error
}

// routeStage is a stage of each route's chain.
type routeStage interface {
	stage
	// wrap returns the stage's handler on rt in front of next, or next
	// when the stage has nothing to do on rt.
	wrap(rt *route, next handler) handler
}

// stages is the chain, in order.
type stages struct {
	limits *limitsStage
	route  *routeDispatch
	each   []routeStage // challenge (provisions only), blocklist, auth, ratelimit, waf, proxy
}

func newStages() *stages {
	return &stages{limits: &limitsStage{}, route: &routeDispatch{},
		each: []routeStage{challengeStage{}, &blocklistStage{}, &authStage{}, &rateLimitStage{}, &wafStage{}, &proxyStage{}}}
}

func (s *stages) all() []stage {
	out := []stage{s.limits, s.route}
	for _, st := range s.each {
		out = append(out, st)
	}
	return out
}

// provision provisions and validates every stage in order, then builds
// each route's chain and returns the chain's head. On an error the stages
// provisioned are cleaned up.
func (s *stages) provision(g *Gateway) (handler, error) {
	all := s.all()
	for i, st := range all {
		err := st.Provision(g)
		if err == nil {
			err = st.Validate()
		}
		if err != nil {
			return nil, errors.Join(err, cleanup(all[:i+1]))
		}
	}
	for _, rt := range g.routes {
		var h handler
		for _, st := range slices.Backward(s.each) {
			h = st.wrap(rt, h)
		}
		rt.serve = h
	}
	return s.limits.wrap(s.route.wrap(nil)), nil
}

// cleanup cleans the stages up, last first.
func cleanup(ss []stage) error {
	var errs []error
	for _, st := range slices.Backward(ss) {
		if err := st.Cleanup(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// nop gives a stage the lifecycle methods it has no use for.
type nop struct{}

func (nop) Validate() error { return nil }
func (nop) Cleanup() error  { return nil }

// limitsStage refuses what is not in normal form or too large, before
// anything is looked up: the screen of the security settings (HSTS, the
// strict validation), a forwarding-header conflict, the path's normal
// form, the method, upgrades no route may take, and the size limits.
type limitsStage struct {
	nop
	g   *Gateway
	lim Limits
}

func (s *limitsStage) Provision(g *Gateway) error {
	s.g, s.lim = g, g.cfg.Limits
	for _, l := range []string{"body", "url", "header", "header_count"} {
		g.m.limits.WithLabelValues(l) // created up front: zeros rather than gaps
	}
	return nil
}

func (s *limitsStage) wrap(next handler) handler {
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		if s.refuseForm(w, r, ex) || s.refuseSize(w, r, ex) {
			return
		}
		next(w, r, ex)
	}
}

// refuseForm answers a request that is not in normal form, and says
// whether it did.
func (s *limitsStage) refuseForm(w *statusWriter, r *http.Request, ex *exchange) bool {
	g := s.g
	if g.screen(w, r) { // HSTS, request validation (security.go)
		return true
	}
	reason := ""
	switch {
	case ex.conflict:
		reason = reasonForwardedConflict
	default:
		// One normal form of the path for the routes, the policy and the
		// upstream (path.go).
		reason = normalizePath(r.URL)
	}
	// Methods are upper-case tokens; a lower-case one would be another
	// method to the routes and the policy, and the same to some backends.
	if reason == "" && !isMethod(r.Method) {
		reason = reasonBadMethod
	}
	// Upgrades (upgrade.go): h2c never, WebSocket where a route allows it.
	delete(r.Header, "Http2-Settings")
	if reason == "" && len(r.Header["Upgrade"]) > 0 {
		ex.upgrade = true
		w.Header().Set("Connection", "close") // any answer but the 101 ends the connection
		reason = upgradeReason(r, nil)
	}
	if reason == "" {
		return false
	}
	g.refuseInvalid(w, reason)
	return true
}

// refuseSize answers a request past a size limit, and says whether it did;
// otherwise it bounds the body.
func (s *limitsStage) refuseSize(w *statusWriter, r *http.Request, ex *exchange) bool {
	g, lim := s.g, s.lim
	size, lines, underscore := scanHeaders(r)
	if underscore && !g.cfg.Validation.Disabled && g.underscoreHeaders(r.Header) { // validate.go
		g.refuseInvalid(w, reasonUnderscore)
		return true
	}
	switch {
	case len(r.RequestURI) > lim.MaxURLLength:
		g.refuseLimit(w, http.StatusRequestURITooLong, "url")
	case size > lim.MaxHeaderBytes:
		g.refuseLimit(w, http.StatusRequestHeaderFieldsTooLarge, "header")
	case lines > lim.MaxHeaders:
		g.refuseLimit(w, http.StatusRequestHeaderFieldsTooLarge, "header_count")
	case r.ContentLength > lim.MaxBodyBytes:
		g.refuseLimit(w, http.StatusRequestEntityTooLarge, "body")
	default:
		if r.Body != nil && r.Body != http.NoBody {
			ex.body = &countingBody{rc: http.MaxBytesReader(w, r.Body, lim.MaxBodyBytes)}
			r.Body = ex.body
		}
		return false
	}
	return true
}

// routeDispatch finds the route of a request and hands the request to its
// chain. It builds the routes, longest prefix first.
type routeDispatch struct {
	nop
	g *Gateway
}

func (s *routeDispatch) Provision(g *Gateway) error {
	s.g = g
	for _, rc := range g.cfg.Routes {
		rt := &route{Route: rc}
		rt.mode, _ = parseFailMode(rc.FailMode)
		for _, u := range rc.Upstreams {
			pu, err := parseUpstream(u)
			if err != nil {
				return fmt.Errorf("gateway: route %q: %w", rc.Name, err)
			}
			rt.upstreams = append(rt.upstreams, pu)
		}
		g.routes = append(g.routes, rt)
	}
	slices.SortStableFunc(g.routes, func(a, b *route) int { return len(b.PathPrefix) - len(a.PathPrefix) })
	return nil
}

// wrap ends the front of the chain: next is unused, each route has its own.
func (s *routeDispatch) wrap(handler) handler {
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		if s.g.challenger != nil && r.URL.Path == challenge.VerifyPath {
			s.g.serveChallengeAnswer(w, r, ex)
			return
		}
		rt, wrongMethod := s.g.match(r)
		switch {
		case rt == nil && wrongMethod:
			writeJSON(w, http.StatusMethodNotAllowed, `{"error":"method not allowed"}`)
			return
		case rt == nil:
			writeJSON(w, http.StatusNotFound, `{"error":"no route"}`)
			return
		}
		ex.route = rt.Name
		if ex.upgrade {
			if reason := upgradeReason(r, rt); reason != "" {
				s.g.refuseInvalid(w, reason)
				return
			}
		}
		rt.serve(w, r, ex)
	}
}
