package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

func TestJSONFieldsFlag(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "access.jsonl")
	if err := os.WriteFile(in, []byte(`{"@timestamp":"2026-03-02T09:00:00Z","request":{"remote_ip":"203.0.113.7"}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badYAML := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badYAML, []byte("ts: [a, b]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.pcm")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"an unknown record field is refused, naming the known ones", []string{"--json-fields", "ts=@timestamp,ip=request.remote_ip"}, `"ip" is not a record field; use ts, client_ip`},
		{"a pair without a path is refused", []string{"--json-fields", "ts=@timestamp,client_ip"}, "want field=path"},
		{"a mapping with another --format is refused", []string{"--format", "caddy", "--json-fields", "ts=@timestamp,client_ip=request.remote_ip"}, "drop --format or set it to json-map"},
		{"json-map without a mapping is refused", []string{"--format", "json-map"}, "needs --json-fields"},
		{"a YAML file that is not a map of strings is refused", []string{"--json-fields", "@" + badYAML}, "want a YAML map"},
		{"a missing YAML file is refused", []string{"--json-fields", "@" + filepath.Join(dir, "none.yaml")}, "--json-fields: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := execute(t.Context(), append([]string{"train", "--in", in, "--out", out, "--no-progress"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want one saying %q", err, tt.want)
			}
		})
	}
	t.Run("a recording of another JSON shape trains a model through a YAML mapping", func(t *testing.T) {
		p := shared(t)
		src, err := os.Open(p.path("day1.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		var b strings.Builder
		enc := json.NewEncoder(&b)
		rd := ingest.NewReader(src, ingest.ReaderConfig{Format: ingest.FormatJSON})
		var rec ingest.Record
		n := 0
		for rd.Next(&rec) {
			n++
			line := map[string]any{
				"@timestamp": time.Unix(0, rec.TS).UTC().Format(time.RFC3339Nano),
				"http": map[string]any{
					"client":   map[string]any{"ip": string(rec.ClientIP)},
					"request":  map[string]any{"method": string(rec.Method), "target": string(rec.Path), "bytes": rec.ReqBytes, "headers": map[string]any{"user-agent": []string{string(rec.UserAgent)}}},
					"response": map[string]any{"status": rec.Status, "bytes": rec.RespBytes},
				},
				"took": rec.DurationMS / 1000,
			}
			if err := enc.Encode(line); err != nil {
				t.Fatal(err)
			}
		}
		log := filepath.Join(t.TempDir(), "access.jsonl")
		fields := filepath.Join(t.TempDir(), "fields.yaml")
		if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fields, []byte(`ts: "@timestamp"
client_ip: http.client.ip
method: http.request.method
path: http.request.target
req_bytes: http.request.bytes
user_agent: http.request.headers.user-agent
status: http.response.status
resp_bytes: http.response.bytes
duration_s: took
`), 0o644); err != nil {
			t.Fatal(err)
		}
		o := run(t, "train", "--in", log, "--out", out, "--no-progress", "--json-fields", "@"+fields)
		if want := fmt.Sprintf("trained on %d events (0 malformed lines skipped)", n); !strings.Contains(o.stdout+o.stderr, want) {
			t.Errorf("train says\n%s%s\nwant %q", o.stdout, o.stderr, want)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("no model from the mapped recording: %v", err)
		}
	})
}
