package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/twmb/franz-go/pkg/kfake"

	detectapp "github.com/portcullis/portcullis/app/detect"
	gatewayapp "github.com/portcullis/portcullis/app/gateway"
	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/gateway"
	"github.com/portcullis/portcullis/httpreplay"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
)

// stack is the running system: Kafka, Redis, the upstream, the detector
// and the gateway.
type stack struct {
	redis   redisstore.Config
	gateway string // the gateway's data address
	// failed receives the error of the detector or the gateway when one
	// stops early.
	failed chan error
	stops  []func()
}

// stop stops what the stack started, the last first.
func (s *stack) stop() {
	for i := len(s.stops) - 1; i >= 0; i-- {
		s.stops[i]()
	}
}

// startStack starts the embedded Kafka and Redis (or uses cfg.Redis), the
// upstream, the detector on modelPath and the gateway, each on a port of
// its own choosing.
func (d *demo) startStack(ctx context.Context, modelPath string) (s *stack, err error) {
	s = &stack{failed: make(chan error, 2)}
	defer func() {
		if err != nil {
			s.stop()
		}
	}()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "access"))
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, cluster.Close)
	redisAddr := d.cfg.Redis
	if redisAddr == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, err
		}
		s.stops = append(s.stops, mr.Close)
		redisAddr = mr.Addr()
	}
	upstream, err := startUpstream()
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, upstream.close)
	kafkaCfg := kafka.Config{Brokers: cluster.ListenAddrs(), Topic: "access", GroupID: "demo", Start: "earliest",
		MaxWait: 200 * time.Millisecond, HeartbeatInterval: 300 * time.Millisecond, SessionTimeout: 6 * time.Second, BatchTimeout: 5 * time.Millisecond}
	s.redis = redisstore.Config{Addrs: []string{redisAddr}, KeyPrefix: "demo:"}

	var dc detectapp.Config
	dc.Model, dc.Kafka, dc.Redis = modelPath, kafkaCfg, s.redis
	dc.Admin.Listen, dc.Batch.FlushInterval = "127.0.0.1:0", 50*time.Millisecond
	var gc gatewayapp.Config
	gc.Listen, gc.Admin = "127.0.0.1:0", "127.0.0.1:0"
	gc.TrustedProxies = []string{"127.0.0.1"}
	gc.Routes = []gateway.Route{{Name: "all", PathPrefix: "/", Upstreams: []string{"http://" + upstream.addr}}}
	gc.Limits.MaxBodyBytes = 16 << 20
	gc.AccessLog.Enabled = true
	gc.Blocklist = gatewayapp.BlocklistConfig{Redis: s.redis, FailMode: "open", MaxStaleness: 10 * time.Second}
	gc.Kafka = kafkaCfg
	gc.Kafka.GroupID, gc.Kafka.Start = "", ""
	return s, d.startApps(ctx, s, dc, gc)
}

// startApps opens the detector and the gateway and runs them until the
// stack stops.
func (d *demo) startApps(ctx context.Context, s *stack, dc detectapp.Config, gc gatewayapp.Config) error {
	det, err := detectapp.New(dc, d.quiet)
	if err != nil {
		return err
	}
	gw, err := gatewayapp.New(gc, d.quiet)
	if err != nil {
		return err
	}
	type app interface {
		Open(context.Context) error
		Run(context.Context) error
		Close() error
	}
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	s.stops = append(s.stops, func() { cancel(); wg.Wait() })
	for _, a := range []app{det, gw} {
		if err := a.Open(rctx); err != nil {
			return err // Open released what it took
		}
		wg.Go(func() {
			if err := errors.Join(a.Run(rctx), a.Close()); err != nil {
				s.failed <- err
			}
		})
	}
	s.gateway = gw.Addr()
	return nil
}

// upstream answers with the recorded status and size, so the gateway logs
// what the recording holds.
type upstream struct {
	addr  string
	close func()
}

func startUpstream() (*upstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(httpreplay.EchoHandler), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return &upstream{addr: ln.Addr().String(), close: func() { srv.Close() }}, nil
}

// replay sends recs through the gateway in real time, reporting progress
// every 15 s; a detector or gateway that fails ends it.
func (d *demo) replay(ctx context.Context, s *stack, recs []ingest.Record, labels map[string]backtest.Label) (httpreplay.Stats, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case err := <-s.failed:
			cancel(err)
		case <-ctx.Done():
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	r := &httpreplay.Replayer{Client: client, Base: "http://" + s.gateway, Workers: 64, ReportEvery: 15 * time.Second,
		Report: func(st httpreplay.Stats) {
			fmt.Fprintf(d.out, "   %s: %d requests, %d refused\n", time.Since(d.start).Round(time.Second), st.Sent, st.RefusedAttack+st.RefusedNormal)
		}}
	st, err := r.Replay(ctx, recs, d.start, func(r *ingest.Record) bool {
		return labels[string(r.ClientIP)].Kind != backtest.KindNormal
	})
	if err != nil {
		return st, context.Cause(ctx)
	}
	return st, nil
}

// report prints the decisions in the blocklist, the evaluation against the
// labels, and the requests refused.
func (d *demo) report(ctx context.Context, redisCfg redisstore.Config, labels map[string]backtest.Label, st httpreplay.Stats) error {
	store, err := redisstore.New(redisCfg, d.quiet)
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
	for _, dec := range snap.Decisions {
		rec.Add(dec)
		l := labels[dec.Client]
		after := "-"
		if l.Onset != nil {
			after = dec.TS.Sub(*l.Onset).Round(100 * time.Millisecond).String()
		}
		var why []string
		for _, r := range dec.Reasons {
			why = append(why, r.String())
		}
		fmt.Fprintf(d.out, "   %-40s %-12s %7s after onset  %s\n", dec.Client, l.Kind, after, strings.Join(why, " | "))
	}
	fmt.Fprintln(d.out)
	if err := rec.Evaluate(labels).Print(d.out); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "requests: %d through the gateway; %d refused from attackers, %d refused from normal clients\n",
		st.Sent, st.RefusedAttack, st.RefusedNormal)
	return nil
}
