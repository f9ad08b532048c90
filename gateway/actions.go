package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/decision"
)

// Route classes (Route.Class).
const (
	// ClassBrowser: the route serves pages to people; a challenge decision
	// sends them the challenge.
	ClassBrowser = "browser"
	// ClassAPI: the route serves programs; a challenge decision throttles
	// them instead.
	ClassAPI = "api"
)

// WithChallenge sets the hook that serves challenge decisions on browser
// routes (see httpcheck.MiddlewareConfig.Challenge): it answers the
// request with the challenge and returns true, or returns false to let a
// client that passed it through. Without it, a challenge decision is
// throttled like a throttle decision.
func WithChallenge(serve func(w http.ResponseWriter, r *http.Request, v blocklist.Verdict) bool) Option {
	return func(g *Gateway) { g.challenge = serve }
}

// limits says whether action holds a client to a rate: a throttle, or a
// challenge, which is throttled where it is not served.
func limits(action string) bool {
	return action == decision.ActionThrottle || action == decision.ActionChallenge
}

// decisionThrottle is the gateway's httpcheck.Throttle: the shared rate
// limiter, keyed by the decision, so every gateway draws from one budget
// per decision; or local buckets without one, and while it fails.
type decisionThrottle struct {
	shared SharedLimiter
	local  *httpcheck.LocalThrottle
	logger *slog.Logger
}

var _ httpcheck.Throttle = (*decisionThrottle)(nil)

func newDecisionThrottle(shared SharedLimiter, logger *slog.Logger) *decisionThrottle {
	return &decisionThrottle{shared: shared, local: httpcheck.NewLocalThrottle(DefaultMaxClients), logger: logger}
}

// Take implements httpcheck.Throttle.
func (t *decisionThrottle) Take(ctx context.Context, v blocklist.Verdict) (bool, time.Duration) {
	if t.shared != nil {
		rps := blocklist.ThrottleRate(v)
		sctx, cancel := context.WithTimeout(ctx, sharedTimeout)
		ok, err := t.shared.Allow(sctx, blocklist.ThrottleKey(v), rps, blocklist.ThrottleBurst(rps))
		cancel()
		if err == nil {
			return ok, time.Duration(float64(time.Second) / rps)
		}
		t.logger.LogAttrs(ctx, slog.LevelDebug, "shared throttle failed; using the local budget", slog.Any("error", err))
	}
	return t.local.Take(ctx, v)
}

// onAction counts the requests of decisions other than a block on rt, by
// action and result, and, when checks, in the checks by result too: a
// throttle or challenge let through is allowed, one refused throttled or
// challenged (a log was counted allowed by the check already).
func (g *Gateway) onAction(rt *route, checks bool) func(action string, passed bool) {
	type key struct {
		action string
		passed bool
	}
	counters := map[key]func(){}
	for _, a := range []string{decision.ActionThrottle, decision.ActionChallenge, decision.ActionLog} {
		for _, passed := range []bool{true, false} {
			res := "passed"
			if !passed {
				res = "refused"
			}
			c := g.m.actions.WithLabelValues(rt.Name, a, res)
			var check func()
			switch {
			case !checks || a == decision.ActionLog:
			case passed:
				check = g.m.checkAllowed.Inc
			case a == decision.ActionThrottle:
				check = g.m.checks.WithLabelValues("throttled").Inc
			default:
				check = g.m.checks.WithLabelValues("challenged").Inc
			}
			counters[key{a, passed}] = func() {
				c.Inc()
				if check != nil {
					check()
				}
			}
		}
	}
	return func(action string, passed bool) {
		if f := counters[key{action, passed}]; f != nil {
			f()
		}
	}
}
