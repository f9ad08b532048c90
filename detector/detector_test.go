package detector_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
	"github.com/portcullis/portcullis/trafficgen"
)

// recording is a generated day of traffic with its labels.
type recording struct {
	path   string
	labels map[string]backtest.Label
}

var (
	fixtureOnce sync.Once
	fixture     struct {
		dir        string
		day1, day2 recording
		model      *models.Model
		err        error
	}
)

// TestMain removes the shared fixture's recordings (~150 MB) once every
// test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

func gen(dir string, seed int64, start time.Time) (recording, error) {
	var log, labels bytes.Buffer
	cfg := trafficgen.Config{Seed: seed, Site: 3, Start: start, Minutes: 8, Clients: 1500, Attacks: true, AttackShare: 0.03}
	if _, err := trafficgen.Generate(cfg.WithDefaults(), &log, &labels); err != nil {
		return recording{}, err
	}
	path := filepath.Join(dir, "day.jsonl")
	if err := os.WriteFile(path, log.Bytes(), 0o644); err != nil {
		return recording{}, err
	}
	l, err := backtest.ReadLabels(&labels)
	return recording{path, l}, err
}

// trainedFixture generates two days of one site and trains on the first,
// once for all tests of the package.
func trainedFixture(t *testing.T) (day1, day2 recording, m *models.Model) {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "portcullis-detector-")
		if err != nil {
			fixture.err = err
			return
		}
		fixture.dir = dir
		d1, d2 := filepath.Join(dir, "1"), filepath.Join(dir, "2")
		os.Mkdir(d1, 0o755)
		os.Mkdir(d2, 0o755)
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		if fixture.day1, fixture.err = gen(d1, 1, t0); fixture.err != nil {
			return
		}
		if fixture.day2, fixture.err = gen(d2, 2, t0.Add(24*time.Hour)); fixture.err != nil {
			return
		}
		fixture.model, fixture.err = Train(context.Background(), []Source{&FileSource{Path: fixture.day1.path}}, TrainConfig{Seed: 1})
	})
	if fixture.err != nil {
		t.Fatal(fixture.err)
	}
	return fixture.day1, fixture.day2, fixture.model
}

func score(t *testing.T, path string, cfg Config, m *models.Model) ([]*decision.Decision, ScoreResult) {
	t.Helper()
	var ds []*decision.Decision
	res, err := Score(context.Background(), []Source{&FileSource{Path: path}}, cfg, m, func(d *decision.Decision) error {
		ds = append(ds, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ds, res
}

func TestBacktestOnAnotherDay(t *testing.T) {
	_, day2, m := trainedFixture(t)
	ds, res := score(t, day2.path, Config{}, m)
	rec := backtest.NewRecorder()
	for _, d := range ds {
		rec.Add(d)
	}
	rep := rec.Evaluate(day2.labels)
	var out bytes.Buffer
	rep.Print(&out)
	t.Logf("threshold %.3f, %d events\n%s", m.Threshold, res.Input.Parsed, out.String())

	// The kinds the detector must catch; scraping and low-and-slow
	// credential stuffing are harder and not asserted.
	caught, total := 0, 0
	for _, k := range rep.Kinds {
		switch k.Kind {
		case "flood", "scan", "bruteforce", "injection", "upload", "enumeration":
			caught += k.Caught
			total += k.Clients
		}
	}
	if total == 0 || float64(caught) < 0.8*float64(total) {
		t.Errorf("%d of %d attackers of the main kinds caught, want at least 80%%", caught, total)
	}
	if rep.FPRate() > 0.005 {
		t.Errorf("%.2f%% of normal clients blocked, want at most 0.5%%", 100*rep.FPRate())
	}
	if len(rep.KnownHeavyBlocked) > 0 {
		t.Errorf("heavy clients known from training were blocked: %v", rep.KnownHeavyBlocked)
	}
	if p50 := backtest.Quantile(rep.AllTTD, 0.5); p50 > 20*time.Second {
		t.Errorf("median time to detect %v, want within 20 s", p50)
	}
}

func TestDecisionsAreExplainedAndOrdered(t *testing.T) {
	_, day2, m := trainedFixture(t)
	ds, _ := score(t, day2.path, Config{}, m)
	if len(ds) == 0 {
		t.Fatal("no decisions")
	}
	for i, d := range ds {
		if i > 0 && d.TS.Before(ds[i-1].TS) {
			t.Fatalf("decision %d at %v precedes the one before it at %v", i, d.TS, ds[i-1].TS)
		}
		if d.Rule == decision.RuleVolume {
			if r := d.Reasons[0]; r.Feature != "requests_2m" || r.Limit != m.Volume.Requests || r.Value < r.Limit || math.Abs(r.Typical-m.Volume.Peak) > 1e-3 {
				t.Errorf("decision %+v by the volume limit does not lead with requests_2m past %v", d, m.Volume.Requests)
			}
		} else if d.Rule == decision.RuleCampaign {
			if r := d.Reasons[0]; d.Campaign == "" || d.CampaignReason == "" || r.Value < r.Limit || r.Limit <= r.Typical {
				t.Errorf("campaign decision %+v does not name its campaign or the departure past its limit", d)
			}
		} else if d.Score < d.Threshold {
			t.Errorf("decision %+v is below the threshold and names no rule", d)
		} else if r := d.Reasons[0]; math.Abs(r.Surprise-d.Score) > 0.01 {
			t.Errorf("decision %+v: its first reason's surprise %v is not the decision's score", d, r.Surprise)
		}
		if d.Action != decision.ActionBlock || d.TTLSec != int64(DefaultTTL/time.Second) || d.Model != m.ID || d.Scope != "ip" {
			t.Errorf("decision %+v is not a block with the default TTL and the model's id", d)
		}
		if len(d.Reasons) == 0 {
			t.Errorf("decision about %s carries no reasons", d.Client)
		}
		for _, r := range d.Reasons {
			if r.Feature == "" || r.Value == r.Typical {
				t.Errorf("reason %+v of %s does not set value apart from typical", r, d.Client)
			}
		}
	}
}

func TestPolicy(t *testing.T) {
	_, day2, m := trainedFixture(t)
	base, _ := score(t, day2.path, Config{}, m)
	if len(base) < 3 {
		t.Fatalf("only %d decisions to work with", len(base))
	}
	first := base[0].Client

	t.Run("an allowlisted address is never blocked", func(t *testing.T) {
		ds, res := score(t, day2.path, Config{Policy: PolicyConfig{Allow: []string{first}}}, m)
		for _, d := range ds {
			if d.Client == first {
				t.Fatalf("%s blocked although allowlisted", first)
			}
		}
		if res.Stats.Allowed == 0 {
			t.Error("no events counted as allowed")
		}
	})
	t.Run("an allowlisted prefix covers its addresses", func(t *testing.T) {
		a, err := decision.ParseAllowlist([]string{"203.0.113.0/24", "2001:db8::/32", "key_partner"})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Allows("203.0.113.9", []byte("203.0.113.9"), nil, nil) || !a.Allows("x", []byte("2001:db8::1"), nil, nil) ||
			!a.Allows("x", []byte("192.0.2.1"), []byte("key_partner"), nil) || a.Allows("192.0.2.1", []byte("192.0.2.1"), nil, nil) {
			t.Error("allowlist matched the wrong clients")
		}
		if _, err := decision.ParseAllowlist([]string{"10.0.0.0/33"}); err == nil {
			t.Error("a bad prefix was accepted")
		}
	})
	t.Run("a long TTL decides each client once", func(t *testing.T) {
		ds, _ := score(t, day2.path, Config{Policy: PolicyConfig{TTL: 24 * time.Hour}}, m)
		seen := map[string]bool{}
		for _, d := range ds {
			if seen[d.Client] {
				t.Fatalf("%s decided twice within its TTL", d.Client)
			}
			seen[d.Client] = true
		}
	})
	t.Run("a short TTL lets a persistent attacker be decided again", func(t *testing.T) {
		ds, _ := score(t, day2.path, Config{Policy: PolicyConfig{TTL: 5 * time.Second}}, m)
		if len(ds) <= len(base) {
			t.Errorf("%d decisions with a 5 s TTL, %d with the default; want more", len(ds), len(base))
		}
	})
	t.Run("dry run marks decisions simulated", func(t *testing.T) {
		ds, _ := score(t, day2.path, Config{Policy: PolicyConfig{DryRun: true}}, m)
		if len(ds) != len(base) || !ds[0].Simulated {
			t.Error("dry run changed the decisions or did not mark them")
		}
	})
	t.Run("a high minimum of events delays or prevents decisions", func(t *testing.T) {
		ds, _ := score(t, day2.path, Config{Policy: PolicyConfig{MinEvents: 200}}, m)
		for _, d := range ds {
			// A campaign member is blocked as soon as it acts within its
			// campaign, however few its events, and a client is judged
			// early on what one request can carry.
			if d.Events < 200 && d.Rule != decision.RuleCampaign && !earlyOnly(d) {
				t.Fatalf("%s decided after %d events for %+v", d.Client, d.Events, d.Reasons)
			}
		}
	})
}

func TestSetModelKeepsClientState(t *testing.T) {
	_, day2, m := trainedFixture(t)
	p, err := NewPipeline(Config{}, m)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(day2.path)
	defer f.Close()
	r := ingest.NewReader(f, ingest.ReaderConfig{})
	var rec ingest.Record
	for i := 0; i < 1000 && r.Next(&rec); i++ {
		p.Process(&rec)
	}
	before := p.Stats().Features.Tracked
	p.SetModel(m)
	if after := p.Stats().Features.Tracked; after != before || before == 0 {
		t.Errorf("tracked %d clients before the swap and %d after", before, after)
	}
}

func TestTrainingIsDeterministic(t *testing.T) {
	day1, _, m := trainedFixture(t)
	again, err := Train(context.Background(), []Source{&FileSource{Path: day1.path}}, TrainConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m.Write(io.Discard)
	again.Write(io.Discard)
	if m.ID != again.ID || m.Threshold != again.Threshold {
		t.Errorf("two trainings differ: %s/%.4f and %s/%.4f", m.ID, m.Threshold, again.ID, again.Threshold)
	}
}

func TestTrainRejectsTooLittleData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.jsonl")
	os.WriteFile(path, []byte(`{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.1","method":"GET","path":"/","status":200}`+"\n"), 0o644)
	_, err := Train(context.Background(), []Source{&FileSource{Path: path}}, TrainConfig{})
	if err == nil {
		t.Fatal("trained on one event")
	}
	if !bytes.Contains([]byte(err.Error()), []byte("longer recording")) {
		t.Errorf("error %q does not say what to do", err)
	}
}

// TestScoreDecidesAsOneLoop checks that reading ahead on a goroutine of
// its own changes nothing: Score emits the decisions, in the same order,
// that one loop reading the recording and running the pipeline makes.
func TestScoreDecidesAsOneLoop(t *testing.T) {
	_, day2, m := trainedFixture(t)
	var got, want []string
	_, err := Score(context.Background(), []Source{&FileSource{Path: day2.path}}, Config{}, m, func(d *decision.Decision) error {
		got = append(got, fmt.Sprintf("%+v", *d))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPipeline(Config{}, m)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(day2.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := ingest.NewReader(f, ingest.ReaderConfig{})
	var rec ingest.Record
	for rd.Next(&rec) {
		var more []*decision.Decision
		if d := p.Process(&rec); d != nil {
			more = append(more, d)
		}
		for _, d := range p.Pending(more) {
			want = append(want, fmt.Sprintf("%+v", *d))
		}
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("Score emitted %d decisions, one loop %d; they differ", len(got), len(want))
	}
}

// TestScoreStopsReadingOnAnError checks that an error from emit stops the
// goroutine reading ahead before Score returns.
func TestScoreStopsReadingOnAnError(t *testing.T) {
	_, day2, m := trainedFixture(t)
	defer goleak.VerifyNone(t)
	stop := errors.New("stop")
	_, err := Score(context.Background(), []Source{&FileSource{Path: day2.path}}, Config{}, m, func(*decision.Decision) error { return stop })
	if err != stop {
		t.Errorf("err = %v, want the emitter's", err)
	}
}

func TestScoreStopsWhenCancelled(t *testing.T) {
	_, day2, m := trainedFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Score(ctx, []Source{&FileSource{Path: day2.path}}, Config{}, m, func(*decision.Decision) error { return nil })
	if err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func BenchmarkScore(b *testing.B) { benchScore(b, ingest.ReaderConfig{}) }

// BenchmarkScoreReordered is BenchmarkScore with the command line's
// default re-ordering (10 s), which holds about 6,000 records here.
func BenchmarkScoreReordered(b *testing.B) {
	benchScore(b, ingest.ReaderConfig{Reorder: ingest.ReorderConfig{Lateness: ingest.DefaultLateness}})
}

func benchScore(b *testing.B, rc ingest.ReaderConfig) {
	var log bytes.Buffer
	cfg := trafficgen.Config{Seed: 1, Site: 1}.WithDefaults()
	cfg.Attacks = true
	if _, err := trafficgen.Generate(cfg, &log, nil); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "day.jsonl")
	os.WriteFile(path, log.Bytes(), 0o644)
	m, err := Train(context.Background(), []Source{&FileSource{Path: path}}, TrainConfig{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	// Campaign detection runs beside the per-client judgement on every
	// event; without it shows what it costs.
	for _, bc := range []struct {
		name string
		cfg  Config
	}{{"campaigns", Config{}}, {"without campaigns", Config{Campaign: campaign.Config{Disabled: true}}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var events int64
			for b.Loop() {
				res, err := Score(context.Background(), []Source{&FileSource{Path: path, Reader: rc}}, bc.cfg, m, func(*decision.Decision) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
				events = res.Input.Parsed
			}
			b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(events), "events/op")
		})
	}
}

// TestAPlainFloodIsBlockedForItsVolume replays floods whose every request
// is an ordinary, successful page view: only their pace, far past every
// training client's, sets them apart. That is enough, with an API key or
// without.
func TestAPlainFloodIsBlockedForItsVolume(t *testing.T) {
	_, _, m := trainedFixture(t)
	rate := m.Tails[features.Rate]
	perSec := 10 * math.Expm1(rate.Max) // ten times the busiest training client
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	for i := range int(perSec * 30) {
		ts := t0.Add(time.Duration(float64(i) / perSec * float64(time.Second))).Format(time.RFC3339Nano)
		fmt.Fprintf(&buf, `{"ts":%q,"client_ip":"198.51.100.7","method":"GET","path":"/products?page=1","status":200,"req_bytes":420,"resp_bytes":18000,"duration_ms":12}`+"\n", ts)
		fmt.Fprintf(&buf, `{"ts":%q,"client_ip":"198.51.100.8","method":"GET","path":"/products?page=1","status":200,"req_bytes":420,"resp_bytes":18000,"duration_ms":12,"api_key":"pk_partner"}`+"\n", ts)
	}
	decided, _ := firstDecisions(t, m, buf.Bytes())
	for _, client := range []string{"198.51.100.7", "198.51.100.8"} {
		d := decided[client]
		if d == nil {
			t.Errorf("the flood from %s at %.0f req/s was not blocked", client, perSec)
			continue
		}
		if r := d.Reasons[0]; r.Feature != "rate" && r.Feature != "requests_2m" || r.Surprise < m.Threshold && r.Limit == 0 {
			t.Errorf("the flood from %s was not blocked for its pace: %+v", client, d.Reasons)
		}
		if after := d.TS.Sub(t0); after > 10*time.Second {
			t.Errorf("the flood from %s was blocked %v after it began, want within 10 s", client, after)
		}
	}
}

// browsersAndIntegrations writes ten minutes of traffic from t0: 300
// browsers reading 30 pages each, and n integrations sending 3 requests a
// second for the whole ten minutes from addresses prefix.0 to prefix.n-1,
// with API keys pk_int_0... when keyed.
func browsersAndIntegrations(t *testing.T, t0 time.Time, n int, prefix string, keyed bool) string {
	t.Helper()
	var buf bytes.Buffer
	line := func(ts time.Time, ip, path, key string) {
		fmt.Fprintf(&buf, `{"ts":%q,"client_ip":%q,"method":"GET","path":%q,"status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9,"api_key":%q}`+"\n",
			ts.Format(time.RFC3339Nano), ip, path, key)
	}
	for i := range 300 {
		start := t0.Add(time.Duration(i) * 2 * time.Second)
		for j := range 30 {
			line(start.Add(time.Duration(j)*5*time.Second), fmt.Sprintf("10.1.%d.%d", i/250, i%250), fmt.Sprintf("/items/%d", (i*31+j*7)%500), "")
		}
	}
	for i := range n {
		key := ""
		if keyed {
			key = fmt.Sprintf("pk_int_%d", i)
		}
		for j := range 1800 {
			line(t0.Add(time.Duration(j)*time.Second/3+time.Duration(i)*time.Millisecond), fmt.Sprintf("%s.%d", prefix, i), "/api/v1/orders/poll", key)
		}
	}
	// Lines are grouped by client rather than sorted by time: features
	// run in each client's event time, so the model is the same.
	path := filepath.Join(t.TempDir(), "traffic.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestVolumeLimitLeavesOutHeavyHitters trains on a recording where one
// client in eleven is a busy integration recurring through it: the limit
// must come from the ordinary clients' peaks, not from theirs.
func TestVolumeLimitLeavesOutHeavyHitters(t *testing.T) {
	path := browsersAndIntegrations(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 30, "10.2.0", false)
	m, err := Train(context.Background(), []Source{&FileSource{Path: path}}, TrainConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Volume.Requests == 0 || m.Volume.Peak > 40 {
		t.Fatalf("volume limit %+v; want it from the browsers' peaks (about 25 requests), with the integrations (about 360) left out", m.Volume)
	}
}

// TestANewKeyedIntegrationAsBusyAsKnownOnesIsNotBlocked trains on a
// recording where one client in eleven is a busy integration: a new
// integration at the same pace, from addresses and with keys training never
// saw, is as ordinary in every signal as they were.
func TestANewKeyedIntegrationAsBusyAsKnownOnesIsNotBlocked(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m, err := Train(context.Background(), []Source{&FileSource{Path: browsersAndIntegrations(t, t0, 30, "10.2.0", true)}}, TrainConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	day2 := browsersAndIntegrations(t, t0.Add(24*time.Hour), 5, "10.3.0", true)
	raw, err := os.ReadFile(day2)
	if err != nil {
		t.Fatal(err)
	}
	// New keys: the integrations are strangers to the model.
	if err := os.WriteFile(day2, bytes.ReplaceAll(raw, []byte(`"pk_int_`), []byte(`"pk_new_`)), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, _ := score(t, day2, Config{}, m)
	for _, d := range ds {
		if strings.HasPrefix(d.Client, "10.3.0.") {
			t.Errorf("a new integration as busy as the known ones was blocked: %+v", d)
		}
	}
}

// TestRecurringKeyAtANewAddressIsKnown trains on integrations with API keys
// and replays them from new addresses: their keys make them known clients,
// judged against their own history; the same traffic without keys is not.
func TestRecurringKeyAtANewAddressIsKnown(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m, err := Train(context.Background(), []Source{&FileSource{Path: browsersAndIntegrations(t, t0, 10, "10.2.0", true)}}, TrainConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.KeyIdentities) != 10 || m.Training.KeyIdentities != 10 {
		t.Fatalf("%d recurring keys (summary %d), want the 10 integrations' keys", len(m.KeyIdentities), m.Training.KeyIdentities)
	}
	for _, keyed := range []bool{true, false} {
		p, err := NewPipeline(Config{}, m)
		if err != nil {
			t.Fatal(err)
		}
		known := map[string]bool{}
		p.OnJudge = func(c *Client, _ int64, _ *features.Vector, r *models.Result, _ bool) {
			if strings.HasPrefix(c.Key(), "10.3.0.") {
				known[c.Key()] = r.Known
			}
		}
		in, err := os.Open(browsersAndIntegrations(t, t0.Add(24*time.Hour), 10, "10.3.0", keyed))
		if err != nil {
			t.Fatal(err)
		}
		rd := ingest.NewReader(in, ingest.ReaderConfig{})
		var rec ingest.Record
		for rd.Next(&rec) {
			p.Process(&rec)
		}
		in.Close()
		if len(known) != 10 {
			t.Fatalf("keyed=%v: %d integrations judged, want 10", keyed, len(known))
		}
		for c, k := range known {
			if k != keyed {
				t.Errorf("keyed=%v: %s judged as known=%v", keyed, c, k)
			}
		}
	}
}

// TestARecurringKeyAtANewAddressKeepsItsUsualPace: an integration's key
// that once burst to twenty times its pace in training excuses a burst at
// the integration's own address, but from an address the key never came
// from (a leaked key), only its usual pace: the same burst there is
// blocked; the key's full history, as it was excused before, lets it
// through.
func TestARecurringKeyAtANewAddressKeepsItsUsualPace(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	raw, err := os.ReadFile(browsersAndIntegrations(t, t0, 10, "10.2.0", true))
	if err != nil {
		t.Fatal(err)
	}
	burst := func(buf []byte, from time.Time, ip string, perSec, n int) []byte {
		for j := range n {
			buf = fmt.Appendf(buf, `{"ts":%q,"client_ip":%q,"method":"GET","path":"/api/v1/orders/poll","status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9,"api_key":"pk_int_0"}`+"\n",
				from.Add(time.Duration(j)*time.Second/time.Duration(perSec)).Format(time.RFC3339Nano), ip)
		}
		return buf
	}
	m := trainOnData(t, burst(raw, t0.Add(5*time.Minute), "10.2.0.0", 60, 1800))
	if m.Identities["10.2.0.0"] == nil || m.KeyIdentities["pk_int_0"] == nil {
		t.Fatal("the bursting integration has no baseline by address or by key")
	}
	for _, c := range []struct {
		ip      string
		blocked bool
	}{{"10.2.0.0", false}, {"203.0.113.50", true}} {
		day2 := filepath.Join(t.TempDir(), "day2.jsonl")
		if err := os.WriteFile(day2, burst(nil, t0.Add(24*time.Hour), c.ip, 20, 1200), 0o644); err != nil {
			t.Fatal(err)
		}
		ds, _ := score(t, day2, Config{}, m)
		if c.blocked {
			// The key's full history, as the address's own: excused.
			full := *m
			full.Identities = maps.Clone(m.Identities)
			full.Identities[c.ip] = m.KeyIdentities["pk_int_0"]
			if fds, _ := score(t, day2, Config{}, &full); len(fds) > 0 {
				t.Errorf("the burst from %s was blocked even against the key's full history: the test cannot tell the usual pace from it", c.ip)
			}
		}
		if blocked := len(ds) > 0; blocked != c.blocked {
			t.Errorf("the key's burst from %s: blocked %v, want %v (%d decisions: %+v)", c.ip, blocked, c.blocked, len(ds), firstOf(ds))
		}
	}
}

// TestAKnownAddressIsExcusedItsKeysUsualPace: an address that recurred
// through training, quietly, with an integration's key that another
// address sent at twenty requests a second, is judged the next day against
// both histories: at the key's usual pace it is not blocked; without the
// key, against its own quiet history alone, the same pace is.
func TestAKnownAddressIsExcusedItsKeysUsualPace(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	raw, err := os.ReadFile(browsersAndIntegrations(t, t0, 10, "10.2.0", true))
	if err != nil {
		t.Fatal(err)
	}
	poll := func(buf []byte, from time.Time, ip, key string, every time.Duration, n int) []byte {
		for j := range n {
			buf = fmt.Appendf(buf, `{"ts":%q,"client_ip":%q,"method":"GET","path":"/api/v1/orders/poll","status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9,"api_key":%q}`+"\n",
				from.Add(time.Duration(j)*every).Format(time.RFC3339Nano), ip, key)
		}
		return buf
	}
	raw = poll(raw, t0, "10.2.0.0", "pk_int_0", time.Second/20, 12000)
	raw = poll(raw, t0, "10.2.9.9", "pk_int_0", 5*time.Second, 120)
	m := trainOnData(t, raw)
	if m.Identities["10.2.9.9"] == nil || m.KeyIdentities["pk_int_0"] == nil {
		t.Fatalf("the quiet address (%v) or the busy key (%v) has no baseline", m.Identities["10.2.9.9"] != nil, m.KeyIdentities["pk_int_0"] != nil)
	}
	for _, c := range []struct {
		key     string
		blocked bool
	}{{"pk_int_0", false}, {"", true}} {
		day2 := filepath.Join(t.TempDir(), "day2.jsonl")
		if err := os.WriteFile(day2, poll(nil, t0.Add(24*time.Hour), "10.2.9.9", c.key, time.Second/20, 6000), 0o644); err != nil {
			t.Fatal(err)
		}
		ds, _ := score(t, day2, Config{}, m)
		if blocked := len(ds) > 0; blocked != c.blocked {
			t.Errorf("the known address polling at the key's pace with key %q: blocked %v, want %v (%d decisions: %+v)", c.key, blocked, c.blocked, len(ds), firstOf(ds))
		}
	}
}

// TestGuessingClientGetsNoBaseline trains on a recording where a client
// guesses passwords for ten minutes: it recurs like an integration, but a
// baseline of its own would excuse the same attack when it comes back.
func TestGuessingClientGetsNoBaseline(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	base, err := os.ReadFile(browsersAndIntegrations(t, t0, 10, "10.2.0", true))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.Write(base)
	for j := range 300 {
		fmt.Fprintf(&buf, `{"ts":%q,"client_ip":"10.9.9.9","method":"POST","path":"/login","status":401,"req_bytes":300,"resp_bytes":90,"duration_ms":20}`+"\n",
			t0.Add(time.Duration(j)*2*time.Second).Format(time.RFC3339Nano))
	}
	path := filepath.Join(t.TempDir(), "train.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Train(context.Background(), []Source{&FileSource{Path: path}}, TrainConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Identities["10.9.9.9"] != nil || m.Training.IdentitiesWithheld < 1 {
		t.Errorf("the password guesser got a baseline (withheld %d)", m.Training.IdentitiesWithheld)
	}
	if m.Identities["10.2.0.3"] == nil {
		t.Error("an integration lost its baseline")
	}
}

// earlyOnly says d's reasons are all signals an early judgement reads.
func earlyOnly(d *decision.Decision) bool {
	for _, r := range d.Reasons {
		if !slices.ContainsFunc(models.EarlySignals[:], func(i int) bool { return models.SignalName(i) == r.Feature }) {
			return false
		}
	}
	return len(d.Reasons) > 0
}

// TestAClientIsJudgedEarlyOnWhatOneRequestCarries: a first request that
// uploads far more than any training client sent, or opening requests that
// carry injection payloads, are judged before the client has sent enough
// events for a full judgement; ordinary first requests are not.
func TestAClientIsJudgedEarlyOnWhatOneRequestCarries(t *testing.T) {
	_, _, m := trainedFixture(t)
	most := math.Expm1(m.Tails[features.ReqBytesTotal].Max)
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	line := func(i int, ip, method, path string, size int64) {
		fmt.Fprintf(&buf, `{"ts":%q,"client_ip":%q,"method":%q,"path":%q,"status":200,"req_bytes":%d,"resp_bytes":900,"duration_ms":12}`+"\n",
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), ip, method, path, size)
	}
	line(0, "198.51.100.20", "POST", "/api/v1/files", int64(100*most))
	line(0, "198.51.100.21", "GET", "/search?q=1%27%20UNION%20SELECT%20password%20FROM%20users--", 400)
	line(1, "198.51.100.21", "GET", "/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E", 400)
	for i := range 3 {
		line(i, "198.51.100.22", "GET", fmt.Sprintf("/products/%d", 10+i), 400)
	}
	decided, p := firstDecisions(t, m, buf.Bytes())
	if d := decided["198.51.100.20"]; d == nil {
		t.Errorf("a first request of %.0f bytes (training's most in two minutes: %.0f) was not blocked", 100*most, most)
	} else if d.Events != 1 || d.Reasons[0].Feature != "req_bytes_2m" || !d.Reasons[0].Beyond {
		t.Errorf("the upload was blocked at event %d for %+v; want at its first, for req_bytes_2m beyond every training client", d.Events, d.Reasons)
	}
	if d := decided["198.51.100.21"]; d == nil {
		t.Error("two opening requests with injection payloads were not blocked")
	} else if d.Events > 2 || d.Reasons[0].Feature != "payload_evidence" {
		t.Errorf("the injection was blocked at event %d for %+v; want by its second, for payload_evidence", d.Events, d.Reasons)
	}
	if d := decided["198.51.100.22"]; d != nil {
		t.Errorf("three ordinary requests were blocked: %+v", d)
	}
	if st := p.Stats(); st.Judged != st.Early || st.Early == 0 || st.Early > 3 {
		t.Errorf("judgements %d, early %d; want only the upload's and the injection's early ones (1 to 3)", st.Judged, st.Early)
	}
}

// TestANewKeyIsExcusedAsBusyAsTheKnownKeys: three keyed integrations, too
// few for the tails (1 % of the clients), recur through training; a new
// integration with a key training never saw, as busy as they are, is not
// blocked, while the same traffic without a key is.
func TestANewKeyIsExcusedAsBusyAsTheKnownKeys(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m, err := Train(context.Background(), []Source{&FileSource{Path: browsersAndIntegrations(t, t0, 3, "10.2.0", true)}}, TrainConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.KeyIdentities) != 3 {
		t.Fatalf("%d recurring keys, want the 3 integrations'", len(m.KeyIdentities))
	}
	for _, keyed := range []bool{true, false} {
		day2 := browsersAndIntegrations(t, t0.Add(24*time.Hour), 2, "10.3.0", keyed)
		raw, err := os.ReadFile(day2)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(day2, bytes.ReplaceAll(raw, []byte(`"pk_int_`), []byte(`"pk_new_`)), 0o644); err != nil {
			t.Fatal(err)
		}
		ds, _ := score(t, day2, Config{}, m)
		blocked := 0
		for _, d := range ds {
			if strings.HasPrefix(d.Client, "10.3.0.") {
				blocked++
				if keyed {
					t.Errorf("a new integration with a key, as busy as the known ones, was blocked: %+v", d)
				}
				if d.Known {
					t.Errorf("a client with a new key was called known: %+v", d)
				}
			}
		}
		if !keyed && blocked == 0 {
			t.Error("the same traffic without a key was not blocked: the test cannot tell the excuse from a lenient model")
		}
	}
}

// TestAnAppsOwnKeyExcusesNoOne: every install of an app sends the key
// built into it. Trained on 300 app users and a busy household sharing the
// app's key, beside three integrations with keys of their own, the model
// takes the app's key for a shared one, not an identity; a new address
// that polls one URL at the household's pace with the app's key is judged
// as a client without a key, and blocked, unless the operator allowlisted
// the key itself. A copy of the model that does not know the key is
// shared lets the same flood pass as a new integration.
func TestAnAppsOwnKeyExcusesNoOne(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	raw, err := os.ReadFile(browsersAndIntegrations(t, t0, 3, "10.2.0", true))
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.ReplaceAll(raw, []byte(`"api_key":""`), []byte(`"api_key":"ak_app"`))
	poll := func(buf []byte, from time.Time, ip string, n int) []byte {
		for j := range n {
			buf = fmt.Appendf(buf, `{"ts":%q,"client_ip":%q,"method":"GET","path":"/api/v1/home/feed","status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9,"api_key":"ak_app"}`+"\n",
				from.Add(time.Duration(j)*time.Second/3).Format(time.RFC3339Nano), ip)
		}
		return buf
	}
	m := trainOnData(t, poll(raw, t0, "10.9.0.1", 1800))
	if !slices.Equal(m.SharedKeys, []string{"ak_app"}) || m.KeyIdentities["ak_app"] != nil || len(m.KeyIdentities) != 3 {
		t.Fatalf("shared keys %q and %d key identities (the app's %v); want the app's key shared and the 3 integrations' keys known",
			m.SharedKeys, len(m.KeyIdentities), m.KeyIdentities["ak_app"] != nil)
	}
	day2 := filepath.Join(t.TempDir(), "day2.jsonl")
	if err := os.WriteFile(day2, poll(nil, t0.Add(24*time.Hour), "203.0.113.9", 1800), 0o644); err != nil {
		t.Fatal(err)
	}
	flood := func(m *models.Model) *decision.Decision {
		ds, _ := score(t, day2, Config{}, m)
		for _, d := range ds {
			if d.Client == "203.0.113.9" {
				return d
			}
		}
		return nil
	}
	if d := flood(m); d == nil {
		t.Error("a flood sending the app's key was not blocked")
	}
	allow := Config{}
	allow.Policy.Allow = []string{"ak_app"}
	if ds, _ := score(t, day2, allow, m); len(ds) != 0 {
		t.Errorf("with the app's key allowlisted, %d decisions: %+v", len(ds), ds[0])
	}
	unaware := *m
	unaware.SharedKeys = nil
	if d := flood(&unaware); d != nil {
		t.Errorf("with the app's key taken for a new integration's, the flood was still blocked (%+v): the test cannot tell the key from the flood", d)
	}
}

// firstDecisions runs a pipeline with the default config and model m over
// the JSON lines in data and returns the first decision about each client,
// and the pipeline.
func firstDecisions(t *testing.T, m *models.Model, data []byte) (map[string]*decision.Decision, *Pipeline) {
	t.Helper()
	p, err := NewPipeline(Config{}, m)
	if err != nil {
		t.Fatal(err)
	}
	decided := map[string]*decision.Decision{}
	rd := ingest.NewReader(bytes.NewReader(data), ingest.ReaderConfig{})
	var rec ingest.Record
	for rd.Next(&rec) {
		if d := p.Process(&rec); d != nil && decided[d.Client] == nil {
			decided[d.Client] = d
		}
	}
	return decided, p
}

func firstOf(ds []*decision.Decision) decision.Decision {
	if len(ds) == 0 {
		return decision.Decision{}
	}
	return *ds[0]
}

// trainOnData trains a model with the defaults on the JSON lines in data.
func trainOnData(t *testing.T, data []byte) *models.Model {
	t.Helper()
	path := filepath.Join(t.TempDir(), "day1.jsonl")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return trainOn(t, path)
}

// TestAPersonsBurstIsNotAFlood: a signed-in person's browser downloading
// a course's files at once, tens of requests a second for a few seconds,
// is not blocked for its pace; the same pace kept up is, once it has
// lasted 15 s; and an address that is no one's session is blocked
// for the short burst as before.
func TestAPersonsBurstIsNotAFlood(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	raw, err := os.ReadFile(browsersAndIntegrations(t, t0, 10, "10.2.0", true))
	if err != nil {
		t.Fatal(err)
	}
	m := trainOnData(t, raw)
	day2 := t0.Add(24 * time.Hour)
	burst := func(user string, lasting time.Duration) []byte {
		var buf []byte
		n := int(lasting / (time.Second / 20))
		for j := range n {
			buf = fmt.Appendf(buf, `{"ts":%q,"client_ip":"10.7.7.7","method":"GET","path":"/files/%d/download","status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9,"user":%q}`+"\n",
				day2.Add(time.Duration(j)*time.Second/20).Format(time.RFC3339Nano), 5000+j, user)
		}
		for j := range 12 { // then reading, a page every 5 s
			buf = fmt.Appendf(buf, `{"ts":%q,"client_ip":"10.7.7.7","method":"GET","path":"/items/%d","status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9,"user":%q}`+"\n",
				day2.Add(lasting+time.Duration(j)*5*time.Second).Format(time.RFC3339Nano), j, user)
		}
		return buf
	}
	for _, c := range []struct {
		name    string
		user    string
		lasting time.Duration
		blocked bool
	}{
		{"a person's 8 s burst", "ana", 8 * time.Second, false},
		{"a person's pace kept up", "ana", 40 * time.Second, true},
		{"no one's 8 s burst", "", 8 * time.Second, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "day2.jsonl")
			if err := os.WriteFile(path, burst(c.user, c.lasting), 0o644); err != nil {
				t.Fatal(err)
			}
			ds, _ := score(t, path, Config{}, m)
			if blocked := len(ds) > 0; blocked != c.blocked {
				t.Fatalf("blocked %v, want %v (%d decisions: %+v)", blocked, c.blocked, len(ds), firstOf(ds))
			}
			const burstFor = 15 * time.Second // the detector's
			if c.blocked && c.user != "" {
				if after := ds[0].TS.Sub(day2); after < burstFor {
					t.Errorf("blocked %v after the burst began, before it lasted %v", after, burstFor)
				}
			}
		})
	}
}
