package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

// everyKind is every label a day of each site must hold: the normal
// clients, the heavy ones among them, the six lone kinds and the four
// campaigns.
const everyKind = "normal heavy flood scan bruteforce injection upload enumeration stuffing ddos cardtest ripping"

func stream(args []string) error { return model.Run(args, io.Discard) }

func TestSitesWriteEveryKindAndKeepTheirFixtures(t *testing.T) {
	kinds := strings.Fields(everyKind)
	for _, site := range strings.Fields("3 5 8") {
		t.Run("site "+site, func(t *testing.T) { simtest.CheckModel(t, stream, site, kinds) })
	}
}

// A default day is the size of an evening on the platform: a few hundred
// thousand requests from a few thousand legitimate addresses, on the
// training day and on the test day.
func TestADefaultDayHasTheSizeOfAnEvening(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two full days")
	}
	for _, seed := range []string{"1", "2"} {
		day := simtest.Generate(t, stream, "-seed", seed)
		if n := bytes.Count(day.Events, []byte("\n")); n < 150_000 || n > 400_000 {
			t.Errorf("seed %s: %d events, want 150k to 400k", seed, n)
		}
		if n := day.Kinds()["normal"]; n < 2000 || n > 6000 {
			t.Errorf("seed %s: %d legitimate addresses, want 2,000 to 6,000", seed, n)
		}
	}
}
