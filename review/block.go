package review

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
)

// ErrRefused says the store did not block the client: it is allowlisted,
// the breaker is open, or the cap on active decisions is reached. The
// error names which.
var ErrRefused = errors.New("refused by the blocklist")

// Blocker is a Store that also takes decisions: a *redisstore.Store.
type Blocker interface {
	Store
	Apply(ctx context.Context, ds []*decision.Decision) ([]blocklist.Outcome, error)
}

// Block blocks client by hand for ttl, with note saying why: a decision
// with Origin manual, stored through the same store and policy as the
// detector's (allowlist, breaker, cap, escalation, jitter). client must be
// written as requests name it: a canonical IP address, a canonical IPv6
// /64, or an API key or user of printable ASCII without spaces. It returns
// what the store did; a refusal is an error wrapping ErrRefused. The store
// must be a Blocker. The verdict is recorded (verdict.go); an error
// wrapping ErrVerdictNotRecorded says the client was blocked but it was
// not.
func (s *Service) Block(ctx context.Context, client string, ttl time.Duration, note string) (blocklist.Outcome, error) {
	return s.Decide(ctx, Manual{Client: client, TTL: ttl, Note: note})
}

// Manual is a decision an operator takes by hand.
type Manual struct {
	// Client is written as requests name it (see ManualScope).
	Client string
	TTL    time.Duration
	// Note says why.
	Note string
	// Action is the decision's action (decision.Actions); empty is a
	// block. Limit is the rate, in requests a second, of a throttle or a
	// challenge (default blocklist.DefaultThrottleRate); other actions
	// take none.
	Action string
	Limit  float64
}

// Decide is Block with an action of the operator's choosing: a block, a
// throttle at a rate, a challenge, or a log. A decision about a client
// that has one replaces its action (its block is not shortened).
func (s *Service) Decide(ctx context.Context, m Manual) (blocklist.Outcome, error) {
	b, ok := s.store.(Blocker)
	if !ok {
		return blocklist.Outcome{}, errors.New("review: block: this store does not take decisions")
	}
	if m.TTL < time.Second {
		return blocklist.Outcome{}, fmt.Errorf("review: %w: a TTL of %v; give 1s or more", ErrBadInput, m.TTL)
	}
	scope, err := ManualScope(m.Client)
	if err != nil {
		return blocklist.Outcome{}, err
	}
	action, limit, err := manualAction(m.Action, m.Limit)
	if err != nil {
		return blocklist.Outcome{}, err
	}
	client := m.Client
	d := &decision.Decision{Client: client, Scope: scope, TS: s.now().UTC(), Action: action, Limit: limit,
		TTLSec: int64(m.TTL / time.Second), Origin: decision.OriginManual, Note: m.Note, Reasons: []decision.Reason{}}
	out, err := b.Apply(ctx, []*decision.Decision{d})
	if err != nil {
		return blocklist.Outcome{}, fmt.Errorf("review: block %s: %w", client, err)
	}
	o := out[0]
	if o.Result != blocklist.Stored && o.Result != blocklist.Simulated {
		return o, fmt.Errorf("review: block %s: %w: %s", client, ErrRefused, o.Result)
	}
	d.TTLSec = int64(o.TTL.Round(time.Second) / time.Second)
	return o, s.record(ctx, "blocked "+client, s.verdict(ctx, decision.VerdictBlock, client, d, s.now()))
}

// manualAction checks an operator's action and limit, and returns them
// with their defaults.
func manualAction(action string, limit float64) (string, float64, error) {
	if action == "" {
		action = decision.ActionBlock
	}
	if err := decision.CheckAction(action); err != nil {
		return "", 0, fmt.Errorf("review: %w: %w", ErrBadInput, err)
	}
	limited := action == decision.ActionThrottle || action == decision.ActionChallenge
	switch {
	case !(limit >= 0) || math.IsInf(limit, 0):
		return "", 0, fmt.Errorf("review: %w: limit %v: give a rate in requests a second above 0", ErrBadInput, limit)
	case limit > 0 && !limited:
		return "", 0, fmt.Errorf("review: %w: limit %v: only a throttle or a challenge holds a client to a rate; leave it out of a %s", ErrBadInput, limit, action)
	case limited && limit == 0:
		limit = blocklist.DefaultThrottleRate
	}
	return action, limit, nil
}

// ManualScope returns the scope of a client blocked by hand, and an error
// wrapping ErrBadInput when the client is not written as requests name
// it: 127.0.0.008 or 0:0:0:0:0:0:0:1 would block nothing, or one spelling
// of a client beside another. A prefix must be an IPv6 /64.
func ManualScope(client string) (string, error) {
	bad := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("review: %w: %s", ErrBadInput, fmt.Sprintf(format, args...))
	}
	if strings.Contains(client, "/") {
		p, err := netip.ParsePrefix(client)
		if err != nil || !p.Addr().Is6() || p.Bits() != 64 || p.Addr().Is4In6() {
			return bad("%q: a prefix must be an IPv6 /64 such as 2001:db8:1:2::/64; block an IPv4 address by itself", client)
		}
		if c := p.Masked().String(); c != client {
			return bad("%q is not in canonical form; write %s", client, c)
		}
		return decision.ScopeIPv6Prefix64, nil
	}
	if strings.Contains(client, ":") || strings.Trim(client, "0123456789.") == "" {
		a, err := netip.ParseAddr(client)
		if err != nil || a.Zone() != "" {
			return bad("%q is not an IP address (such as 203.0.113.7 or 2001:db8::1)", client)
		}
		if c := a.Unmap().String(); c != client {
			return bad("%q is not in canonical form; write %s", client, c)
		}
		return decision.ScopeIP, nil
	}
	printable := true
	for i := 0; i < len(client); i++ {
		if c := client[i]; c <= ' ' || c > 0x7e {
			printable = false
		}
	}
	if len(client) > maxClient || !printable {
		return bad("%q: an API key id or user is at most %d printable characters without spaces", client, maxClient)
	}
	return decision.ScopeAPIKey, nil
}
