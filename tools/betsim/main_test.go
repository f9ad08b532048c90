package main

import (
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

// run is the model as simtest drives it.
func run(args []string) error { return model.Run(args, io.Discard) }

// kinds are every label kind a derby day writes.
var kinds = append(append([]string{"normal", "heavy"}, loneKinds...), campaignKinds...)

func TestSitesWriteEveryKindAndKeepTheirRecurringClients(t *testing.T) {
	for _, site := range []string{"3", "5", "8"} {
		t.Run("site "+site, func(t *testing.T) { simtest.CheckModel(t, run, site, kinds) })
	}
}

func TestDefaultQuarterHourIsTheSizeOfARealSite(t *testing.T) {
	if testing.Short() {
		t.Skip("generates full quarter hours")
	}
	for _, seed := range []string{"1", "2"} {
		o := simtest.Generate(t, run, "-seed", seed, "-site", "5")
		events, normal := 0, 0
		for ip, n := range o.Parsed {
			events += n
			if o.LabelsByClient[ip].Kind == "normal" {
				normal++
			}
		}
		if events < 150000 || events > 400000 {
			t.Errorf("seed %s: %d requests, want 150k–400k", seed, events)
		}
		if normal < 2000 || normal > 6000 {
			t.Errorf("seed %s: %d legitimate addresses, want 2,000–6,000", seed, normal)
		}
	}
}

func TestTrainingDayIsCalmerThanTheDerby(t *testing.T) {
	day := func(seed string) map[string]int {
		return simtest.Generate(t, run, "-seed", seed, "-site", "8", "-minutes", "5", "-clients", "300").Kinds()
	}
	train, test := day("1"), day("2")
	attackers := func(k map[string]int) int {
		n := 0
		for kind := range k {
			if kind != "normal" && kind != "heavy" {
				n++
			}
		}
		return n
	}
	if attackers(train) >= attackers(test) {
		t.Errorf("training day has %d attack kinds, derby %d: want the training day calmer", attackers(train), attackers(test))
	}
	if train["ddos"] > 0 {
		t.Errorf("training day has %d ddos clients, want none", train["ddos"])
	}
}
