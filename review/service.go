package review

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
)

// Errors that callers check with errors.Is.
var (
	// ErrBadInput is wrapped by every error about the caller's input: a
	// malformed client, allowlist entry or query.
	ErrBadInput = errors.New("bad input")
	// ErrNotBlocked says the client has no active decision.
	ErrNotBlocked = errors.New("not blocked")
	// ErrNotAllowlisted says the entry is not on the allowlist.
	ErrNotAllowlisted = errors.New("not on the allowlist")
)

// Store is the blocklist as the review sees it: a *redisstore.Store.
type Store interface {
	List(ctx context.Context) (blocklist.Snapshot, error)
	Get(ctx context.Context, client string) (*decision.Decision, error)
	Expiry(ctx context.Context, client string) (time.Time, bool, error)
	Remove(ctx context.Context, client string) (bool, error)
	Allow(ctx context.Context, entry string) error
	Unallow(ctx context.Context, entry string) error
	Allowlist(ctx context.Context) ([]string, error)
}

var _ Store = (*redisstore.Store)(nil)

// HistorySource holds the recent judgements of clients: a detector.History
// in the detector. Judgements returns nil for a client it knows nothing
// about.
type HistorySource interface {
	Judgements(client string) []detector.Judgement
}

var _ HistorySource = (*detector.History)(nil)

// Service lists the active decisions and changes the blocklist on an
// operator's behalf. It is safe for concurrent use.
type Service struct {
	store     Store
	history   HistorySource
	now       func() time.Time
	onVerdict func(decision.Verdict) // see OnVerdict (verdict.go)
}

// NewService returns a Service over store. history may be nil: decisions
// then come without recent judgements (the CLI has none).
func NewService(store Store, history HistorySource) *Service {
	return &Service{store: store, history: history, now: time.Now}
}

// Item is an active decision in the design's decisions shape, with when it
// lapses.
type Item struct {
	*decision.Decision
	// Expires is when the block lapses, by the store's clock.
	Expires time.Time `json:"expires"`
	// TTLLeftSec is how many seconds of the block are left.
	TTLLeftSec int64 `json:"ttl_left_s"`
	// SinceOnsetSec is how many seconds ago the event that triggered the
	// decision happened (event time).
	SinceOnsetSec int64 `json:"since_onset_s"`
}

// Page is one page of the decisions a Query matches, newest first.
type Page struct {
	Items []Item `json:"items"`
	// Total is how many active decisions match the query, on every page.
	Total int `json:"total"`
	// NextCursor, when not empty, fetches the next page.
	NextCursor string `json:"next_cursor,omitempty"`
	// Version is the blocklist version the page was read at.
	Version uint64 `json:"version"`
}

// Detail is an active decision with the client's recent judgements.
type Detail struct {
	Item
	// History holds the detector's latest judgements of the client, oldest
	// first: empty when this detector has not judged it lately (another
	// detector of the group may own it, or it was blocked by hand).
	History []detector.Judgement `json:"history"`
}

func (s *Service) item(d *decision.Decision, exp, now time.Time) Item {
	return Item{
		Decision:      d,
		Expires:       exp.UTC(),
		TTLLeftSec:    max(0, int64(exp.Sub(now).Round(time.Second)/time.Second)),
		SinceOnsetSec: max(0, int64(now.Sub(d.TS)/time.Second)),
	}
}

// List returns the page of active decisions that q selects, newest first.
func (s *Service) List(ctx context.Context, q Query) (Page, error) {
	q = q.withDefaults()
	snap, err := s.store.List(ctx)
	if err != nil {
		return Page{}, fmt.Errorf("review: list decisions: %w", err)
	}
	now := s.now()
	p := Page{Items: []Item{}, Version: snap.Version}
	// The snapshot is in event-time order; pages go newest first.
	for i := len(snap.Decisions) - 1; i >= 0; i-- {
		d := snap.Decisions[i]
		if !q.matches(d) {
			continue
		}
		p.Total++
		if q.After != nil && !q.After.before(d) {
			continue
		}
		if len(p.Items) == q.Limit {
			if p.NextCursor == "" {
				p.NextCursor = cursorOf(p.Items[len(p.Items)-1].Decision).String()
			}
			continue
		}
		p.Items = append(p.Items, s.item(d, snap.Expires[i], now))
	}
	return p, nil
}

// Get returns the active decision about client with its recent
// judgements. It returns an error wrapping ErrNotBlocked when there is
// none.
func (s *Service) Get(ctx context.Context, client string) (Detail, error) {
	if err := checkClient(client); err != nil {
		return Detail{}, err
	}
	d, err := s.store.Get(ctx, client)
	if err != nil {
		return Detail{}, fmt.Errorf("review: get %s: %w", client, err)
	}
	if d == nil {
		return Detail{}, fmt.Errorf("review: %s: %w", client, ErrNotBlocked)
	}
	exp, ok, err := s.store.Expiry(ctx, client)
	if err != nil {
		return Detail{}, fmt.Errorf("review: get %s: %w", client, err)
	}
	if !ok { // it lapsed or was removed between the two reads
		return Detail{}, fmt.Errorf("review: %s: %w", client, ErrNotBlocked)
	}
	det := Detail{Item: s.item(d, exp, s.now()), History: []detector.Judgement{}}
	if s.history != nil {
		if js := s.history.Judgements(client); js != nil {
			det.History = js
		}
	}
	return det, nil
}

// Unblock removes the block on client and forgets its offenses, and
// records the verdict with the decision it reverses (verdict.go). It
// returns an error wrapping ErrNotBlocked when client was not blocked, and
// one wrapping ErrVerdictNotRecorded when it was unblocked but the verdict
// was not recorded.
func (s *Service) Unblock(ctx context.Context, client string) error {
	if err := checkClient(client); err != nil {
		return err
	}
	// The decision as stored, for the verdict; read before it goes.
	d, err := s.store.Get(ctx, client)
	if err != nil {
		return fmt.Errorf("review: unblock %s: %w", client, err)
	}
	var exp time.Time
	if d != nil {
		if exp, _, err = s.store.Expiry(ctx, client); err != nil {
			return fmt.Errorf("review: unblock %s: %w", client, err)
		}
	}
	ok, err := s.store.Remove(ctx, client)
	if err != nil {
		return fmt.Errorf("review: unblock %s: %w", client, err)
	}
	if !ok {
		return fmt.Errorf("review: unblock %s: %w", client, ErrNotBlocked)
	}
	return s.record(ctx, "unblocked "+client, s.verdict(ctx, decision.VerdictUnblock, client, d, storedAt(d, exp)))
}

// Allow adds entry to the allowlist: an IP address, a CIDR prefix, or an
// exact identity such as an API key. Active blocks it covers are lifted;
// a verdict is recorded for each, or one for the entry when it lifted
// none (an error wrapping ErrVerdictNotRecorded says the entry was added
// but they were not).
func (s *Service) Allow(ctx context.Context, entry string) error {
	return s.allow(ctx, entry, false)
}

// AllowAll is Allow that takes a prefix of every address too (0.0.0.0/0,
// ::/0), which lifts every block of its family: Allow refuses one.
func (s *Service) AllowAll(ctx context.Context, entry string) error {
	return s.allow(ctx, entry, true)
}

// ErrAllowsEverything is wrapped by the error of Allow for an entry that
// covers every address of its family.
var ErrAllowsEverything = errors.New("the entry covers every address, so it would lift every block")

// CoversEverything says whether the allowlist entry e is a prefix of every
// IPv4 or every IPv6 address.
func CoversEverything(e string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(e))
	return err == nil && p.Bits() == 0
}

func (s *Service) allow(ctx context.Context, entry string, all bool) error {
	entry = strings.TrimSpace(entry)
	if err := checkClient(entry); err != nil {
		return err
	}
	if err := decision.ValidateAllowEntry(entry); err != nil {
		return fmt.Errorf("review: %w: %w", ErrBadInput, err)
	}
	if !all && CoversEverything(entry) {
		return fmt.Errorf("review: %w: %s: %w; if that is what you want, force it (--force, or \"force\": true)", ErrBadInput, entry, ErrAllowsEverything)
	}
	lifted, err := s.lifted(ctx, entry)
	if err != nil {
		return fmt.Errorf("review: allow %s: %w", entry, err)
	}
	if err := s.store.Allow(ctx, entry); err != nil {
		return fmt.Errorf("review: allow %s: %w", entry, err)
	}
	var vs []decision.Verdict
	for _, l := range lifted {
		v := s.verdict(ctx, decision.VerdictAllow, l.d.Client, l.d, storedAt(l.d, l.exp))
		v.Entry = entry
		vs = append(vs, v)
	}
	if len(vs) == 0 {
		v := s.verdict(ctx, decision.VerdictAllow, entry, nil, time.Time{})
		v.Entry = entry
		vs = append(vs, v)
	}
	return s.record(ctx, "allowlisted "+entry, vs...)
}

// liftedDecision is an active decision an allowlist entry lifts.
type liftedDecision struct {
	d   *decision.Decision
	exp time.Time
}

// lifted returns the active decisions the allowlist entry e (validated)
// covers, as stored, for the verdicts of Allow. An address or an identity
// covers one client, read alone; a prefix may cover any, so the
// decisions are listed.
func (s *Service) lifted(ctx context.Context, e string) ([]liftedDecision, error) {
	al, err := decision.ParseAllowlist([]string{e})
	if err != nil {
		return nil, err
	}
	var out []liftedDecision
	if !strings.Contains(e, "/") {
		client := e
		if a, err := netip.ParseAddr(e); err == nil {
			client = a.Unmap().WithZone("").String()
		}
		d, err := s.store.Get(ctx, client)
		if err != nil || d == nil {
			return nil, err
		}
		exp, _, err := s.store.Expiry(ctx, client)
		if err != nil {
			return nil, err
		}
		return append(out, liftedDecision{d, exp}), nil
	}
	snap, err := s.store.List(ctx)
	if err != nil {
		return nil, err
	}
	for i, d := range snap.Decisions {
		if al.Covers(d.Client) {
			out = append(out, liftedDecision{d, snap.Expires[i]})
		}
	}
	return out, nil
}

// Unallow removes entry from the allowlist. It returns an error wrapping
// ErrNotAllowlisted when the entry was not there.
func (s *Service) Unallow(ctx context.Context, entry string) error {
	entry = strings.TrimSpace(entry)
	if err := checkClient(entry); err != nil {
		return err
	}
	es, err := s.store.Allowlist(ctx)
	if err != nil {
		return fmt.Errorf("review: unallow %s: %w", entry, err)
	}
	if _, found := slices.BinarySearch(es, entry); !found {
		return fmt.Errorf("review: unallow %s: %w", entry, ErrNotAllowlisted)
	}
	if err := s.store.Unallow(ctx, entry); err != nil {
		return fmt.Errorf("review: unallow %s: %w", entry, err)
	}
	return nil
}

// Allowlist returns the allowlist entries, sorted. The caller owns the
// slice.
func (s *Service) Allowlist(ctx context.Context) ([]string, error) {
	es, err := s.store.Allowlist(ctx)
	if err != nil {
		return nil, fmt.Errorf("review: allowlist: %w", err)
	}
	if es == nil {
		es = []string{}
	}
	return es, nil
}

// maxClient is the longest client identity or allowlist entry accepted.
const maxClient = 256

// checkClient reports whether s can name a client or an allowlist entry:
// not empty, not too long, and free of spaces and control characters.
func checkClient(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("review: %w: the client is empty; give an IP address, a CIDR prefix, an API key or a user", ErrBadInput)
	case len(s) > maxClient:
		return fmt.Errorf("review: %w: the client is %d bytes long; the limit is %d", ErrBadInput, len(s), maxClient)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("review: %w: the client %q holds a space, a control character or invalid UTF-8", ErrBadInput, s)
		}
	}
	return nil
}
