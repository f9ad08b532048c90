package main

import (
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

// devapi runs the command as the tests call it, printing nothing.
func devapi(args []string) error { return model.Run(args, io.Discard) }

func TestSitesWriteEveryKindAndKeepTheirFixtures(t *testing.T) {
	for _, site := range strings.Fields("3 5 8") {
		t.Run("site "+site, func(t *testing.T) { simtest.CheckModel(t, devapi, site, kinds) })
	}
}

// kinds are the labels every day of every platform holds: legitimate and
// heavy clients, the six lone attacks and the four campaigns.
var kinds = []string{"normal", "heavy", "flood", "scan", "bruteforce", "injection", "upload", "enumeration", "stuffing", "ddos", "keyspray", "freetier"}

// tally counts a recording's requests, its legitimate addresses and the
// addresses of each campaign.
func tally(o simtest.Output) (requests, legit int, crews map[string]int) {
	crews = map[string]int{}
	for ip, n := range o.Parsed {
		requests += n
		switch l := o.LabelsByClient[ip]; {
		case l.Kind == "normal":
			legit++
		case l.Campaign != "":
			crews[l.Campaign]++
		}
	}
	return requests, legit, crews
}

func TestADefaultWindowIsAQuarterHourOfABusyPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two full windows")
	}
	for seed := 1; seed <= 2; seed++ {
		o := simtest.Generate(t, devapi, "-seed", strconv.Itoa(seed))
		requests, legit, crews := tally(o)
		if requests < 150_000 || requests > 400_000 {
			t.Errorf("day %d: %d requests, want 150k to 400k", seed, requests)
		}
		if legit < 2_000 || legit > 6_000 {
			t.Errorf("day %d: %d legitimate addresses, want 2,000 to 6,000", seed, legit)
		}
		if len(crews) < 4 {
			t.Errorf("day %d: campaigns %v, want stuffing, ddos, keyspray and freetier at least", seed, crews)
		}
		got := o.Kinds()
		for _, k := range kinds {
			if got[k] == 0 {
				t.Errorf("day %d has no %s client: %v", seed, k, got)
			}
		}
	}
}
