package main

import (
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

func runClinic(args []string) error { return clinic.Run(args, io.Discard) }

var everyKind = []string{
	"normal", "heavy",
	"flood", "scan", "bruteforce", "injection", "upload", "enumeration",
	"stuffing", "ddos", "cardtest", "slotscalp",
}

func TestProvidersWriteEveryKindAndKeepTheirFixtures(t *testing.T) {
	for _, site := range []string{"3", "5", "8"} {
		t.Run("site "+site, func(t *testing.T) {
			simtest.CheckModel(t, runClinic, site, everyKind)
		})
	}
}

// A default window is a busy quarter hour: between 150k and 400k requests
// from 2,000 to 6,000 legitimate addresses, the vaccine rush included.
func TestADefaultDayHasTheSizeOfTheProvidersMorning(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole day")
	}
	out := simtest.Generate(t, runClinic, "-seed", "7")
	events := 0
	for _, n := range out.Parsed {
		events += n
	}
	if events < 150_000 || events > 400_000 {
		t.Errorf("%d events, want 150k to 400k", events)
	}
	if n := out.Kinds()["normal"]; n < 2000 || n > 6000 {
		t.Errorf("%d normal clients, want 2,000 to 6,000", n)
	}
}
