package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/internal/buildinfo"
	"github.com/portcullis/portcullis/models"
)

// match returns the submatches of the first line of s that re matches, or
// fails the test.
func match(t *testing.T, what, s string, re *regexp.Regexp) []string {
	t.Helper()
	m := re.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s has no line matching %s:\n%s", what, re, s)
	}
	return m
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var (
	generatedRE = regexp.MustCompile(`(?m)^generated (\d+) events from (\d+) clients \(.*normal (\d+).*\)$`)
	trainedRE   = regexp.MustCompile(`(?m)^model (pc-[0-9a-f]+) written to (.+) in \S+$`)
	scoredRE    = regexp.MustCompile(`(?m)^scored (\d+) events in \S+ \((\d+) events/s\) with model (pc-[0-9a-f]+), threshold ([0-9.]+)$`)
	clientsRE   = regexp.MustCompile(`(?m)^clients: (\d+) seen, \d+ judgements \(\d+ early\), \d+ of them unusual enough to consult the forest$`)
	decisionsRE = regexp.MustCompile(`(?m)^decisions: (\d+);`)
	skippedRE   = regexp.MustCompile(`(?m)^skipped lines: (\d+) of (\d+)(?: \(first at (.*)\))?$`)
	allRE       = regexp.MustCompile(`(?m)^ *all attacks +(\d+) +(\d+) +[0-9.]+% +\S+ +\S+ *$`)
	kindRE      = regexp.MustCompile(`(?m)^ *(\w+) +(\d+) +(\d+) +[0-9.]+% +\S+ +\S+ *$`)
	normalRE    = regexp.MustCompile(`(?m)^normal clients blocked: (\d+) of (\d+) \([0-9.]+%\)$`)
	heavyRE     = regexp.MustCompile(`(?m)^heavy legitimate clients blocked: (\d+) of (\d+) `)
)

// TestEndToEnd runs the demo at test size: gen two days, train on the first,
// score the second with its labels.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	p := shared(t)
	day2 := readFile(t, p.path("day2.jsonl"))
	labels := readLabels(t, p.path("day2.labels.jsonl"))

	t.Run("gen reports the events and clients it wrote", func(t *testing.T) {
		m := match(t, "gen's stderr", p.genDay2.stderr, generatedRE)
		if got, want := atoi(t, m[1]), countLines(day2); got != want {
			t.Errorf("gen says %d events, day2.jsonl has %d lines", got, want)
		}
		if got, want := atoi(t, m[2]), len(labels); got != want {
			t.Errorf("gen says %d clients, the labels name %d", got, want)
		}
		if got := atoi(t, m[3]); got != 400 {
			t.Errorf("gen says %d normal clients, want the 400 of --clients", got)
		}
		if p.genDay2.stdout != "" {
			t.Errorf("gen with --out FILE wrote to stdout: %q", p.genDay2.stdout)
		}
	})

	model, err := models.ReadFile(p.path("m.pcm"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("train says which model it wrote where", func(t *testing.T) {
		m := match(t, "train's stdout", p.train.stdout, trainedRE)
		if m[1] != model.ID || m[2] != p.path("m.pcm") {
			t.Errorf("train says model %s written to %s, want %s written to %s", m[1], m[2], model.ID, p.path("m.pcm"))
		}
		if p.train.stderr != "" {
			t.Errorf("train with --no-progress wrote to stderr: %q", p.train.stderr)
		}
		if want := buildinfo.Get().String(); model.Training.Build != want {
			t.Errorf("the model's training summary says build %q, want %q", model.Training.Build, want)
		}
	})

	decisions := readDecisions(t, p.path("d.jsonl"))
	out := p.score.stdout
	t.Run("score summarises the run", func(t *testing.T) {
		m := match(t, "score's stdout", out, scoredRE)
		if got, want := atoi(t, m[1]), countLines(day2); got != want {
			t.Errorf("score says %d events, day2.jsonl has %d lines", got, want)
		}
		if atoi(t, m[2]) <= 0 {
			t.Errorf("score says %s events/s, want more than 0", m[2])
		}
		if m[3] != model.ID {
			t.Errorf("score says model %s, want %s", m[3], model.ID)
		}
		if got := match(t, "score's stdout", out, clientsRE)[1]; atoi(t, got) != len(labels) {
			t.Errorf("score says %s clients seen, the labels name %d", got, len(labels))
		}
		if got := match(t, "score's stdout", out, decisionsRE)[1]; atoi(t, got) != len(decisions) {
			t.Errorf("score says %s decisions, d.jsonl has %d", got, len(decisions))
		}
		m = match(t, "score's stdout", out, skippedRE)
		if m[1] != "0" || atoi(t, m[2]) != countLines(day2) || m[3] != "" {
			t.Errorf("score says %q, want 0 of %d lines skipped", m[0], countLines(day2))
		}
		if p.score.stderr != "" {
			t.Errorf("score with --decisions FILE wrote to stderr: %q", p.score.stderr)
		}
	})

	t.Run("score measures the decisions against the labels", func(t *testing.T) {
		byKind := map[string]int{}
		normal, heavy := 0, 0
		for _, l := range labels {
			if l.Kind == backtest.KindNormal {
				normal++
				if l.Heavy {
					heavy++
				}
			} else {
				byKind[l.Kind]++
			}
		}
		attacks := 0
		for kind, n := range byKind {
			attacks += n
			re := regexp.MustCompile(`(?m)^ *` + kind + ` +(\d+) +(\d+) `)
			if got := match(t, "score's stdout", out, re)[1]; atoi(t, got) != n {
				t.Errorf("the %s row says %s clients, the labels name %d", kind, got, n)
			}
		}
		if rows := kindRE.FindAllString(out, -1); len(rows) != len(byKind) {
			t.Errorf("the table has %d rows of kinds, want one for each of the %d attack kinds:\n%s", len(rows), len(byKind), out)
		}
		m := match(t, "score's stdout", out, allRE)
		if atoi(t, m[1]) != attacks {
			t.Errorf("all attacks says %s clients, the labels name %d attackers", m[1], attacks)
		}
		caught := 0
		for _, d := range decisions {
			if l, ok := labels[d.Client]; ok && l.Kind != backtest.KindNormal {
				caught++
			}
		}
		if atoi(t, m[2]) != caught {
			t.Errorf("all attacks says %s blocked, d.jsonl blocks %d attackers", m[2], caught)
		}
		m = match(t, "score's stdout", out, normalRE)
		if atoi(t, m[1]) != len(decisions)-caught || atoi(t, m[2]) != normal {
			t.Errorf("score says %q, want %d of %d", m[0], len(decisions)-caught, normal)
		}
		if got := match(t, "score's stdout", out, heavyRE)[2]; atoi(t, got) != heavy {
			t.Errorf("score says %s heavy legitimate clients, the labels name %d", got, heavy)
		}
	})

	t.Run("decisions follow the design's contract in event-time order", func(t *testing.T) {
		if len(decisions) == 0 {
			t.Fatal("d.jsonl holds no decisions")
		}
		from := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
		to := from.Add(4 * time.Minute)
		lastBlock := map[string]time.Time{}
		for i, d := range decisions {
			if d.Client == "" || d.Scope != "ip" || d.Action != decision.ActionBlock || d.Model != model.ID {
				t.Errorf("decision %d: client %q scope %q action %q model %q; want a client blocked by ip with model %s",
					i, d.Client, d.Scope, d.Action, d.Model, model.ID)
			}
			if math.Abs(d.Threshold-model.Threshold) > 1e-4 || d.Score < d.Threshold && d.Rule == "" {
				t.Errorf("decision %d: score %v, threshold %v, rule %q; want the model's threshold %v and a score past it, or a rule",
					i, d.Score, d.Threshold, d.Rule, model.Threshold)
			}
			if want := int64(detector.DefaultTTL / time.Second); d.TTLSec != want {
				t.Errorf("decision %d: ttl_s %d, want the default %d", i, d.TTLSec, want)
			}
			if d.TS.Before(from) || d.TS.After(to) {
				t.Errorf("decision %d: ts %v is outside the recording, %v to %v", i, d.TS, from, to)
			}
			if i > 0 && d.TS.Before(decisions[i-1].TS) {
				t.Errorf("decision %d at %v comes after one at %v; want event-time order", i, d.TS, decisions[i-1].TS)
			}
			if last, ok := lastBlock[d.Client]; ok && d.TS.Sub(last) < time.Duration(d.TTLSec)*time.Second {
				t.Errorf("decision %d blocks %s again at %v, while its block of %v is active", i, d.Client, d.TS, last)
			}
			lastBlock[d.Client] = d.TS
			if len(d.Reasons) == 0 {
				t.Errorf("decision %d about %s gives no reasons", i, d.Client)
			}
			for _, r := range d.Reasons {
				if r.Feature == "" {
					t.Errorf("decision %d about %s has a reason without a feature name", i, d.Client)
				}
			}
			if d.Simulated {
				t.Errorf("decision %d is simulated without --dry-run", i)
			}
		}
	})

	t.Run("the flood and scan clients are blocked", func(t *testing.T) {
		for _, kind := range []string{"flood", "scan"} {
			clients := clientsOfKind(labels, kind)
			if len(clients) == 0 {
				t.Fatalf("the labels name no %s client", kind)
			}
			for _, c := range clients {
				if _, ok := decisionAbout(decisions, c); !ok {
					t.Errorf("%s client %s is not blocked", kind, c)
				}
			}
		}
	})
}

// decisionAbout returns the first decision about client.
func decisionAbout(decisions []decisionLine, client string) (decisionLine, bool) {
	i := slices.IndexFunc(decisions, func(d decisionLine) bool { return d.Client == client })
	if i < 0 {
		return decisionLine{}, false
	}
	return decisions[i], true
}

func gzipFile(t *testing.T, from, to string) {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(readFile(t, from)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, buf.Bytes())
}

func TestGzipInput(t *testing.T) {
	t.Parallel()
	p := shared(t)
	want := readFile(t, p.path("d.jsonl"))
	gz := filepath.Join(t.TempDir(), "day2.jsonl.gz")
	gzipFile(t, p.path("day2.jsonl"), gz)
	tests := []struct {
		name string
		file string
	}{
		{"score reads a .gz recording", "day2.jsonl.gz"},
		{"score detects gzip from the content, not the name", "day2.log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in, out := filepath.Join(dir, tt.file), filepath.Join(dir, "d.jsonl")
			writeFile(t, in, readFile(t, gz))
			res := run(t, "score", "--model", p.path("m.pcm"), "--in", in, "--decisions", out)
			if got := readFile(t, out); !bytes.Equal(got, want) {
				t.Errorf("decisions from the gzip recording differ from those of the plain one:\n%s\nwant\n%s", got, want)
			}
			m := match(t, "score's stdout", res.stdout, skippedRE)
			if m[1] != "0" || atoi(t, m[2]) != countLines(readFile(t, p.path("day2.jsonl"))) {
				t.Errorf("score says %q, want no lines skipped out of day2's", m[0])
			}
		})
	}
	t.Run("train reads a .gz recording", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		in := filepath.Join(dir, "day1.jsonl.gz")
		gzipFile(t, p.path("day1.jsonl"), in)
		run(t, "train", "--in", in, "--out", filepath.Join(dir, "m.pcm"), "--no-progress")
		checkSameModel(t, filepath.Join(dir, "m.pcm"), p.path("m.pcm"))
	})
}

// checkSameModel fails the test if the model at path differs from the one
// at want. The ID hashes the forest, the threshold, the gate and what the
// model was trained on.
func checkSameModel(t *testing.T, path, want string) {
	t.Helper()
	got, err := models.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := models.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != w.ID || got.Threshold != w.Threshold || got.Training.Events != w.Training.Events {
		t.Errorf("model %s (threshold %v, %d events), want %s (threshold %v, %d events)",
			got.ID, got.Threshold, got.Training.Events, w.ID, w.Threshold, w.Training.Events)
	}
}

// TestTrainReadsStdin swaps os.Stdin, so it must not run in parallel.
func TestTrainReadsStdin(t *testing.T) {
	p := shared(t)
	f, err := os.Open(p.path("day1.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = stdin })
	spool := t.TempDir()
	t.Setenv("TMPDIR", spool)

	dir := t.TempDir()
	run(t, "train", "--in", "-", "--out", filepath.Join(dir, "m.pcm"), "--no-progress")
	os.Stdin = stdin

	checkSameModel(t, filepath.Join(dir, "m.pcm"), p.path("m.pcm"))
	left, err := os.ReadDir(spool)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("train left its copy of stdin behind: %s", e.Name())
	}
}

func TestScoreSkipsMalformedLines(t *testing.T) {
	t.Parallel()
	p := shared(t)
	day2 := readFile(t, p.path("day2.jsonl"))
	n := countLines(day2)
	half := day2[:bytes.IndexByte(day2, '\n')/2]
	garbage := []string{
		"this is not a log line",
		`{"ts":"yesterday","client_ip":"203.0.113.7","method":"GET","path":"/","status":200}`,
		string(half),
		"\x00\x01\x02\xff",
		`203.0.113.7 - - [03/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8"`,
		`{"client_ip":`,
		`[]`,
	}
	tests := []struct {
		name    string
		garbage []string
	}{
		{"three garbage lines at the end are skipped and named", garbage[:3]},
		{"of seven garbage lines only the first five are named", garbage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in, out := filepath.Join(dir, "day2.jsonl"), filepath.Join(dir, "d.jsonl")
			data := append(slices.Clip(day2), strings.Join(tt.garbage, "\n")+"\n"...)
			writeFile(t, in, data)
			res := run(t, "score", "--model", p.path("m.pcm"), "--in", in, "--decisions", out)

			var named []string
			for i := range min(len(tt.garbage), 5) {
				named = append(named, fmt.Sprintf("%s:%d", in, n+1+i))
			}
			want := fmt.Sprintf("skipped lines: %d of %d (first at %s)", len(tt.garbage), n+len(tt.garbage), strings.Join(named, ", "))
			if got := match(t, "score's stdout", res.stdout, skippedRE)[0]; got != want {
				t.Errorf("score says\n%s\nwant\n%s", got, want)
			}
			if !bytes.Equal(readFile(t, out), readFile(t, p.path("d.jsonl"))) {
				t.Errorf("garbage lines changed the decisions")
			}
		})
	}
}

func TestScoreFlags(t *testing.T) {
	t.Parallel()
	p := shared(t)
	base := readDecisions(t, p.path("d.jsonl"))
	labels := readLabels(t, p.path("day2.labels.jsonl"))
	flood := clientsOfKind(labels, "flood")
	if len(flood) == 0 {
		t.Fatal("the labels name no flood client")
	}
	tests := []struct {
		name  string
		flags []string
		check func(t *testing.T, got []decisionLine)
	}{
		{
			name:  "--dry-run marks every decision as simulated",
			flags: []string{"--dry-run"},
			check: func(t *testing.T, got []decisionLine) {
				if len(got) != len(base) {
					t.Errorf("%d decisions, want the %d of a run without --dry-run", len(got), len(base))
				}
				for i, d := range got {
					if !d.Simulated {
						t.Errorf("decision %d about %s is not simulated", i, d.Client)
					}
				}
			},
		},
		{
			name:  "--threshold overrides the model's in every decision",
			flags: []string{"--threshold", "9"},
			check: func(t *testing.T, got []decisionLine) {
				if len(got) > len(base) {
					t.Errorf("%d decisions with a higher threshold, want at most the %d of the model's", len(got), len(base))
				}
				for i, d := range got {
					// The volume limit blocks whatever the score.
					if d.Threshold != 9 || d.Score < 9 && (d.Rule != "volume_limit" || d.Reasons[0].Value < d.Reasons[0].Limit) {
						t.Errorf("decision %d: score %v threshold %v rule %q, want threshold 9 and a score past it or the volume limit", i, d.Score, d.Threshold, d.Rule)
					}
				}
			},
		},
		{
			name:  "--ttl sets ttl_s",
			flags: []string{"--ttl", "90s"},
			check: func(t *testing.T, got []decisionLine) {
				if len(got) == 0 {
					t.Fatal("no decisions")
				}
				for i, d := range got {
					if d.TTLSec != 90 {
						t.Errorf("decision %d: ttl_s %d, want 90", i, d.TTLSec)
					}
				}
			},
		},
		{
			name:  "--allow spares a client",
			flags: []string{"--allow", flood[0]},
			check: func(t *testing.T, got []decisionLine) {
				if d, ok := decisionAbout(got, flood[0]); ok {
					t.Errorf("allowed client %s is blocked: %+v", flood[0], d)
				}
				if len(got) == 0 {
					t.Error("no client is blocked at all")
				}
			},
		},
	}
	policy := filepath.Join(t.TempDir(), "detect.yaml")
	if err := os.WriteFile(policy, []byte("model: m.pcm\npolicy:\n  actions: [{above: 0, action: log}, {above: 1, action: throttle}, {above: 3, action: block}]\n  throttle_rate: 4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests = append(tests, struct {
		name  string
		flags []string
		check func(t *testing.T, got []decisionLine)
	}{
		name:  "--policy takes each decision's action from a detect config's policy, and a milder one can grow stricter",
		flags: []string{"--policy", policy},
		check: func(t *testing.T, got []decisionLine) {
			if len(got) < len(base) {
				t.Errorf("%d decisions, want at least the %d of a run without --policy", len(got), len(base))
			}
			seen := map[string]int{}
			rank := map[string]int{"log": 1, "throttle": 2, "challenge": 3, "block": 4}
			last := map[string]int{}
			for i, d := range got {
				// A client under a milder action is judged on, and decided
				// about again only when its action grows stricter.
				if r := rank[d.Action]; r <= last[d.Client] {
					t.Errorf("decision %d about %s: %s after a decision as strict or stricter", i, d.Client, d.Action)
				} else {
					last[d.Client] = r
				}
				margin := d.Score - d.Threshold
				want := "log"
				switch {
				case d.Rule == "campaign":
					want = "block"
				case margin >= 3:
					want = "block"
				case margin >= 1:
					want = "throttle"
				}
				// Scores are rounded to 4 digits: a margin at a step's edge may fall either side.
				if d.Action != want && math.Abs(margin-1) > 1e-3 && math.Abs(margin-3) > 1e-3 {
					t.Errorf("decision %d: score %v past %v, rule %q: action %q, want %q", i, d.Score, d.Threshold, d.Rule, d.Action, want)
				}
				if (d.Action == "throttle") != (d.Limit == 4) {
					t.Errorf("decision %d: action %q with limit %v, want the limit 4 on a throttle alone", i, d.Action, d.Limit)
				}
				seen[d.Action]++
			}
			if len(last) != len(distinctClients(base)) {
				t.Errorf("%d clients decided about, want the %d of a run without --policy", len(last), len(distinctClients(base)))
			}
			if seen["log"] == 0 || seen["block"] == 0 {
				t.Errorf("actions taken %v, want both log and block among them", seen)
			}
		},
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "d.jsonl")
			args := append([]string{"score", "--model", p.path("m.pcm"), "--in", p.path("day2.jsonl"), "--decisions", out}, tt.flags...)
			run(t, args...)
			tt.check(t, readDecisions(t, out))
		})
	}

	t.Run("--decisions - writes decisions to stdout and the summary to stderr", func(t *testing.T) {
		t.Parallel()
		res := run(t, "score", "--model", p.path("m.pcm"), "--in", p.path("day2.jsonl"), "--decisions", "-")
		if res.stdout != string(readFile(t, p.path("d.jsonl"))) {
			t.Errorf("stdout holds other decisions than d.jsonl:\n%s", res.stdout)
		}
		match(t, "score's stderr", res.stderr, scoredRE)
		match(t, "score's stderr", res.stderr, decisionsRE)
	})
}

func TestGenWritesToStdout(t *testing.T) {
	t.Parallel()
	res := run(t, "gen", "--minutes", "1", "--clients", "10", "--attacks=false")
	m := match(t, "gen's stderr", res.stderr, generatedRE)
	if got := countLines([]byte(res.stdout)); got != atoi(t, m[1]) || got == 0 {
		t.Errorf("gen wrote %d lines to stdout and says it generated %s events", got, m[1])
	}
	if strings.Contains(res.stderr, "flood") {
		t.Errorf("gen --attacks=false generated attackers: %s", res.stderr)
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	p := shared(t)
	t.Run("scoring twice with one model gives the same decisions", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "d.jsonl")
		run(t, "score", "--model", p.path("m.pcm"), "--in", p.path("day2.jsonl"), "--decisions", out)
		if got, want := readFile(t, out), readFile(t, p.path("d.jsonl")); !bytes.Equal(got, want) {
			t.Errorf("second run's decisions:\n%s\nfirst run's:\n%s", got, want)
		}
	})
	t.Run("generating, training and scoring twice give the same bytes", func(t *testing.T) {
		t.Parallel()
		q, err := runPipeline(t.Context(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"day1.jsonl", "day2.jsonl", "day2.labels.jsonl", "d.jsonl"} {
			if !bytes.Equal(readFile(t, q.path(name)), readFile(t, p.path(name))) {
				t.Errorf("%s differs between two runs", name)
			}
		}
		a, b := match(t, "train's stdout", q.train.stdout, trainedRE)[1], match(t, "train's stdout", p.train.stdout, trainedRE)[1]
		if a != b {
			t.Errorf("training twice gives models %s and %s, want one ID", a, b)
		}
	})
}

func distinctClients(ds []decisionLine) map[string]bool {
	m := map[string]bool{}
	for _, d := range ds {
		m[d.Client] = true
	}
	return m
}
