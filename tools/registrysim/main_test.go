package main

import (
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

func run(args []string) error { return model.Run(args, io.Discard) }

// kinds are the labels every site writes on a test day: the lone
// attackers, the campaigns and the heavy legitimate clients.
var kinds = []string{
	"normal", "heavy",
	"flood", "scan", "bruteforce", "injection", "upload", "enumeration",
	"spray", "confusion", "ddos", "stuffing", "typosquat",
}

func TestSite3(t *testing.T) { simtest.CheckModel(t, run, "3", kinds) }
func TestSite5(t *testing.T) { simtest.CheckModel(t, run, "5", kinds) }
func TestSite8(t *testing.T) { simtest.CheckModel(t, run, "8", kinds) }

// TestDefaultQuarterHourIsBusy checks that the default flags give a busy
// registry: the load a gateway of a real one carries, from thousands of
// legitimate addresses.
func TestDefaultQuarterHourIsBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("a full quarter hour")
	}
	o := simtest.Generate(t, run)
	requests := 0
	for _, n := range o.Parsed {
		requests += n
	}
	if requests < 150_000 || requests > 400_000 {
		t.Errorf("%d requests, want 150k to 400k", requests)
	}
	if n := o.Kinds()["normal"]; n < 2000 || n > 6000 {
		t.Errorf("%d legitimate addresses, want 2,000 to 6,000", n)
	}
}
