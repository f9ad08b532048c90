package enforce

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/challenge"
	"github.com/portcullis/portcullis/decision"
)

// Results of a check under a decision other than a block, besides those
// of decide.go.
const (
	resultThrottle   = "throttle"   // a throttle decision, within its rate
	resultThrottled  = "throttled"  // a throttle decision, past its rate: 429
	resultChallenged = "challenged" // a challenge decision: redirected to the challenge
	resultPassed     = "passed"     // a challenge decision, and a valid pass: let through
	resultLog        = "log"        // a log decision: let through
)

// ChallengeConfig says where a challenge decision sends a browser, and how
// the challenge is served and its passes checked.
type ChallengeConfig struct {
	// URL is the challenge page: an absolute path on the proxied site
	// ("/.portcullis/challenge") or an http(s) URL. A forward-auth
	// question about a challenged client's request for a page is answered
	// 302 to URL?return=<the original URI>, unless the request carries a
	// valid pass cookie for the client and route. Empty: challenge
	// decisions are throttled, as on API requests.
	//
	// The service serves challenge.VerifyPath (/.portcullis/challenge)
	// itself on listen: the page (GET ?return=) and its answer (POST),
	// which sets the pass. The proxy routes that path of the site to
	// listen without asking the check (see examples/nginx and
	// examples/caddy); then URL is that path.
	URL string `yaml:"url"`
	// Status is the status of the answer that sends a browser to the
	// challenge: 302 (the default, with Location; Caddy, Traefik and
	// Envoy pass it on) or 401 for nginx, whose auth_request passes on
	// only 401 and 403: the nginx example turns that 401 into the
	// redirect to the Location enforce named.
	Status int `yaml:"status"`
	// Config is the challenge's key (secret_file or secret_env: give the
	// gateway's, so that a pass earned at either is good at both), pass
	// lifetime and difficulty.
	challenge.Config `yaml:",inline"`
}

// validate reports what is wrong with c.
func (c ChallengeConfig) validate() error {
	if c.Status != http.StatusFound && c.Status != http.StatusUnauthorized {
		return fmt.Errorf("challenge.status is %d; set it to 302 (a redirect) or 401 (for nginx, which turns it into the redirect)", c.Status)
	}
	if c.URL == "" {
		return nil
	}
	u, err := url.Parse(c.URL)
	ok := err == nil && !strings.ContainsAny(c.URL, " \t\r\n") && u.RawQuery == "" && u.Fragment == "" &&
		(u.Scheme == "" && u.Host == "" && strings.HasPrefix(c.URL, "/") && !strings.HasPrefix(c.URL, "//") ||
			(u.Scheme == "http" || u.Scheme == "https") && u.Host != "")
	if !ok {
		return fmt.Errorf("challenge.url %q: give an absolute path such as /.portcullis/challenge, or an http(s) URL, without a query", c.URL)
	}
	return c.Config.Validate()
}

// location returns where the challenge of a request for uri is: the
// challenge URL with uri, escaped, as its return parameter.
func (c ChallengeConfig) location(uri string) string {
	if uri == "" {
		uri = "/"
	}
	return c.URL + "?return=" + url.QueryEscape(uri)
}

// question is what a check under a decision other than a block needs of
// the request asked about, beyond its verdict.
type question struct {
	uri       string           // the original request's URI
	wantsJSON bool             // it asks for JSON, not a page
	peer      netip.Addr       // who asked: the proxy, or the client itself
	header    httpcheck.Header // the original request's header fields
	secure    bool             // the original request came over HTTPS
}

// actOn answers a request whose verdict v names a decision that is not a
// block: a throttle takes from its budget (429 past it), a challenge lets
// a client with a valid pass cookie for the route through and redirects
// any other request for a page to the challenge (or is throttled where
// none can be served: an API route, a request that wants JSON, or no
// challenge URL), a log lets it through. It returns the answer, the
// redirect's Location for a challenge, and the result to count.
func (s *Service) actOn(ctx context.Context, v blocklist.Verdict, q question) (ans httpcheck.Answer, location, res string) {
	ok := httpcheck.Answer{Status: http.StatusOK}
	class, browser := s.routeClass(pathOf(q.uri))
	serve := s.challenger != nil && !q.wantsJSON && browser
	switch blocklist.Enforced(v, serve) {
	case decision.ActionChallenge:
		if s.passed(q, class) {
			return ok, "", resultPassed
		}
		return httpcheck.Answer{Status: s.cfg.Challenge.Status, Decision: httpcheck.DecisionID(v.Client, v.Expires)}, s.cfg.Challenge.location(q.uri), resultChallenged
	case decision.ActionThrottle:
		if pass, wait := s.throttle.Take(ctx, v); !pass {
			a := httpcheck.ThrottleAnswer(v, wait)
			a.Status = s.cfg.Refuse.ThrottleStatus
			return a, "", resultThrottled
		}
		return ok, "", resultThrottle
	case decision.ActionLog:
		return ok, "", resultLog
	}
	return ok, "", resultAllow
}

// passed says whether the request of q carries a valid pass, in its
// Cookie header, for its client on the route class: the client's address
// (or its /64) and the class the pass was issued for.
func (s *Service) passed(q question, class string) bool {
	name := challenge.CookieName(class, q.secure)
	var ip netip.Addr
	for _, line := range q.header.Values("Cookie") {
		cookies, err := http.ParseCookie(line)
		if err != nil {
			continue
		}
		for _, c := range cookies {
			if c.Name != name {
				continue
			}
			if !ip.IsValid() {
				ip = s.ident.ClientFrom(q.peer, q.header).IP
			}
			if s.challenger.CheckPass(c.Value, ip, class) == nil {
				return true
			}
		}
	}
	return false
}

// routeClass returns the route class of path, the pass a challenge on it
// asks for: the path prefix of its longest matching route, or "" when no
// route matches. ok is false on an API route, which is never challenged.
func (s *Service) routeClass(path string) (class string, ok bool) {
	for _, r := range s.routes {
		if strings.HasPrefix(path, r.prefix) {
			return r.prefix, !r.api
		}
	}
	return "", true
}

// pathOf returns the path of a request URI: up to its query.
func pathOf(uri string) string {
	p, _, _ := strings.Cut(uri, "?")
	return p
}

// forwardedSecure says whether a request came to the proxy over HTTPS:
// its X-Forwarded-Proto says so, and the peer is a trusted proxy.
func (s *Service) forwardedSecure(r *http.Request) bool {
	if _, hdr := s.ident.ProxyHeader(r); hdr == "" {
		return false
	}
	return strings.EqualFold(first(r.Header["X-Forwarded-Proto"]), "https")
}

// serveChallenge serves challenge.VerifyPath, which the proxy routes to
// this listener: the page for ?return= on a GET, at the difficulty of the
// client's decision, and the answer the page posts, which sets the pass.
// The client is named as a forward-auth question names it; a request the
// proxy received over HTTPS (X-Forwarded-Proto) gets a Secure __Host-
// cookie, as at the gateway.
func (s *Service) serveChallenge(w http.ResponseWriter, r *http.Request) {
	peer, _ := netip.ParseAddrPort(r.RemoteAddr)
	client := s.ident.ClientFrom(peer.Addr(), r.Header).IP
	if s.forwardedSecure(r) && r.TLS == nil {
		r = r.Clone(r.Context())
		r.TLS = &tls.ConnectionState{} // the challenge package reads HTTPS from r.TLS
	}
	var severity float64
	if r.Method != http.MethodPost {
		severity = s.ident.CheckHeaders(s.checker, peer.Addr(), r.Header, blocklist.FailOpen).Severity
	}
	s.challenger.ServeVerify(w, r, client, severity, s.routeClass)
}
