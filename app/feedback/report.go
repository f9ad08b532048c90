package feedback

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/portcullis/portcullis/app/blocklistctl"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
)

// Summary is what portcullis report prints: the decisions of a period by
// action and reason, and how operators judged them.
type Summary struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// HistoryFrom is when the oldest decision the history still holds
	// was stored, when that is after From: older ones were trimmed, and
	// the counts start there. Zero otherwise.
	HistoryFrom time.Time `json:"history_from,omitzero"`
	// Decisions counts the new blocks of the period; Manual those an
	// operator took, Detector the others.
	Decisions int `json:"decisions"`
	Manual    int `json:"manual"`
	Detector  int `json:"detector"`
	// ByReason counts the decisions by action and main reason, with how
	// many of each were reversed, most first.
	ByReason []ReasonCount `json:"by_reason"`
	// Reversed is how many of the detector's decisions of the period an
	// operator reversed (unblocked, or allowlisted the client), and
	// ReversedShare that over Detector (0 with none).
	Reversed      int     `json:"reversed"`
	ReversedShare float64 `json:"reversed_share"`
	// MedianToReversal is the median time from a reversed decision's
	// storing to its reversal; 0 with none.
	MedianToReversal time.Duration `json:"median_to_reversal_ns"`
	// TopReversedReasons are the main reasons of the reversed decisions,
	// most first.
	TopReversedReasons []ReasonCount `json:"top_reversed_reasons"`
	// Verdicts counts the period's verdicts by kind; Entries is how many
	// allow verdicts lifted no decision (an allowlist entry alone).
	Verdicts map[string]int `json:"verdicts"`
	Entries  int            `json:"allow_entries_without_decision"`
}

// ReasonCount is a count of decisions with one action and main reason
// (decision.Decision.MainReason).
type ReasonCount struct {
	Action   string `json:"action"`
	Reason   string `json:"reason"`
	Count    int    `json:"count"`
	Reversed int    `json:"reversed"`
}

// Summarize sets the verdicts against the decisions stored from from to
// to. A verdict counts as a reversal of the period when it lifts a
// detector's decision stored within it; one decision reversed twice (an
// unblock, then an allowlist entry of a re-stored block) counts once.
func Summarize(ds []redisstore.StoredDecision, vs []decision.Verdict, from, to time.Time) Summary {
	s := Summary{From: from.UTC(), To: to.UTC(), Verdicts: map[string]int{}}
	type key struct{ action, reason string }
	counts := map[key]*ReasonCount{}
	count := func(d *decision.Decision) *ReasonCount {
		k := key{d.Action, d.MainReason()}
		c := counts[k]
		if c == nil {
			c = &ReasonCount{Action: k.action, Reason: k.reason}
			counts[k] = c
		}
		return c
	}
	for _, d := range ds {
		if d.Stored.Before(from) || d.Stored.After(to) {
			continue
		}
		s.Decisions++
		if d.Manual() {
			s.Manual++
		} else {
			s.Detector++
		}
		count(d.Decision).Count++
	}
	type reversal struct {
		client string
		stored int64 // seconds: the verdict's Stored is exact to the second
	}
	seen := map[reversal]bool{}
	var waits []time.Duration
	reasons := map[string]int{}
	for _, v := range vs {
		if v.At.Before(from) || v.At.After(to) {
			continue
		}
		s.Verdicts[v.Kind]++
		if v.Kind == decision.VerdictAllow && v.Decision == nil {
			s.Entries++
		}
		if !v.Reverses() || v.Stored.Before(from.Add(-time.Second)) {
			continue
		}
		r := reversal{v.Decision.Client, v.Stored.Unix()}
		if seen[r] || seen[reversal{r.client, r.stored - 1}] || seen[reversal{r.client, r.stored + 1}] {
			continue
		}
		seen[r] = true
		s.Reversed++
		count(v.Decision).Reversed++
		reasons[v.Decision.MainReason()]++
		waits = append(waits, max(0, v.At.Sub(v.Stored)))
	}
	if s.Detector > 0 || s.Reversed > 0 {
		s.ReversedShare = float64(s.Reversed) / float64(max(s.Detector, s.Reversed))
	}
	if len(waits) > 0 {
		slices.Sort(waits)
		s.MedianToReversal = waits[len(waits)/2]
		if len(waits)%2 == 0 {
			s.MedianToReversal = (waits[len(waits)/2-1] + waits[len(waits)/2]) / 2
		}
	}
	for _, c := range counts {
		s.ByReason = append(s.ByReason, *c)
	}
	slices.SortFunc(s.ByReason, func(a, b ReasonCount) int {
		return cmp.Or(b.Count-a.Count, b.Reversed-a.Reversed, cmp.Compare(a.Action, b.Action), cmp.Compare(a.Reason, b.Reason))
	})
	for r, n := range reasons {
		s.TopReversedReasons = append(s.TopReversedReasons, ReasonCount{Action: decision.ActionBlock, Reason: r, Count: n, Reversed: n})
	}
	slices.SortFunc(s.TopReversedReasons, func(a, b ReasonCount) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Reason, b.Reason)) })
	return s
}

// Report reads the decisions and verdicts stored since from and writes
// their Summary to w: as text for a person, or as one JSON object.
func Report(ctx context.Context, src Source, w io.Writer, from, now time.Time, asJSON bool) error {
	ds, oldest, err := src.DecisionHistory(ctx, from)
	if err != nil {
		return err
	}
	vs, _, err := src.Verdicts(ctx, from)
	if err != nil {
		return err
	}
	s := Summarize(ds, vs, from, now)
	if oldest.After(from) {
		s.HistoryFrom = oldest.UTC()
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(&s)
	}
	return WriteText(w, &s)
}

// WriteText writes s for a person. Reasons come from the store, so they
// are escaped.
func WriteText(w io.Writer, s *Summary) error {
	const day = "2006-01-02 15:04"
	fmt.Fprintf(w, "from %s to %s UTC\n", s.From.Format(day), s.To.Format(day))
	if !s.HistoryFrom.IsZero() {
		fmt.Fprintf(w, "the decisions history reaches back to %s only: older decisions were trimmed (it keeps the newest %d)\n",
			s.HistoryFrom.Format(day), redisstore.DecisionHistoryLen)
	}
	fmt.Fprintf(w, "%d blocks: %d by the detector, %d by operators\n\n", s.Decisions, s.Detector, s.Manual)
	if len(s.ByReason) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ACTION\tREASON\tDECISIONS\tREVERSED")
		for _, c := range s.ByReason {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", blocklistctl.EscapeText(c.Action), blocklistctl.EscapeText(c.Reason), c.Count, c.Reversed)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "reversed by an operator: %d of %d detector blocks (%s)\n", s.Reversed, s.Detector, percent(s.ReversedShare))
	if s.Reversed > 0 {
		fmt.Fprintf(w, "median time to reversal: %s\n", s.MedianToReversal.Round(time.Second))
		fmt.Fprint(w, "top reasons of reversed blocks:")
		for i, c := range s.TopReversedReasons {
			if i == 5 {
				break
			}
			fmt.Fprintf(w, " %s %d;", blocklistctl.EscapeText(c.Reason), c.Count)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "verdicts: %d unblock, %d allow (%d entries that lifted no block), %d block\n",
		s.Verdicts[decision.VerdictUnblock], s.Verdicts[decision.VerdictAllow], s.Entries, s.Verdicts[decision.VerdictBlock])
	return nil
}

func percent(x float64) string {
	return strconv.FormatFloat(100*x, 'f', 1, 64) + " %"
}
