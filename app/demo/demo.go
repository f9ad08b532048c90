// Package demo runs the whole system on one machine: an embedded Kafka
// broker and Redis, a model trained on a generated day, the detector and
// the gateway (the same detect and gateway apps the commands run) in front
// of an upstream that answers what the recording holds, and the next
// generated day replayed through the gateway over HTTP in real time. It
// then prints who was blocked, why, how soon after the onset of their
// attack, and how many legitimate requests were refused.
package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/httpreplay"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/trafficgen"
)

// Config is what the demo replays and where it keeps the blocklist.
type Config struct {
	// Clients is the normal clients in the replayed traffic.
	Clients int
	// Replay is how much traffic to replay, in real time.
	Replay time.Duration
	// Redis is the host:port of a Redis to use instead of the embedded
	// one.
	Redis string
}

// Validate says what is wrong with c.
func (c Config) Validate() error {
	if c.Clients < 10 || c.Replay < 30*time.Second || c.Replay > time.Hour {
		return errors.New("--clients must be 10 or more and --replay from 30s to 1h")
	}
	return nil
}

// Run runs the demo, printing its steps and its report to out.
func Run(ctx context.Context, c Config, out io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "portcullis-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d := &demo{cfg: c, dir: dir, out: out, quiet: slog.New(slog.DiscardHandler),
		start: time.Now().UTC().Truncate(time.Second).Add(2 * time.Second)}
	return d.run(ctx)
}

// demo is one run.
type demo struct {
	cfg   Config
	dir   string
	out   io.Writer
	quiet *slog.Logger
	// start is when the replayed day starts, in wall-clock time.
	start time.Time
}

func (d *demo) step(format string, a ...any) { fmt.Fprintf(d.out, "== "+format+"\n", a...) }

func (d *demo) run(ctx context.Context) error {
	d.step("training a model on a generated day of normal traffic (10 minutes, %d clients)", d.cfg.Clients)
	day1, _, err := d.gen(1, d.start.Add(-24*time.Hour), 10, "day1", false)
	if err != nil {
		return err
	}
	m, err := detector.Train(ctx, []detector.Source{&detector.FileSource{Path: day1}}, detector.TrainConfig{Seed: 1})
	if err != nil {
		return err
	}
	modelPath := filepath.Join(d.dir, "model.pcm")
	if err := m.WriteFile(modelPath); err != nil {
		return err
	}
	day2, labelsPath, err := d.gen(2, d.start, int((d.cfg.Replay+time.Minute-1)/time.Minute), "day2", true)
	if err != nil {
		return err
	}

	d.step("starting an embedded Kafka broker, Redis, the detector and the gateway")
	s, err := d.startStack(ctx, modelPath)
	if err != nil {
		return err
	}
	defer s.stop()
	time.Sleep(time.Until(d.start))

	d.step("replaying %s of traffic through the gateway over HTTP, in real time", d.cfg.Replay)
	recs, labels, err := d.replayed(day2, labelsPath)
	if err != nil {
		return err
	}
	st, err := d.replay(ctx, s, recs, labels)
	if err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond)
	d.step("who was blocked")
	return d.report(ctx, s.redis, labels, st)
}

// gen generates minutes of traffic from at into the demo's directory, and
// its labels when labels is set: the training day is normal traffic only,
// the replayed day has attacks, which the labels name.
func (d *demo) gen(seed int64, at time.Time, minutes int, name string, labels bool) (path, lpath string, err error) {
	path = filepath.Join(d.dir, name+".jsonl")
	fo, err := os.Create(path)
	if err != nil {
		return "", "", err
	}
	defer fo.Close()
	w := bufio.NewWriter(fo)
	var lw io.Writer
	var lb *bufio.Writer
	if labels {
		lpath = filepath.Join(d.dir, name+".labels.jsonl")
		lf, err := os.Create(lpath)
		if err != nil {
			return "", "", err
		}
		defer lf.Close()
		lb = bufio.NewWriter(lf)
		lw = lb
	}
	cfg := trafficgen.Config{Seed: seed, Site: 1, Start: at, Minutes: minutes, Clients: d.cfg.Clients, Attacks: labels, AttackShare: 0.03}
	if _, err := trafficgen.Generate(cfg.WithDefaults(), w, lw); err != nil {
		return "", "", err
	}
	if lb != nil {
		lb.Flush()
	}
	return path, lpath, w.Flush()
}

// replayed reads the replayed day, cut to its first cfg.Replay (the day is
// generated in whole minutes), and the labels of the clients that sent
// something in it: only they are judged.
func (d *demo) replayed(day, labelsPath string) ([]ingest.Record, map[string]backtest.Label, error) {
	recs, err := readAll(day)
	if err != nil {
		return nil, nil, err
	}
	end := d.start.Add(d.cfg.Replay).UnixNano()
	n := 0
	sent := map[string]bool{}
	for i := range recs {
		if recs[i].TS < end {
			sent[string(recs[i].ClientIP)] = true
			recs[n] = recs[i]
			n++
		}
	}
	labels := readLabelsFile(labelsPath)
	for c := range labels {
		if !sent[c] {
			delete(labels, c)
		}
	}
	return recs[:n], labels, nil
}

func readAll(path string) ([]ingest.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := httpreplay.ReadRecords(f)
	if err == nil && len(out) == 0 {
		return nil, errors.New("demo: no traffic generated")
	}
	return out, err
}

func readLabelsFile(path string) map[string]backtest.Label {
	f, err := os.Open(path)
	if err != nil {
		return map[string]backtest.Label{}
	}
	defer f.Close()
	l, err := backtest.ReadLabels(f)
	if err != nil {
		return map[string]backtest.Label{}
	}
	return l
}
