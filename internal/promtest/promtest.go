// Package promtest starts a real prometheus for tests, on a free port of
// 127.0.0.1 with its storage in a temporary folder, and stops it when the
// test ends; its methods wrap the HTTP API the tests query.
//
// A test that needs Prometheus fails, rather than skips, when prometheus is
// not installed: install it with apt-get install -y prometheus.
package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

// Server is a prometheus process owned by a test.
type Server struct {
	// URL is the base URL of the server, such as http://127.0.0.1:41234.
	URL string

	dir    string
	cmd    *exec.Cmd
	done   chan struct{}
	client *http.Client
}

// Start writes config, a prometheus.yml, to a temporary folder, starts
// prometheus with it and waits until it is ready. Paths in config are
// read as prometheus reads them: relative ones from the config's folder.
func Start(t testing.TB, config []byte) *Server {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatalf("promtest: prometheus is not installed (%v); install it with: apt-get install -y prometheus", err)
	}
	s := &Server{dir: t.TempDir(), client: &http.Client{Timeout: 10 * time.Second}}
	cfg := filepath.Join(s.dir, "prometheus.yml")
	if err := os.WriteFile(cfg, config, 0o644); err != nil {
		t.Fatalf("promtest: %v", err)
	}
	var last error
	for range 3 { // another process may take the free port first
		if last = s.start(t, bin, cfg); last == nil {
			t.Cleanup(s.stop)
			return s
		}
	}
	t.Fatalf("promtest: %v", last)
	return nil
}

func (s *Server) start(t testing.TB, bin, cfg string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	logPath := filepath.Join(s.dir, "prometheus.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin,
		"--config.file="+cfg,
		"--storage.tsdb.path="+filepath.Join(s.dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start prometheus: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.URL = "http://" + addr
	limit := testwait.Scale(t, 20*time.Second)
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-done:
			return fmt.Errorf("prometheus on %s exited at start: %s", addr, tail(logPath))
		default:
		}
		if resp, err := s.client.Get(s.URL + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.cmd, s.done = cmd, done
				return nil
			}
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			return fmt.Errorf("prometheus on %s was not ready within %v: %s", addr, limit, tail(logPath))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Log returns the end of the server's log, for failure messages.
func (s *Server) Log() string { return tail(filepath.Join(s.dir, "prometheus.log")) }

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log)"
	}
	b = bytes.TrimSpace(b)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// Sample is one series of a query's result at one time.
type Sample struct {
	Metric map[string]string
	Value  float64
	Time   time.Time
}

// Series is one series of a range query's result.
type Series struct {
	Metric  map[string]string
	Samples []Point
}

// Point is a value at a time.
type Point struct {
	Time  time.Time
	Value float64
}

// APIError is an error the HTTP API answered with, such as a query that
// does not parse (Type "bad_data").
type APIError struct {
	Type, Message string
}

func (e *APIError) Error() string { return "prometheus: " + e.Type + ": " + e.Message }

// Query evaluates expr at time at (now when zero). A scalar result comes
// back as one sample without labels.
func (s *Server) Query(ctx context.Context, expr string, at time.Time) ([]Sample, error) {
	v := url.Values{"query": {expr}}
	if !at.IsZero() {
		v.Set("time", formatTime(at))
	}
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := s.get(ctx, "/api/v1/query", v, &data); err != nil {
		return nil, err
	}
	switch data.ResultType {
	case "vector":
		var r []struct {
			Metric map[string]string `json:"metric"`
			Value  pair              `json:"value"`
		}
		if err := json.Unmarshal(data.Result, &r); err != nil {
			return nil, err
		}
		out := make([]Sample, len(r))
		for i, x := range r {
			out[i] = Sample{Metric: x.Metric, Time: x.Value.t, Value: x.Value.v}
		}
		return out, nil
	case "scalar":
		var p pair
		if err := json.Unmarshal(data.Result, &p); err != nil {
			return nil, err
		}
		return []Sample{{Metric: map[string]string{}, Time: p.t, Value: p.v}}, nil
	}
	return nil, fmt.Errorf("promtest: result type %q of %s is not a vector or a scalar", data.ResultType, expr)
}

// QueryRange evaluates expr from start to end every step.
func (s *Server) QueryRange(ctx context.Context, expr string, start, end time.Time, step time.Duration) ([]Series, error) {
	v := url.Values{"query": {expr}, "start": {formatTime(start)}, "end": {formatTime(end)},
		"step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}}
	var data struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Values []pair            `json:"values"`
		} `json:"result"`
	}
	if err := s.get(ctx, "/api/v1/query_range", v, &data); err != nil {
		return nil, err
	}
	out := make([]Series, len(data.Result))
	for i, r := range data.Result {
		out[i].Metric = r.Metric
		for _, p := range r.Values {
			out[i].Samples = append(out[i].Samples, Point{p.t, p.v})
		}
	}
	return out, nil
}

// LabelValues returns the values of label among the series that match
// selector, as Grafana's label_values(selector, label) does.
func (s *Server) LabelValues(ctx context.Context, selector, label string) ([]string, error) {
	var data []map[string]string
	if err := s.get(ctx, "/api/v1/series", url.Values{"match[]": {selector}}, &data); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range data {
		if v, ok := m[label]; ok && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// Rule is a rule as the server evaluates it.
type Rule struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Type      string `json:"type"` // alerting or recording
	Health    string `json:"health"`
	LastError string `json:"lastError"`
	State     string `json:"state"` // of an alert: inactive, pending or firing
}

// Rules returns the rules the server loaded, with their health.
func (s *Server) Rules(ctx context.Context) ([]Rule, error) {
	var data struct {
		Groups []struct {
			Rules []Rule `json:"rules"`
		} `json:"groups"`
	}
	if err := s.get(ctx, "/api/v1/rules", nil, &data); err != nil {
		return nil, err
	}
	var out []Rule
	for _, g := range data.Groups {
		out = append(out, g.Rules...)
	}
	return out, nil
}

// Target is a scrape target.
type Target struct {
	Labels    map[string]string `json:"labels"`
	ScrapeURL string            `json:"scrapeUrl"`
	Health    string            `json:"health"`
	LastError string            `json:"lastError"`
}

// Targets returns the active scrape targets.
func (s *Server) Targets(ctx context.Context) ([]Target, error) {
	var data struct {
		Active []Target `json:"activeTargets"`
	}
	if err := s.get(ctx, "/api/v1/targets", url.Values{"state": {"active"}}, &data); err != nil {
		return nil, err
	}
	return data.Active, nil
}

func (s *Server) get(ctx context.Context, path string, v url.Values, data any) error {
	u := s.URL + path
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("promtest: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("promtest: %w", err)
	}
	var env struct {
		Status    string          `json:"status"`
		Data      json.RawMessage `json:"data"`
		ErrorType string          `json:"errorType"`
		Error     string          `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("promtest: %s answered %d: %.200s", path, resp.StatusCode, body)
	}
	if env.Status != "success" {
		return &APIError{Type: env.ErrorType, Message: env.Error}
	}
	return json.Unmarshal(env.Data, data)
}

// pair is the API's [time, "value"].
type pair struct {
	t time.Time
	v float64
}

func (p *pair) UnmarshalJSON(b []byte) error {
	var raw [2]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var ts float64
	var vs string
	if err := json.Unmarshal(raw[0], &ts); err != nil {
		return err
	}
	if err := json.Unmarshal(raw[1], &vs); err != nil {
		return err
	}
	v, err := strconv.ParseFloat(vs, 64)
	if err != nil {
		return errors.New("promtest: value " + vs + " is not a number")
	}
	sec, frac := math.Modf(ts)
	p.t, p.v = time.Unix(int64(sec), int64(frac*1e9)), v
	return nil
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixNano())/1e9, 'f', 3, 64)
}
