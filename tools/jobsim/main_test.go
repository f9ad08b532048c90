package main

import (
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

// run is the command as the tests call it.
func run(args []string) error { return model.Run(args, io.Discard) }

// kinds are every label kind a test day writes.
var kinds = []string{"normal", "heavy", "flood", "scan", "bruteforce", "injection", "upload", "enumeration",
	"stuffing", "appspam", "cvscrape", "ddos", "fakejobs"}

func TestSitesWriteEveryKindAndKeepTheirRegulars(t *testing.T) {
	for _, site := range []string{"3", "5", "8"} {
		t.Run("site "+site, func(t *testing.T) { simtest.CheckModel(t, run, site, kinds) })
	}
}

func TestTrainingDayIsCalm(t *testing.T) {
	o := simtest.Generate(t, run, "-seed", "1", "-site", "5", "-minutes", "4", "-clients", "200")
	campaigns := map[string]bool{}
	lone := 0
	for _, l := range o.LabelsByClient {
		switch {
		case l.Campaign != "":
			campaigns[l.Campaign] = true
		case l.Kind != "normal":
			lone++
		}
	}
	if len(campaigns) > 2 || lone > 3 {
		t.Errorf("training day has %d campaigns and %d lone attackers, want at most 2 and 3", len(campaigns), lone)
	}
}

func TestDefaultQuarterHourIsSiteSized(t *testing.T) {
	if testing.Short() {
		t.Skip("generates full days")
	}
	for _, seed := range []string{"1", "2"} {
		o := simtest.Generate(t, run, "-seed", seed, "-site", "8")
		events, normal := 0, 0
		for ip, n := range o.Parsed {
			events += n
			if o.LabelsByClient[ip].Kind == "normal" {
				normal++
			}
		}
		if events < 150000 || events > 400000 || normal < 2000 || normal > 6000 {
			t.Errorf("seed %s: %d requests from %d legitimate addresses, want 150k-400k from 2,000-6,000", seed, events, normal)
		}
	}
}
