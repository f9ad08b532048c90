package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/ingest"
)

var lateRE = regexp.MustCompile(`(?m)^late records: (\d+) \(applied as they came\)$`)

// swapPairs swaps each pair of consecutive lines whose times differ, as a
// log written at the end of each request is out of order, and returns the
// result and how many pairs it swapped.
func swapPairs(t *testing.T, data []byte) ([]byte, int) {
	t.Helper()
	lines := bytes.SplitAfter(data, []byte("\n"))
	var p ingest.JSONParser
	var a, b ingest.Record
	swapped := 0
	for i := 0; i+1 < len(lines); i += 2 {
		if p.Parse(lines[i], &a) != nil {
			continue
		}
		ta := a.TS
		if p.Parse(lines[i+1], &b) != nil || b.TS == ta {
			continue
		}
		lines[i], lines[i+1] = lines[i+1], lines[i]
		swapped++
	}
	return bytes.Join(lines, nil), swapped
}

func TestUnsortedRecordingsAreReadInEventTime(t *testing.T) {
	t.Parallel()
	p := shared(t)
	dir := t.TempDir()
	unsorted, swapped := swapPairs(t, readFile(t, p.path("day2.jsonl")))
	if swapped == 0 {
		t.Fatal("no lines to swap in day2.jsonl")
	}
	in := filepath.Join(dir, "day2.unsorted.jsonl")
	writeFile(t, in, unsorted)

	t.Run("score re-orders by default and gives the decisions of the sorted recording", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "d.jsonl")
		res := run(t, "score", "--model", p.path("m.pcm"), "--in", in, "--decisions", out)
		if !bytes.Equal(readFile(t, out), readFile(t, p.path("d.jsonl"))) {
			t.Error("the unsorted recording gave other decisions than the sorted one")
		}
		if lateRE.MatchString(res.stdout) || strings.Contains(res.stdout, "late records") {
			t.Errorf("score reports late records for lines within the lateness:\n%s", res.stdout)
		}
	})
	t.Run("score --lateness 0 applies records as they came and counts the late ones", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "d.jsonl")
		res := run(t, "score", "--model", p.path("m.pcm"), "--in", in, "--decisions", out, "--lateness", "0")
		if got := match(t, "score's stdout", res.stdout, lateRE)[1]; got != fmt.Sprint(swapped) {
			t.Errorf("score says %s late records, want the %d swapped lines", got, swapped)
		}
		if got := match(t, "score's stdout", res.stdout, skippedRE)[1]; got != "0" {
			t.Errorf("score skipped %s lines, want none", got)
		}
	})
	t.Run("train --lateness 0 reports its late records and train by default none", func(t *testing.T) {
		t.Parallel()
		tmp := t.TempDir()
		day1, swapped := swapPairs(t, readFile(t, p.path("day1.jsonl")))
		in := filepath.Join(tmp, "day1.unsorted.jsonl")
		writeFile(t, in, day1)
		res := run(t, "train", "--in", in, "--out", filepath.Join(tmp, "m0.pcm"), "--no-progress", "--lateness", "0")
		if got := match(t, "train's stdout", res.stdout, lateRE)[1]; got != fmt.Sprint(swapped) {
			t.Errorf("train says %s late records, want the %d swapped lines", got, swapped)
		}
		res = run(t, "train", "--in", in, "--out", filepath.Join(tmp, "m.pcm"), "--no-progress")
		if strings.Contains(res.stdout, "late records") {
			t.Errorf("train reports late records for lines within the lateness:\n%s", res.stdout)
		}
	})
}
