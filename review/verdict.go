package review

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
)

// VerdictLog keeps operators' verdicts: a *redisstore.Store. A Service
// whose store is one records a verdict for every unblock, allowlist entry
// and manual block.
type VerdictLog interface {
	RecordVerdicts(ctx context.Context, vs []decision.Verdict) error
}

var _ VerdictLog = (*redisstore.Store)(nil)

// ErrVerdictNotRecorded is wrapped by the error of an unblock, an allow or
// a block that was done but whose verdict could not be recorded: the
// blocklist changed, the verdicts stream missed it.
var ErrVerdictNotRecorded = errors.New("the verdict was not recorded")

// Paths a verdict comes by (decision.Verdict.Via).
const (
	ViaAPI  = "api"
	ViaPage = "page"
	ViaCLI  = "cli"
)

type actorKey struct{}

type actor struct{ via, by string }

// WithActor returns ctx saying who acts on the blocklist, for the verdicts
// a Service records: the path (ViaAPI, ViaPage, ViaCLI) and who on it.
func WithActor(ctx context.Context, via, by string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor{via: via, by: by})
}

// OnVerdict sets f to be called with every verdict recorded, for metrics.
// Set it before the Service is used.
func (s *Service) OnVerdict(f func(decision.Verdict)) { s.onVerdict = f }

// verdict returns a verdict of kind about client, made now by the actor of
// ctx. d is the decision it reverses or makes (nil for none), stored at
// stored.
func (s *Service) verdict(ctx context.Context, kind, client string, d *decision.Decision, stored time.Time) decision.Verdict {
	v := decision.Verdict{Kind: kind, Label: decision.LabelBenign, Client: client, At: s.now().UTC(), Decision: d}
	if kind == decision.VerdictBlock {
		v.Label = decision.LabelAttack
	}
	if d != nil && !stored.IsZero() {
		v.Stored = stored.UTC()
	}
	if a, ok := ctx.Value(actorKey{}).(actor); ok {
		v.Via, v.By = a.via, a.by
	}
	return v
}

// storedAt is when a decision expiring at exp was stored: exp less its
// TTL, to the second the TTL is written in.
func storedAt(d *decision.Decision, exp time.Time) time.Time {
	if d == nil || exp.IsZero() {
		return time.Time{}
	}
	return exp.Add(-time.Duration(d.TTLSec) * time.Second)
}

// record records vs when the store keeps verdicts. done says what was
// done, for the error: the change stands whatever happens here.
func (s *Service) record(ctx context.Context, done string, vs ...decision.Verdict) error {
	log, ok := s.store.(VerdictLog)
	if !ok || len(vs) == 0 {
		return nil
	}
	if err := log.RecordVerdicts(ctx, vs); err != nil {
		return fmt.Errorf("review: %s, but %w: %w", done, ErrVerdictNotRecorded, err)
	}
	if s.onVerdict != nil {
		for _, v := range vs {
			s.onVerdict(v)
		}
	}
	return nil
}
