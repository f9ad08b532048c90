package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

// forum is the command as the shared checks call a model.
func forum(args []string) error { return model.Run(args, io.Discard) }

// kinds are the labels each site writes on even a small day: people and
// machines, the heavy ones among them, six lone attacks, four campaigns.
var kinds = strings.Fields("normal heavy flood scan bruteforce injection upload enumeration stuffing ddos commentspam votering")

func TestEachSiteWritesEveryKindAndKeepsItsFixturesFromDayToDay(t *testing.T) {
	for _, site := range strings.Fields("3 5 8") {
		t.Run("site="+site, func(t *testing.T) {
			t.Parallel()
			simtest.CheckModel(t, forum, site, kinds)
		})
	}
}

// A default window of the default site is a busy quarter of an hour: a
// few hundred thousand requests from a few thousand legitimate addresses,
// on the training day and on the test day alike.
func TestTheDefaultQuarterHourHasTheSizeOfABusySite(t *testing.T) {
	if testing.Short() {
		t.Skip("a full window takes a few seconds")
	}
	for _, day := range []string{"1", "2"} {
		out := simtest.Generate(t, forum, "-seed", day)
		lines, legit := bytes.Count(out.Events, []byte("\n")), out.Kinds()["normal"]
		if lines < 150_000 || lines > 400_000 {
			t.Errorf("day %s: %d requests, want between 150,000 and 400,000", day, lines)
		}
		if legit < 2_000 || legit > 6_000 {
			t.Errorf("day %s: %d legitimate addresses, want between 2,000 and 6,000", day, legit)
		}
	}
}
