package main

import (
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

var kinds = []string{
	"normal", "flood", "scan", "bruteforce", "injection", "upload", "enumeration",
	"stuffing", "ddos", "keyspray", "bonusfarm",
}

func run(args []string) error { return model().Run(args, io.Discard) }

func TestModel(t *testing.T) {
	simtest.CheckModel(t, run, "5", kinds)
}

func TestOtherExchanges(t *testing.T) {
	for _, site := range []string{"2", "8"} {
		t.Run("site "+site, func(t *testing.T) { simtest.CheckModel(t, run, site, kinds) })
	}
}

// A whole default day holds the rush, the machines and every kind, in the
// volume the recording is meant to have.
func TestWholeDay(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole day takes a few seconds")
	}
	o := simtest.Generate(t, run, "-seed", "2", "-site", "8")
	n := 0
	for _, k := range o.Parsed {
		n += k
	}
	if n < 150_000 || n > 400_000 {
		t.Errorf("%d events, want 150k to 400k", n)
	}
	got := o.Kinds()
	for _, k := range kinds {
		if got[k] == 0 {
			t.Errorf("no %s clients in %v", k, got)
		}
	}
	if got["heavy"] < 10 {
		t.Errorf("%d heavy clients, want the machines and the busy shared addresses", got["heavy"])
	}
}
