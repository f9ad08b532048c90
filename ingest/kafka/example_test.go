package kafka_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
)

// A gateway produces access-log records keyed by client, and a detector
// reads them as a member of a consumer group, committing once it has acted
// on them. The broker here is kfake, in process.
func ExampleNewConsumer() {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "logs"))
	if err != nil {
		panic(err)
	}
	defer cluster.Close()
	cfg := kafka.Config{
		Brokers:           cluster.ListenAddrs(),
		Topic:             "logs",
		GroupID:           "detectors",
		MaxWait:           500 * time.Millisecond,
		HeartbeatInterval: 300 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		BatchTimeout:      5 * time.Millisecond,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	producer, err := kafka.NewProducer(cfg, nil)
	if err != nil {
		panic(err)
	}
	defer producer.Close()
	var parser ingest.JSONParser
	var rec ingest.Record
	var msgs []ingest.Message
	for _, line := range []string{
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7","method":"GET","path":"/login","status":200}`,
		`{"ts":"2026-03-02T09:00:01Z","client_ip":"198.51.100.2","method":"GET","path":"/items","status":200}`,
		`{"ts":"2026-03-02T09:00:02Z","client_ip":"203.0.113.7","method":"POST","path":"/login","status":401}`,
	} {
		if err := parser.Parse([]byte(line), &rec); err != nil {
			panic(err)
		}
		key, _ := ingest.IdentityIP.Key(nil, &rec)
		msgs = append(msgs, ingest.Message{Key: key, Value: []byte(line), Time: time.Unix(0, rec.TS)})
	}
	if err := producer.Write(ctx, msgs...); err != nil {
		panic(err)
	}

	consumer, err := kafka.NewConsumer(ctx, cfg, nil)
	if err != nil {
		panic(err)
	}
	defer consumer.Close()
	var seen []string
	for range msgs {
		m, err := consumer.Fetch(ctx)
		if err != nil {
			panic(err)
		}
		if err := parser.Parse(m.Value, &rec); err != nil {
			continue // a real detector counts the malformed record
		}
		seen = append(seen, fmt.Sprintf("%s %s %s %d", m.Key, rec.Method, rec.Path, rec.Status))
		if err := consumer.Commit(ctx, m); err != nil { // after acting on it
			panic(err)
		}
	}
	slices.Sort(seen) // partitions interleave; each client's records stay in order
	for _, s := range seen {
		fmt.Println(s)
	}
	// Output:
	// 198.51.100.2 GET /items 200
	// 203.0.113.7 GET /login 200
	// 203.0.113.7 POST /login 401
}
