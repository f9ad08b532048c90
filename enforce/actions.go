package enforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/decision"
)

// Results of a check under a decision other than a block, besides those
// of decide.go.
const (
	resultThrottle   = "throttle"   // a throttle decision, within its rate
	resultThrottled  = "throttled"  // a throttle decision, past its rate: 429
	resultChallenged = "challenged" // a challenge decision: redirected to the challenge
	resultLog        = "log"        // a log decision: let through
)

// ChallengeConfig says where a challenge decision sends a browser.
type ChallengeConfig struct {
	// URL is the challenge page: an absolute path on the proxied site
	// ("/.portcullis/challenge") or an http(s) URL. A forward-auth
	// question about a challenged client's request for a page is answered
	// 302 to URL?return=<the original URI>. Empty: challenge decisions
	// are throttled, as on API requests.
	URL string `yaml:"url"`
}

// validate reports what is wrong with c.
func (c ChallengeConfig) validate() error {
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
	return nil
}

// location returns where the challenge of a request for uri is: the
// challenge URL with uri, escaped, as its return parameter.
func (c ChallengeConfig) location(uri string) string {
	if uri == "" {
		uri = "/"
	}
	return c.URL + "?return=" + url.QueryEscape(uri)
}

// actOn answers a request whose verdict v names a decision that is not a
// block: a throttle takes from its budget (429 past it), a challenge
// redirects a request for a page to the challenge (or is throttled where
// none can be served: an API route, a request that wants JSON, or no
// challenge URL), a log lets it through. It returns the answer, the
// redirect's Location for a challenge, and the result to count.
func (s *Service) actOn(ctx context.Context, v blocklist.Verdict, uri string, wantsJSON bool) (ans httpcheck.Answer, location, res string) {
	ok := httpcheck.Answer{Status: http.StatusOK}
	serve := s.cfg.Challenge.URL != "" && !wantsJSON && !routeAPI(s.routes, uri)
	switch blocklist.Enforced(v, serve) {
	case decision.ActionChallenge:
		return httpcheck.Answer{Status: http.StatusFound, Decision: httpcheck.DecisionID(v.Client, v.Expires)}, s.cfg.Challenge.location(uri), resultChallenged
	case decision.ActionThrottle:
		if pass, wait := s.throttle.Take(ctx, v); !pass {
			return httpcheck.ThrottleAnswer(v, wait), "", resultThrottled
		}
		return ok, "", resultThrottle
	case decision.ActionLog:
		return ok, "", resultLog
	}
	return ok, "", resultAllow
}
