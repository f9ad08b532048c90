// Package feedback is what operators' verdicts are used for outside the
// blocklist: "portcullis feedback export" writes them as labels for
// training, and "portcullis report" sets them against the decisions of a
// period to say how often, how fast and for which reasons operators
// reversed the detector.
//
// Both read the Redis streams the blocklist keeps (redisstore): S+"verdicts"
// (recorded by the review service on every unblock, allowlist entry and
// manual block) and S+"decisions" (every new block).
package feedback

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
)

// Source is where verdicts and decisions are read: a *redisstore.Store.
type Source interface {
	Verdicts(ctx context.Context, since time.Time) ([]decision.Verdict, time.Time, error)
	DecisionHistory(ctx context.Context, since time.Time) ([]redisstore.StoredDecision, time.Time, error)
}

var _ Source = (*redisstore.Store)(nil)

// Export writes the verdicts recorded since since to w, one JSON object
// per line in the shape of decision.Verdict, oldest first, and returns how
// many it wrote.
func Export(ctx context.Context, src Source, w io.Writer, since time.Time) (int, error) {
	vs, _, err := src.Verdicts(ctx, since)
	if err != nil {
		return 0, err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range vs {
		if err := enc.Encode(&vs[i]); err != nil {
			return i, fmt.Errorf("feedback: write verdicts: %w", err)
		}
	}
	return len(vs), nil
}

// ParseSince reads a --since value: a Go duration (36h, 90m) or a number
// of days (7d), back from now; or an RFC 3339 time.
func ParseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err == nil && n > 0 && n <= 3660 {
			return now.Add(-time.Duration(n * 24 * float64(time.Hour))), nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: give a period back from now (7d, 36h, 90m) or an RFC 3339 time", s)
}
