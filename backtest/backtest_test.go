package backtest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// day is the date of every time in these tests.
var day = time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)

// at returns the time of day clock ("09:00:10" or "09:00:10.5") on day.
func at(t testing.TB, clock string) time.Time {
	t.Helper()
	c, err := time.Parse("15:04:05.999", clock)
	if err != nil {
		t.Fatal(err)
	}
	return day.Add(c.Sub(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)))
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update if the change is intended)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

func TestReadLabels(t *testing.T) {
	onset := at(t, "09:01:20.582")
	end := at(t, "09:03:02.349")
	tests := []struct {
		name string
		in   string
		want map[string]Label
	}{
		{
			name: "lines as gen writes them are read by client, extra fields ignored",
			in: `{"client":"1.176.11.223","kind":"normal","onset":null,"end":null,"profile":"browser","events":93}
{"client":"155.138.71.18","kind":"flood","onset":"2026-03-03T09:01:20.582Z","end":"2026-03-03T09:03:02.349Z","intensity":"blatant","events":21556}
{"client":"44.231.160.138","kind":"normal","onset":null,"end":null,"heavy":true,"profile":"partner"}
{"client":"95.18.138.237","kind":"stuffing","onset":"2026-03-03T09:01:20.582Z","end":"2026-03-03T09:03:02.349Z","heavy":false,"campaign":"stuffing-000fdd"}
`,
			want: map[string]Label{
				"1.176.11.223":   {Client: "1.176.11.223", Kind: KindNormal, Profile: "browser"},
				"155.138.71.18":  {Client: "155.138.71.18", Kind: "flood", Onset: &onset, End: &end},
				"44.231.160.138": {Client: "44.231.160.138", Kind: KindNormal, Heavy: true, Profile: "partner"},
				"95.18.138.237":  {Client: "95.18.138.237", Kind: "stuffing", Onset: &onset, End: &end, Campaign: "stuffing-000fdd"},
			},
		},
		{
			name: "blank lines, spaces and CRLF line endings are skipped",
			in:   "\n  \r\n{\"client\":\"a\",\"kind\":\"scan\"}\r\n\n\t\n{\"client\":\"b\",\"kind\":\"normal\"}",
			want: map[string]Label{
				"a": {Client: "a", Kind: "scan"},
				"b": {Client: "b", Kind: KindNormal},
			},
		},
		{
			name: "an empty file gives no labels and no error",
			in:   "",
			want: map[string]Label{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadLabels(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ReadLabels: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ReadLabels = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReadLabelsErrors(t *testing.T) {
	good := `{"client":"a","kind":"normal"}` + "\n"
	tests := []struct {
		name    string
		in      string
		errText []string // every one must appear in the error
	}{
		{
			name:    "a line missing kind is an error naming the line",
			in:      good + "\n" + `{"client":"b","onset":null}` + "\n",
			errText: []string{"labels line 3", "client and kind are required"},
		},
		{
			name:    "a line missing client is an error naming the line",
			in:      good + `{"kind":"flood"}`,
			errText: []string{"labels line 2", "client and kind are required"},
		},
		{
			name:    "a line that is not JSON is an error naming the line",
			in:      good + good + "client=a kind=normal\n",
			errText: []string{"labels line 3"},
		},
		{
			name:    "an onset that is not a time is an error naming the line",
			in:      `{"client":"a","kind":"flood","onset":"yesterday"}`,
			errText: []string{"labels line 1"},
		},
		{
			name:    "a line longer than 1 MiB is a read error",
			in:      good + `{"client":"` + strings.Repeat("a", 1<<20) + `","kind":"normal"}`,
			errText: []string{"read labels"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadLabels(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ReadLabels = %d labels, want an error", len(got))
			}
			for _, s := range tt.errText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("ReadLabels error = %q, want it to mention %q", err, s)
				}
			}
		})
	}
}

// decision returns a block of client at the given time of day.
func testDecision(t testing.TB, client, clock string, known bool) *decision.Decision {
	return &decision.Decision{Client: client, Scope: "ip", TS: at(t, clock), Action: decision.ActionBlock, Known: known}
}

func TestEvaluate(t *testing.T) {
	onset := new(at(t, "09:00:10"))
	tests := []struct {
		name      string
		labels    []Label
		decisions []*decision.Decision // in the order they are added
		want      Report
	}{
		{
			name:   "no labels and no decisions give an empty report",
			labels: nil,
			want:   Report{},
		},
		{
			name: "recall is counted per kind, and kinds are sorted by name",
			labels: []Label{
				{Client: "s1", Kind: "scan", Onset: onset},
				{Client: "f1", Kind: "flood", Onset: onset},
				{Client: "f2", Kind: "flood", Onset: onset},
				{Client: "f3", Kind: "flood", Onset: onset},
				{Client: "n1", Kind: KindNormal},
			},
			decisions: []*decision.Decision{
				testDecision(t, "f2", "09:00:12", false),
				testDecision(t, "f1", "09:00:15", false),
			},
			want: Report{
				Kinds: []KindReport{
					{Kind: "flood", Clients: 3, Caught: 2, TTD: []time.Duration{2 * time.Second, 5 * time.Second}},
					{Kind: "scan", Clients: 1},
				},
				Normal: 1,
				AllTTD: []time.Duration{2 * time.Second, 5 * time.Second},
			},
		},
		{
			name: "time to detect clamps at 0 when the decision precedes the onset",
			labels: []Label{
				{Client: "b1", Kind: "bruteforce", Onset: onset},
			},
			decisions: []*decision.Decision{testDecision(t, "b1", "09:00:04", false)},
			want: Report{
				Kinds:  []KindReport{{Kind: "bruteforce", Clients: 1, Caught: 1, TTD: []time.Duration{0}}},
				AllTTD: []time.Duration{0},
			},
		},
		{
			name:      "an attack without an onset is detected at once",
			labels:    []Label{{Client: "s1", Kind: "scan"}},
			decisions: []*decision.Decision{testDecision(t, "s1", "09:03:00", false)},
			want: Report{
				Kinds:  []KindReport{{Kind: "scan", Clients: 1, Caught: 1, TTD: []time.Duration{0}}},
				AllTTD: []time.Duration{0},
			},
		},
		{
			name:   "only the first decision about a client counts",
			labels: []Label{{Client: "f1", Kind: "flood", Onset: onset}},
			decisions: []*decision.Decision{
				testDecision(t, "f1", "09:00:13", false),
				testDecision(t, "f1", "09:00:11", false),
				testDecision(t, "f1", "09:10:13", false),
			},
			want: Report{
				Kinds:  []KindReport{{Kind: "flood", Clients: 1, Caught: 1, TTD: []time.Duration{3 * time.Second}}},
				AllTTD: []time.Duration{3 * time.Second},
			},
		},
		{
			name: "blocked normal clients are false positives, and heavy ones are counted apart",
			labels: []Label{
				{Client: "n1", Kind: KindNormal},
				{Client: "n2", Kind: KindNormal},
				{Client: "n3", Kind: KindNormal},
				{Client: "h1", Kind: KindNormal, Heavy: true},
				{Client: "h2", Kind: KindNormal, Heavy: true},
			},
			decisions: []*decision.Decision{
				testDecision(t, "n3", "09:00:01", false),
				testDecision(t, "h2", "09:00:02", false),
				testDecision(t, "n1", "09:00:03", false),
			},
			want: Report{
				Normal:        5,
				NormalBlocked: []string{"h2", "n1", "n3"},
				Heavy:         2,
				HeavyBlocked:  []string{"h2"},
			},
		},
		{
			name: "a heavy client the model knew from training is reported as known",
			labels: []Label{
				{Client: "h1", Kind: KindNormal, Heavy: true},
				{Client: "h2", Kind: KindNormal, Heavy: true},
				{Client: "n1", Kind: KindNormal},
			},
			decisions: []*decision.Decision{
				testDecision(t, "h1", "09:00:01", true),
				testDecision(t, "h2", "09:00:02", false),
				testDecision(t, "n1", "09:00:03", true),
			},
			want: Report{
				Normal:            3,
				NormalBlocked:     []string{"h1", "h2", "n1"},
				Heavy:             2,
				HeavyBlocked:      []string{"h1", "h2"},
				KnownHeavyBlocked: []string{"h1"},
			},
		},
		{
			name:   "decisions about clients the labels do not name count once per client as unlabelled",
			labels: []Label{{Client: "n1", Kind: KindNormal}},
			decisions: []*decision.Decision{
				testDecision(t, "x1", "09:00:01", false),
				testDecision(t, "x2", "09:00:02", false),
				testDecision(t, "x1", "09:00:03", false),
			},
			want: Report{Normal: 1, Unlabelled: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := map[string]Label{}
			for _, l := range tt.labels {
				labels[l.Client] = l
			}
			rec := NewRecorder()
			for _, d := range tt.decisions {
				if err := rec.Add(d); err != nil {
					t.Fatalf("Add: %v", err)
				}
			}
			got := rec.Evaluate(labels)
			got.Actions, got.Attacks = nil, 0 // TestEvaluateActions checks them
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Evaluate =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestRates(t *testing.T) {
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"recall of a kind is caught over clients", KindReport{Clients: 4, Caught: 3}.Recall(), 0.75},
		{"recall of a kind without clients is 0", KindReport{}.Recall(), 0},
		{"the false-positive rate is blocked normal clients over normal clients", Report{Normal: 8, NormalBlocked: []string{"a", "b"}}.FPRate(), 0.25},
		{"the false-positive rate without normal clients is 0", Report{}.FPRate(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestQuantile(t *testing.T) {
	s := time.Second
	ten := []time.Duration{1 * s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s, 7 * s, 8 * s, 9 * s, 10 * s}
	twenty := make([]time.Duration, 20)
	for i := range twenty {
		twenty[i] = time.Duration(i+1) * s
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"no durations give -1", nil, 0.5, -1},
		{"an empty slice gives -1", []time.Duration{}, 0.9, -1},
		{"one duration is every quantile", []time.Duration{7 * s}, 0.9, 7 * s},
		{"the median of ten is the fifth (nearest rank)", ten, 0.5, 5 * s},
		{"p90 of ten is the ninth", ten, 0.9, 9 * s},
		{"p95 of ten rounds the rank up to the tenth", ten, 0.95, 10 * s},
		{"p91 of ten rounds the rank up to the tenth", ten, 0.91, 10 * s},
		{"the median of three is the second", ten[:3], 0.5, 2 * s},
		{"the median of two is the first", ten[:2], 0.5, 1 * s},
		{"q = 1 is the largest", ten, 1, 10 * s},
		{"q = 0 is the smallest", ten, 0, 1 * s},
		{"a rank just above an integer in floating point is not rounded up (0.55 × 20)", twenty, 0.55, 11 * s},
		{"a rank just above an integer in floating point is not rounded up (0.7 × 10)", ten, 0.7, 7 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quantile(tt.sorted, tt.q); got != tt.want {
				t.Errorf("Quantile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
			}
		})
	}
}

func TestReportPrint(t *testing.T) {
	ms := time.Millisecond
	twelve := make([]string, 12)
	for i := range twelve {
		twelve[i] = fmt.Sprintf("10.0.0.%d", 10+i)
	}
	tests := []struct {
		name   string
		report Report
	}{
		{
			name: "a report with every section",
			report: Report{
				Kinds: []KindReport{
					{Kind: "bruteforce", Clients: 1, Caught: 1, TTD: []time.Duration{14_730 * ms}},
					{Kind: "flood", Clients: 4, Caught: 3, TTD: []time.Duration{0, 160 * ms, 2_049 * ms}},
					{Kind: "lowslow", Clients: 5},
					{Kind: "scan", Clients: 2, Caught: 2, TTD: []time.Duration{980 * ms, 61_250 * ms}},
				},
				Normal:            400,
				NormalBlocked:     twelve,
				Heavy:             6,
				HeavyBlocked:      []string{"10.0.0.11", "10.0.0.20"},
				KnownHeavyBlocked: []string{"10.0.0.20"},
				Unlabelled:        3,
				AllTTD:            []time.Duration{0, 160 * ms, 980 * ms, 2_049 * ms, 14_730 * ms, 61_250 * ms},
			},
		},
		{
			name: "a report without false positives omits their list",
			report: Report{
				Kinds:  []KindReport{{Kind: "flood", Clients: 1, Caught: 1, TTD: []time.Duration{250 * ms}}},
				Normal: 10,
				AllTTD: []time.Duration{250 * ms},
			},
		},
		{
			name:   "an empty report shows dashes for the times",
			report: Report{},
		},
		{
			name: "campaigns follow the kinds table, and an ID that is not a plain word is quoted",
			report: Report{
				Kinds: []KindReport{
					{Kind: "ddos", Clients: 150, Caught: 3, TTD: []time.Duration{2_000 * ms, 70_000 * ms, 90_000 * ms}},
					{Kind: "stuffing", Clients: 64},
				},
				Campaigns: []CampaignReport{
					{ID: "ddos-0f3a", Kind: "ddos", Addresses: 150, Blocked: 3, Early: 1, Own: 2},
					{ID: "evil\x1b[2J\nall attacks", Kind: "stuffing", Addresses: 64},
				},
				Normal: 3000,
				AllTTD: []time.Duration{2_000 * ms, 70_000 * ms, 90_000 * ms},
			},
		},
		{
			name: "the actions table follows the rest, one row per action",
			report: Report{
				Kinds:   []KindReport{{Kind: "flood", Clients: 4, Caught: 3, TTD: []time.Duration{250 * ms, 250 * ms, 250 * ms}}},
				Normal:  1000,
				Attacks: 4,
				AllTTD:  []time.Duration{250 * ms, 250 * ms, 250 * ms},
				Actions: []ActionReport{{Action: "log", Attacks: 0, Normal: 2}, {Action: "throttle", Attacks: 1, Normal: 1},
					{Action: "challenge"}, {Action: "block", Attacks: 2}},
			},
		},
	}
	var out bytes.Buffer
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := tt.report.Print(&buf); err != nil {
			t.Fatalf("%s: Print: %v", tt.name, err)
		}
		fmt.Fprintf(&out, "== %s\n%s\n", tt.name, buf.Bytes())
	}
	checkGolden(t, "report.golden", out.Bytes())
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestReportPrintReturnsWriteErrors(t *testing.T) {
	r := Report{Kinds: []KindReport{{Kind: "flood", Clients: 1}}}
	if err := r.Print(failingWriter{}); !errors.Is(err, errWrite) {
		t.Errorf("Print to a failing writer = %v, want %v", err, errWrite)
	}
}

// campaign returns n members of a campaign of kind, named kind-1 ..., the
// i-th starting i seconds after 09:00:00.
func campaign(t *testing.T, id, kind string, n int) []Label {
	var ls []Label
	for i := range n {
		onset := at(t, "09:00:00").Add(time.Duration(i) * time.Second)
		ls = append(ls, Label{Client: fmt.Sprintf("%s-%d", id, i), Kind: kind, Onset: &onset, Campaign: id})
	}
	return ls
}

func TestEvaluateCampaigns(t *testing.T) {
	tests := []struct {
		name      string
		labels    []Label
		decisions []*decision.Decision
		want      []CampaignReport
	}{
		{
			name:   "a campaign of fewer than 20 addresses is not reported on its own",
			labels: campaign(t, "small", "stuffing", 19),
			want:   nil,
		},
		{
			name:   "a campaign of 20 addresses is reported, from its earliest onset, with nothing blocked",
			labels: campaign(t, "c20", "stuffing", 20),
			want:   []CampaignReport{{ID: "c20", Kind: "stuffing", Onset: at(t, "09:00:00"), Addresses: 20}},
		},
		{
			name:   "a block 60 s after the campaign's onset is early, one later is not, whatever the member's own onset; within 60 s of its own onset is its own count",
			labels: campaign(t, "c", "cardtest", 25),
			decisions: []*decision.Decision{
				testDecision(t, "c-0", "09:00:30", false),
				testDecision(t, "c-24", "09:01:00", false), // its own onset is 09:00:24
				testDecision(t, "c-3", "09:01:00.1", false),
				testDecision(t, "c-4", "09:10:00", false),
			},
			want: []CampaignReport{{ID: "c", Kind: "cardtest", Onset: at(t, "09:00:00"), Addresses: 25, Blocked: 4, Early: 2, Own: 3}},
		},
		{
			name: "campaigns are kept apart by ID and sorted by it, and normal clients are never members",
			labels: append(append(campaign(t, "zz", "ddos", 30), campaign(t, "aa", "stuffing", 21)...),
				Label{Client: "n1", Kind: KindNormal, Campaign: "aa"}),
			decisions: []*decision.Decision{testDecision(t, "zz-1", "09:00:02", false), testDecision(t, "n1", "09:00:02", false)},
			want: []CampaignReport{
				{ID: "aa", Kind: "stuffing", Onset: at(t, "09:00:00"), Addresses: 21},
				{ID: "zz", Kind: "ddos", Onset: at(t, "09:00:00"), Addresses: 30, Blocked: 1, Early: 1, Own: 1},
			},
		},
		{
			name:      "members of different kinds name every kind, and without onsets every block is early",
			labels:    append(noOnset(campaign(t, "m", "ddos", 10)), noOnset(campaign(t, "m", "flood", 10))...),
			decisions: []*decision.Decision{testDecision(t, "m-9", "23:00:00", false)},
			want:      []CampaignReport{{ID: "m", Kind: "ddos+flood", Addresses: 20, Blocked: 1, Early: 1, Own: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := map[string]Label{}
			for i, l := range tt.labels {
				if _, dup := labels[l.Client]; dup { // the mixed-kind case reuses names
					l.Client = fmt.Sprintf("%s-%s-%d", l.Campaign, l.Kind, i)
				}
				labels[l.Client] = l
			}
			rec := NewRecorder()
			for _, d := range tt.decisions {
				rec.Add(d)
			}
			if got := rec.Evaluate(labels).Campaigns; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Campaigns =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func noOnset(ls []Label) []Label {
	for i := range ls {
		ls[i].Onset = nil
	}
	return ls
}

func TestEarlyShare(t *testing.T) {
	if got := (CampaignReport{Addresses: 80, Early: 20}).EarlyShare(); got != 0.25 {
		t.Errorf("EarlyShare of 20 of 80 = %v, want 0.25", got)
	}
	if got := (CampaignReport{}).EarlyShare(); got != 0 {
		t.Errorf("EarlyShare of an empty campaign = %v, want 0", got)
	}
}

func TestMerge(t *testing.T) {
	s := time.Second
	a := Report{
		Kinds:         []KindReport{{Kind: "flood", Clients: 2, Caught: 2, TTD: []time.Duration{1 * s, 9 * s}}, {Kind: "scan", Clients: 1}},
		Campaigns:     []CampaignReport{{ID: "x", Kind: "ddos", Addresses: 100, Blocked: 10, Early: 5, Own: 8}},
		Normal:        10,
		NormalBlocked: []string{"n9"},
		Heavy:         2,
		AllTTD:        []time.Duration{1 * s, 9 * s},
	}
	b := Report{
		Kinds:        []KindReport{{Kind: "flood", Clients: 1, Caught: 1, TTD: []time.Duration{3 * s}}, {Kind: "enumeration", Clients: 4, Caught: 1, TTD: []time.Duration{20 * s}}},
		Campaigns:    []CampaignReport{{ID: "x", Kind: "ddos", Addresses: 50, Blocked: 1, Own: 1}, {ID: "a", Kind: "stuffing", Addresses: 60}},
		Normal:       5,
		Heavy:        1,
		HeavyBlocked: []string{"h1"}, NormalBlocked: []string{"h1"},
		Unlabelled: 2,
		AllTTD:     []time.Duration{3 * s, 20 * s},
	}
	want := Report{
		Kinds: []KindReport{
			{Kind: "enumeration", Clients: 4, Caught: 1, TTD: []time.Duration{20 * s}},
			{Kind: "flood", Clients: 3, Caught: 3, TTD: []time.Duration{1 * s, 3 * s, 9 * s}},
			{Kind: "scan", Clients: 1},
		},
		Campaigns:     []CampaignReport{{ID: "a", Kind: "stuffing", Addresses: 60}, {ID: "x", Kind: "ddos", Addresses: 150, Blocked: 11, Early: 5, Own: 9}},
		Normal:        15,
		NormalBlocked: []string{"h1", "n9"},
		Heavy:         3,
		HeavyBlocked:  []string{"h1"},
		Unlabelled:    2,
		AllTTD:        []time.Duration{1 * s, 3 * s, 9 * s, 20 * s},
	}
	if got := Merge(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("Merge =\n%+v\nwant\n%+v", got, want)
	}
	if got := Merge(); !reflect.DeepEqual(got, Report{}) {
		t.Errorf("Merge() = %+v, want an empty report", got)
	}
}

func TestSafe(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"an address is printed as it is", "203.0.113.7", "203.0.113.7"},
		{"an IPv6 address is printed as it is", "2a02:8109:1a2b::1", "2a02:8109:1a2b::1"},
		{"a campaign name with dashes is printed as it is", "stuffing-000fdd", "stuffing-000fdd"},
		{"an empty string is shown as quotes", "", `""`},
		{"a space is quoted so that a line keeps its fields", "a b", `"a b"`},
		{"escape sequences are quoted, not sent to the terminal", "x\x1b[31m", `"x\x1b[31m"`},
		{"a newline is quoted so that it cannot forge a report line", "x\nall attacks", `"x\nall attacks"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Safe(tt.in); got != tt.want {
				t.Errorf("Safe(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestEvaluateActions(t *testing.T) {
	labels := map[string]Label{
		"a1": {Client: "a1", Kind: "flood"}, "a2": {Client: "a2", Kind: "flood"}, "a3": {Client: "a3", Kind: "scan"},
		"n1": {Client: "n1", Kind: KindNormal}, "n2": {Client: "n2", Kind: KindNormal}, "n3": {Client: "n3", Kind: KindNormal},
	}
	rec := NewRecorder()
	add := func(client, action string) {
		d := testDecision(t, client, "09:00:01", false)
		d.Action = action
		rec.Add(d)
	}
	add("a1", decision.ActionLog)
	add("a1", decision.ActionBlock) // a client counts under its strictest decision
	add("a2", decision.ActionThrottle)
	add("a2", decision.ActionLog)
	add("n1", decision.ActionLog)
	add("n2", "") // a decision without an action is a block
	add("x", decision.ActionBlock)
	got := rec.Evaluate(labels)
	want := []ActionReport{{Action: decision.ActionLog, Normal: 1}, {Action: decision.ActionThrottle, Attacks: 1},
		{Action: decision.ActionChallenge}, {Action: decision.ActionBlock, Attacks: 1, Normal: 1}}
	if !reflect.DeepEqual(got.Actions, want) || got.Attacks != 3 {
		t.Errorf("actions %+v of %d attacks, want %+v of 3", got.Actions, got.Attacks, want)
	}
	m := Merge(got, got)
	if m.Actions[3].Attacks != 2 || m.Actions[0].Normal != 2 || m.Attacks != 6 {
		t.Errorf("merged actions %+v of %d attacks", m.Actions, m.Attacks)
	}
}
