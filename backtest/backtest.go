package backtest

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/portcullis/portcullis/detector"
)

// KindNormal is the label kind of legitimate clients.
const KindNormal = "normal"

// Label says what one client really was.
type Label struct {
	Client string     `json:"client"`
	Kind   string     `json:"kind"`
	Onset  *time.Time `json:"onset"`
	End    *time.Time `json:"end"`
	// Heavy marks a legitimate heavy client (integration, crawler, office
	// behind NAT...). Optional.
	Heavy bool `json:"heavy,omitempty"`
	// Profile names the kind of normal client. Optional.
	Profile string `json:"profile,omitempty"`
}

// ReadLabels reads one JSON label per line.
func ReadLabels(r io.Reader) (map[string]Label, error) {
	out := map[string]Label{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var l Label
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			return nil, fmt.Errorf("backtest: labels line %d: %w", n, err)
		}
		if l.Client == "" || l.Kind == "" {
			return nil, fmt.Errorf("backtest: labels line %d: client and kind are required", n)
		}
		out[l.Client] = l
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("backtest: read labels: %w", err)
	}
	return out, nil
}

// Recorder keeps the first decision of each client, as decisions stream by.
type Recorder struct {
	first map[string]*detector.Decision
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{first: map[string]*detector.Decision{}} }

// Add records d.
func (r *Recorder) Add(d *detector.Decision) error {
	if _, ok := r.first[d.Client]; !ok {
		r.first[d.Client] = d
	}
	return nil
}

// KindReport is the outcome for one attack kind.
type KindReport struct {
	Kind    string
	Clients int
	Caught  int
	TTD     []time.Duration // time to detect of each caught client, sorted
}

// Recall returns the share of the kind's clients blocked.
func (k KindReport) Recall() float64 {
	if k.Clients == 0 {
		return 0
	}
	return float64(k.Caught) / float64(k.Clients)
}

// Report is the outcome of a backtest.
type Report struct {
	Kinds         []KindReport
	Normal        int
	NormalBlocked []string
	Heavy         int
	HeavyBlocked  []string
	// KnownHeavyBlocked are heavy clients blocked although the model knew
	// them from training.
	KnownHeavyBlocked []string
	Unlabelled        int // clients decided about that the labels do not name
	AllTTD            []time.Duration
}

// Evaluate compares the recorded decisions with labels.
func (r *Recorder) Evaluate(labels map[string]Label) Report {
	var rep Report
	kinds := map[string]*KindReport{}
	for _, l := range labels {
		d := r.first[l.Client]
		if l.Kind == KindNormal {
			rep.Normal++
			if l.Heavy {
				rep.Heavy++
			}
			if d != nil {
				rep.NormalBlocked = append(rep.NormalBlocked, l.Client)
				if l.Heavy {
					rep.HeavyBlocked = append(rep.HeavyBlocked, l.Client)
					if d.Known {
						rep.KnownHeavyBlocked = append(rep.KnownHeavyBlocked, l.Client)
					}
				}
			}
			continue
		}
		k := kinds[l.Kind]
		if k == nil {
			k = &KindReport{Kind: l.Kind}
			kinds[l.Kind] = k
		}
		k.Clients++
		if d != nil {
			k.Caught++
			ttd := time.Duration(0)
			if l.Onset != nil {
				ttd = max(d.TS.Sub(*l.Onset), 0)
			}
			k.TTD = append(k.TTD, ttd)
			rep.AllTTD = append(rep.AllTTD, ttd)
		}
	}
	for c := range r.first {
		if _, ok := labels[c]; !ok {
			rep.Unlabelled++
		}
	}
	for _, k := range kinds {
		slices.Sort(k.TTD)
		rep.Kinds = append(rep.Kinds, *k)
	}
	slices.SortFunc(rep.Kinds, func(a, b KindReport) int { return cmp.Compare(a.Kind, b.Kind) })
	slices.Sort(rep.AllTTD)
	slices.Sort(rep.NormalBlocked)
	slices.Sort(rep.HeavyBlocked)
	slices.Sort(rep.KnownHeavyBlocked)
	return rep
}

// Quantile returns the q-quantile of sorted durations (nearest rank), or
// -1 when there are none.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return -1
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func fmtDur(d time.Duration) string {
	if d < 0 {
		return "-"
	}
	return d.Round(100 * time.Millisecond).String()
}

// FPRate returns the share of normal clients blocked.
func (r Report) FPRate() float64 {
	if r.Normal == 0 {
		return 0
	}
	return float64(len(r.NormalBlocked)) / float64(r.Normal)
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tclients\tblocked\trecall\tttd p50\tttd p90\t")
	for _, k := range r.Kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%s\t%s\t\n", k.Kind, k.Clients, k.Caught, 100*k.Recall(),
			fmtDur(Quantile(k.TTD, 0.5)), fmtDur(Quantile(k.TTD, 0.9)))
	}
	caught, total := 0, 0
	for _, k := range r.Kinds {
		caught += k.Caught
		total += k.Clients
	}
	rec := 0.0
	if total > 0 {
		rec = 100 * float64(caught) / float64(total)
	}
	fmt.Fprintf(tw, "all attacks\t%d\t%d\t%.1f%%\t%s\t%s\t\n", total, caught, rec,
		fmtDur(Quantile(r.AllTTD, 0.5)), fmtDur(Quantile(r.AllTTD, 0.9)))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "normal clients blocked: %d of %d (%.3f%%)\n", len(r.NormalBlocked), r.Normal, 100*r.FPRate())
	fmt.Fprintf(w, "heavy legitimate clients blocked: %d of %d (%d of them known from training)\n", len(r.HeavyBlocked), r.Heavy, len(r.KnownHeavyBlocked))
	if n := len(r.NormalBlocked); n > 0 {
		more := ""
		if n > 10 {
			more = fmt.Sprintf(" and %d more", n-10)
		}
		fmt.Fprintf(w, "  normal clients blocked: %s%s\n", strings.Join(r.NormalBlocked[:min(n, 10)], ", "), more)
	}
	if r.Unlabelled > 0 {
		fmt.Fprintf(w, "clients decided about that the labels do not name: %d\n", r.Unlabelled)
	}
	return nil
}
