package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

// TestEachUniversityWritesEveryKind runs the framework's checks on three
// universities side by side.
func TestEachUniversityWritesEveryKind(t *testing.T) {
	kinds := strings.Fields("normal heavy flood scan bruteforce injection upload enumeration stuffing ddos scraping codespray")
	for site := range strings.FieldsSeq("3 5 8") {
		t.Run("university "+site, func(t *testing.T) {
			t.Parallel()
			simtest.CheckModel(t, run, site, kinds)
		})
	}
}

// legitimate counts the normal clients that sent something.
func legitimate(out simtest.Output) int {
	n := 0
	for ip, l := range out.LabelsByClient {
		if l.Kind == "normal" && out.Parsed[ip] > 0 {
			n++
		}
	}
	return n
}

// TestDefaultQuarterHourIsABusyExamWindow checks the size of a default
// run and that the exam, the uploads and the gateway's limits show in it.
func TestDefaultQuarterHourIsABusyExamWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole quarter hour")
	}
	out := simtest.Generate(t, run, "-seed", "1", "-site", "3", "-start", "2027-06-14T08:00:00Z")
	if n := bytes.Count(out.Events, []byte("\n")); n < 150000 || n > 400000 {
		t.Errorf("%d requests in the quarter hour, want 150,000 to 400,000", n)
	}
	if n := legitimate(out); n < 2000 || n > 6000 {
		t.Errorf("%d legitimate addresses, want 2,000 to 6,000", n)
	}
	for _, want := range []string{`/heartbeat","status":204`, `"status":409`, `"status":423`, `"status":413`, `"status":429`, `-Extension/`, `/sso/`, `/feeds/calendar.ics?token=`} {
		if !bytes.Contains(out.Events, []byte(want)) {
			t.Errorf("no %s in the events", strings.Trim(want, `"`))
		}
	}
}
