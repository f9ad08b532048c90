package detector_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"

	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// sliceConsumer serves messages from memory and records commits. It stands
// in for Kafka in tests of the loop's ordering; the Kafka integration tests
// run the real consumer against an in-process broker.
type sliceConsumer struct {
	mu        sync.Mutex
	msgs      []ingest.Message
	next      int
	committed int // messages committed, in order
	log       *[]string
}

func (c *sliceConsumer) Fetch(ctx context.Context) (ingest.Message, error) {
	c.mu.Lock()
	if c.next < len(c.msgs) {
		m := c.msgs[c.next]
		c.next++
		c.mu.Unlock()
		return m, nil
	}
	c.mu.Unlock()
	<-ctx.Done()
	return ingest.Message{}, ctx.Err()
}

func (c *sliceConsumer) Commit(_ context.Context, msgs ...ingest.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		if m.Offset != int64(c.committed) {
			return errors.New("commit out of order")
		}
		c.committed++
	}
	*c.log = append(*c.log, "commit")
	return nil
}

// flakyStore fails its first calls, as a store that is down, then keeps
// decisions.
type flakyStore struct {
	mu       sync.Mutex
	failures int
	stored   []*decision.Decision
	log      *[]string
}

func (s *flakyStore) Store(_ context.Context, ds []*decision.Decision) ([]blocklist.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failures > 0 {
		s.failures--
		*s.log = append(*s.log, "store-failed")
		return nil, errors.New("connection refused")
	}
	s.stored = append(s.stored, ds...)
	*s.log = append(*s.log, "stored")
	return nil, nil
}

func messages(t *testing.T, path string) []ingest.Message {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []ingest.Message
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, ingest.Message{Offset: int64(len(out)), Value: append([]byte(nil), sc.Bytes()...)})
	}
	return out
}

// runToCommit runs o until c has committed n messages, then stops it and
// checks that Run returned cleanly; Run returning early fails t.
func runToCommit(t *testing.T, o *Online, c *sliceConsumer, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	testwait.Eventually(t, 60*time.Second, "every message committed", func() (bool, string) {
		select {
		case err := <-done:
			t.Fatalf("Run returned %v before every message was committed", err)
		default:
		}
		c.mu.Lock()
		got := c.committed
		c.mu.Unlock()
		return got == n, fmt.Sprintf("%d of %d messages committed", got, n)
	})
	cancel()
	if err := testwait.Recv(t, done, 20*time.Second, "Run to return after cancel"); err != nil {
		t.Fatalf("Run returned %v after cancel", err)
	}
}

// refusingStore refuses every decision, as a store whose breaker is open.
type refusingStore struct {
	mu sync.Mutex
	n  int
}

func (s *refusingStore) Store(_ context.Context, ds []*decision.Decision) ([]blocklist.Outcome, error) {
	s.mu.Lock()
	s.n += len(ds)
	s.mu.Unlock()
	out := make([]blocklist.Outcome, len(ds))
	for i, d := range ds {
		out[i] = blocklist.Outcome{Client: d.Client, Result: blocklist.RefusedBreaker}
	}
	return out, nil
}

// TestOnlineCountsRefusedDecisionsAsRefused: decisions the store refused
// (its breaker open) are counted as refused_breaker, never as stored, and
// their events are still committed (the store answered).
func TestOnlineCountsRefusedDecisionsAsRefused(t *testing.T) {
	_, day2, m := trainedFixture(t)
	msgs := messages(t, day2.path)
	c := &sliceConsumer{msgs: msgs, log: new([]string)}
	s := &refusingStore{}
	reg := prometheus.NewRegistry()
	metrics := NewMetrics(reg, nil, nil, nil)
	o, err := NewOnline(OnlineConfig{BatchSize: 5000}, m, c, s, nil, metrics)
	if err != nil {
		t.Fatal(err)
	}
	runToCommit(t, o, c, len(msgs))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "portcullis_detector_decisions_total" {
			continue
		}
		for _, mt := range mf.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == "outcome" {
					by[l.GetValue()] += mt.GetCounter().GetValue()
				}
			}
		}
	}
	s.mu.Lock()
	refused := s.n
	s.mu.Unlock()
	if refused == 0 {
		t.Fatal("the day's attacks made no decision; the test proves nothing")
	}
	if by["stored"] != 0 || by["refused_breaker"] != float64(refused) {
		t.Errorf("decisions by outcome %v; want 0 stored and %d refused_breaker", by, refused)
	}
}

func TestOnlineCommitsOnlyWhatIsStored(t *testing.T) {
	_, day2, m := trainedFixture(t)
	msgs := messages(t, day2.path)
	var log []string
	c := &sliceConsumer{msgs: msgs, log: &log}
	s := &flakyStore{failures: 3, log: &log}
	o, err := NewOnline(OnlineConfig{BatchSize: 5000, RetryMin: time.Millisecond, RetryMax: 5 * time.Millisecond}, m, c, s, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runToCommit(t, o, c, len(msgs))

	// No commit may follow a failed store without a successful one between.
	failing := false
	for _, e := range log {
		switch e {
		case "store-failed":
			failing = true
		case "stored":
			failing = false
		case "commit":
			if failing {
				t.Fatalf("a commit ran ahead of stored decisions: %v", log)
			}
		}
	}
	// The online loop decides what the offline backtest decides.
	offline, _ := score(t, day2.path, Config{}, m)
	if len(s.stored) != len(offline) {
		t.Fatalf("online stored %d decisions, offline made %d", len(s.stored), len(offline))
	}
	for i := range offline {
		if s.stored[i].Client != offline[i].Client || !s.stored[i].TS.Equal(offline[i].TS) {
			t.Fatalf("decision %d differs: online %s at %v, offline %s at %v", i, s.stored[i].Client, s.stored[i].TS, offline[i].Client, offline[i].TS)
		}
	}
	if st := o.Stats(); st.Events != int64(len(msgs)) {
		t.Errorf("processed %d events of %d", st.Events, len(msgs))
	}
}

func TestOnlineShutdownStoresAndCommitsWhatItHolds(t *testing.T) {
	_, day2, m := trainedFixture(t)
	msgs := messages(t, day2.path)[:20000]
	var log []string
	c := &sliceConsumer{msgs: msgs, log: &log}
	s := &flakyStore{log: &log}
	// A batch larger than the input and a long flush interval: nothing is
	// committed until shutdown.
	o, err := NewOnline(OnlineConfig{BatchSize: 1 << 20, FlushInterval: time.Hour}, m, c, s, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	testwait.Eventually(t, 30*time.Second, "every message processed", func() (bool, string) {
		n := o.Stats().Events
		return n >= int64(len(msgs)), fmt.Sprintf("%d of %d events processed", n, len(msgs))
	})
	cancel()
	if err := testwait.Recv(t, done, 20*time.Second, "Run to return after cancel"); err != nil {
		t.Fatal(err)
	}
	if c.committed != len(msgs) {
		t.Errorf("committed %d of %d on shutdown", c.committed, len(msgs))
	}
}

// rewindConsumer is a sliceConsumer that starts at a committed offset, as a
// detector does after a restart, and can be rewound like the Kafka one.
type rewindConsumer struct {
	sliceConsumer
	rewound int // messages served by Rewind
}

func (c *rewindConsumer) Rewind(_ context.Context, partition int, since time.Time, until int64, fn func(ingest.Message)) error {
	if partition != 0 {
		return fmt.Errorf("partition %d", partition)
	}
	for _, m := range c.msgs[:until] {
		if !m.Time.Before(since) {
			c.rewound++
			fn(m)
		}
	}
	return nil
}

// TestOnlineWarmsAPartitionItResumes restarts the online detector part way
// through a recording, at a committed offset, as after a crash or a
// rebalance. With warming, it makes exactly the decisions that a detector
// that never stopped makes after that offset, including about clients
// whose evidence straddles the restart; without, it misses some of them.
func TestOnlineWarmsAPartitionItResumes(t *testing.T) {
	_, day2, m := trainedFixture(t)
	msgs := messages(t, day2.path)
	var jp ingest.JSONParser
	var rec ingest.Record
	for i := range msgs {
		if err := jp.Parse(msgs[i].Value, &rec); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		msgs[i].Time = time.Unix(0, rec.TS)
	}
	// decided is what a detector that starts at offset start decides at
	// offsets from from on.
	decided := func(start, from int) map[string]bool {
		p, err := NewPipeline(Config{}, m)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		var pending []*decision.Decision
		for i := start; i < len(msgs); i++ {
			if err := jp.Parse(msgs[i].Value, &rec); err != nil {
				t.Fatal(err)
			}
			d := p.Process(&rec)
			pending = p.Pending(pending[:0])
			if i < from {
				continue
			}
			if d != nil {
				out[d.Client+" "+d.TS.String()] = true
			}
			for _, d := range pending {
				out[d.Client+" "+d.TS.String()] = true
			}
		}
		return out
	}
	// The restart point: the first of a few where a client's evidence
	// straddles it, so that a cold restart misses a decision and warming
	// has something to show.
	half, want := 0, map[string]bool(nil)
	for _, f := range []float64{0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8} {
		at := int(f * float64(len(msgs)))
		w, cold := decided(0, at), decided(at, at)
		missed := 0
		for k := range w {
			if !cold[k] {
				missed++
			}
		}
		if missed > 0 {
			half, want = at, w
			break
		}
	}
	if want == nil {
		t.Fatal("at no restart point does a cold restart miss a decision of a detector that never stopped; the fixture shows nothing")
	}

	resume := func(warm time.Duration) (map[string]bool, int) {
		var log []string
		c := &rewindConsumer{sliceConsumer: sliceConsumer{msgs: msgs, next: half, committed: half, log: &log}}
		s := &flakyStore{log: &log}
		o, err := NewOnline(OnlineConfig{Warm: warm}, m, c, s, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- o.Run(ctx) }()
		testwait.Eventually(t, 30*time.Second, "every message committed", func() (bool, string) {
			c.mu.Lock()
			n := c.committed
			c.mu.Unlock()
			return n == len(msgs), fmt.Sprintf("%d of %d messages committed", n, len(msgs))
		})
		cancel()
		if err := testwait.Recv(t, done, 20*time.Second, "Run to return after cancel"); err != nil {
			t.Fatalf("Run returned %v after cancel", err)
		}
		got := map[string]bool{}
		for _, d := range s.stored {
			got[d.Client+" "+d.TS.String()] = true
		}
		return got, c.rewound
	}

	got, rewound := resume(0) // the default window covers all before the restart
	if rewound != half {
		t.Errorf("warming read %d messages again, want the %d before the committed offset", rewound, half)
	}
	for k := range want {
		if !got[k] {
			t.Errorf("after the restart with warming, no decision %s; a detector that never stopped makes it", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("after the restart with warming, decision %s, which a detector that never stopped does not make", k)
		}
	}

	cold, rewound := resume(-1)
	if rewound != 0 {
		t.Errorf("warming off, yet %d messages read again", rewound)
	}
	missed := 0
	for k := range want {
		if !cold[k] {
			missed++
		}
	}
	if missed == 0 {
		t.Error("a cold restart makes every decision of a detector that never stopped; the fixture has no client straddling the restart, so warming shows nothing")
	}
	t.Logf("%d decisions after the restart point; a cold restart misses %d of them, a warm one none", len(want), missed)
}

// TestOnlineReadsTheFormatsIngestReads feeds the online loop message values
// in Caddy's JSON access log format and in an nginx log_format, as a
// followed proxy log gives them, and checks every one is parsed and judged;
// a format it cannot read is refused when the detector is made.
func TestOnlineReadsTheFormatsIngestReads(t *testing.T) {
	_, _, m := trainedFixture(t)
	caddy := func(i int) string {
		return fmt.Sprintf(`{"level":"info","ts":%d.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"203.0.113.%d","method":"GET","uri":"/items/%d","headers":{"User-Agent":["curl/8"]}},"status":200,"size":512,"duration":0.002}`, 1772442000+i, i%7, i)
	}
	nginx := func(i int) string {
		return fmt.Sprintf(`203.0.113.%d - - [02/Mar/2026:09:00:%02d +0000] "GET /items/%d HTTP/1.1" 200 512 "-" "curl/8" 0.002`, i%7, i%60, i)
	}
	for _, tt := range []struct {
		name string
		cfg  OnlineConfig
		line func(int) string
	}{
		{"caddy", OnlineConfig{Format: ingest.FormatCaddy}, caddy},
		{"caddy detected", OnlineConfig{Format: ingest.FormatAuto}, caddy},
		{"nginx log_format", OnlineConfig{LogFormat: `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`}, nginx},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			c := &sliceConsumer{log: &log}
			for i := range 50 {
				c.msgs = append(c.msgs, ingest.Message{Offset: int64(i), Value: []byte(tt.line(i))})
			}
			o, err := NewOnline(tt.cfg, m, c, &flakyStore{log: &log}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- o.Run(ctx) }()
			testwait.Eventually(t, 30*time.Second, "every message committed", func() (bool, string) {
				c.mu.Lock()
				n := c.committed
				c.mu.Unlock()
				return n == len(c.msgs), fmt.Sprintf("%d of %d committed", n, len(c.msgs))
			})
			cancel()
			if err := testwait.Recv(t, done, 20*time.Second, "Run to return after cancel"); err != nil {
				t.Fatal(err)
			}
			if st := o.Stats(); st.Events != int64(len(c.msgs)) {
				t.Errorf("%d of %d messages parsed and judged", st.Events, len(c.msgs))
			}
		})
	}
	if _, err := NewOnline(OnlineConfig{Format: "apache-xml"}, m, &sliceConsumer{}, &flakyStore{}, nil, nil); err == nil {
		t.Error("an unknown format was accepted")
	}
}
