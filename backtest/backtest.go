package backtest

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/portcullis/portcullis/decision"
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
	// Campaign names the coordinated attack the client is one address of
	// (credential stuffing from a proxy pool, card testing, a distributed
	// flood); every member carries the same name. Optional.
	Campaign string `json:"campaign,omitempty"`
}

// MinCampaign is the number of addresses from which a campaign is reported
// on its own: below it, per-kind recall already says enough.
const MinCampaign = 20

// CampaignWindow is how soon after a campaign's onset a member must be
// blocked to count as stopped early. Each member of a campaign sends too
// little to stand out, so what matters is whether the campaign as a whole
// is recognised while it is still starting.
const CampaignWindow = 60 * time.Second

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

// Recorder keeps the first decision of each client, and the strictest
// action taken about it, as decisions stream by.
type Recorder struct {
	first     map[string]*decision.Decision
	strictest map[string]int // index in decision.Actions()
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{first: map[string]*decision.Decision{}, strictest: map[string]int{}}
}

// Add records d.
func (r *Recorder) Add(d *decision.Decision) error {
	if _, ok := r.first[d.Client]; !ok {
		r.first[d.Client] = d
	}
	a := strictness(d.Action)
	if cur, ok := r.strictest[d.Client]; !ok || a > cur {
		r.strictest[d.Client] = a
	}
	return nil
}

// strictness returns the place of action in decision.Actions, from the
// mildest; an empty action is a block, as stores read it.
func strictness(action string) int {
	if action == "" {
		action = decision.ActionBlock
	}
	return slices.Index(decision.Actions(), action)
}

// ActionReport counts the clients whose strictest decision took one
// action: the cost of that action on legitimate traffic next to what it
// catches.
type ActionReport struct {
	Action string
	// Attacks counts attack clients, Normal normal ones.
	Attacks, Normal int
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

// CampaignReport is the outcome for one campaign of at least MinCampaign
// addresses.
type CampaignReport struct {
	ID        string
	Kind      string    // the members' kind; kinds joined with "+" if they differ
	Onset     time.Time // the earliest onset of its members; zero if none has one
	Addresses int
	Blocked   int
	// Early counts members blocked within CampaignWindow of Onset (all
	// blocked members when the onset is unknown).
	Early int
	// Own counts members blocked within CampaignWindow of their own onset
	// (all blocked members without one): the part of Early that does not
	// depend on when each address joined the campaign. A member that
	// starts minutes after the campaign cannot be early, however soon it
	// is blocked.
	Own int
}

// EarlyShare returns the share of the campaign's addresses blocked within
// CampaignWindow of its onset.
func (c CampaignReport) EarlyShare() float64 {
	if c.Addresses == 0 {
		return 0
	}
	return float64(c.Early) / float64(c.Addresses)
}

// Report is the outcome of a backtest.
type Report struct {
	Kinds         []KindReport
	Campaigns     []CampaignReport // sorted by ID
	Normal        int
	NormalBlocked []string
	Heavy         int
	HeavyBlocked  []string
	// KnownHeavyBlocked are heavy clients blocked although the model knew
	// them from training.
	KnownHeavyBlocked []string
	Unlabelled        int // clients decided about that the labels do not name
	AllTTD            []time.Duration
	// Actions has one entry per action, from the mildest to the strictest,
	// counting labelled clients by their strictest decision; Attacks is
	// how many attack clients the labels name.
	Actions []ActionReport
	Attacks int
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
	rep.Actions = r.byAction(labels)
	for _, k := range kinds {
		rep.Attacks += k.Clients
	}
	rep.Campaigns = r.campaigns(labels)
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

// byAction counts the labelled clients by their strictest action.
func (r *Recorder) byAction(labels map[string]Label) []ActionReport {
	out := make([]ActionReport, len(decision.Actions()))
	for i, a := range decision.Actions() {
		out[i].Action = a
	}
	for c, a := range r.strictest {
		l, ok := labels[c]
		if !ok || a < 0 {
			continue
		}
		if l.Kind == KindNormal {
			out[a].Normal++
		} else {
			out[a].Attacks++
		}
	}
	return out
}

// campaigns reports every campaign of at least MinCampaign members.
func (r *Recorder) campaigns(labels map[string]Label) []CampaignReport {
	members := map[string][]Label{}
	for _, l := range labels {
		if l.Campaign != "" && l.Kind != KindNormal {
			members[l.Campaign] = append(members[l.Campaign], l)
		}
	}
	var out []CampaignReport
	for id, ls := range members {
		if len(ls) < MinCampaign {
			continue
		}
		c := CampaignReport{ID: id, Addresses: len(ls)}
		var kinds []string
		for _, l := range ls {
			if !slices.Contains(kinds, l.Kind) {
				kinds = append(kinds, l.Kind)
			}
			if l.Onset != nil && (c.Onset.IsZero() || l.Onset.Before(c.Onset)) {
				c.Onset = *l.Onset
			}
		}
		slices.Sort(kinds)
		c.Kind = strings.Join(kinds, "+")
		for _, l := range ls {
			d := r.first[l.Client]
			if d == nil {
				continue
			}
			c.Blocked++
			if c.Onset.IsZero() || d.TS.Sub(c.Onset) <= CampaignWindow {
				c.Early++
			}
			if l.Onset == nil || d.TS.Sub(*l.Onset) <= CampaignWindow {
				c.Own++
			}
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b CampaignReport) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Merge adds up reports of several recordings (sites, days) into one:
// clients and blocks per kind and campaign are summed, and the times to
// detect pooled, so that medians are of all clients rather than of sites.
// Campaigns keep their IDs; the same ID in two reports is summed.
func Merge(reports ...Report) Report {
	var out Report
	kinds := map[string]*KindReport{}
	camps := map[string]*CampaignReport{}
	for _, r := range reports {
		for _, k := range r.Kinds {
			m := kinds[k.Kind]
			if m == nil {
				m = &KindReport{Kind: k.Kind}
				kinds[k.Kind] = m
			}
			m.Clients += k.Clients
			m.Caught += k.Caught
			m.TTD = append(m.TTD, k.TTD...)
		}
		for _, c := range r.Campaigns {
			m := camps[c.ID]
			if m == nil {
				m = &CampaignReport{ID: c.ID, Kind: c.Kind, Onset: c.Onset}
				camps[c.ID] = m
			}
			m.Addresses += c.Addresses
			m.Blocked += c.Blocked
			m.Early += c.Early
			m.Own += c.Own
		}
		out.Normal += r.Normal
		out.Heavy += r.Heavy
		out.Unlabelled += r.Unlabelled
		out.NormalBlocked = append(out.NormalBlocked, r.NormalBlocked...)
		out.HeavyBlocked = append(out.HeavyBlocked, r.HeavyBlocked...)
		out.KnownHeavyBlocked = append(out.KnownHeavyBlocked, r.KnownHeavyBlocked...)
		out.AllTTD = append(out.AllTTD, r.AllTTD...)
		out.Attacks += r.Attacks
		for i, a := range r.Actions {
			if len(out.Actions) < len(r.Actions) {
				out.Actions = slices.Clone(r.Actions)
				break
			}
			out.Actions[i].Attacks += a.Attacks
			out.Actions[i].Normal += a.Normal
		}
	}
	for _, k := range kinds {
		slices.Sort(k.TTD)
		out.Kinds = append(out.Kinds, *k)
	}
	slices.SortFunc(out.Kinds, func(a, b KindReport) int { return cmp.Compare(a.Kind, b.Kind) })
	for _, c := range camps {
		out.Campaigns = append(out.Campaigns, *c)
	}
	slices.SortFunc(out.Campaigns, func(a, b CampaignReport) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(out.AllTTD)
	slices.Sort(out.NormalBlocked)
	slices.Sort(out.HeavyBlocked)
	slices.Sort(out.KnownHeavyBlocked)
	return out
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
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%s\t%s\t\n", Safe(k.Kind), k.Clients, k.Caught, 100*k.Recall(),
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
	for _, c := range r.Campaigns {
		fmt.Fprintf(w, "campaign %s %s: %d addresses, %d blocked, %d within %s of onset (%.1f%%), %d within %s of their own\n",
			Safe(c.ID), Safe(c.Kind), c.Addresses, c.Blocked, c.Early, fmtWindow(CampaignWindow), 100*c.EarlyShare(), c.Own, fmtWindow(CampaignWindow))
	}
	fmt.Fprintf(w, "normal clients blocked: %d of %d (%.3f%%)\n", len(r.NormalBlocked), r.Normal, 100*r.FPRate())
	fmt.Fprintf(w, "heavy legitimate clients blocked: %d of %d (%d of them known from training)\n", len(r.HeavyBlocked), r.Heavy, len(r.KnownHeavyBlocked))
	if n := len(r.NormalBlocked); n > 0 {
		more := ""
		if n > 10 {
			more = fmt.Sprintf(" and %d more", n-10)
		}
		names := make([]string, 0, min(n, 10))
		for _, c := range r.NormalBlocked[:min(n, 10)] {
			names = append(names, Safe(c))
		}
		fmt.Fprintf(w, "  normal clients blocked: %s%s\n", strings.Join(names, ", "), more)
	}
	if r.Unlabelled > 0 {
		fmt.Fprintf(w, "clients decided about that the labels do not name: %d\n", r.Unlabelled)
	}
	return r.printActions(w)
}

// printActions writes the clients of each action: the attack clients it
// reached, as a share of all attack clients, and the normal clients it
// affected, as a share of all normal clients. A client counts once, under
// its strictest decision.
func (r Report) printActions(w io.Writer) error {
	if len(r.Actions) == 0 {
		return nil
	}
	fmt.Fprintln(w, "by action (each client under its strictest decision):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "action	attack clients	recall	normal clients	share of normal\t")
	pct := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return 100 * float64(n) / float64(of)
	}
	for _, a := range r.Actions {
		fmt.Fprintf(tw, "%s	%d	%.1f%%	%d	%.3f%%	\n", a.Action, a.Attacks, pct(a.Attacks, r.Attacks), a.Normal, pct(a.Normal, r.Normal))
	}
	return tw.Flush()
}

// Safe returns s as it is when it is a plain word, and quoted otherwise,
// so that a label file cannot put control characters on the terminal or
// break the line formats that scripts read.
func Safe(s string) string {
	if s == "" {
		return `""`
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:+/@", c)) {
			return strconv.Quote(s)
		}
	}
	return s
}

// fmtWindow writes 60 s as "60 s", the unit apart as in the rest of the report.
func fmtWindow(d time.Duration) string { return strconv.Itoa(int(d/time.Second)) + " s" }
