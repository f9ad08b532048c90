package review

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/models"
)

// Limits of a Query.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Actions a Query filters on: enforced blocks, and blocks recorded in dry
// run. The other actions of decisions (decision.ActionThrottle,
// ActionChallenge, ActionLog) filter on the enforced decisions of each.
const (
	ActionBlock     = decision.ActionBlock
	ActionSimulated = "simulated"
)

// manualReason is the reason filter that matches blocks added by hand
// (portcullis blocklist add, Service.Block): decisions of Origin manual.
const manualReason = "manual"

// Query selects active decisions. The zero Query selects them all, a page
// of DefaultLimit at a time.
type Query struct {
	// Action is ActionBlock or another action of decision.Actions,
	// ActionSimulated, or empty for all.
	Action string
	// Reason is a signal name (a feature, payload_evidence or isolation, or "manual"); a decision matches when any
	// of its reasons is that feature.
	Reason string
	// Since keeps decisions triggered at or after it (event time).
	Since time.Time
	// Client keeps clients whose identity starts with it; Prefix, when
	// valid, keeps those whose address lies in it instead.
	Client string
	Prefix netip.Prefix
	// Limit is the page size, 1 to MaxLimit.
	Limit int
	// After continues from a page's NextCursor.
	After *Cursor
}

func (q Query) withDefaults() Query {
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	return q
}

func (q Query) matches(d *decision.Decision) bool {
	switch q.Action {
	case "":
	case ActionSimulated:
		if !d.Simulated {
			return false
		}
	default:
		if d.Simulated || d.Action != q.Action {
			return false
		}
	}
	if !q.Since.IsZero() && d.TS.Before(q.Since) {
		return false
	}
	if q.Prefix.IsValid() {
		if !prefixCovers(q.Prefix, d.Client) {
			return false
		}
	} else if !strings.HasPrefix(d.Client, q.Client) {
		return false
	}
	if q.Reason == manualReason {
		return d.Manual()
	}
	if q.Reason != "" && !slices.ContainsFunc(d.Reasons, func(r decision.Reason) bool { return r.Feature == q.Reason }) {
		return false
	}
	return true
}

// prefixCovers reports whether client, an IP address or an IPv6 prefix,
// lies in p.
func prefixCovers(p netip.Prefix, client string) bool {
	if a, err := netip.ParseAddr(client); err == nil {
		return p.Contains(a.Unmap())
	}
	if c, err := netip.ParsePrefix(client); err == nil {
		return p.Bits() <= c.Bits() && p.Contains(c.Addr())
	}
	return false
}

// ParseQuery reads a Query from URL parameters: action, reason, since
// (RFC 3339, or a duration back from now such as 15m), client (a prefix of
// the identity, or a CIDR prefix), limit and cursor. Every error wraps
// ErrBadInput and says what to send instead.
func ParseQuery(v url.Values, now time.Time) (Query, error) {
	var q Query
	for k, vs := range v {
		if !slices.Contains([]string{"action", "reason", "since", "client", "limit", "cursor"}, k) {
			return q, fmt.Errorf("%w: unknown parameter %q; use action, reason, since, client, limit or cursor", ErrBadInput, k)
		}
		if len(vs) > 1 {
			return q, fmt.Errorf("%w: parameter %q is given %d times; give it once", ErrBadInput, k, len(vs))
		}
	}
	switch a := v.Get("action"); a {
	case "", ActionSimulated, decision.ActionBlock, decision.ActionThrottle, decision.ActionChallenge, decision.ActionLog:
		q.Action = a
	default:
		return q, fmt.Errorf("%w: unknown action %q; use %s or %s", ErrBadInput, a, strings.Join(decision.Actions(), ", "), ActionSimulated)
	}
	if r := v.Get("reason"); r != "" {
		names := append(reasonNames(), manualReason)
		if !slices.Contains(names, r) {
			return q, fmt.Errorf("%w: unknown reason %q; use a signal name: %s", ErrBadInput, r, strings.Join(names, ", "))
		}
		q.Reason = r
	}
	if s := v.Get("since"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			q.Since = t
		} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
			q.Since = now.Add(-d)
		} else {
			return q, fmt.Errorf("%w: since %q is neither an RFC 3339 time (2026-03-02T09:00:00Z) nor a positive duration (15m)", ErrBadInput, s)
		}
	}
	if c := v.Get("client"); c != "" {
		if err := checkClient(c); err != nil {
			return q, err
		}
		if strings.Contains(c, "/") {
			p, err := netip.ParsePrefix(c)
			if err != nil {
				return q, fmt.Errorf("%w: client %q is not a CIDR prefix (%v); write it like 203.0.113.0/24 or 2001:db8::/32", ErrBadInput, c, err)
			}
			q.Prefix = p.Masked()
		}
		q.Client = c
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxLimit {
			return q, fmt.Errorf("%w: limit %q; give a whole number from 1 to %d", ErrBadInput, l, MaxLimit)
		}
		q.Limit = n
	}
	if c := v.Get("cursor"); c != "" {
		cur, err := ParseCursor(c)
		if err != nil {
			return q, err
		}
		q.After = &cur
	}
	return q.withDefaults(), nil
}

// Cursor marks where a page ended: the last decision on it.
type Cursor struct {
	TS     time.Time
	Client string
}

func cursorOf(d *decision.Decision) Cursor { return Cursor{TS: d.TS, Client: d.Client} }

// String encodes c for a URL.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.TS.UnixNano(), 10) + "," + c.Client))
}

// ParseCursor decodes a cursor that Cursor.String encoded.
func ParseCursor(s string) (Cursor, error) {
	bad := fmt.Errorf("%w: cursor %q is not one this API gave; start again without it", ErrBadInput, s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	ns, client, ok := strings.Cut(string(b), ",")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || checkClient(client) != nil {
		return Cursor{}, bad
	}
	return Cursor{TS: time.Unix(0, n).UTC(), Client: client}, nil
}

// before reports whether c comes before d in page order: newest first,
// then by client, descending.
func (c *Cursor) before(d *decision.Decision) bool {
	if !d.TS.Equal(c.TS) {
		return d.TS.Before(c.TS)
	}
	return d.Client < c.Client
}

// reasonNames are the names a decision's reasons can carry: the model's
// signals and the campaign channels' endpoint counts.
func reasonNames() []string {
	return append(models.SignalNames(), campaign.Features()...)
}
