package main

import (
	"io"
	"testing"

	"github.com/portcullis/portcullis/tools/internal/simtest"
)

func TestTravelsimPassesTheChecksOfEveryTrafficModel(t *testing.T) {
	run := func(args []string) error { return model().Run(args, io.Discard) }
	simtest.CheckModel(t, run, "5", []string{"normal", "heavy", "flood", "scan", "bruteforce", "injection", "upload", "enumeration",
		"stuffing", "cardtest", "scraping", "ddos", "pnrguess", "milesfraud"})
}
