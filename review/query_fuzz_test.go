package review

import (
	"errors"
	"net/url"
	"testing"
	"time"
)

// FuzzParseQuery feeds raw query strings to ParseQuery: it must not panic,
// every error must be ErrBadInput (a 400 for the caller), and a cursor it
// accepts must survive a round trip through its string form.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "action=block", "reason=rate&since=15m", "since=2026-03-02T09:00:00Z", "client=203.0.113.0/24&limit=50",
		"client=2001:db8::/64", "limit=0", "limit=501", "cursor=MTc5NTYzODQ0MTQ5NjY5ODMxNCw1MS44OS44Mi40Mg",
		"action=block&action=simulated", "bogus=1", "since=-5m", "cursor=%%%",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v, now)
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("ParseQuery(%q) = %v; want an error wrapping ErrBadInput", raw, err)
			}
			return
		}
		if q.After != nil {
			back, err := ParseCursor(q.After.String())
			if err != nil || !back.TS.Equal(q.After.TS) || back.Client != q.After.Client {
				t.Fatalf("cursor %+v does not round-trip: %+v, %v", q.After, back, err)
			}
		}
	})
}
