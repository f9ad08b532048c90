package main

import (
	"io"
	"strconv"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

func runFleet(args []string) error { return model.Run(args, io.Discard) }

var everyKind = []string{"normal", "heavy", "flood", "scan", "bruteforce", "injection", "upload", "enumeration",
	"stuffing", "ddos", "tokenspray", "claimjack"}

func TestSitesWriteEveryKindAndKeepTheirFixtures(t *testing.T) {
	for _, site := range []string{"3", "5", "8"} {
		t.Run("site "+site, func(t *testing.T) { simtest.CheckModel(t, runFleet, site, everyKind) })
	}
}

// A default day is the size the brief of every model asks for: a few
// hundred thousand requests from a few thousand legitimate addresses.
func TestDefaultDayHasTheUsualSize(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a full default day")
	}
	o := simtest.Generate(t, runFleet, "-seed", "2")
	events, legit := 0, 0
	for ip, n := range o.Parsed {
		events += n
		if o.LabelsByClient[ip].Kind == "normal" {
			legit++
		}
	}
	if events < 150_000 || events > 420_000 {
		t.Errorf("%d events, want 150k to 420k", events)
	}
	if legit < 2000 || legit > 6000 {
		t.Errorf("%d legitimate addresses, want 2000 to 6000", legit)
	}
}

// On a day with a broker outage, most legitimate addresses are refused
// with 401 as their devices reconnect. Site 8 has outages on most days.
func TestOutageBringsABurstOfLegitimateRefusals(t *testing.T) {
	for seed := range 6 {
		o := simtest.Generate(t, runFleet, "-seed", strconv.Itoa(seed+1), "-site", "8", "-minutes", "6", "-clients", "400")
		refused, legit := map[string]bool{}, 0
		for _, e := range readEvents(t, o.Events) {
			if e.Status == 401 && o.LabelsByClient[e.ClientIP].Kind == "normal" {
				refused[e.ClientIP] = true
			}
		}
		for _, l := range o.LabelsByClient {
			legit += b2i(l.Kind == "normal")
		}
		if 2*len(refused) > legit {
			return
		}
	}
	t.Error("no day of site 8 had an outage that refused most legitimate addresses")
}
