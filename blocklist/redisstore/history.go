package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
)

// The two history streams, S+"decisions" and S+"verdicts", keep about this
// many entries each (XADD MAXLEN ~): the newest decisions the blocklist
// stored, and the newest operators' verdicts. A decision is about 0.5 KiB,
// so each stream holds up to about 50 MiB; portcullis report says how far
// back they reach.
const (
	DecisionHistoryLen = 100_000
	VerdictHistoryLen  = 100_000
)

// StoredDecision is a decision of the history, with when the blocklist
// stored it (by the Redis clock).
type StoredDecision struct {
	*decision.Decision
	Stored time.Time `json:"stored"`
}

// recordHistory adds the decisions that out says were new blocks to the
// decisions stream, in one round trip. It is best effort: the decisions
// are stored and enforced already, so a failure is logged (and counted
// with the store's errors), not returned.
func (r *Store) recordHistory(ctx context.Context, ds []*decision.Decision, out []blocklist.Outcome) {
	var p redis.Pipeliner
	for i, o := range out {
		if !o.New || (o.Result != blocklist.Stored && o.Result != blocklist.Simulated) {
			continue
		}
		d := *ds[i]
		d.TTLSec = int64(math.Ceil(o.TTL.Seconds()))
		d.Simulated = r.cfg.DryRun
		b, err := json.Marshal(&d)
		if err != nil {
			continue // Apply marshalled it already
		}
		if p == nil {
			p = r.c.Pipeline()
		}
		p.XAdd(ctx, &redis.XAddArgs{Stream: r.space + "decisions", MaxLen: DecisionHistoryLen, Approx: true, Values: []any{"d", b}})
	}
	if p == nil {
		return
	}
	if _, err := p.Exec(ctx); err != nil {
		r.logger.LogAttrs(ctx, slog.LevelWarn, "decisions stored, but not added to the decisions history (portcullis report will miss them)",
			slog.Any("error", err))
	}
}

// RecordVerdicts adds operators' verdicts to the verdicts stream, in one
// round trip.
func (r *Store) RecordVerdicts(ctx context.Context, vs []decision.Verdict) error {
	if len(vs) == 0 {
		return nil
	}
	p := r.c.Pipeline()
	for i := range vs {
		b, err := json.Marshal(&vs[i])
		if err != nil {
			return fmt.Errorf("blocklist: verdict about %q: %w", vs[i].Client, err)
		}
		p.XAdd(ctx, &redis.XAddArgs{Stream: r.space + "verdicts", MaxLen: VerdictHistoryLen, Approx: true, Values: []any{"v", b}})
	}
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("blocklist: redis record %d verdicts: %w", len(vs), err)
	}
	return nil
}

// Verdicts returns the verdicts recorded since since, oldest first, and
// when the oldest entry the stream still holds was added (zero when it is
// empty), so a caller can say how far back it reaches.
func (r *Store) Verdicts(ctx context.Context, since time.Time) ([]decision.Verdict, time.Time, error) {
	var out []decision.Verdict
	oldest, err := r.readStream(ctx, r.space+"verdicts", "v", since, func(b []byte, _ time.Time) error {
		var v decision.Verdict
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if v.Decision != nil {
			v.Decision.FillOrigin()
		}
		out = append(out, v)
		return nil
	})
	return out, oldest, err
}

// DecisionHistory returns the new blocks stored since since, oldest first,
// and when the oldest entry the stream still holds was added (zero when
// it is empty).
func (r *Store) DecisionHistory(ctx context.Context, since time.Time) ([]StoredDecision, time.Time, error) {
	var out []StoredDecision
	oldest, err := r.readStream(ctx, r.space+"decisions", "d", since, func(b []byte, at time.Time) error {
		d := new(decision.Decision)
		if err := json.Unmarshal(b, d); err != nil {
			return err
		}
		d.FillOrigin()
		out = append(out, StoredDecision{Decision: d, Stored: at})
		return nil
	})
	return out, oldest, err
}

// streamPage is how many entries one XRANGE reads.
const streamPage = 1000

// readStream calls each with the field of every entry of stream added
// since since, oldest first, and returns when the stream's oldest entry
// was added. An entry that does not decode is an error naming its id.
func (r *Store) readStream(ctx context.Context, stream, field string, since time.Time, each func(b []byte, at time.Time) error) (time.Time, error) {
	var oldest time.Time
	first, err := r.c.XRangeN(ctx, stream, "-", "+", 1).Result()
	if err != nil {
		return oldest, fmt.Errorf("blocklist: redis read %s: %w", stream, err)
	}
	if len(first) == 0 {
		return oldest, nil
	}
	oldest, _ = streamTime(first[0].ID)
	start := strconv.FormatInt(max(since.UnixMilli(), 0), 10) + "-0"
	for {
		page, err := r.c.XRangeN(ctx, stream, start, "+", streamPage).Result()
		if err != nil {
			return oldest, fmt.Errorf("blocklist: redis read %s: %w", stream, err)
		}
		for _, m := range page {
			at, err := streamTime(m.ID)
			if err != nil {
				return oldest, fmt.Errorf("blocklist: %s entry %s: %w", stream, m.ID, err)
			}
			s, _ := m.Values[field].(string)
			if err := each([]byte(s), at); err != nil {
				return oldest, fmt.Errorf("blocklist: %s entry %s: %w; is another portcullis version writing to key_prefix %q?", stream, m.ID, err, r.cfg.KeyPrefix)
			}
		}
		if len(page) < streamPage {
			return oldest, nil
		}
		start = "(" + page[len(page)-1].ID
	}
}

// streamTime is the time of a stream entry id, "<ms>-<seq>".
func streamTime(id string) (time.Time, error) {
	ms, _, _ := strings.Cut(id, "-")
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("entry id %q is not <ms>-<seq>", id)
	}
	return time.UnixMilli(n).UTC(), nil
}
