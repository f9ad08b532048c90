package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// samplesDir holds the access-log samples that several packages read: the
// same requests in each format portcullis reads (see its README.md).
const samplesDir = "../../testdata/logs"

var update = flag.Bool("update", false, "rewrite the golden files")

var modelID = regexp.MustCompile(`"model":"[^"]*",`)

// TestScoreGetsTheSameDecisionsFromEveryFormat scores the shared sample in
// each proxy's format, in its format and auto-detected, and gets the
// decisions that the canonical JSON sample gets, byte for byte: which log a
// site keeps does not change who is blocked, when, or why. The sample holds
// a scanner and a password guesser among browsers, so there are decisions
// to compare. The JSON sample's decisions are pinned in
// access.decisions.golden, checked by hand (see testdata/README.md).
func TestScoreGetsTheSameDecisionsFromEveryFormat(t *testing.T) {
	p := shared(t)
	logFormat, err := os.ReadFile(filepath.Join(samplesDir, "nginx.log_format"))
	if err != nil {
		t.Fatal(err)
	}
	scoreSample := func(t *testing.T, file string, format ...string) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "d.jsonl")
		args := append([]string{"score", "--model", p.path("m.pcm"), "--in", filepath.Join(samplesDir, file), "--decisions", out}, format...)
		run(t, args...)
		return readFile(t, out)
	}
	want := scoreSample(t, "access.jsonl", "--format", "json")
	// The golden leaves out the model's id, which changes with any change
	// to training even when the decisions do not.
	pinned := modelID.ReplaceAll(want, nil)
	golden := filepath.Join(samplesDir, "access.decisions.golden")
	if *update {
		writeFile(t, golden, pinned)
	}
	if g := readFile(t, golden); !bytes.Equal(pinned, g) {
		t.Errorf("score access.jsonl decided\n%s\nwant, as %s holds,\n%s(check the change by hand, then run go test -update)", pinned, golden, g)
	}
	blocked := map[string]bool{}
	for _, d := range parseDecisions(t, want) {
		blocked[d.Client] = true
	}
	for _, c := range []string{"192.0.2.44", "203.0.113.9"} {
		if !blocked[c] {
			t.Errorf("the JSON sample's attacker %s is not blocked; decisions:\n%s", c, want)
		}
	}
	for _, tt := range []struct{ file, format string }{
		{"access.log", "clf"},
		{"access.nginx.log", "nginx"},
		{"access.caddy.jsonl", "caddy"},
		{"access.envoy.log", "envoy"},
		{"access.envoy.jsonl", "envoy-json"},
		{"access.traefik.jsonl", "traefik"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			flags := [][]string{{"--format", tt.format}, {"--format", "auto"}}
			if tt.format == "nginx" {
				flags = [][]string{{"--format", "nginx", "--log-format", strings.TrimSpace(string(logFormat))}}
			}
			for _, f := range flags {
				if got := scoreSample(t, tt.file, f...); !bytes.Equal(got, want) {
					t.Errorf("score %s %s decided\n%s\nwant, as from access.jsonl,\n%s", tt.file, strings.Join(f, " "), got, want)
				}
			}
		})
	}
}
