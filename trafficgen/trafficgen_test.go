package trafficgen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

// small is a quick recording with attackers.
var small = Config{Seed: 7, Site: 3, Minutes: 4, Clients: 400, Attacks: true}

// record is a log line with exactly the canonical field names.
type record struct {
	TS         string  `json:"ts"`
	ClientIP   string  `json:"client_ip"`
	Method     string  `json:"method"`
	Path       string  `json:"path"`
	Status     int     `json:"status"`
	ReqBytes   int64   `json:"req_bytes"`
	RespBytes  int64   `json:"resp_bytes"`
	DurationMS float64 `json:"duration_ms"`
	UserAgent  string  `json:"user_agent"`
	APIKey     string  `json:"api_key"`
	User       string  `json:"user"`
}

// label is a labels line.
type label struct {
	Client    string  `json:"client"`
	Kind      string  `json:"kind"`
	Onset     *string `json:"onset"`
	End       *string `json:"end"`
	Profile   string  `json:"profile"`
	Heavy     bool    `json:"heavy"`
	Intensity string  `json:"intensity"`
	Events    int     `json:"events"`
}

type output struct {
	log, labels []byte
	sum         Summary
}

func generate(t testing.TB, cfg Config) output {
	t.Helper()
	var log, labels bytes.Buffer
	sum, err := Generate(cfg, &log, &labels)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return output{log.Bytes(), labels.Bytes(), sum}
}

func parseLabels(t testing.TB, b []byte) map[string]label {
	t.Helper()
	m := make(map[string]label)
	for i, line := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		var l label
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("label %d %q: %v", i+1, line, err)
		}
		if _, dup := m[l.Client]; dup {
			t.Fatalf("label %d: client %s labelled twice", i+1, l.Client)
		}
		m[l.Client] = l
	}
	return m
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, cfg := range []Config{small, {Seed: -1, Site: 99, Minutes: 1, Clients: 50}} {
		a, b := generate(t, cfg), generate(t, cfg)
		if !bytes.Equal(a.log, b.log) {
			t.Errorf("%+v: two runs wrote different logs", cfg)
		}
		if !bytes.Equal(a.labels, b.labels) {
			t.Errorf("%+v: two runs wrote different labels", cfg)
		}
	}
}

func TestLogIsCanonicalSortedAndInsideTheRecording(t *testing.T) {
	cfg := small.WithDefaults()
	out := generate(t, cfg)
	wantKeys := []string{"ts", "client_ip", "method", "path", "status", "req_bytes", "resp_bytes", "duration_ms", "user_agent", "api_key", "user"}
	start, end := cfg.Start, cfg.Start.Add(time.Duration(cfg.Minutes)*time.Minute)
	var prev time.Time
	sc := bufio.NewScanner(bytes.NewReader(out.log))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		var rec record
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("line %d %q: %v", n, line, err)
		}
		keys := jsonKeys(t, line)
		if !slices.Equal(keys, wantKeys[:len(keys)]) && !slices.Equal(keys, append(slices.Clone(wantKeys[:9]), "user")) {
			t.Fatalf("line %d: keys %v, want them in the order %v", n, keys, wantKeys)
		}
		if len(keys) < 9 {
			t.Fatalf("line %d: missing fields: %v", n, keys)
		}
		ts, err := time.Parse("2006-01-02T15:04:05.000Z", rec.TS)
		if err != nil {
			t.Fatalf("line %d: ts %q is not RFC 3339 UTC with milliseconds: %v", n, rec.TS, err)
		}
		if ts.Before(prev) {
			t.Fatalf("line %d: ts %s before the previous line's %s", n, rec.TS, prev)
		}
		prev = ts
		if ts.Before(start) || !ts.Before(end) {
			t.Fatalf("line %d: ts %s outside the recording [%s, %s)", n, rec.TS, start, end)
		}
		if rec.ClientIP == "" || rec.Method == "" || !strings.HasPrefix(rec.Path, "/") || rec.Status < 100 || rec.Status > 599 ||
			rec.ReqBytes <= 0 || rec.RespBytes < 0 || rec.DurationMS <= 0 {
			t.Fatalf("line %d: implausible record %+v", n, rec)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != out.sum.Events {
		t.Errorf("Summary.Events = %d, but the log has %d lines", out.sum.Events, n)
	}
}

// jsonKeys returns the top-level keys of a JSON object in order.
func jsonKeys(t *testing.T, line []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestLabelsMatchTheLog(t *testing.T) {
	out := generate(t, small)
	labels := parseLabels(t, out.labels)
	type span struct {
		first, last string
		n           int
	}
	seen := make(map[string]*span)
	sc := bufio.NewScanner(bytes.NewReader(out.log))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		s := seen[rec.ClientIP]
		if s == nil {
			s = &span{first: rec.TS}
			seen[rec.ClientIP] = s
		}
		s.last = rec.TS
		s.n++
	}
	if len(seen) != len(labels) || len(labels) != out.sum.Clients {
		t.Fatalf("%d clients in the log, %d labels, Summary.Clients %d", len(seen), len(labels), out.sum.Clients)
	}
	kinds := make(map[string]int)
	profiles := make(map[string]int)
	for ip, l := range labels {
		s := seen[ip]
		if s == nil {
			t.Fatalf("label for %s, which made no request", ip)
		}
		if l.Events != s.n {
			t.Errorf("%s: label says %d events, the log has %d", ip, l.Events, s.n)
		}
		kinds[l.Kind]++
		if l.Kind == KindNormal {
			if l.Onset != nil || l.End != nil {
				t.Errorf("%s: a normal client with onset %v and end %v", ip, l.Onset, l.End)
			}
			if l.Profile == "" {
				t.Errorf("%s: a normal client without a profile", ip)
			}
			profiles[l.Profile]++
			heavy := l.Profile == ProfilePartner || l.Profile == ProfileHealthcheck || l.Profile == ProfileCrawler || l.Profile == ProfileOffice
			if l.Heavy != heavy {
				t.Errorf("%s: profile %s with heavy %v", ip, l.Profile, l.Heavy)
			}
			continue
		}
		if l.Onset == nil || l.End == nil {
			t.Fatalf("%s: attacker %s without onset or end", ip, l.Kind)
		}
		if *l.Onset != s.first || *l.End != s.last {
			t.Errorf("%s: %s labelled %s to %s, but its requests run from %s to %s", ip, l.Kind, *l.Onset, *l.End, s.first, s.last)
		}
		if l.Intensity == "" || l.Profile != "" || l.Heavy {
			t.Errorf("%s: attacker label %+v", ip, l)
		}
	}
	for _, k := range AttackKinds() {
		if kinds[k] == 0 {
			t.Errorf("no %s attacker", k)
		}
		if kinds[k] != out.sum.ByKind[k] {
			t.Errorf("Summary.ByKind[%s] = %d, labels have %d", k, out.sum.ByKind[k], kinds[k])
		}
	}
	if kinds[KindLowSlow] < minLowSlowIPs {
		t.Errorf("the low-and-slow campaign uses %d addresses, want at least %d", kinds[KindLowSlow], minLowSlowIPs)
	}
	if kinds[KindNormal] != small.Clients {
		t.Errorf("%d normal clients, want Config.Clients = %d", kinds[KindNormal], small.Clients)
	}
	for _, p := range []string{ProfileBrowser, ProfileMobile, ProfileScript, ProfilePartner, ProfileHealthcheck, ProfileCrawler, ProfileOffice} {
		if profiles[p] == 0 {
			t.Errorf("no %s client", p)
		}
	}
}

func TestSeedsVaryTheDayAndSitesKeepTheirRegulars(t *testing.T) {
	cfg := small
	cfg.Attacks = false
	day1 := generate(t, cfg)
	cfg.Seed++
	day2 := generate(t, cfg)
	cfg.Site++
	other := generate(t, cfg)
	if bytes.Equal(day1.log, day2.log) {
		t.Fatal("two seeds wrote the same log")
	}
	l1, l2, l3 := parseLabels(t, day1.labels), parseLabels(t, day2.labels), parseLabels(t, other.labels)
	heavy := func(m map[string]label) []string {
		var ips []string
		for ip, l := range m {
			if l.Heavy {
				ips = append(ips, ip+" "+l.Profile)
			}
		}
		slices.Sort(ips)
		return ips
	}
	h1, h2, h3 := heavy(l1), heavy(l2), heavy(l3)
	if len(h1) == 0 {
		t.Fatal("no heavy clients")
	}
	if !slices.Equal(h1, h2) {
		t.Errorf("the heavy clients of one site changed with the seed:\n%v\n%v", h1, h2)
	}
	if slices.Equal(h1, h3) {
		t.Errorf("two sites have the same heavy clients: %v", h1)
	}
	// About a quarter of the regular users come on both days.
	common := 0
	for ip, l := range l1 {
		if !l.Heavy {
			if _, ok := l2[ip]; ok {
				common++
			}
		}
	}
	regular := len(l1) - len(h1)
	if share, want := float64(common)/float64(regular), poolShare*poolPresence*poolPresence; math.Abs(share-want) > 0.05 {
		t.Errorf("%.2f of the regular users came on both days, want about %.2f", share, want)
	}
}

func TestAttacksAreOptional(t *testing.T) {
	cfg := small
	cfg.Attacks = false
	out := generate(t, cfg)
	for k := range out.sum.ByKind {
		if k != KindNormal {
			t.Errorf("an attacker of kind %s without Config.Attacks", k)
		}
	}
}

func TestDefaultRecordingSize(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a full default recording")
	}
	sum, err := Generate(Config{Attacks: true}, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Events < 300_000 || sum.Events > 600_000 {
		t.Errorf("the default recording has %d events, want 300k to 600k", sum.Events)
	}
	if sum.ByKind[KindNormal] != DefaultClients {
		t.Errorf("%d normal clients, want %d", sum.ByKind[KindNormal], DefaultClients)
	}
	attackers := sum.Clients - sum.ByKind[KindNormal]
	if share := float64(attackers) / float64(sum.Clients); math.Abs(share-DefaultAttackShare) > 0.005 {
		t.Errorf("attackers are %.3f of the clients, want about %v", share, DefaultAttackShare)
	}
}

func TestValidate(t *testing.T) {
	ok := Config{}.WithDefaults()
	tests := []struct {
		name   string
		change func(*Config)
		want   string // in the message; empty for valid
	}{
		{"the defaults are valid", func(*Config) {}, ""},
		{"a one-minute recording of ten clients is valid", func(c *Config) { c.Minutes, c.Clients = 1, 10 }, ""},
		{"a zero length is refused", func(c *Config) { c.Minutes = 0 }, "Minutes is 0"},
		{"a negative length is refused", func(c *Config) { c.Minutes = -5 }, "Minutes is -5"},
		{"more than a week is refused", func(c *Config) { c.Minutes = MaxMinutes + 1 }, "Minutes is"},
		{"too few clients are refused", func(c *Config) { c.Clients = 3 }, "Clients is 3"},
		{"too many clients are refused", func(c *Config) { c.Clients = MaxClients + 1 }, "Clients is"},
		{"a negative attack share is refused", func(c *Config) { c.AttackShare = -0.1 }, "AttackShare is -0.1"},
		{"an attack share over one half is refused", func(c *Config) { c.AttackShare = 0.9 }, "AttackShare is 0.9"},
		{"a NaN attack share is refused", func(c *Config) { c.AttackShare = math.NaN() }, "AttackShare is NaN"},
		{"a zero start is refused", func(c *Config) { c.Start = time.Time{} }, "Start is zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %q, want it to mention %q", err, tt.want)
			}
		})
	}
	t.Run("every problem is reported at once", func(t *testing.T) {
		err := Config{Minutes: -1, Clients: -1, AttackShare: 2, Start: DefaultStart()}.Validate()
		for _, want := range []string{"Minutes", "Clients", "AttackShare"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Validate() = %v, want it to mention %s", err, want)
			}
		}
	})
	t.Run("Generate refuses an invalid config", func(t *testing.T) {
		_, err := Generate(Config{Clients: 5}, io.Discard, nil)
		if !errors.Is(err, ErrInvalidConfig) {
			t.Fatalf("Generate() = %v, want ErrInvalidConfig", err)
		}
	})
}

func TestWithDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	if !c.Start.Equal(DefaultStart()) || c.Minutes != DefaultMinutes || c.Clients != DefaultClients || c.AttackShare != DefaultAttackShare {
		t.Errorf("WithDefaults() = %+v", c)
	}
	start := time.Date(2026, 1, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	c = Config{Start: start, Minutes: 3, Clients: 20, AttackShare: 0.1}.WithDefaults()
	if c.Start.Location() != time.UTC || c.Start.Nanosecond() != 123000000 || c.Minutes != 3 || c.Clients != 20 || c.AttackShare != 0.1 {
		t.Errorf("WithDefaults() changed set fields: %+v", c)
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteErrorsStopGenerate(t *testing.T) {
	before := runtime.NumGoroutine()
	_, err := Generate(small, &failingWriter{after: 1 << 20}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Generate() = %v, want the writer's error", err)
	}
	_, err = Generate(small, io.Discard, &failingWriter{})
	if err == nil || !strings.Contains(err.Error(), "labels") {
		t.Fatalf("Generate() = %v, want an error writing the labels", err)
	}
	// Every stream's goroutine ends.
	testwait.Eventually(t, time.Second, "every stream's goroutine to end", func() (bool, string) {
		n := runtime.NumGoroutine()
		return n <= before, fmt.Sprintf("%d goroutines running, %d before", n, before)
	})
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q="x"`, `a\b`, "tab\there", "nl\n", "\x00\x1f", "café", "<script>&", "\xff bad", "/index.php?s=/Index/\\think"} {
		got := appendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("appendString(%q) = %s: %v", s, got, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if back != want {
			t.Errorf("appendString(%q) decodes to %q", s, back)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", `"\`, "é", "\x7f\x80", "/a?b=<c>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(appendString(nil, s), &back); err != nil {
			t.Fatalf("appendString(%q): %v", s, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); back != want && s == strings.ToValidUTF8(s, "") {
			t.Fatalf("appendString(%q) decodes to %q", s, back)
		}
	})
}

// formatTS formats a timestamp in Unix milliseconds the way the log does.
func formatTS(ms int64) string {
	var f tsFormatter
	return string(f.append(nil, ms))
}

func TestFormatTS(t *testing.T) {
	for _, tt := range []struct {
		ms   int64
		want string
	}{
		{DefaultStart().UnixMilli() + 123, "2026-03-02T09:00:00.123Z"},
		{0, "1970-01-01T00:00:00.000Z"},
		{-1, "1969-12-31T23:59:59.999Z"},
	} {
		if got := formatTS(tt.ms); got != tt.want {
			t.Errorf("formatTS(%d) = %s, want %s", tt.ms, got, tt.want)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Attacks: true}
	events := 0
	b.ReportAllocs()
	for b.Loop() {
		sum, err := Generate(cfg, io.Discard, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		events += sum.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}

func ExampleGenerate() {
	var log, labels bytes.Buffer
	sum, err := Generate(Config{Seed: 1, Site: 1, Minutes: 2, Clients: 100, Attacks: true}, &log, &labels)
	if err != nil {
		fmt.Println(err)
		return
	}
	var kinds []string
	for k := range sum.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	fmt.Println(kinds)
	fmt.Println(sum.ByKind[KindNormal], "normal clients")
	fmt.Println(strings.Count(log.String(), "\n") == sum.Events, strings.Count(labels.String(), "\n") == sum.Clients)
	// Output:
	// [bruteforce enumeration flood injection lowslow normal scan scraping upload]
	// 100 normal clients
	// true true
}
