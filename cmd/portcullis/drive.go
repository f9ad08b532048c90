package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/trafficgen"
)

// Headers by which the driver tells the demo upstream (portcullis upstream
// --echo) what to answer: the recorded status and response size.
const (
	demoStatusHeader = "X-Demo-Status"
	demoBytesHeader  = "X-Demo-Resp-Bytes"
)

// maxDemoBody caps the request and response bodies the driver and the demo
// upstream make up, whatever the recording says.
const maxDemoBody = 1 << 20

type driveFlags struct {
	gateway      string
	site, seed   int64
	clients      int
	minutes      int
	rounds       int
	workers      int
	attackShare  float64
	apiKeyHeader string
	userHeader   string
}

// newDriveCommand drives a running gateway with generated traffic, for the
// docker compose stack and for tests.
func newDriveCommand() *cobra.Command {
	var f driveFlags
	cmd := &cobra.Command{
		Use:   "drive --gateway URL",
		Short: "Send generated traffic, normal and attacks, through a gateway in real time",
		Long: `drive generates --minutes of traffic of one site (as "portcullis gen" does),
starting now, and sends every request through the gateway over HTTP at the
moment it was generated for, with the client's address in X-Forwarded-For (the
gateway must trust the driver as a proxy). It then starts again with the next
seed, for --rounds rounds (0: until stopped). After each round it prints how
many requests the gateway refused, from attackers and from normal clients.

The recorded status and response size go in X-Demo-Status and
X-Demo-Resp-Bytes, which "portcullis upstream --echo" answers with.`,
		Example: `  portcullis drive --gateway http://gateway:8080 --clients 300 --minutes 10`,
		Hidden:  true,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case f.gateway == "":
				return errors.New("pass the gateway's data URL with --gateway, such as http://gateway:8080")
			case f.workers < 1:
				return fmt.Errorf("--workers is %d; give 1 or more", f.workers)
			case f.rounds < 0:
				return fmt.Errorf("--rounds is %d; give 0 (until stopped) or more", f.rounds)
			}
			err := drive(cmd.Context(), cmd.OutOrStdout(), f)
			if cmd.Context().Err() != nil {
				return nil
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.gateway, "gateway", "", "base URL of the gateway's data listener")
	fl.Int64Var(&f.site, "site", 1, "site of the traffic (the model must be trained on the same site)")
	fl.Int64Var(&f.seed, "seed", 100, "seed of the first round; each round uses the next")
	fl.IntVar(&f.clients, "clients", 300, "normal clients per round")
	fl.IntVar(&f.minutes, "minutes", 10, "length of a round in minutes")
	fl.IntVar(&f.rounds, "rounds", 0, "rounds to run; 0 runs until stopped")
	fl.IntVar(&f.workers, "workers", 64, "requests in flight at most")
	fl.Float64Var(&f.attackShare, "attack-share", 0.03, "share of clients that are attackers")
	fl.StringVar(&f.apiKeyHeader, "api-key-header", "X-API-Key", "header carrying a recorded API key (as the gateway's api_key_header)")
	fl.StringVar(&f.userHeader, "user-header", "X-User", "header carrying a recorded user (as the gateway's user_header)")
	return cmd
}

func drive(ctx context.Context, out io.Writer, f driveFlags) error {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: f.workers}}
	defer client.CloseIdleConnections()
	d := &driver{client: client, base: strings.TrimSuffix(f.gateway, "/"), workers: f.workers,
		apiKeyHeader: f.apiKeyHeader, userHeader: f.userHeader, maxBody: maxDemoBody}
	for round := 0; f.rounds == 0 || round < f.rounds; round++ {
		start := time.Now().UTC().Truncate(time.Millisecond).Add(time.Second)
		cfg := trafficgen.Config{Seed: f.seed + int64(round), Site: f.site, Start: start, Minutes: f.minutes,
			Clients: f.clients, Attacks: f.attackShare > 0, AttackShare: f.attackShare}.WithDefaults()
		if err := cfg.Validate(); err != nil {
			return err
		}
		var logs, labels bytes.Buffer
		if _, err := trafficgen.Generate(cfg, &logs, &labels); err != nil {
			return err
		}
		recs, err := readRecords(&logs)
		if err != nil {
			return err
		}
		kinds, err := backtest.ReadLabels(&labels)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "round %d: %d requests over %d minute(s) from %d clients, seed %d\n", round+1, len(recs), f.minutes, len(kinds), cfg.Seed)
		st, err := d.replay(ctx, recs, start, func(r *ingest.Record) bool { return kinds[string(r.ClientIP)].Kind != backtest.KindNormal })
		fmt.Fprintf(out, "round %d: %d sent, %d failed; refused by the blocklist: %d from attackers, %d from normal clients\n",
			round+1, st.sent, st.failed, st.refusedAttack, st.refusedNormal)
		if err != nil {
			return err
		}
	}
	return nil
}

// readRecords parses a recording held in memory.
func readRecords(r io.Reader) ([]ingest.Record, error) {
	rd := ingest.NewReader(r, ingest.ReaderConfig{})
	var out []ingest.Record
	var rec ingest.Record
	for rd.Next(&rec) {
		out = append(out, rec.Clone())
	}
	return out, rd.Err()
}

// driver sends recorded requests through a gateway.
type driver struct {
	client       *http.Client
	base         string // the gateway's data URL, without a trailing slash
	workers      int
	apiKeyHeader string
	userHeader   string
	// maxBody caps the bodies sent; 0 sends the recorded size, which the
	// gateway refuses from the header alone when it is over its limit.
	maxBody int64
	// report, when set, is called about every reportEvery with the counts
	// so far.
	report      func(driveStats)
	reportEvery time.Duration
}

// driveStats count the requests of one replay.
type driveStats struct {
	sent, failed                 int64
	refusedAttack, refusedNormal int64
}

// replay sends recs, sorted by time, each at start plus its offset from the
// first, and counts the gateway's refusals; attack says whether a record
// comes from an attacker. It returns when all are answered, or ctx.Err()
// when ctx ends first.
func (d *driver) replay(ctx context.Context, recs []ingest.Record, start time.Time, attack func(*ingest.Record) bool) (driveStats, error) {
	var sent, failed, refusedAttack, refusedNormal atomic.Int64
	jobs := make(chan *ingest.Record, d.workers)
	var wg sync.WaitGroup
	for range d.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				blocked, err := d.send(ctx, r)
				switch {
				case err != nil:
					if ctx.Err() == nil {
						failed.Add(1)
					}
					continue
				case blocked && attack(r):
					refusedAttack.Add(1)
				case blocked:
					refusedNormal.Add(1)
				}
				sent.Add(1)
			}
		}()
	}
	var err error
	if len(recs) > 0 {
		first := recs[0].TS
		timer := time.NewTimer(0)
		nextReport := time.Now().Add(d.reportEvery)
	loop:
		for i := range recs {
			if d.report != nil && time.Now().After(nextReport) {
				d.report(driveStats{sent.Load(), failed.Load(), refusedAttack.Load(), refusedNormal.Load()})
				nextReport = nextReport.Add(d.reportEvery)
			}
			if wait := time.Until(start.Add(time.Duration(recs[i].TS - first))); wait > 0 {
				timer.Reset(wait)
				select {
				case <-ctx.Done():
					err = ctx.Err()
					break loop
				case <-timer.C:
				}
			}
			select {
			case jobs <- &recs[i]:
			case <-ctx.Done():
				err = ctx.Err()
				break loop
			}
		}
		timer.Stop()
	}
	close(jobs)
	wg.Wait()
	return driveStats{sent.Load(), failed.Load(), refusedAttack.Load(), refusedNormal.Load()}, err
}

// send sends one recorded request and says whether the gateway's
// blocklist refused it (a 403 with the gateway's own body, not a 403 the
// upstream replayed).
func (d *driver) send(ctx context.Context, r *ingest.Record) (blocked bool, err error) {
	var body io.Reader
	size := r.ReqBytes
	if d.maxBody > 0 {
		size = min(size, d.maxBody)
	}
	if size > 0 && (string(r.Method) == http.MethodPost || string(r.Method) == http.MethodPut || string(r.Method) == http.MethodPatch) {
		body = io.LimitReader(zeros{}, size)
	}
	req, err := http.NewRequestWithContext(ctx, string(r.Method), d.base+string(r.Path), body)
	if err != nil {
		return false, err
	}
	if body != nil {
		req.ContentLength = size
	}
	h := req.Header
	h.Set("X-Forwarded-For", string(r.ClientIP))
	h.Set("User-Agent", string(r.UserAgent))
	h.Set(demoStatusHeader, strconv.Itoa(r.Status))
	h.Set(demoBytesHeader, strconv.FormatInt(r.RespBytes, 10))
	if len(r.APIKey) > 0 && d.apiKeyHeader != "" {
		h.Set(d.apiKeyHeader, string(r.APIKey))
	}
	if len(r.User) > 0 && d.userHeader != "" {
		h.Set(d.userHeader, string(r.User))
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusForbidden && bytes.Contains(head, []byte(`"error":"blocked"`)), nil
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// echoHandler answers with the status and the size of body that a driven
// request asks for in its demo headers; 200 and a short body otherwise.
func echoHandler(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.Header.Get(demoStatusHeader))
	if err != nil || code < 200 || code > 599 {
		code = http.StatusOK
	}
	n, err := strconv.ParseInt(r.Header.Get(demoBytesHeader), 10, 64)
	if err != nil || n < 0 {
		n = 12
	}
	n = min(n, maxDemoBody)
	if code == http.StatusNoContent || code == http.StatusNotModified {
		w.WriteHeader(code)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(code)
	io.Copy(w, io.LimitReader(zeros{}, n))
}
