// Package simtest checks what every traffic model under tools/ must
// write: events the project's own reader parses, in time order, and labels
// that name every client that sent traffic, with campaigns big enough to
// be reported.
package simtest

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/ingest"
)

// Run is a traffic model's entry point: it parses args and writes the
// files -out and -labels name.
type Run func(args []string) error

// Output is one run's files, read back.
type Output struct {
	Events, Labels []byte
	Parsed         map[string]int // events per client address
	LabelsByClient map[string]backtest.Label
}

// Generate runs the model with args plus -out and -labels in a temporary
// directory and checks the output.
func Generate(t *testing.T, run Run, args ...string) Output {
	t.Helper()
	dir := t.TempDir()
	ev, lab := filepath.Join(dir, "events.jsonl"), filepath.Join(dir, "labels.jsonl")
	if err := run(append(args, "-out", ev, "-labels", lab)); err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	var o Output
	var err error
	if o.Events, err = os.ReadFile(ev); err != nil {
		t.Fatal(err)
	}
	if o.Labels, err = os.ReadFile(lab); err != nil {
		t.Fatal(err)
	}
	o.Parsed = checkEvents(t, o.Events)
	if o.LabelsByClient, err = backtest.ReadLabels(bytes.NewReader(o.Labels)); err != nil {
		t.Fatalf("labels do not read: %v", err)
	}
	checkLabels(t, o)
	return o
}

func checkEvents(t *testing.T, events []byte) map[string]int {
	t.Helper()
	rd := ingest.NewReader(bytes.NewReader(events), ingest.ReaderConfig{Format: ingest.FormatJSON})
	per := map[string]int{}
	var rec ingest.Record
	last := int64(0)
	for n := 1; rd.Next(&rec); n++ {
		if rec.TS < last {
			t.Fatalf("event %d is at %d, before the one above it (%d): events must be sorted by time", n, rec.TS, last)
		}
		last = rec.TS
		if _, err := netip.ParseAddr(string(rec.ClientIP)); err != nil {
			t.Fatalf("event %d: client_ip %q is not an address: %v", n, rec.ClientIP, err)
		}
		if len(rec.Method) == 0 || len(rec.Path) == 0 || rec.Path[0] != '/' || rec.Status < 100 || rec.Status > 599 || rec.DurationMS < 0 || rec.ReqBytes <= 0 {
			t.Fatalf("event %d is incomplete: %+v", n, rec)
		}
		per[string(rec.ClientIP)]++
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	if st := rd.Stats(); st.Malformed > 0 {
		t.Fatalf("%d malformed lines, first %v: %v", st.Malformed, st.FirstMalformed, st.FirstErrors)
	}
	if len(per) == 0 {
		t.Fatal("no events")
	}
	return per
}

func checkLabels(t *testing.T, o Output) {
	t.Helper()
	for ip := range o.Parsed {
		if _, ok := o.LabelsByClient[ip]; !ok {
			t.Errorf("client %s sent %d requests but has no label", ip, o.Parsed[ip])
		}
	}
	members := map[string]int{}
	for ip, l := range o.LabelsByClient {
		if o.Parsed[ip] == 0 {
			t.Errorf("label of %s names a client that sent nothing", ip)
		}
		if l.Kind == backtest.KindNormal {
			if l.Onset != nil || l.Campaign != "" {
				t.Errorf("normal client %s has an onset or a campaign: %+v", ip, l)
			}
			continue
		}
		if l.Onset == nil || l.End == nil || l.End.Before(*l.Onset) {
			t.Errorf("attacker %s (%s) has no onset, no end, or ends before it starts: %+v", ip, l.Kind, l)
		}
		if l.Campaign != "" {
			members[l.Campaign]++
		}
	}
	for id, n := range members {
		if n < 20 {
			t.Errorf("campaign %s has %d addresses, want at least 20", id, n)
		}
	}
}

// Kinds counts labels per kind, and heavy ones under "heavy".
func (o Output) Kinds() map[string]int {
	k := map[string]int{}
	for _, l := range o.LabelsByClient {
		k[l.Kind]++
		if l.Heavy {
			k["heavy"]++
		}
	}
	return k
}

// CheckModel checks what every model must do on -site site, on a few
// minutes of small days: each of kinds appears in the labels; the same
// flags write the same files and another seed other events; the site's
// heavy clients recur from one day to the next while a day's newcomers
// were not there the day before.
func CheckModel(t *testing.T, run Run, site string, kinds []string) {
	t.Run("writes every kind of client, the same files for the same flags, other events for another seed", func(t *testing.T) {
		small := []string{"-seed", "3", "-site", site, "-minutes", "4", "-clients", "150"}
		a := Generate(t, run, small...)
		got := a.Kinds()
		for _, k := range kinds {
			if got[k] == 0 {
				t.Errorf("no %s clients in %v", k, got)
			}
		}
		b := Generate(t, run, small...)
		if !bytes.Equal(a.Events, b.Events) || !bytes.Equal(a.Labels, b.Labels) {
			t.Error("two runs with the same flags wrote different files")
		}
		c := Generate(t, run, "-seed", "4", "-site", site, "-minutes", "4", "-clients", "150")
		if bytes.Equal(a.Events, c.Events) {
			t.Error("another seed wrote the same events")
		}
	})
	t.Run("keeps the site's recurring clients across days and brings newcomers only once", func(t *testing.T) {
		day := func(seed string) Output {
			return Generate(t, run, "-seed", seed, "-site", site, "-minutes", "3", "-clients", "100")
		}
		one, two := day("1"), day("2")
		recurring := 0
		for ip, l := range two.LabelsByClient {
			if l.Heavy && one.LabelsByClient[ip].Heavy {
				recurring++
			}
			if strings.HasPrefix(l.Profile, "new-") && one.LabelsByClient[ip].Kind != "" {
				t.Errorf("newcomer %s of day 2 was already there on day 1", ip)
			}
		}
		if recurring < 5 {
			t.Errorf("%d heavy clients recur on both days, want the site's recurring ones (at least 5)", recurring)
		}
	})
}
