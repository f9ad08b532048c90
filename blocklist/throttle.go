package blocklist

import (
	"math"

	"github.com/portcullis/portcullis/decision"
)

// DefaultThrottleRate is the rate, in requests a second, of a throttle
// decision that carries no limit.
const DefaultThrottleRate = 1.0

// ThrottleRate returns the rate v holds its client to: its Limit, or
// DefaultThrottleRate when it has none.
func ThrottleRate(v Verdict) float64 {
	if v.Limit > 0 {
		return v.Limit
	}
	return DefaultThrottleRate
}

// ThrottleBurst returns the burst of a throttle at rps: one second of
// requests, and at least one.
func ThrottleBurst(rps float64) int {
	return max(1, int(math.Ceil(rps)))
}

// ThrottleKey returns the key of v's budget: its decision's client, so
// that every gateway sharing a limiter draws from one budget per decision.
func ThrottleKey(v Verdict) string { return "decision:" + v.Client }

// Enforced returns the action a request with verdict v gets on a route:
// the verdict's own, except that a challenge becomes a throttle where no
// challenge can be served (challenge false: an API route, a request that
// wants JSON, or no challenge configured). A block and the fail mode's
// refusal stay ActionBlock; no decision is "".
func Enforced(v Verdict, challenge bool) string {
	if v.Action == decision.ActionChallenge && !challenge {
		return decision.ActionThrottle
	}
	return v.Action
}
