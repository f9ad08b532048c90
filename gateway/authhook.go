package gateway

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/portcullis/portcullis/gateway/auth"
)

// Option sets what New takes beyond the Config.
type Option func(*Gateway)

// WithAuth sets the Authenticator of the routes that take credentials
// (Route.Auth); build it with auth.New over Config.AuthRoutes, and run its
// Run alongside the gateway.
func WithAuth(a *auth.Authenticator) Option { return func(g *Gateway) { g.auth = a } }

// AuthRoutes returns the routes as the Authenticator sees them.
func (c Config) AuthRoutes() []auth.Route {
	out := make([]auth.Route, 0, len(c.Routes))
	for _, r := range c.Routes {
		m, _ := auth.ParseMode(r.Auth)
		out = append(out, auth.Route{Name: r.Name, PathPrefix: r.PathPrefix, Methods: r.Methods, Auth: m,
			ForwardCredentials: r.ForwardCredentials, APIKeyQuery: r.APIKeyQuery})
	}
	return out
}

// validateAuth reports what is wrong with the routes' auth settings and
// the auth section; auth.New checks the secrets and the policy.
func (c Config) validateAuth() []error {
	var errs []error
	for i, r := range c.Routes {
		where := fmt.Sprintf("gateway: route %d (%q)", i, r.Name)
		m, err := auth.ParseMode(r.Auth)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		switch {
		case (m == auth.ModeJWT) && !c.Auth.JWTEnabled():
			errs = append(errs, fmt.Errorf("%s: auth jwt, but auth.jwt.issuers is empty; configure an issuer", where))
		case m == auth.ModeAPIKey && !c.Auth.APIKeysEnabled():
			errs = append(errs, fmt.Errorf("%s: auth api_key, but auth.api_keys.store is not set; choose redis or file", where))
		case m == auth.ModeAny && !c.Auth.JWTEnabled() && !c.Auth.APIKeysEnabled():
			errs = append(errs, fmt.Errorf("%s: auth any, but neither JWT issuers nor API keys are configured under auth", where))
		}
		if r.APIKeyQuery && m != auth.ModeAPIKey && m != auth.ModeAny {
			errs = append(errs, fmt.Errorf("%s: api_key_query needs auth api_key or any", where))
		}
		if r.ForwardCredentials && m == auth.ModeNone {
			errs = append(errs, fmt.Errorf("%s: forward_credentials without auth; the gateway consumes no credentials on this route", where))
		}
	}
	if err := c.Auth.WithDefaults().Validate(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// checkAuth refuses routes that take credentials when no Authenticator
// was given, or when it was built for other routes, so that no route
// meant to take credentials ever serves without them.
func (g *Gateway) checkAuth() error {
	for _, r := range g.cfg.Routes {
		m, _ := auth.ParseMode(r.Auth)
		switch {
		case m == auth.ModeNone:
		case g.auth == nil:
			return fmt.Errorf("gateway: route %q takes credentials (auth %s) but the gateway has no Authenticator; build one with auth.New and pass gateway.WithAuth", r.Name, r.Auth)
		case !g.auth.Protects(r.Name):
			return fmt.Errorf("gateway: route %q takes credentials (auth %s) but the Authenticator was not built for it; build it over Config.AuthRoutes", r.Name, r.Auth)
		}
	}
	return nil
}

// authorizeLimited is authorize behind the route's limit of failed
// authentications: a client whose failures emptied its bucket gets 429
// without its credentials being tried, and each 401 takes a token.
func (g *Gateway) authorizeLimited(w *statusWriter, r *http.Request, rt *route, ex *exchange) bool {
	if rt.authFail == nil {
		return g.authorize(w, r, rt, ex)
	}
	if ok, wait := rt.authFail.peek(ex.ip); !ok {
		g.m.authFailLimited.WithLabelValues(rt.Name).Inc()
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		writeJSON(w, http.StatusTooManyRequests, `{"error":"too many failed authentications"}`)
		return false
	}
	if g.authorize(w, r, rt, ex) {
		return true
	}
	if w.status == http.StatusUnauthorized {
		rt.authFail.allow(ex.ip)
	}
	return false
}

// authorize runs the Authenticator on a request of rt: it answers 401 or
// 403 itself and returns false, or records the identity in ex and returns
// true. On a route that takes credentials the identity comes only from
// them: the user header a client sends is neither logged nor forwarded.
// The authenticated user and key id are checked against the blocklist as
// well, since the detector may key its decisions on them.
func (g *Gateway) authorize(w *statusWriter, r *http.Request, rt *route, ex *exchange) bool {
	if !g.auth.Protects(rt.Name) {
		return true
	}
	res := g.auth.Check(r, rt.Name)
	ex.user = ""
	if id := res.Identity; id != nil {
		ex.user, ex.keyID = id.User, id.KeyID
	}
	if g.cfg.UserHeader != "" {
		if ex.user != "" {
			r.Header.Set(g.cfg.UserHeader, ex.user)
		} else {
			r.Header.Del(g.cfg.UserHeader)
		}
	}
	switch res.Status {
	case http.StatusUnauthorized:
		h := w.Header()
		for _, c := range res.Challenges {
			h.Add("WWW-Authenticate", c)
		}
		h.Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusUnauthorized, `{"error":"unauthorized"}`)
		return false
	case http.StatusForbidden:
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusForbidden, `{"error":"forbidden"}`)
		return false
	}
	return rt.authCheck == nil || checkBlocklist(rt.authCheck, w, r, ex)
}

// RouteFor returns the route that serves method and path, as the data
// path picks it (the longest matching prefix that takes the method, once
// the path is normalised).
func (c Config) RouteFor(method, path string) (Route, bool) {
	if u, err := url.Parse(path); err == nil && normalizePath(u) == "" {
		path = u.Path
	}
	best := -1
	for i, r := range c.Routes {
		if !matchPrefix(path, r.PathPrefix) || (len(r.Methods) > 0 && !slices.Contains(r.Methods, method)) ||
			len(r.Methods) == 0 && (method == http.MethodTrace || method == http.MethodConnect) {
			continue
		}
		if best < 0 || len(r.PathPrefix) > len(c.Routes[best].PathPrefix) {
			best = i
		}
	}
	if best < 0 {
		return Route{}, false
	}
	return c.Routes[best], true
}
