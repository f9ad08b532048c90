package detector_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/models"
	"github.com/portcullis/portcullis/trafficgen"
)

// redisStore adapts the Redis blocklist to the detector, and notes when
// each decision was stored.
type redisStore struct {
	r      *redisstore.Store
	mu     sync.Mutex
	stored map[string]time.Time // client|event time -> stored
}

func (s *redisStore) Store(ctx context.Context, ds []*decision.Decision) ([]blocklist.Outcome, error) {
	out, err := s.r.Apply(ctx, ds)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	s.mu.Lock()
	for _, d := range ds {
		s.stored[d.Client+"|"+d.TS.String()] = now
	}
	s.mu.Unlock()
	return out, nil
}

type benchStack struct {
	redis string
	model *models.Model
	msgs  []ingest.Message // a generated day, keyed by client
	times []int64          // event time of each message
}

var (
	benchOnce  sync.Once
	benchState *benchStack
)

// onlineBench builds, once, a model trained on a generated day and the
// next day as messages, and for each benchmark a redis-server of its own.
func onlineBench(b *testing.B) *benchStack {
	benchOnce.Do(func() {
		st := &benchStack{}
		var err error
		var day1, day2 bytes.Buffer
		cfg := trafficgen.Config{Seed: 1, Site: 1}.WithDefaults()
		cfg.Attacks = true
		trafficgen.Generate(cfg, &day1, nil)
		cfg.Seed, cfg.Start = 2, cfg.Start.Add(24*time.Hour)
		trafficgen.Generate(cfg, &day2, nil)
		path := b.TempDir() + "/day1.jsonl"
		writeBytes(b, path, day1.Bytes())
		if st.model, err = Train(context.Background(), []Source{&FileSource{Path: path}}, TrainConfig{Seed: 1}); err != nil {
			b.Fatal(err)
		}
		r := ingest.NewReader(&day2, ingest.ReaderConfig{})
		var rec ingest.Record
		var key []byte
		for r.Next(&rec) {
			key, _ = ingest.IdentityIP.Key(key[:0], &rec)
			st.msgs = append(st.msgs, ingest.Message{Key: slices.Clone(key), Value: rec.AppendJSON(nil), Time: time.Unix(0, rec.TS)})
			st.times = append(st.times, rec.TS)
		}
		benchState = st
	})
	if benchState == nil {
		b.Fatal("bench setup failed")
	}
	st := *benchState
	st.redis = redistest.Start(b)
	return &st
}

func produce(b *testing.B, brokers []string, topic string, msgs []ingest.Message) {
	p, err := kafka.NewProducer(kafka.Config{Brokers: brokers, Topic: topic, BatchTimeout: 2 * time.Millisecond, BatchSize: 10000}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	for i := 0; i < len(msgs); i += 10000 {
		if err := p.Write(context.Background(), msgs[i:min(i+10000, len(msgs))]...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOnlineKafkaToRedis measures the online detector end to end: a
// generated day already in Kafka, read by a consumer group, judged, with
// decisions stored in a real redis-server and offsets committed after them.
func BenchmarkOnlineKafkaToRedis(b *testing.B) {
	st := onlineBench(b)
	topic := "day"
	cl, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, topic))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	brokers := cl.ListenAddrs()
	produce(b, brokers, topic, st.msgs)
	b.ReportAllocs()
	run := 0
	var elapsed time.Duration
	for b.Loop() {
		run++
		elapsed += runOnline(b, brokers, topic, fmt.Sprintf("bench-%d", run), st, len(st.msgs))
	}
	b.ReportMetric(float64(len(st.msgs))*float64(run)/elapsed.Seconds(), "events/s")
}

func runOnline(b *testing.B, brokers []string, topic, group string, st *benchStack, want int) time.Duration {
	b.Helper()
	consumer, err := kafka.NewConsumer(context.Background(), kafka.Config{Brokers: brokers, Topic: topic, GroupID: group, Start: "earliest",
		MaxWait: 200 * time.Millisecond, HeartbeatInterval: 300 * time.Millisecond, SessionTimeout: 6 * time.Second, MaxBytes: 16 << 20}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer consumer.Close()
	r, err := redisstore.New(redisstore.Config{Addrs: []string{st.redis}, KeyPrefix: group + ":", Policy: redisstore.Policy{Breaker: redisstore.BreakerConfig{MaxNew: 1 << 30}}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	store := &redisStore{r: r, stored: map[string]time.Time{}}
	o, err := NewOnline(OnlineConfig{BatchSize: 5000}, st.model, consumer, store, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- o.Run(ctx) }()
	for o.Stats().Events < int64(want) {
		time.Sleep(time.Millisecond)
	}
	el := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	return el
}

// BenchmarkOnlineDecisionDelay paces the first four minutes of a generated
// day into Kafka at 30 times real time while the detector runs, and reports
// the delay from an event's production to its decision stored in Redis
// (median and 99th percentile). The pacing keeps the traffic's shape: the
// detector sees the same rates in event time.
func BenchmarkOnlineDecisionDelay(b *testing.B) {
	st := onlineBench(b)
	var delays []float64
	run := 0
	for b.Loop() {
		run++
		topic := fmt.Sprintf("paced-%d", run)
		cl, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, topic))
		if err != nil {
			b.Fatal(err)
		}
		brokers := cl.ListenAddrs()
		end := st.times[0] + int64(4*time.Minute)
		n := 0
		for n < len(st.times) && st.times[n] < end {
			n++
		}
		consumer, err := kafka.NewConsumer(context.Background(), kafka.Config{Brokers: brokers, Topic: topic, GroupID: "paced", Start: "earliest",
			MaxWait: 50 * time.Millisecond, HeartbeatInterval: 300 * time.Millisecond, SessionTimeout: 6 * time.Second}, nil)
		if err != nil {
			b.Fatal(err)
		}
		r, _ := redisstore.New(redisstore.Config{Addrs: []string{st.redis}, KeyPrefix: topic + ":", Policy: redisstore.Policy{Breaker: redisstore.BreakerConfig{MaxNew: 1 << 30}}}, nil)
		store := &redisStore{r: r, stored: map[string]time.Time{}}
		o, _ := NewOnline(OnlineConfig{BatchSize: 1000, FlushInterval: 20 * time.Millisecond}, st.model, consumer, store, nil, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- o.Run(ctx) }()

		p, _ := kafka.NewProducer(kafka.Config{Brokers: brokers, Topic: topic, BatchTimeout: time.Millisecond}, nil)
		produced := map[string]time.Time{}
		wall := time.Now()
		const speed = 30
		for i := 0; i < n; {
			j := i
			due := wall.Add(time.Duration((st.times[i] - st.times[0]) / speed))
			time.Sleep(time.Until(due))
			now := time.Now()
			for j < n && st.times[j] <= st.times[0]+int64(now.Sub(wall))*speed {
				j++
			}
			if j == i {
				j = i + 1
			}
			if err := p.Write(context.Background(), st.msgs[i:j]...); err != nil {
				b.Fatal(err)
			}
			sent := time.Now()
			for _, m := range st.msgs[i:j] {
				produced[string(m.Key)+"|"+m.Time.UTC().String()] = sent
			}
			i = j
		}
		for o.Stats().Events < int64(n) {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		cancel()
		<-done
		p.Close()
		consumer.Close()
		r.Close()
		cl.Close()
		store.mu.Lock()
		for k, at := range store.stored {
			if t0, ok := produced[k]; ok {
				delays = append(delays, at.Sub(t0).Seconds()*1000)
			}
		}
		store.mu.Unlock()
	}
	if len(delays) == 0 {
		b.Fatal("no decisions to time")
	}
	slices.Sort(delays)
	b.ReportMetric(delays[len(delays)/2], "p50-ms")
	b.ReportMetric(delays[min(len(delays)-1, len(delays)*99/100)], "p99-ms")
	b.ReportMetric(float64(len(delays)), "decisions")
}

func writeBytes(b *testing.B, path string, data []byte) {
	b.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
}
