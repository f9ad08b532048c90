package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/gateway"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/trafficgen"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"

	"github.com/portcullis/portcullis/httpreplay"
)

type demoFlags struct {
	clients int
	replay  time.Duration
	redis   string
}

func newDemoCommand() *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole system on this machine: Kafka, Redis, detector, gateway and traffic",
		Long: `demo starts an embedded Kafka broker and an embedded Redis (or uses --redis),
trains a model on a generated day of normal traffic, starts the
detector and the gateway in front of a small upstream, and replays the next
generated day through the gateway over HTTP, in real time. It then prints who
was blocked, why, how soon after the onset of their attack, and how many
legitimate requests were refused.

Point the same binaries at a real Kafka and Redis with "portcullis detect" and
"portcullis gateway" and their configs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.clients < 10 || f.replay < 30*time.Second || f.replay > time.Hour {
				return errors.New("--clients must be 10 or more and --replay from 30s to 1h")
			}
			return runDemo(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	cmd.Flags().IntVar(&f.clients, "clients", 300, "normal clients in the replayed traffic")
	cmd.Flags().DurationVar(&f.replay, "replay", 105*time.Second, "how much traffic to replay, in real time")
	cmd.Flags().StringVar(&f.redis, "redis", "", "host:port of a Redis to use instead of the embedded one")
	return cmd
}

func runDemo(ctx context.Context, out io.Writer, f demoFlags) error {
	dir, err := os.MkdirTemp("", "portcullis-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	step := func(format string, a ...any) { fmt.Fprintf(out, "== "+format+"\n", a...) }

	// Traffic: a training day of the same site, and the day to replay.
	start := time.Now().UTC().Truncate(time.Second).Add(2 * time.Second)
	gen := func(seed int64, at time.Time, minutes int, name string, labels bool) (string, string, error) {
		path := filepath.Join(dir, name+".jsonl")
		lpath := ""
		fo, err := os.Create(path)
		if err != nil {
			return "", "", err
		}
		defer fo.Close()
		w := bufio.NewWriter(fo)
		var lw io.Writer
		var lb *bufio.Writer
		if labels {
			lpath = filepath.Join(dir, name+".labels.jsonl")
			lf, err := os.Create(lpath)
			if err != nil {
				return "", "", err
			}
			defer lf.Close()
			lb = bufio.NewWriter(lf)
			lw = lb
		}
		// The training day is normal traffic only; the replayed day has
		// attacks, which the labels name.
		cfg := trafficgen.Config{Seed: seed, Site: 1, Start: at, Minutes: minutes, Clients: f.clients, Attacks: labels, AttackShare: 0.03}
		if _, err := trafficgen.Generate(cfg.WithDefaults(), w, lw); err != nil {
			return "", "", err
		}
		if lb != nil {
			lb.Flush()
		}
		return path, lpath, w.Flush()
	}
	step("training a model on a generated day of normal traffic (10 minutes, %d clients)", f.clients)
	day1, _, err := gen(1, start.Add(-24*time.Hour), 10, "day1", false)
	if err != nil {
		return err
	}
	m, err := detector.Train(ctx, []detector.Source{&detector.FileSource{Path: day1}}, detector.TrainConfig{Seed: 1})
	if err != nil {
		return err
	}
	modelPath := filepath.Join(dir, "model.pcm")
	if err := m.WriteFile(modelPath); err != nil {
		return err
	}
	day2, labelsPath, err := gen(2, start, int((f.replay+time.Minute-1)/time.Minute), "day2", true)
	if err != nil {
		return err
	}

	step("starting an embedded Kafka broker, Redis, the detector and the gateway")
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "access"))
	if err != nil {
		return err
	}
	defer cluster.Close()
	redisAddr := f.redis
	if redisAddr == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return err
		}
		defer mr.Close()
		redisAddr = mr.Addr()
	}
	upstream, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	// The upstream answers with the recorded status and size, so the
	// gateway logs what the recording holds.
	up := &http.Server{Handler: http.HandlerFunc(httpreplay.EchoHandler), ReadHeaderTimeout: 5 * time.Second}
	go up.Serve(upstream)
	defer up.Close()
	free := func() string {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		defer l.Close()
		return l.Addr().String()
	}
	gwListen, gwAdmin, detAdmin := free(), free(), free()
	brokers := cluster.ListenAddrs()
	kafkaCfg := ingest.KafkaConfig{Brokers: brokers, Topic: "access", GroupID: "demo", Start: "earliest",
		MaxWait: 200 * time.Millisecond, HeartbeatInterval: 300 * time.Millisecond, SessionTimeout: 6 * time.Second, BatchTimeout: 5 * time.Millisecond}
	redisCfg := blocklist.RedisConfig{Addrs: []string{redisAddr}, KeyPrefix: "demo:"}

	var dc detectConfig
	dc.Model, dc.Kafka, dc.Redis = modelPath, kafkaCfg, redisCfg
	dc.Admin.Listen, dc.Batch.FlushInterval = detAdmin, 50*time.Millisecond
	dc.defaults()
	var gc gatewayapp.Config
	gc.Listen, gc.Admin = gwListen, gwAdmin
	gc.TrustedProxies = []string{"127.0.0.1"}
	gc.Routes = []gateway.Route{{Name: "all", PathPrefix: "/", Upstreams: []string{"http://" + upstream.Addr().String()}}}
	gc.Limits.MaxBodyBytes = 16 << 20
	gc.AccessLog.Enabled = true
	gc.Blocklist.Redis, gc.Blocklist.FailMode, gc.Blocklist.MaxStaleness = redisCfg, "open", 10*time.Second
	gc.Kafka = kafkaCfg
	gc.Kafka.GroupID, gc.Kafka.Start = "", ""

	rctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, run := range []func() error{
		func() error { return runDetect(rctx, dc, quiet) },
		func() error {
			a, err := gatewayapp.New(gc, quiet)
			if err != nil {
				return err
			}
			if err := a.Open(); err != nil {
				return err
			}
			return errors.Join(a.Run(rctx), a.Close())
		},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(); err != nil {
				errs <- err
			}
		}()
	}
	defer wg.Wait()
	defer stop()
	time.Sleep(time.Until(start))

	step("replaying %s of traffic through the gateway over HTTP, in real time", f.replay)
	recs, err := readAll(day2)
	if err != nil {
		return err
	}
	// The day is generated in whole minutes; replay its first f.replay, and
	// judge only the clients that sent something in it.
	end := start.Add(f.replay).UnixNano()
	n := 0
	sent := map[string]bool{}
	for i := range recs {
		if recs[i].TS < end {
			sent[string(recs[i].ClientIP)] = true
			recs[n] = recs[i]
			n++
		}
	}
	recs = recs[:n]
	labels := readLabelsFile(labelsPath)
	for c := range labels {
		if !sent[c] {
			delete(labels, c)
		}
	}
	// A detector or gateway that fails ends the replay.
	dctx, cancel := context.WithCancelCause(rctx)
	defer cancel(nil)
	go func() {
		select {
		case err := <-errs:
			cancel(err)
		case <-dctx.Done():
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	d := &httpreplay.Replayer{Client: client, Base: "http://" + gwListen, Workers: 64, ReportEvery: 15 * time.Second,
		Report: func(st httpreplay.Stats) {
			fmt.Fprintf(out, "   %s: %d requests, %d refused\n", time.Since(start).Round(time.Second), st.Sent, st.RefusedAttack+st.RefusedNormal)
		}}
	st, err := d.Replay(dctx, recs, start, func(r *ingest.Record) bool {
		return labels[string(r.ClientIP)].Kind != backtest.KindNormal
	})
	if err != nil {
		return context.Cause(dctx)
	}
	time.Sleep(500 * time.Millisecond)

	step("who was blocked")
	store, err := blocklist.NewRedis(redisCfg, quiet)
	if err != nil {
		return err
	}
	defer store.Close()
	snap, err := store.List(ctx)
	if err != nil {
		return err
	}
	rec := backtest.NewRecorder()
	sort.Slice(snap.Decisions, func(i, j int) bool { return snap.Decisions[i].TS.Before(snap.Decisions[j].TS) })
	for _, d := range snap.Decisions {
		rec.Add(d)
		l := labels[d.Client]
		after := "-"
		if l.Onset != nil {
			after = d.TS.Sub(*l.Onset).Round(100 * time.Millisecond).String()
		}
		var why []string
		for _, r := range d.Reasons {
			why = append(why, r.String())
		}
		fmt.Fprintf(out, "   %-40s %-12s %7s after onset  %s\n", d.Client, l.Kind, after, strings.Join(why, " | "))
	}
	fmt.Fprintln(out)
	if err := rec.Evaluate(labels).Print(out); err != nil {
		return err
	}
	fmt.Fprintf(out, "requests: %d through the gateway; %d refused from attackers, %d refused from normal clients\n",
		st.Sent, st.RefusedAttack, st.RefusedNormal)
	return nil
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
