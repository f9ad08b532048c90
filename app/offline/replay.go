package offline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
)

// ReplayConfig is what "portcullis replay" is asked to produce, and where.
type ReplayConfig struct {
	Input Input
	// Brokers are the Kafka brokers, comma-separated; Topic the topic to
	// produce to.
	Brokers, Topic string
	// Speed is times real time, following the log's timestamps; 0 goes
	// at full speed.
	Speed float64
	// Batch is the messages per produce call.
	Batch int
}

// Replay produces c's recordings into Kafka, one canonical JSON message
// per request keyed by the client identity, and prints how many it
// produced.
func Replay(ctx context.Context, c ReplayConfig, stdout, stderr io.Writer) error {
	if c.Brokers == "" || c.Topic == "" {
		return fmt.Errorf("pass the Kafka brokers with --brokers host:port[,host:port] and the topic with --topic")
	}
	if c.Speed < 0 {
		return fmt.Errorf("--speed %v; give a factor above 0 (10 = ten times real time), or 0 for full speed", c.Speed)
	}
	if c.Batch < 1 {
		return fmt.Errorf("--batch %d; give 1 or more", c.Batch)
	}
	srcs, files, id, err := c.Input.Sources()
	if err != nil {
		return err
	}
	p, err := kafka.NewProducer(kafka.Config{Brokers: strings.Split(c.Brokers, ","), Topic: c.Topic},
		slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer p.Close()
	start := time.Now()
	var n int64
	for i, src := range srcs {
		r, closeFn, err := src.Open()
		if err != nil {
			return err
		}
		sent, err := replayOne(ctx, r, p, id, c.Speed, c.Batch)
		n += sent
		closeFn()
		if err != nil {
			return fmt.Errorf("replay %s: %w", files[i].Path, err)
		}
		st := r.Stats()
		if st.Malformed > 0 {
			fmt.Fprintf(stderr, "%s: skipped %d malformed lines of %d\n", files[i].Path, st.Malformed, st.Lines)
		}
		if st.Late > 0 {
			fmt.Fprintf(stderr, "%s: late records: %d (produced as they came)\n", files[i].Path, st.Late)
		}
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "produced %d messages to %s in %s (%.0f msgs/s)\n", n, c.Topic, el.Round(time.Millisecond), float64(n)/el.Seconds())
	return nil
}

func replayOne(ctx context.Context, r *ingest.Reader, p *kafka.Producer, id ingest.Identity, speed float64, batch int) (int64, error) {
	var (
		rec   ingest.Record
		msgs  = make([]ingest.Message, 0, batch)
		key   []byte
		n     int64
		first int64
		wall  = time.Now()
	)
	flush := func() error {
		if len(msgs) == 0 {
			return nil
		}
		if err := p.Write(ctx, msgs...); err != nil {
			return err
		}
		n += int64(len(msgs))
		msgs = msgs[:0]
		return nil
	}
	for r.Next(&rec) {
		if speed > 0 {
			if first == 0 {
				first = rec.TS
			}
			due := wall.Add(time.Duration(float64(rec.TS-first) / speed))
			if d := time.Until(due); d > 0 {
				if err := flush(); err != nil {
					return n, err
				}
				select {
				case <-ctx.Done():
					return n, ctx.Err()
				case <-time.After(d):
				}
			}
		}
		key, _ = id.Key(key[:0], &rec)
		msgs = append(msgs, ingest.Message{
			Key:   append([]byte(nil), key...),
			Value: rec.AppendJSON(nil),
			Time:  time.Unix(0, rec.TS),
		})
		if len(msgs) >= batch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := r.Err(); err != nil {
		return n, err
	}
	return n, flush()
}
