package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

// sites are the instances every check runs on.
var sites = []string{"3", "5", "8"}

// labelKinds are what every site writes on a test day: heavy legitimate
// clients, the six kinds of lone attacker and the five campaigns.
func labelKinds() []string {
	lone := []string{"flood", "scan", "bruteforce", "injection", "upload", "enumeration"}
	campaigns := []string{"spray", "confusion", "ddos", "stuffing", "typosquat"}
	return append(append([]string{"normal", "heavy"}, lone...), campaigns...)
}

func TestEverySiteWritesWhatEveryModelMust(t *testing.T) {
	write := func(args []string) error { return model.Run(args, io.Discard) }
	for _, site := range sites {
		t.Run("site "+site, func(t *testing.T) { simtest.CheckModel(t, write, site, labelKinds()) })
	}
}

// TestDefaultQuarterHourIsBusy checks that the default flags give a busy
// registry: the load a real one's gateway carries, from thousands of
// legitimate addresses, on each of the sites.
func TestDefaultQuarterHourIsBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("a full quarter hour of every site is slow; run without -short")
	}
	write := func(args []string) error { return model.Run(args, io.Discard) }
	for _, site := range sites {
		out := simtest.Generate(t, write, "-site", site)
		legit := 0
		for _, l := range out.LabelsByClient {
			if l.Kind == "normal" {
				legit++
			}
		}
		lines := bytes.Count(out.Events, []byte("\n"))
		switch {
		case lines < 150_000, lines > 400_000:
			t.Errorf("site %s: %d requests in the quarter hour, want 150k to 400k", site, lines)
		case legit < 2_000, legit > 6_000:
			t.Errorf("site %s: %d legitimate addresses, want 2,000 to 6,000", site, legit)
		}
	}
}
