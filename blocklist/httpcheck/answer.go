package httpcheck

import (
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/portcullis/portcullis/blocklist"
)

// Refusal says how a check answers the requests it refuses. Middleware
// and the decision service (package enforce) answer a verdict through
// one Refusal, so a gateway and a proxy asking the decision service give
// a client the same status, Retry-After and decision id.
type Refusal struct {
	// Status is the status of a refusal: http.StatusForbidden (the
	// default) or http.StatusTooManyRequests, which adds Retry-After.
	Status int
	// MaxRetryAfter caps Retry-After; default 1 h.
	MaxRetryAfter time.Duration
	// StaleRetryAfter is the Retry-After of a 429 by the fail mode, which
	// has no expiry: the blocklist.Checker's probe interval, after which the view
	// may be fresh again. Default 1 s.
	StaleRetryAfter time.Duration
	// Unavailable answers a refusal by the fail mode alone (a stale view
	// on a fail-closed route, no decision naming the client) as an outage
	// rather than a ban: 503, which clients retry, with Retry-After.
	Unavailable bool
}

// FailClosedID is the decision id of a refusal by the fail mode, which no
// decision is behind.
const FailClosedID = "fail-closed"

// unavailableRetryAfter is the Retry-After of a refusal by the fail mode
// answered as an outage: about the time the check takes to resync once
// Redis answers again.
const unavailableRetryAfter = "5"

// Answer is how a check answers one request.
type Answer struct {
	// Status is http.StatusOK when the request may pass, else the
	// refusal's status.
	Status int
	// RetryAfter is the Retry-After value in seconds; "" for none.
	RetryAfter string
	// Decision names the decision behind a refusal (DecisionID), or is
	// FailClosedID for a refusal by the fail mode; "" when allowed.
	Decision string
}

// Refused says the request is to be refused.
func (a Answer) Refused() bool { return a.Status != http.StatusOK }

// WithDefaults returns r with zero fields set to their defaults.
func (r Refusal) WithDefaults() Refusal {
	if r.Status == 0 {
		r.Status = http.StatusForbidden
	}
	if r.MaxRetryAfter <= 0 {
		r.MaxRetryAfter = time.Hour
	}
	if r.StaleRetryAfter <= 0 {
		r.StaleRetryAfter = time.Second
	}
	return r
}

// Answer returns the answer to a request whose verdict is v, now. A
// 429's Retry-After runs to the decision's expiry, at least 1 s and at
// most MaxRetryAfter. Take r WithDefaults. An allowed request's answer
// allocates nothing.
func (r Refusal) Answer(v blocklist.Verdict, now time.Time) Answer {
	if !v.Blocked {
		return Answer{Status: http.StatusOK}
	}
	if v.Client == "" {
		a := Answer{Status: r.Status, Decision: FailClosedID}
		if r.Unavailable {
			a.Status, a.RetryAfter = http.StatusServiceUnavailable, unavailableRetryAfter
			return a
		}
		if r.Status == http.StatusTooManyRequests {
			a.RetryAfter = retryAfterSeconds(r.StaleRetryAfter, r.MaxRetryAfter)
		}
		return a
	}
	a := Answer{Status: r.Status, Decision: DecisionID(v.Client, v.Expires)}
	if r.Status == http.StatusTooManyRequests {
		wait := r.StaleRetryAfter
		if !v.Expires.IsZero() {
			wait = v.Expires.Sub(now)
		}
		a.RetryAfter = retryAfterSeconds(wait, r.MaxRetryAfter)
	}
	return a
}

// retryAfterSeconds is wait in whole seconds, rounded up, at least 1 and
// at most limit.
func retryAfterSeconds(wait, limit time.Duration) string {
	wait = max(min(wait, limit), time.Second)
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}

// SetHeaders sets the headers of a refusal a on h: Content-Type (the
// bodies are JSON), Cache-Control: no-store, Retry-After when a has one,
// and decisionHeader, when not empty, naming the decision.
func (a Answer) SetHeaders(h http.Header, decisionHeader string) {
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if a.RetryAfter != "" {
		h.Set("Retry-After", a.RetryAfter)
	}
	if decisionHeader != "" && a.Decision != "" {
		h.Set(decisionHeader, a.Decision)
	}
}

// DecisionID names the decision about client that lapses at expires: 16
// hex digits of a hash of both, so a proxy's or gateway's log can tell
// refusals by one decision from another without holding the client's API
// key or user. A refreshed block is a new decision, with a new expiry and
// so a new id.
func DecisionID(client string, expires time.Time) string {
	h := fnv.New64a()
	h.Write([]byte(client))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(expires.UnixMilli()))
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(b[:0]))
}
