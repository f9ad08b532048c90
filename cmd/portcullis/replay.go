package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/ingest"

	"github.com/portcullis/portcullis/app/offline"
)

func newReplayCommand() *cobra.Command {
	var (
		in      offline.Input
		brokers string
		topic   string
		speed   float64
		batch   int
	)
	cmd := &cobra.Command{
		Use:   "replay --in FILE --brokers HOST:PORT --topic TOPIC",
		Short: "Produce a recording into Kafka, keyed by client identity",
		Long: `replay reads a recording (JSON lines or combined log format, plain or gzip)
and produces one canonical JSON message per request to a Kafka topic, keyed by
the client identity so one partition holds all of a client's events. It goes at
full speed, or at --speed N times real time following the log's timestamps.`,
		Example: `  portcullis replay --in day2.jsonl --brokers localhost:9092 --topic access-logs --speed 10`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if brokers == "" || topic == "" {
				return fmt.Errorf("pass the Kafka brokers with --brokers host:port[,host:port] and the topic with --topic")
			}
			if speed < 0 {
				return fmt.Errorf("--speed %v; give a factor above 0 (10 = ten times real time), or 0 for full speed", speed)
			}
			if batch < 1 {
				return fmt.Errorf("--batch %d; give 1 or more", batch)
			}
			srcs, files, id, err := in.Sources()
			if err != nil {
				return err
			}
			p, err := ingest.NewKafkaProducer(ingest.KafkaConfig{Brokers: strings.Split(brokers, ","), Topic: topic},
				slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
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
				sent, err := replayOne(cmd.Context(), r, p, id, speed, batch)
				n += sent
				closeFn()
				if err != nil {
					return fmt.Errorf("replay %s: %w", files[i].Path, err)
				}
				st := r.Stats()
				if st.Malformed > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: skipped %d malformed lines of %d\n", files[i].Path, st.Malformed, st.Lines)
				}
				if st.Late > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: late records: %d (produced as they came)\n", files[i].Path, st.Late)
				}
			}
			el := time.Since(start)
			fmt.Fprintf(cmd.OutOrStdout(), "produced %d messages to %s in %s (%.0f msgs/s)\n", n, topic, el.Round(time.Millisecond), float64(n)/el.Seconds())
			return nil
		},
	}
	registerInput(cmd, &in)
	f := cmd.Flags()
	f.StringVar(&brokers, "brokers", "", "Kafka brokers, comma-separated")
	f.StringVar(&topic, "topic", "", "topic to produce to")
	f.Float64Var(&speed, "speed", 0, "times real time, following the log's timestamps (0 = full speed)")
	f.IntVar(&batch, "batch", 1000, "messages per produce call")
	return cmd
}

func replayOne(ctx context.Context, r *ingest.Reader, p *ingest.KafkaProducer, id ingest.Identity, speed float64, batch int) (int64, error) {
	var (
		rec   ingest.Record
		msgs  = make([]kafka.Message, 0, batch)
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
		msgs = append(msgs, kafka.Message{
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
