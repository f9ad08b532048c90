package ingest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/proxytest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// nginxTimed is the example: combined plus request length and time.
const nginxTimed = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time`

func TestNginxParser(t *testing.T) {
	tests := []struct {
		name   string
		format string
		line   string
		want   string // view.String(), or the error's text
	}{
		{"the combined format with request length and time", nginxTimed,
			`203.0.113.7 - alice [02/Mar/2026:09:00:00 +0000] "POST /api/items?page=2 HTTP/1.1" 201 512 "-" "curl/8.5.0" 345 0.012`,
			`ts=2026-03-02T09:00:00Z ip="203.0.113.7" method="POST" path="/api/items?page=2" status=201 req=345 resp=512 dur=12 ua="curl/8.5.0" api_key="" user="alice"`},
		{"nginx's \\xHH escapes are decoded", nginxTimed,
			`203.0.113.7 - - [02/Mar/2026:09:00:00 +0100] "GET /\x22q\x22 HTTP/1.1" 200 0 "-" "a \x22b\x22" 80 0.000`,
			`ts=2026-03-02T08:00:00Z ip="203.0.113.7" method="GET" path="/\"q\"" status=200 req=80 resp=0 dur=0 ua="a \"b\"" api_key="" user=""`},
		{"the JSON example reads its strings as JSON", NginxJSONExample,
			`{"time":"2026-03-02T09:00:00+00:00","remote_addr":"2001:db8::7","remote_user":"","request":"GET /s?q=\"x\" HTTP/2.0","status":404,"body_bytes_sent":10,"request_length":90,"request_time":0.250,"http_referer":"","http_user_agent":"Bot\u00e9 \"v1\""}`,
			`ts=2026-03-02T09:00:00Z ip="2001:db8::7" method="GET" path="/s?q=\"x\"" status=404 req=90 resp=10 dur=250 ua="Boté \"v1\"" api_key="" user=""`},
		{"$msec, $request_method, $request_uri, $bytes_sent and an API key header", `$msec $remote_addr:$remote_port $request_method $request_uri $status $bytes_sent "$http_x_api_key"`,
			`1772442000.250 198.51.100.9:51234 DELETE /x 204 180 "key_1"`,
			`ts=2026-03-02T09:00:00.25Z ip="198.51.100.9" method="DELETE" path="/x" status=204 req=0 resp=180 dur=0 ua="" api_key="key_0c08dbd4" user=""` /* the id of key_1 */},
		{"a line of another format is malformed", nginxTimed, `{"ts":"2026-03-02T09:00:00Z"}`, "does not follow the log_format"},
		{"a bad time is malformed", nginxTimed,
			`203.0.113.7 - - [02/Mar/2026 09:00] "GET / HTTP/1.1" 200 0 "-" "-" 1 0.1`, "the time does not parse"},
		{"a bad status is malformed", nginxTimed,
			`203.0.113.7 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 2000 0 "-" "-" 1 0.1`, "a number field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewNginxParser(tt.format)
			if err != nil {
				t.Fatal(err)
			}
			checkParse(t, p.Parse, tt.line, tt.want)
		})
	}
}

func TestNginxFormatsThatCannotBeRead(t *testing.T) {
	tests := []struct{ name, format, want string }{
		{"two variables side by side", `$remote_addr$remote_user [$time_local]`, "nothing between them"},
		{"no time", `$remote_addr "$request"`, "no $time_local"},
		{"no client", `[$time_local] "$request"`, "no $remote_addr"},
		{"an unclosed brace", `${remote_addr [$time_local]`, "not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewNginxParser(tt.format)
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want ErrInvalidConfig saying %q", err, tt.want)
			}
		})
	}
	if err := (ReaderConfig{Format: FormatNginx}).withDefaults().Validate(); err == nil || !strings.Contains(err.Error(), "--log-format") {
		t.Errorf("format nginx without a log_format: %v", err)
	}
}

// FuzzParseNginx checks, for the timed text format and the JSON example,
// that any line either parses into a record with a client or is
// malformed, and never panics.
func FuzzParseNginx(f *testing.F) {
	f.Add(`203.0.113.7 - alice [02/Mar/2026:09:00:00 +0000] "POST /api/items?page=2 HTTP/1.1" 201 512 "-" "curl/8.5.0" 345 0.012`)
	f.Add(`203.0.113.7 - - [02/Mar/2026:09:00:00 +0100] "GET /\x22q\x22 HTTP/1.1" 200 0 "-" "a \x22b\x22" 80 0.000`)
	f.Add(`::1 - - [31/Dec/2026:23:59:59 -1200] "-" 400 0 "-" "-" 0 -`)
	f.Add(`{"time":"2026-03-02T09:00:00+00:00","remote_addr":"2001:db8::7","remote_user":"","request":"GET /s?q=\"x\" HTTP/2.0","status":404,"body_bytes_sent":10,"request_length":90,"request_time":0.250,"http_referer":"","http_user_agent":"Bot\u00e9"}`)
	var ps []*NginxParser
	for _, format := range []string{nginxTimed, NginxJSONExample} {
		p, err := NewNginxParser(format)
		if err != nil {
			f.Fatal(err)
		}
		ps = append(ps, p)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, p := range ps {
			var rec Record
			if err := p.Parse([]byte(line), &rec); err != nil {
				checkMalformed(t, err)
				continue
			}
			assertCapped(t, &rec)
			if len(rec.ClientIP) == 0 {
				t.Fatalf("parsed %q without a client: %s", line, viewOf(&rec))
			}
		}
	})
}

func BenchmarkParseNginx(b *testing.B) {
	cases := []struct{ name, format, line string }{
		{"timed", nginxTimed, `203.0.113.7 - alice [02/Mar/2026:09:00:00 +0000] "POST /api/items?page=2 HTTP/1.1" 201 512 "https://shop.example/cart" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36" 345 0.012`},
		{"json", NginxJSONExample, `{"time":"2026-03-02T09:00:00+00:00","remote_addr":"203.0.113.7","remote_user":"","request":"POST /api/items?page=2 HTTP/1.1","status":201,"body_bytes_sent":512,"request_length":345,"request_time":0.012,"http_referer":"https://shop.example/cart","http_user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			p, err := NewNginxParser(c.format)
			if err != nil {
				b.Fatal(err)
			}
			line := []byte(c.line)
			var rec Record
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := p.Parse(line, &rec); err != nil {
					b.Fatal(err)
				}
				n++
			}
			reportLines(b, n)
		})
	}
}

// TestReadsTheAccessLogsRealNginxWrites sends requests through a real
// nginx that writes two access logs, one with the timed text log_format
// and one with NginxJSONExample, and reads both: the text one with its
// log_format, the JSON one auto-detected.
func TestReadsTheAccessLogsRealNginxWrites(t *testing.T) {
	p := proxytest.StartNginx(t, func(dir string, port int) string {
		return proxytest.NginxSite(dir, fmt.Sprintf(`log_format timed '%s';
log_format pjson %s;
server {
    listen 127.0.0.1:%d;
    access_log %s/timed.log timed;
    access_log %s/json.log pjson;
    location / { return 201 "created"; }
}`, nginxTimed, NginxJSONExample, port, dir, dir))
	})
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.9")}}
	c := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 10 * time.Second}
	defer c.CloseIdleConnections()
	before := time.Now()
	req, _ := http.NewRequest(http.MethodPost, p.URL()+`/api/items?q="x"`, strings.NewReader("hello world!"))
	req.Header.Set("User-Agent", `portcullis-test/1 "quoted"`)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	for _, tc := range []struct {
		log string
		cfg ReaderConfig
	}{
		{"timed.log", ReaderConfig{LogFormat: nginxTimed}},
		{"json.log", ReaderConfig{}},
	} {
		t.Run(tc.log, func(t *testing.T) {
			var rec Record
			testwait.Until(t, 10*time.Second, "nginx's access log line", func() bool {
				f, err := os.Open(p.Dir + "/" + tc.log)
				if err != nil {
					return false
				}
				defer f.Close()
				r := NewReader(f, tc.cfg)
				ok := r.Next(&rec)
				if st := r.Stats(); st.Malformed > 0 {
					raw, _ := os.ReadFile(p.Dir + "/" + tc.log)
					t.Fatalf("malformed lines in nginx's %s: %v\n%s", tc.log, st.FirstErrors, raw)
				}
				if ok && r.Format() != FormatNginx {
					t.Fatalf("nginx's %s read as %v", tc.log, r.Format())
				}
				return ok
			})
			got := viewOf(&rec)
			if got.ClientIP != "127.0.0.9" || got.Method != "POST" || got.Path != `/api/items?q="x"` || got.Status != 201 ||
				got.UserAgent != `portcullis-test/1 "quoted"` || got.RespBytes != int64(len("created")) || got.ReqBytes < 100 {
				t.Errorf("read %s from nginx's %s", got, tc.log)
			}
			if ts := time.Unix(0, rec.TS); ts.Before(before.Add(-2*time.Second)) || ts.After(time.Now().Add(2*time.Second)) {
				t.Errorf("time %v; the request was sent at %v", ts, before)
			}
		})
	}
}

func TestTheNginxExampleDefinesTheDetectedJSONFormat(t *testing.T) {
	b, err := os.ReadFile("../examples/nginx/portcullis-http.conf")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "log_format portcullis_json "+NginxJSONExample+";") {
		t.Errorf("examples/nginx/portcullis-http.conf does not define portcullis_json as NginxJSONExample:\n%s", NginxJSONExample)
	}
}
