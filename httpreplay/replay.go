package httpreplay

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

// Headers by which a Replayer tells the echo upstream (EchoHandler) what to
// answer: the recorded status and response size.
const (
	StatusHeader = "X-Demo-Status"
	BytesHeader  = "X-Demo-Resp-Bytes"
)

// MaxBody caps the request and response bodies a Replayer and EchoHandler
// make up, whatever the recording says.
const MaxBody = 1 << 20

// Replayer sends recorded requests through a gateway.
type Replayer struct {
	Client *http.Client
	// Base is the gateway's data URL, without a trailing slash.
	Base string
	// Workers is how many requests are in flight at most.
	Workers int
	// APIKeyHeader and UserHeader carry a record's API key and user when
	// set (as the gateway's api_key_header and user_header).
	APIKeyHeader string
	UserHeader   string
	// MaxBody caps the bodies sent; 0 sends the recorded size, which the
	// gateway refuses from the header alone when it is over its limit.
	MaxBody int64
	// Report, when set, is called about every ReportEvery with the counts
	// so far.
	Report      func(Stats)
	ReportEvery time.Duration
}

// Stats count the requests of one replay.
type Stats struct {
	Sent, Failed                 int64
	RefusedAttack, RefusedNormal int64
}

// counters are the Stats of a replay in progress.
type counters struct {
	sent, failed, refusedAttack, refusedNormal atomic.Int64
}

func (c *counters) stats() Stats {
	return Stats{c.sent.Load(), c.failed.Load(), c.refusedAttack.Load(), c.refusedNormal.Load()}
}

// Replay sends recs, sorted by time, each at start plus its offset from the
// first, and counts the gateway's refusals; attack says whether a record
// comes from an attacker. It returns when all are answered, or ctx.Err()
// when ctx ends first.
func (d *Replayer) Replay(ctx context.Context, recs []ingest.Record, start time.Time, attack func(*ingest.Record) bool) (Stats, error) {
	var c counters
	jobs := make(chan *ingest.Record, d.Workers)
	var wg sync.WaitGroup
	for range d.Workers {
		wg.Go(func() {
			for r := range jobs {
				d.count(ctx, &c, r, attack)
			}
		})
	}
	err := d.schedule(ctx, recs, start, jobs, &c)
	close(jobs)
	wg.Wait()
	return c.stats(), err
}

// count sends r and counts its outcome.
func (d *Replayer) count(ctx context.Context, c *counters, r *ingest.Record, attack func(*ingest.Record) bool) {
	blocked, err := d.Send(ctx, r)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			c.failed.Add(1)
		}
		return
	case blocked && attack(r):
		c.refusedAttack.Add(1)
	case blocked:
		c.refusedNormal.Add(1)
	}
	c.sent.Add(1)
}

// schedule hands each record to jobs at its time; it returns ctx.Err() when
// ctx ends first.
func (d *Replayer) schedule(ctx context.Context, recs []ingest.Record, start time.Time, jobs chan<- *ingest.Record, c *counters) error {
	if len(recs) == 0 {
		return nil
	}
	first := recs[0].TS
	timer := time.NewTimer(0)
	defer timer.Stop()
	nextReport := time.Now().Add(d.ReportEvery)
	for i := range recs {
		if d.Report != nil && time.Now().After(nextReport) {
			d.Report(c.stats())
			nextReport = nextReport.Add(d.ReportEvery)
		}
		if wait := time.Until(start.Add(time.Duration(recs[i].TS - first))); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-timer.C:
			}
		}
		select {
		case jobs <- &recs[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Send sends one recorded request and says whether the gateway's
// blocklist refused it (a 403 with the gateway's own body, not a 403 the
// upstream replayed).
func (d *Replayer) Send(ctx context.Context, r *ingest.Record) (blocked bool, err error) {
	var body io.Reader
	size := r.ReqBytes
	if d.MaxBody > 0 {
		size = min(size, d.MaxBody)
	}
	if size > 0 && (string(r.Method) == http.MethodPost || string(r.Method) == http.MethodPut || string(r.Method) == http.MethodPatch) {
		body = io.LimitReader(zeros{}, size)
	}
	req, err := http.NewRequestWithContext(ctx, string(r.Method), d.Base+string(r.Path), body)
	if err != nil {
		return false, err
	}
	if body != nil {
		req.ContentLength = size
	}
	h := req.Header
	h.Set("X-Forwarded-For", string(r.ClientIP))
	h.Set("User-Agent", string(r.UserAgent))
	h.Set(StatusHeader, strconv.Itoa(r.Status))
	h.Set(BytesHeader, strconv.FormatInt(r.RespBytes, 10))
	if len(r.APIKey) > 0 && d.APIKeyHeader != "" {
		h.Set(d.APIKeyHeader, string(r.APIKey))
	}
	if len(r.User) > 0 && d.UserHeader != "" {
		h.Set(d.UserHeader, string(r.User))
	}
	resp, err := d.Client.Do(req)
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

// EchoHandler answers with the status and the size of body that a replayed
// request asks for in StatusHeader and BytesHeader; 200 and a short body
// otherwise.
func EchoHandler(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.Header.Get(StatusHeader))
	if err != nil || code < 200 || code > 599 {
		code = http.StatusOK
	}
	n, err := strconv.ParseInt(r.Header.Get(BytesHeader), 10, 64)
	if err != nil || n < 0 {
		n = 12
	}
	n = min(n, MaxBody)
	if code == http.StatusNoContent || code == http.StatusNotModified {
		w.WriteHeader(code)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(code)
	io.Copy(w, io.LimitReader(zeros{}, n))
}

// ReadRecords parses a recording held in memory.
func ReadRecords(r io.Reader) ([]ingest.Record, error) {
	rd := ingest.NewReader(r, ingest.ReaderConfig{})
	var out []ingest.Record
	var rec ingest.Record
	for rd.Next(&rec) {
		out = append(out, rec.Clone())
	}
	return out, rd.Err()
}

// ServeUpstream serves on ln until ctx ends, as the upstream of
// benchmarks and demos: EchoHandler when echo is set, else 200 and a short
// JSON body to every request.
func ServeUpstream(ctx context.Context, ln net.Listener, echo bool) error {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{\"ok\":true}\n")
	})
	if echo {
		h = http.HandlerFunc(EchoHandler)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	stop := context.AfterFunc(ctx, func() { srv.Close() })
	defer stop()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
