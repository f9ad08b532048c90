package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/silentpeer"
	"github.com/portcullis/portcullis/internal/testwait"
)

// The Kafka tests run against kfake, an in-process broker, with the
// settings measured in notes/kafka-in-tests.md: kafka-go's defaults make an
// idle Close take ~9 s, a rebalance up to 3 s, and a small Write 1 s.

const (
	kafkaTestTopic      = "logs"
	kafkaTestPartitions = 4
	kafkaTestTimeout    = 20 * time.Second // bounds each test's context
)

// kafkaT0 is the event time of the first test record.
var kafkaT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// checkKafkaLeaks fails t if goroutines started during it outlive it. Call
// it first, so that its check runs after every other cleanup.
func checkKafkaLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

func newKafkaTestCluster(t *testing.T, opts ...kfake.Opt) []string {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{
		kfake.NumBrokers(1), kfake.SeedTopics(kafkaTestPartitions, kafkaTestTopic),
	}, opts...)...)
	if err != nil {
		t.Fatalf("starting kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func kafkaTestConfig(brokers []string, group string) Config {
	return Config{
		Brokers:           brokers,
		Topic:             kafkaTestTopic,
		GroupID:           group,
		MaxWait:           500 * time.Millisecond,
		HeartbeatInterval: 300 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		BatchTimeout:      5 * time.Millisecond,
	}
}

// kafkaTestContext bounds a test's waits on the broker by kafkaTestTimeout,
// scaled for the race detector and slow machines.
func kafkaTestContext(t *testing.T) context.Context {
	return testwait.Context(t, kafkaTestTimeout)
}

// kafkaTestLogger logs warnings and errors into the test's output.
func kafkaTestLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func newTestProducer(t *testing.T, cfg Config) *Producer {
	t.Helper()
	p, err := NewProducer(cfg, kafkaTestLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("producer Close: %v", err)
		}
	})
	return p
}

func newTestConsumer(t *testing.T, cfg Config) *Consumer {
	t.Helper()
	c, err := NewConsumer(t.Context(), cfg, kafkaTestLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("consumer Close: %v", err)
		}
	})
	return c
}

// recordMessages returns n access-log records as Kafka messages, spread
// over clients clients and keyed by their IP, as the gateway writes them.
// Their event times start at t0, a millisecond apart, and their paths are
// /items/<batch>-<i>, which makes every value unique.
func recordMessages(t *testing.T, batch string, n, clients int, t0 time.Time) []ingest.Message {
	t.Helper()
	var p ingest.JSONParser
	var rec ingest.Record
	msgs := make([]ingest.Message, n)
	for i := range msgs {
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		line := fmt.Appendf(nil, `{"ts":%q,"client_ip":"203.0.113.%d","method":"GET","path":"/items/%s-%d","status":200,"resp_bytes":512}`,
			ts.Format(time.RFC3339Nano), i%clients, batch, i)
		if err := p.Parse(line, &rec); err != nil {
			t.Fatalf("test record %s: %v", line, err)
		}
		key, _ := ingest.IdentityIP.Key(nil, &rec)
		msgs[i] = ingest.Message{Key: key, Value: line, Time: time.Unix(0, rec.TS)}
	}
	return msgs
}

// endMarkers returns one message per partition, each with a key that the
// producer's balancer sends to that partition and the value "end <tag>". A
// reader that has seen all of them has seen everything written to the topic
// before them.
func endMarkers(t *testing.T, tag string, at time.Time) []ingest.Message {
	t.Helper()
	partitions := make([]int, kafkaTestPartitions)
	for i := range partitions {
		partitions[i] = i
	}
	var h kafkago.Hash
	found := map[int]ingest.Message{}
	for i := 0; len(found) < kafkaTestPartitions; i++ {
		if i > 10000 {
			t.Fatal("no key found for some partition")
		}
		key := fmt.Appendf(nil, "end-%d", i)
		p := h.Balance(kafkago.Message{Key: key}, partitions...)
		if _, ok := found[p]; !ok {
			found[p] = ingest.Message{Key: key, Value: []byte("end " + tag), Time: at}
		}
	}
	return slices.Collect(maps.Values(found))
}

// isEndMarker reports whether m is an end marker, and its tag.
func isEndMarker(m ingest.Message) (tag string, ok bool) {
	return strings.CutPrefix(string(m.Value), "end ")
}

// readToEnd fetches until it has seen every partition's end marker tagged
// tag and returns the messages that are not end markers.
func readToEnd(ctx context.Context, t *testing.T, c *Consumer, tag string) []ingest.Message {
	t.Helper()
	var got []ingest.Message
	ends := map[int]bool{}
	for len(ends) < kafkaTestPartitions {
		m, err := c.Fetch(ctx)
		if err != nil {
			t.Fatalf("Fetch after %d messages and %d end markers: %v", len(got), len(ends), err)
		}
		if mt, ok := isEndMarker(m); ok {
			if mt == tag {
				ends[m.Partition] = true
			}
			continue
		}
		got = append(got, m)
	}
	return got
}

// values returns the sorted values of msgs.
func values(msgs []ingest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Value)
	}
	slices.Sort(out)
	return out
}

func write(ctx context.Context, t *testing.T, p *Producer, batches ...[]ingest.Message) {
	t.Helper()
	for _, b := range batches {
		if err := p.Write(ctx, b...); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
}

func TestKafkaDeliversEveryRecordAndKeepsEachClientOnOnePartition(t *testing.T) {
	checkKafkaLeaks(t)
	ctx := kafkaTestContext(t)
	cfg := kafkaTestConfig(newKafkaTestCluster(t), "detectors")
	p := newTestProducer(t, cfg)
	sent := recordMessages(t, "a", 2000, 16, kafkaT0)
	write(ctx, t, p, sent)

	c := newTestConsumer(t, cfg)
	var got []ingest.Message
	m, err := c.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, m)
	// kafka-go's reader queue holds 100 messages, so its partition readers
	// are still behind the ends of their partitions.
	for c.Lag() <= 0 {
		if ctx.Err() != nil {
			t.Fatal("Lag stayed 0 with most of the messages unread")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for len(got) < len(sent) {
		m, err := c.Fetch(ctx)
		if err != nil {
			t.Fatalf("Fetch after %d of %d messages: %v", len(got), len(sent), err)
		}
		got = append(got, m)
	}
	if err := c.Commit(ctx, got...); err != nil {
		t.Fatalf("Commit: %v", err)
	}

	if !slices.Equal(values(got), values(sent)) {
		t.Fatalf("read %d messages, not the %d written", len(got), len(sent))
	}
	partitionOf := map[string]int{}
	used := map[int]bool{}
	var parser ingest.JSONParser
	var rec ingest.Record
	for _, m := range got {
		if err := parser.Parse(m.Value, &rec); err != nil {
			t.Fatalf("value %s: %v", m.Value, err)
		}
		if key, _ := ingest.IdentityIP.Key(nil, &rec); string(key) != string(m.Key) {
			t.Errorf("message key %q is not the client identity %q of its record", m.Key, key)
		}
		if p, ok := partitionOf[string(m.Key)]; ok && p != m.Partition {
			t.Errorf("client %s is on partitions %d and %d", m.Key, p, m.Partition)
		}
		partitionOf[string(m.Key)] = m.Partition
		used[m.Partition] = true
	}
	if len(partitionOf) != 16 || len(used) < 2 {
		t.Errorf("16 clients landed on %d keys and %d partitions; want 16 keys over several partitions", len(partitionOf), len(used))
	}
	if lag := c.Lag(); lag != 0 {
		t.Errorf("Lag after reading everything = %d, want 0", lag)
	}
}

func TestKafkaConsumerResumesAfterTheLastCommittedOffset(t *testing.T) {
	checkKafkaLeaks(t)
	ctx := kafkaTestContext(t)
	brokers := newKafkaTestCluster(t)
	cfg := kafkaTestConfig(brokers, "detectors")
	p := newTestProducer(t, cfg)
	sent := recordMessages(t, "a", 100, 10, kafkaT0)
	write(ctx, t, p, sent)

	first, err := NewConsumer(t.Context(), cfg, kafkaTestLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	var fetched []ingest.Message
	for len(fetched) < 60 {
		m, err := first.Fetch(ctx)
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		fetched = append(fetched, m)
	}
	committed, uncommitted := fetched[:40], fetched[40:]
	if err := first.Commit(ctx, committed...); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// The group's offsets are one past the last committed message of each
	// partition.
	want := map[int]int64{}
	for _, m := range committed {
		want[m.Partition] = max(want[m.Partition], m.Offset+1)
	}
	offsets, err := Committed(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(offsets) != kafkaTestPartitions {
		t.Errorf("Committed gave %d partitions, want %d: %v", len(offsets), kafkaTestPartitions, offsets)
	}
	for part, off := range offsets {
		if w, ok := want[part]; ok && off != w || !ok && off != -1 {
			t.Errorf("partition %d: committed offset %d, want %d (-1 is none)", part, off, w)
		}
	}

	write(ctx, t, p, endMarkers(t, "restart", kafkaT0.Add(time.Hour)))
	second := newTestConsumer(t, cfg)
	got := readToEnd(ctx, t, second, "restart")

	var wantRest []ingest.Message
	done := map[string]bool{}
	for _, m := range committed {
		done[string(m.Value)] = true
	}
	for _, m := range sent {
		if !done[string(m.Value)] {
			wantRest = append(wantRest, m)
		}
	}
	if !slices.Equal(values(got), values(wantRest)) {
		t.Errorf("after the restart the group read %d messages, want the %d after the commit (no gaps, no committed one again)", len(got), len(wantRest))
	}
	reread := map[string]bool{}
	for _, m := range got {
		reread[string(m.Value)] = true
	}
	for _, m := range uncommitted {
		if !reread[string(m.Value)] {
			t.Errorf("fetched but uncommitted message %s was not read again", m.Value)
		}
	}
}

func TestKafkaConsumerStart(t *testing.T) {
	checkKafkaLeaks(t)
	at := func(d time.Duration) string { return kafkaT0.Add(d).Format(time.RFC3339) }
	// Batches a, b and c hold records at kafkaT0, +1h and +2h.
	tests := []struct {
		name          string
		start         string
		reset         bool
		readFirst     string // batches the group reads and commits before the consumer under test starts
		before, after string // batches written before and after it starts
		want          string // batches it reads
	}{
		{name: "committed (the default) starts a new group at the first offset", before: "ab", after: "c", want: "abc"},
		{name: "earliest starts a new group at the first offset", start: "earliest", before: "ab", after: "c", want: "abc"},
		{name: "latest starts a new group after what was already written", start: "latest", before: "ab", after: "c", want: "c"},
		{name: "a time starts each partition at the first record at or after it", start: at(30 * time.Minute), before: "abc", want: "bc"},
		{name: "a time at a record's timestamp includes that record", start: at(time.Hour), before: "abc", want: "bc"},
		{name: "a time after every record starts at the end", start: at(3 * time.Hour), before: "ab", after: "c", want: "c"},
		{name: "committed offsets win over earliest without reset", start: "earliest", readFirst: "a", before: "b", after: "c", want: "bc"},
		{name: "committed offsets win over a time without reset", start: at(0), readFirst: "a", before: "b", want: "b"},
		{name: "reset rewinds a group to earliest", start: "earliest", reset: true, readFirst: "ab", before: "c", want: "abc"},
		{name: "reset moves a group to a time", start: at(90 * time.Minute), reset: true, readFirst: "abc", want: "c"},
		{name: "reset to latest skips the backlog", start: "latest", reset: true, readFirst: "a", before: "b", after: "c", want: "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := kafkaTestContext(t)
			base := kafkaTestConfig(newKafkaTestCluster(t), "detectors")
			p := newTestProducer(t, base)
			batches := map[rune][]ingest.Message{}
			for i, b := range "abc" {
				batches[b] = recordMessages(t, string(b), 40, 8, kafkaT0.Add(time.Duration(i)*time.Hour))
			}
			writeBatches := func(names string) {
				for _, b := range names {
					write(ctx, t, p, batches[b])
				}
			}

			if tt.readFirst != "" {
				writeBatches(tt.readFirst)
				write(ctx, t, p, endMarkers(t, "first", kafkaT0.Add(3*time.Hour)))
				c, err := NewConsumer(t.Context(), base, kafkaTestLogger(t))
				if err != nil {
					t.Fatal(err)
				}
				read := readToEnd(ctx, t, c, "first")
				if err := c.Commit(ctx, read...); err != nil {
					t.Fatal(err)
				}
				if err := c.Close(); err != nil {
					t.Fatal(err)
				}
			}
			writeBatches(tt.before)
			cfg := base
			cfg.Start, cfg.Reset = tt.start, tt.reset
			c := newTestConsumer(t, cfg)
			writeBatches(tt.after)
			write(ctx, t, p, endMarkers(t, "test", kafkaT0.Add(4*time.Hour)))

			var want []ingest.Message
			for _, b := range tt.want {
				want = append(want, batches[b]...)
			}
			if got := readToEnd(ctx, t, c, "test"); !slices.Equal(values(got), values(want)) {
				t.Errorf("read %s, want batches %q", describeBatches(got), tt.want)
			}
		})
	}
}

// describeBatches counts msgs per batch, as in "a:40 c:40".
func describeBatches(msgs []ingest.Message) string {
	n := map[string]int{}
	for _, m := range msgs {
		_, rest, _ := strings.Cut(string(m.Value), `"path":"/items/`)
		n[rest[:1]]++
	}
	var parts []string
	for _, b := range slices.Sorted(maps.Keys(n)) {
		parts = append(parts, fmt.Sprintf("%s:%d", b, n[b]))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func TestKafkaConsumerStartResetFailsWhileTheGroupHasMembers(t *testing.T) {
	checkKafkaLeaks(t)
	ctx := kafkaTestContext(t)
	cfg := kafkaTestConfig(newKafkaTestCluster(t), "detectors")
	p := newTestProducer(t, cfg)
	write(ctx, t, p, endMarkers(t, "joined", kafkaT0))
	member := newTestConsumer(t, cfg)
	readToEnd(ctx, t, member, "joined") // it has joined the group

	cfg.Start, cfg.Reset = "earliest", true
	c, err := NewConsumer(t.Context(), cfg, kafkaTestLogger(t))
	if err == nil {
		c.Close()
		t.Fatal("NewConsumer reset the offsets of a group with an active member")
	}
	if !strings.Contains(err.Error(), "active members") || !strings.Contains(err.Error(), "stop its other consumers") {
		t.Errorf("error does not say what to do: %v", err)
	}
}

func TestKafkaConsumersInOneGroupSplitThePartitions(t *testing.T) {
	checkKafkaLeaks(t)
	ctx := kafkaTestContext(t)
	brokers := newKafkaTestCluster(t)
	cfg := kafkaTestConfig(brokers, "detectors")
	p := newTestProducer(t, cfg)
	consumers := []*Consumer{newTestConsumer(t, cfg), newTestConsumer(t, cfg)}

	type fetched struct {
		consumer int
		msg      ingest.Message
	}
	out := make(chan fetched)
	fetchCtx, stopFetching := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stopFetching(); wg.Wait() }()
	for i, c := range consumers {
		wg.Go(func() {
			for {
				m, err := c.Fetch(fetchCtx)
				if err != nil {
					return // cancelled or closed
				}
				select {
				case out <- fetched{i, m}:
				case <-fetchCtx.Done():
					return
				}
			}
		})
	}
	// collect receives until it has seen every partition's end marker tagged
	// tag, and
	// returns which consumer read each partition and what each read.
	collect := func(tag string) (owner map[int]int, read [][]ingest.Message) {
		owner = map[int]int{}
		read = make([][]ingest.Message, len(consumers))
		ends := map[int]bool{}
		for len(ends) < kafkaTestPartitions {
			select {
			case f := <-out:
				if o, ok := owner[f.msg.Partition]; ok && o != f.consumer {
					t.Errorf("partition %d was read by consumers %d and %d", f.msg.Partition, o, f.consumer)
				}
				owner[f.msg.Partition] = f.consumer
				read[f.consumer] = append(read[f.consumer], f.msg)
				if mt, ok := isEndMarker(f.msg); ok && mt == tag {
					ends[f.msg.Partition] = true
				}
			case <-ctx.Done():
				t.Fatalf("saw %d of %d end markers before the test's deadline", len(ends), kafkaTestPartitions)
			}
		}
		return owner, read
	}

	waitForMembers(ctx, t, brokers, cfg.GroupID, 2)
	write(ctx, t, p, recordMessages(t, "a", 200, 32, kafkaT0), endMarkers(t, "split", kafkaT0))
	owner, read := collect("split")
	perConsumer := map[int]int{}
	for _, c := range owner {
		perConsumer[c]++
	}
	if perConsumer[0] != 2 || perConsumer[1] != 2 {
		t.Errorf("partitions per consumer: %v, want 2 each", perConsumer)
	}
	for i, c := range consumers {
		if err := c.Commit(ctx, read[i]...); err != nil {
			t.Fatalf("consumer %d Commit: %v", i, err)
		}
	}

	// When one leaves, the other takes over all four partitions.
	if err := consumers[1].Close(); err != nil {
		t.Fatal(err)
	}
	// Writing only once the group has settled makes the test exact: a
	// consumer still in the old generation would fetch new records from its
	// old partitions, and read them again from the committed offsets after
	// the rebalance (at-least-once, but not what this test counts).
	waitForMembers(ctx, t, brokers, cfg.GroupID, 1)
	second := recordMessages(t, "b", 200, 32, kafkaT0.Add(time.Hour))
	write(ctx, t, p, second, endMarkers(t, "left", kafkaT0.Add(time.Hour)))
	owner, read = collect("left")
	if len(owner) != kafkaTestPartitions || slices.ContainsFunc(slices.Collect(maps.Values(owner)), func(c int) bool { return c != 0 }) {
		t.Errorf("after a consumer left, partitions were read by %v; want all by consumer 0", owner)
	}
	var gotRecords []ingest.Message
	for _, m := range read[0] {
		if _, ok := isEndMarker(m); !ok {
			gotRecords = append(gotRecords, m)
		}
	}
	if !slices.Equal(values(gotRecords), values(second)) {
		t.Errorf("after the rebalance consumer 0 read %d records, want exactly the %d new ones", len(gotRecords), len(second))
	}
}

// waitForMembers waits until the group is stable with n members, each
// assigned some partitions and all of them assigned.
func waitForMembers(ctx context.Context, t *testing.T, brokers []string, group string, n int) {
	t.Helper()
	transport := &kafkago.Transport{}
	defer transport.CloseIdleConnections()
	client := &kafkago.Client{Addr: kafkago.TCP(brokers...), Transport: transport}
	for {
		resp, err := client.DescribeGroups(ctx, &kafkago.DescribeGroupsRequest{GroupIDs: []string{group}})
		if err == nil && len(resp.Groups) == 1 && resp.Groups[0].GroupState == "Stable" && len(resp.Groups[0].Members) == n {
			members, partitions := 0, 0
			for _, m := range resp.Groups[0].Members {
				if len(m.MemberAssignments.Topics) > 0 && len(m.MemberAssignments.Topics[0].Partitions) > 0 {
					members++
					partitions += len(m.MemberAssignments.Topics[0].Partitions)
				}
			}
			if members == n && partitions == kafkaTestPartitions {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("group %q did not settle with %d members: %v", group, n, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestKafkaConsumerFetchReturnsTheContextErrorPromptly(t *testing.T) {
	checkKafkaLeaks(t)
	ctx := kafkaTestContext(t)
	c := newTestConsumer(t, kafkaTestConfig(newKafkaTestCluster(t), "detectors"))

	deadline, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	began := time.Now()
	if _, err := c.Fetch(deadline); err != context.DeadlineExceeded {
		t.Errorf("Fetch on an empty topic past its deadline = %v, want context.DeadlineExceeded", err)
	}
	// Promptly: well before MaxWait would have ended the fetch anyway.
	if d := time.Since(began); d > testwait.Scale(t, time.Second) {
		t.Errorf("Fetch returned %s after a 300ms deadline", d)
	}

	cancelled, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	began = time.Now()
	if _, err := c.Fetch(cancelled); err != context.Canceled {
		t.Errorf("Fetch when its context is cancelled = %v, want context.Canceled", err)
	}
	if d := time.Since(began); d > testwait.Scale(t, time.Second) {
		t.Errorf("Fetch returned %s after a cancellation at 100ms", d)
	}
}

func TestKafkaCloseIsCleanAndFinal(t *testing.T) {
	checkKafkaLeaks(t)
	ctx := kafkaTestContext(t)
	cfg := kafkaTestConfig(newKafkaTestCluster(t), "detectors")
	c, err := NewConsumer(t.Context(), cfg, kafkaTestLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProducer(cfg, kafkaTestLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	write(ctx, t, p, endMarkers(t, "joined", kafkaT0))
	read := readToEnd(ctx, t, c, "joined") // joined, and fetching

	// Close ends a Fetch blocked in another goroutine.
	fetchErr := make(chan error, 1)
	go func() {
		_, err := c.Fetch(ctx)
		fetchErr <- err
	}()
	time.Sleep(100 * time.Millisecond)
	began := time.Now()
	if err := c.Close(); err != nil {
		t.Errorf("consumer Close: %v", err)
	}
	if d := time.Since(began); d > testwait.Scale(t, 3*time.Second) {
		t.Errorf("consumer Close took %s", d)
	}
	if err := <-fetchErr; !errors.Is(err, ErrClosed) {
		t.Errorf("Fetch blocked during Close = %v, want ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("producer Close: %v", err)
	}

	for name, err := range map[string]error{
		"consumer Close again": c.Close(),
		"producer Close again": p.Close(),
	} {
		if err != nil {
			t.Errorf("%s = %v, want nil", name, err)
		}
	}
	_, fetchAfter := c.Fetch(ctx)
	for name, err := range map[string]error{
		"Fetch after Close":  fetchAfter,
		"Commit after Close": c.Commit(ctx, read...),
		"Write after Close":  p.Write(ctx, endMarkers(t, "closed", kafkaT0)...),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s = %v, want ErrClosed", name, err)
		}
	}
}

func TestNewKafkaConsumerFailsFastOnAMissingTopic(t *testing.T) {
	checkKafkaLeaks(t)
	cfg := kafkaTestConfig(newKafkaTestCluster(t), "detectors")
	cfg.Topic = "no-such-topic"
	c, err := NewConsumer(t.Context(), cfg, kafkaTestLogger(t))
	if err == nil {
		c.Close()
		t.Fatal("NewConsumer succeeded for a topic that does not exist")
	}
	if !errors.Is(err, kafkago.UnknownTopicOrPartition) || !strings.Contains(err.Error(), "create it") {
		t.Errorf("error = %v, want UnknownTopicOrPartition saying to create the topic", err)
	}
}

// TestKafkaConsumerRewind reads a partition's recent past back from the
// broker: from the first message at or after a time, up to an offset.
func TestKafkaConsumerRewind(t *testing.T) {
	checkKafkaLeaks(t)
	ctx := kafkaTestContext(t)
	brokers := newKafkaTestCluster(t)
	cfg := kafkaTestConfig(brokers, "rewind")
	p := newTestProducer(t, cfg)
	// A second apart, so that a time falls between messages.
	sent := recordMessages(t, "a", 200, 10, kafkaT0)
	for i := range sent {
		sent[i].Time = kafkaT0.Add(time.Duration(i) * time.Second)
	}
	write(ctx, t, p, sent)
	c := newTestConsumer(t, cfg)
	// Every message of one partition, as the group reads them.
	var part []ingest.Message
	got := 0
	for got < len(sent) {
		m, err := c.Fetch(ctx)
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		got++
		if m.Partition == 0 {
			part = append(part, m)
		}
	}
	if len(part) < 10 {
		t.Fatalf("partition 0 holds %d messages; the test needs 10", len(part))
	}
	for _, tt := range []struct {
		name        string
		from, until int // indexes into part
		since       time.Time
	}{
		{"from a message's own time", 3, len(part) - 2, part[3].Time},
		{"from just after a message", 4, len(part) - 2, part[3].Time.Add(time.Millisecond)},
		{"from before the first", 0, 5, kafkaT0.Add(-time.Hour)},
		{"nothing between", 5, 5, part[5].Time},
	} {
		var read []ingest.Message
		err := c.Rewind(ctx, 0, tt.since, part[tt.until].Offset, func(m ingest.Message) { read = append(read, m) })
		if err != nil {
			t.Fatalf("%s: Rewind: %v", tt.name, err)
		}
		if !slices.Equal(values(read), values(part[tt.from:tt.until])) {
			t.Errorf("%s: Rewind read %d messages, want %d: offsets %d to %d", tt.name, len(read), tt.until-tt.from, part[tt.from].Offset, part[tt.until].Offset)
		}
	}
}

// TestNewConsumerStopsWhenItsContextEnds starts a consumer against a
// broker that never answers, which NewConsumer would wait on for its whole
// setup timeout, and cancels the start after 200ms: NewConsumer returns the
// context's error within a second of the cancel, as a Ctrl-C needs.
func TestNewConsumerStopsWhenItsContextEnds(t *testing.T) {
	checkKafkaLeaks(t)
	cfg := kafkaTestConfig([]string{silentpeer.Start(t)}, "detectors")
	ctx, cancel := context.WithCancel(t.Context())
	var cancelled atomic.Int64 // UnixNano of the cancel
	timer := time.AfterFunc(200*time.Millisecond, func() {
		cancelled.Store(time.Now().UnixNano())
		cancel()
	})
	defer timer.Stop()
	c, err := NewConsumer(ctx, cfg, kafkaTestLogger(t))
	returned := time.Now()
	if err == nil {
		c.Close()
		t.Fatal("NewConsumer succeeded with a broker that never answers")
	}
	at := cancelled.Load()
	if at == 0 {
		t.Fatalf("NewConsumer returned before the cancel: %v", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("NewConsumer = %v, want context.Canceled", err)
	}
	if d := returned.Sub(time.Unix(0, at)); d > time.Second {
		t.Errorf("NewConsumer returned %s after its context was cancelled, want within 1s", d)
	}
}

// TestNewConsumerFailsWhenNothingListens starts a consumer against an
// address that refuses connections: the error says where it could not
// connect, and is not mistaken for a cancel.
func TestNewConsumerFailsWhenNothingListens(t *testing.T) {
	checkKafkaLeaks(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := NewConsumer(t.Context(), kafkaTestConfig([]string{addr}, "detectors"), kafkaTestLogger(t))
	if err == nil {
		c.Close()
		t.Fatal("NewConsumer succeeded with nothing listening")
	}
	if errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), addr) {
		t.Errorf("NewConsumer = %v, want a connection error naming %s", err, addr)
	}
}
