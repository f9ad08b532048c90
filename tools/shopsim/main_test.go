package main

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

func runQuiet(args []string) error { return run(args, io.Discard) }

func TestShopsimWritesSortedParseableLabelledTraffic(t *testing.T) {
	small := []string{"-seed", "3", "-site", "9", "-minutes", "4", "-clients", "150"}
	a := simtest.Generate(t, runQuiet, small...)
	kinds := a.Kinds()
	for _, k := range []string{"normal", "heavy", "flood", "scan", "bruteforce", "injection", "upload", "enumeration", "stuffing", "cardtest", "ddos"} {
		if kinds[k] == 0 {
			t.Errorf("no %s clients in %v", k, kinds)
		}
	}
	b := simtest.Generate(t, runQuiet, small...)
	if !bytes.Equal(a.Events, b.Events) || !bytes.Equal(a.Labels, b.Labels) {
		t.Error("two runs with the same flags wrote different files")
	}
	c := simtest.Generate(t, runQuiet, "-seed", "4", "-site", "9", "-minutes", "4", "-clients", "150")
	if bytes.Equal(a.Events, c.Events) {
		t.Error("another seed wrote the same events")
	}
}

func TestShopsimKeepsRecurringClientsAcrossDays(t *testing.T) {
	day := func(seed string) simtest.Output {
		return simtest.Generate(t, runQuiet, "-seed", seed, "-site", "9", "-minutes", "3", "-clients", "100")
	}
	one, two := day("1"), day("2")
	recurring := 0
	for ip, l := range two.LabelsByClient {
		if l.Heavy && one.LabelsByClient[ip].Heavy {
			recurring++
		}
		if strings.HasPrefix(l.Profile, "new-") && one.LabelsByClient[ip].Kind != "" {
			t.Errorf("newcomer %s of day 2 was already there on day 1", ip)
		}
	}
	if recurring < 5 {
		t.Errorf("%d heavy clients recur on both days, want the site's recurring ones (at least 5)", recurring)
	}
}

func TestShopsimRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-start", "yesterday"}, {"-minutes", "0"}, {"-clients", "3"}, {"-nope"}} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run %v succeeded, want an error", args)
		}
	}
}
