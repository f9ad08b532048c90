package simcmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simlog"
)

// tiny is a model whose day is one request, so that the tests look at the
// command line and the files, not at any traffic.
func tiny(got *Config) Model {
	return Model{
		Name:  "tinysim",
		Site:  7,
		Start: "2026-01-02T03:04:05Z",
		Generate: func(c Config) *simlog.Log {
			*got = c
			l := simlog.New(c.Start, time.Duration(c.Minutes)*time.Minute)
			l.Add(simlog.Event{T: simlog.Sec(1), C: l.Client("192.0.2.1", simlog.KindNormal), Method: "GET", Path: "/", Status: 200, ReqBytes: 100})
			return l
		},
	}
}

func TestParseTakesTheModelsDefaultsAndTheFlagsGiven(t *testing.T) {
	var c Config
	m := tiny(&c)
	got, err := m.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Seed: 1, Site: 7, Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Minutes: 15, Clients: 3000, Out: "events.jsonl", Labels: "labels.jsonl"}
	if got != want {
		t.Errorf("defaults: got %+v, want %+v", got, want)
	}
	got, err = m.Parse([]string{"-seed", "9", "-site", "2", "-start", "2026-06-02T07:30:00Z", "-minutes", "1440", "-clients", "10", "-out", "e", "-labels", "l"})
	if err != nil {
		t.Fatal(err)
	}
	want = Config{Seed: 9, Site: 2, Start: time.Date(2026, 6, 2, 7, 30, 0, 0, time.UTC), Minutes: 1440, Clients: 10, Out: "e", Labels: "l"}
	if got != want {
		t.Errorf("flags: got %+v, want %+v", got, want)
	}
}

func TestParseRejectsBadFlagsSayingWhatToGive(t *testing.T) {
	var c Config
	m := tiny(&c)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-start", "yesterday"}, `-start "yesterday": `},
		{[]string{"-start", "yesterday"}, "(write it like 2026-01-02T03:04:05Z)"},
		{[]string{"-minutes", "1"}, "-minutes 1: give between 2 and 1440"},
		{[]string{"-minutes", "1441"}, "-minutes 1441: give between 2 and 1440"},
		{[]string{"-clients", "9"}, "-clients 9: give at least 10"},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
	} {
		_, err := m.Parse(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
}

func TestRunWritesTheEventsAndLabelsFilesAndTheSummary(t *testing.T) {
	dir := t.TempDir()
	ev, lab := filepath.Join(dir, "e.jsonl"), filepath.Join(dir, "l.jsonl")
	var c Config
	var out bytes.Buffer
	if err := tiny(&c).Run([]string{"-seed", "4", "-out", ev, "-labels", lab}, &out); err != nil {
		t.Fatal(err)
	}
	if c.Seed != 4 || c.Out != ev {
		t.Errorf("the model was given %+v, not the flags", c)
	}
	for path, want := range map[string]string{
		ev:  `{"ts":"2026-01-02T03:04:06.000Z","client_ip":"192.0.2.1","method":"GET","path":"/","status":200,"req_bytes":100,"resp_bytes":0,"duration_ms":0,"user_agent":""}` + "\n",
		lab: `{"client":"192.0.2.1","kind":"normal","onset":null,"end":null,"heavy":false}` + "\n",
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Errorf("%s holds %q, want %q", path, b, want)
		}
	}
	if !strings.HasPrefix(out.String(), ev+": 1 events") {
		t.Errorf("summary %q does not start with the events file and its count", out.String())
	}
}

func TestRunFailsNamingTheOutputItCannotCreate(t *testing.T) {
	var c Config
	missing := filepath.Join(t.TempDir(), "no-such-dir", "e.jsonl")
	err := tiny(&c).Run([]string{"-out", missing, "-labels", filepath.Join(t.TempDir(), "l")}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "create output") || !strings.Contains(err.Error(), missing) {
		t.Errorf("Run with -out in a missing directory = %v, want a create error naming %s", err, missing)
	}
}
