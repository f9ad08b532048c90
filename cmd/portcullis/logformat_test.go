package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

func TestLogFormatFlag(t *testing.T) {
	in := filepath.Join(t.TempDir(), "access.log")
	line := `203.0.113.7 - alice [02/Mar/2026:09:00:00 +0000] "POST /api/items HTTP/1.1" 201 512 "-" "curl/8.5.0" 345 0.012` + "\n"
	if err := os.WriteFile(in, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "m.pcm")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a log_format that cannot be read is refused, saying why", []string{"--log-format", `$remote_addr$remote_user [$time_local]`}, "--log-format: ingest: invalid config"},
		{"a log_format with another --format is refused", []string{"--format", "json", "--log-format", `$remote_addr [$time_local]`}, "drop --format or set it to nginx"},
	}
	t.Run("a recording in a site's own log_format trains a model", func(t *testing.T) {
		p := shared(t)
		src, err := os.Open(p.path("day1.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		var b strings.Builder
		rd := ingest.NewReader(src, ingest.ReaderConfig{Format: ingest.FormatJSON})
		var rec ingest.Record
		n := 0
		for rd.Next(&rec) {
			fmt.Fprintf(&b, "%s - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\" %d %.3f\n", rec.ClientIP,
				time.Unix(0, rec.TS).UTC().Format("02/Jan/2006:15:04:05 -0700"), rec.Method, rec.Path, rec.Status,
				rec.RespBytes, strings.ReplaceAll(string(rec.UserAgent), `"`, `\x22`), rec.ReqBytes, rec.DurationMS/1000)
			n++
		}
		nginxLog := filepath.Join(t.TempDir(), "access.log")
		if err := os.WriteFile(nginxLog, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, "train", "--in", nginxLog, "--out", out, "--no-progress", "--log-format",
			`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time`)
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("no model from %d nginx lines: %v", n, err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := execute(t.Context(), append([]string{"train", "--in", in, "--out", out, "--no-progress"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want one saying %q", err, tt.want)
			}
		})
	}
}
