package enforce

import (
	"strings"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
)

// Results of a check, the values of the result label of
// portcullis_enforce_checks_total.
const (
	resultAllow      = "allow"       // no block applies
	resultBlock      = "block"       // a decision applies
	resultFailOpen   = "fail_open"   // the view is stale, and the fail mode lets the request through
	resultFailClosed = "fail_closed" // the view is stale, and the fail mode refuses the request
)

// FailClosedID is the decision header's value on a refusal by the fail
// mode, which no decision is behind: httpcheck.FailClosedID.
const FailClosedID = httpcheck.FailClosedID

// DecisionID names the decision about client that lapses at expires, as
// the decision header does: httpcheck.DecisionID.
func DecisionID(client string, expires time.Time) string {
	return httpcheck.DecisionID(client, expires)
}

func result(v blocklist.Verdict) string {
	switch {
	case v.Blocked && v.Client != "":
		return resultBlock
	case v.Blocked:
		return resultFailClosed
	case v.Stale:
		return resultFailOpen
	}
	return resultAllow
}

// Route classes (Route.Class).
const (
	classAPI     = "api"
	classBrowser = "browser"
)

// route is a Route, parsed.
type route struct {
	prefix string
	mode   blocklist.FailMode
	api    bool
}

// routeMode returns the fail mode of the longest route prefix of uri, or
// zero (the configured one) when none matches. routes are sorted longest
// first.
func routeMode(routes []route, uri string) blocklist.FailMode {
	for _, r := range routes {
		if strings.HasPrefix(uri, r.prefix) {
			return r.mode
		}
	}
	return 0
}
