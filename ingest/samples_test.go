package ingest

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// samplesDir holds the access-log samples that several packages read (see
// its README.md): access.jsonl, written by hand, and the same requests as
// each proxy writes them, rendered by this file's test with -update.
const samplesDir = "../testdata/logs"

// sample is one rendering of access.jsonl in a proxy's log format.
type sample struct {
	file   string
	format Format
	render func(r *Record) string
	// noDuration is set for formats that do not log the request's duration.
	noDuration bool
}

// envoyPeer is the address Envoy and Caddy log as the peer: a proxy in
// front of them, which forwards the client's address.
const envoyPeer = "10.0.0.2"

var samples = []sample{
	{file: "access.log", format: FormatCLF, noDuration: true, render: func(r *Record) string {
		return fmt.Sprintf(`%s - - [%s] "%s %s HTTP/1.1" %d %d "-" "%s" %d`,
			r.ClientIP, ts(r).Format("02/Jan/2006:15:04:05 -0700"), r.Method, r.Path, r.Status, r.RespBytes, r.UserAgent, r.ReqBytes)
	}},
	{file: "access.nginx.log", format: FormatNginx, render: func(r *Record) string {
		return fmt.Sprintf(`%s [%s] "%s %s" %d %d %d %.3f "%s"`,
			r.ClientIP, ts(r).Format("2006-01-02T15:04:05-07:00"), r.Method, r.Path, r.Status, r.RespBytes, r.ReqBytes, r.DurationMS/1000, r.UserAgent)
	}},
	{file: "access.caddy.jsonl", format: FormatCaddy, render: func(r *Record) string {
		return fmt.Sprintf(`{"level":"info","ts":%s,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":%q,"remote_port":"51234","client_ip":%q,"proto":"HTTP/1.1","method":%q,"host":"shop.example","uri":%q,"headers":{"User-Agent":[%q]}},"bytes_read":%d,"user_id":"","duration":%s,"size":%d,"status":%d,"resp_headers":{}}`,
			strconv.FormatFloat(float64(r.TS)/1e9, 'f', 3, 64), envoyPeer, r.ClientIP, r.Method, r.Path, r.UserAgent, r.ReqBytes,
			strconv.FormatFloat(r.DurationMS/1000, 'f', -1, 64), r.RespBytes, r.Status)
	}},
	{file: "access.envoy.log", format: FormatEnvoy, render: func(r *Record) string {
		return fmt.Sprintf(`[%s] "%s %s HTTP/1.1" %d - %d %d %d %d "%s, %s" "%s" "-" "shop.example" "10.0.3.4:8080"`,
			ts(r).Format("2006-01-02T15:04:05.000Z07:00"), r.Method, r.Path, r.Status, r.ReqBytes, r.RespBytes, int(r.DurationMS), max(int(r.DurationMS)-1, 0),
			r.ClientIP, envoyPeer, r.UserAgent)
	}},
	{file: "access.envoy.jsonl", format: FormatEnvoyJSON, render: func(r *Record) string {
		return fmt.Sprintf(`{"start_time":%q,"method":%q,"path":%q,"protocol":"HTTP/1.1","response_code":%d,"response_flags":"-","bytes_received":%d,"bytes_sent":%d,"duration":%d,"x_forwarded_for":"%s, %s","user_agent":%q,"authority":"shop.example","upstream_host":"10.0.3.4:8080","downstream_remote_address":"%s:51234"}`,
			ts(r).Format("2006-01-02T15:04:05.000Z07:00"), r.Method, r.Path, r.Status, r.ReqBytes, r.RespBytes, int(r.DurationMS),
			r.ClientIP, envoyPeer, r.UserAgent, envoyPeer)
	}},
	{file: "access.traefik.jsonl", format: FormatTraefik, render: func(r *Record) string {
		return fmt.Sprintf(`{"ClientAddr":"%s:51234","ClientHost":%q,"ClientPort":"51234","ClientUsername":"-","DownstreamContentSize":%d,"DownstreamStatus":%d,"Duration":%d,"RequestContentSize":%d,"RequestHost":"shop.example","RequestMethod":%q,"RequestPath":%q,"RequestProtocol":"HTTP/1.1","RouterName":"shop@docker","StartUTC":%q,"level":"info","msg":"","request_User-Agent":%q,"time":%q}`,
			r.ClientIP, r.ClientIP, r.RespBytes, r.Status, int64(r.DurationMS*1e6), r.ReqBytes, r.Method, r.Path,
			ts(r).Format(time.RFC3339Nano), r.UserAgent, ts(r).Format(time.RFC3339))
	}},
}

func ts(r *Record) time.Time { return time.Unix(0, r.TS).UTC() }

// readSample reads a sample file through a Reader in its format, failing
// t on any malformed line.
func readSample(t *testing.T, file string, cfg ReaderConfig) []Record {
	t.Helper()
	f, err := os.Open(filepath.Join(samplesDir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f, cfg)
	var out []Record
	var rec Record
	for r.Next(&rec) {
		out = append(out, rec.Clone())
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.Malformed != 0 {
		t.Fatalf("%s: %d malformed lines", file, st.Malformed)
	}
	return out
}

func nginxSampleFormat(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, "nginx.log_format"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestSharedSamplesReadAsTheJSONSample reads each proxy's rendering of
// access.jsonl, in its format and auto-detected, and gets the JSON
// sample's records back, field by field (but the duration in the combined
// format, which does not log it). Run with -update to render the samples
// again after changing access.jsonl.
func TestSharedSamplesReadAsTheJSONSample(t *testing.T) {
	want := readSample(t, "access.jsonl", ReaderConfig{Format: FormatJSON})
	if len(want) < 90 {
		t.Fatalf("access.jsonl holds %d records; the samples need its 90 or more", len(want))
	}
	logFormat := nginxSampleFormat(t)
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			if *update {
				var buf bytes.Buffer
				for i := range want {
					buf.WriteString(s.render(&want[i]))
					buf.WriteByte('\n')
				}
				if err := os.WriteFile(filepath.Join(samplesDir, s.file), buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfgs := []ReaderConfig{{Format: s.format}}
			if s.format == FormatNginx {
				cfgs = []ReaderConfig{{LogFormat: logFormat}}
			} else {
				cfgs = append(cfgs, ReaderConfig{Format: FormatAuto})
			}
			for _, cfg := range cfgs {
				got := readSample(t, s.file, cfg)
				if len(got) != len(want) {
					t.Fatalf("%+v: %d records, want %d", cfg, len(got), len(want))
				}
				for i := range want {
					w := want[i]
					if s.noDuration {
						w.DurationMS = 0
					}
					if d := recordDiff(&got[i], &w); d != "" {
						t.Errorf("%+v: record %d differs from access.jsonl's: %s", cfg, i+1, d)
					}
				}
			}
		})
	}
}

// recordDiff names the fields where got and want differ; durations match
// within a microsecond (formats log seconds, milliseconds or nanoseconds).
func recordDiff(got, want *Record) string {
	var d []string
	check := func(name string, ok bool, g, w any) {
		if !ok {
			d = append(d, fmt.Sprintf("%s %v, want %v", name, g, w))
		}
	}
	check("ts", got.TS == want.TS, ts(got), ts(want))
	check("client_ip", bytes.Equal(got.ClientIP, want.ClientIP), string(got.ClientIP), string(want.ClientIP))
	check("method", bytes.Equal(got.Method, want.Method), string(got.Method), string(want.Method))
	check("path", bytes.Equal(got.Path, want.Path), string(got.Path), string(want.Path))
	check("status", got.Status == want.Status, got.Status, want.Status)
	check("req_bytes", got.ReqBytes == want.ReqBytes, got.ReqBytes, want.ReqBytes)
	check("resp_bytes", got.RespBytes == want.RespBytes, got.RespBytes, want.RespBytes)
	check("duration_ms", math.Abs(got.DurationMS-want.DurationMS) < 1e-3, got.DurationMS, want.DurationMS)
	check("user_agent", bytes.Equal(got.UserAgent, want.UserAgent), string(got.UserAgent), string(want.UserAgent))
	check("api_key", bytes.Equal(got.APIKey, want.APIKey), string(got.APIKey), string(want.APIKey))
	check("user", bytes.Equal(got.User, want.User), string(got.User), string(want.User))
	return strings.Join(d, "; ")
}
