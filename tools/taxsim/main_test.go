package main

import (
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simlog"
	"github.com/portcullis/portcullis/tools/internal/simtest"
)

var kinds = []string{"normal", "heavy", "flood", "scan", "bruteforce", "injection", "upload", "enumeration", "stuffing", "idspray", "refundfraud", "ddos"}

func run(args []string) error { return model.Run(args, io.Discard) }

// checkSite checks one site as every model is checked, beside the others.
func checkSite(id string) func(*testing.T) {
	return func(t *testing.T) {
		t.Parallel()
		simtest.CheckModel(t, run, id, kinds)
	}
}

func TestSitesWriteWhatEveryModelMust(t *testing.T) {
	t.Run("site 3", checkSite("3"))
	t.Run("site 5", checkSite("5"))
	t.Run("site 8", checkSite("8"))
}

func TestDefaultQuarterHourIsABusyOne(t *testing.T) {
	if testing.Short() {
		t.Skip("a full quarter hour")
	}
	c, err := model.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	l := generate(c)
	legit := 0
	for _, cl := range l.Clients() {
		if cl.Kind == simlog.KindNormal && cl.Events() > 0 {
			legit++
		}
	}
	if n := len(l.Events()); n < 150_000 || n > 400_000 {
		t.Errorf("%d requests in the default quarter hour, want 150,000 to 400,000", n)
	}
	if legit < 2000 || legit > 6000 {
		t.Errorf("%d legitimate addresses, want 2,000 to 6,000", legit)
	}
}
