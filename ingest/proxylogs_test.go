package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/portcullis/portcullis/decision/apikey"
)

// mappedFields is the mapping testdata/proxies/mapped.jsonl is read with.
var mappedFields = map[string]string{
	"ts":         "@timestamp",
	"client_ip":  "request.remote_ip",
	"method":     "request.method",
	"path":       "request.uri",
	"status":     "response.status",
	"req_bytes":  "request.size",
	"resp_bytes": "response.size",
	"duration_s": "took_s",
	"user_agent": "request.headers.User-Agent",
	"api_key":    "request.headers.X-Api-Key",
	"user":       "auth.user",
}

// TestProxyLogsGolden reads sample logs of each proxy, in the forms their
// documentation shows, through a Reader, and compares what it makes of
// every line, the malformed ones included, with the golden files.
func TestProxyLogsGolden(t *testing.T) {
	tests := []struct {
		file string
		cfg  ReaderConfig
		want Format
	}{
		{"envoy.log", ReaderConfig{}, FormatEnvoy},
		{"envoy.jsonl", ReaderConfig{}, FormatEnvoyJSON},
		{"traefik.jsonl", ReaderConfig{}, FormatTraefik},
		{"mapped.jsonl", ReaderConfig{JSONFields: mappedFields}, FormatJSONMap},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "proxies", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := NewReader(f, tt.cfg)
			var out strings.Builder
			var rec Record
			for r.Next(&rec) {
				assertCapped(t, &rec)
				fmt.Fprintln(&out, viewOf(&rec))
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			st := r.Stats()
			if st.Format != tt.want {
				t.Errorf("read as %s; want %s", st.Format, tt.want)
			}
			for k, n := range st.FirstMalformed {
				fmt.Fprintf(&out, "line %d: %v\n", n, st.FirstErrors[k])
			}
			checkGolden(t, filepath.Join("proxies", tt.file+".golden"), []byte(out.String()))
		})
	}
}

func TestProxyFormatsAreDetected(t *testing.T) {
	for _, tt := range []struct {
		name string
		line string
		want Format
	}{
		{"an Envoy default line", `[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0" "locations" "tcp://10.0.2.1:80"`, FormatEnvoy},
		{"an Envoy JSON line", `{"start_time":"2026-03-02T09:00:00.123Z","response_code":200,"x_forwarded_for":"203.0.113.7"}`, FormatEnvoyJSON},
		{"a Traefik line", `{"ClientHost":"203.0.113.7","DownstreamStatus":200,"StartUTC":"2026-03-02T09:00:00Z"}`, FormatTraefik},
		{"a canonical line with a status field", `{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7","status":200}`, FormatJSON},
		{"a combined log line", `203.0.113.7 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "-"`, FormatCLF},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectFormat([]byte(tt.line))
			if err != nil || got != tt.want {
				t.Errorf("DetectFormat = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := DetectFormat([]byte(`[error] "something"`)); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("a bracketed word is detected as a format: %v", err)
	}
	for name, want := range map[string]Format{"envoy": FormatEnvoy, "Envoy-JSON": FormatEnvoyJSON, "traefik": FormatTraefik, "json-map": FormatJSONMap} {
		if got, err := ParseFormat(name); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", name, got, err)
		}
	}
}

func TestEnvoyParser(t *testing.T) {
	var p EnvoyParser
	checkParseCases(t, p.Parse, []parseCase{
		{"the example line of Envoy's documentation gives every field the format has",
			`[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"`,
			`ts=2016-04-15T20:17:00.31Z ip="10.0.35.28" method="POST" path="/api/v1/locations" status=204 req=154 resp=0 dur=226 ua="nsq2http" api_key="" user=""`},
		{"the first X-Forwarded-For address is the client",
			`[2026-03-02T09:00:00Z] "GET / HTTP/1.1" 200 - 0 5 1 - " 203.0.113.7 , 10.0.0.2" "a "quoted" agent" "-" "-" "-"`,
			`ts=2026-03-02T09:00:00Z ip="203.0.113.7" method="GET" path="/" status=200 req=0 resp=5 dur=1 ua="a \"quoted\" agent" api_key="" user=""`},
		{"the extended format falls back to the downstream address",
			`[2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "8496" "httpbin:8000" "127.0.0.1:80" inbound|8000|| 127.0.0.1:41854 10.44.1.27:80 10.44.1.23:37652 outbound_.8000_._.httpbin default`,
			`ts=2020-11-25T21:26:18.409Z ip="10.44.1.23" method="GET" path="/status/418" status=418 req=0 resp=135 dur=4 ua="curl/7.73.0-DEV" api_key="" user=""`},
		{"the extended format with every detail empty",
			`[2020-11-25T21:26:18.409Z] "GET / HTTP/1.1" 0 DC - - "-" - - - - "-" "-" "-" "-" "-" - - - [2001:db8::1]:5 - -`,
			`ts=2020-11-25T21:26:18.409Z ip="2001:db8::1" method="GET" path="/" status=0 req=0 resp=0 dur=0 ua="" api_key="" user=""`},
		{"a default line without X-Forwarded-For has no client",
			`[2026-03-02T09:00:00Z] "GET / HTTP/1.1" 200 - 0 5 1 - "-" "ua" "-" "-" "-"`, "X-Forwarded-For is"},
		{"a bad time is named",
			`[yesterday] "GET / HTTP/1.1" 200 - 0 5 1 - "1.2.3.4" "ua" "-" "-" "-"`, "START_TIME"},
		{"a byte count that is not a number is refused",
			`[2026-03-02T09:00:00Z] "GET / HTTP/1.1" 200 - 0 5x 1 - "1.2.3.4" "ua" "-" "-" "-"`, "number field"},
		{"a cut line is refused",
			`[2026-03-02T09:00:00Z] "GET / HTTP/1.1" 200 - 0 5 1 - "1.2.3.4" "ua`, "does not follow"},
	})
}

func TestTraefikParser(t *testing.T) {
	var p TraefikParser
	checkParseCases(t, p.Parse, []parseCase{
		{"a line with the headers kept gives every field",
			`{"ClientAddr":"203.0.113.7:51234","ClientHost":"203.0.113.7","ClientUsername":"bob","DownstreamContentSize":512,"DownstreamStatus":200,"Duration":1234567,"OriginStatus":502,"RequestContentSize":10,"RequestMethod":"GET","RequestPath":"/a?b=1","StartUTC":"2026-03-02T09:00:00.123456789Z","request_User-Agent":"curl/8.5.0","request_X-Api-Key":"k"}`,
			`ts=2026-03-02T09:00:00.123456789Z ip="203.0.113.7" method="GET" path="/a?b=1" status=200 req=10 resp=512 dur=1.234567 ua="curl/8.5.0" api_key="key_8254c329" user="bob"`}, // the id of k
		{"ClientAddr stands in when ClientHost is dropped, and StartLocal when StartUTC is",
			`{"ClientAddr":"[2001:db8::7]:443","StartLocal":"2026-03-02T10:00:00+01:00","DownstreamStatus":"204"}`,
			`ts=2026-03-02T09:00:00Z ip="2001:db8::7" method="" path="" status=204 req=0 resp=0 dur=0 ua="" api_key="" user=""`},
		{"a line without a time is malformed", `{"ClientHost":"203.0.113.7"}`, "StartUTC and StartLocal are missing"},
		{"a line without a client is malformed", `{"StartUTC":"2026-03-02T09:00:00Z","ClientHost":"-"}`, "ClientHost and ClientAddr are missing"},
		{"a status too large is malformed", `{"StartUTC":"2026-03-02T09:00:00Z","ClientHost":"a","DownstreamStatus":2000}`, "status"},
	})
}

func TestFieldMapErrors(t *testing.T) {
	tests := []struct {
		name string
		flag string
		want string
	}{
		{"a pair without '=' is refused", "ts=@timestamp,client_ip", `"client_ip": want field=path`},
		{"an empty path is refused", "ts=", `want field=path`},
		{"a field given twice is refused", "ts=a,ts=b", "ts is mapped twice"},
		{"an empty mapping is refused", " , ", "is empty"},
		{"an unknown record field is named with the known ones", "ts=a,client=b", `"client" is not a record field; use ts, client_ip`},
		{"a path with an empty key is refused", "ts=a..b,client_ip=c", "joined by single dots"},
		{"two fields on one path are refused", "ts=a,client_ip=x,user=x", `client_ip and user are both mapped to "x"`},
		{"a mapping without ts is refused", "client_ip=x", "has no ts"},
		{"a mapping without a client is refused", "ts=x,method=m", "names no client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseFieldMap(tt.flag)
			if err == nil {
				_, err = NewFieldMapParser(m)
			}
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want one wrapping ErrInvalidConfig that says %q", err, tt.want)
			}
		})
	}
	m, err := ParseFieldMap(" ts = @timestamp , client_ip=request.remote_ip,")
	if err != nil || m["ts"] != "@timestamp" || m["client_ip"] != "request.remote_ip" || len(m) != 2 {
		t.Errorf("ParseFieldMap = %v, %v", m, err)
	}
	for _, cfg := range []ReaderConfig{
		{Format: FormatJSONMap},
		{Format: FormatCaddy, JSONFields: mappedFields},
		{LogFormat: "$remote_addr [$time_local]", JSONFields: mappedFields},
	} {
		if err := cfg.Validate(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("Validate(%+v) = %v; want ErrInvalidConfig", cfg, err)
		}
	}
}

// parseCase is a line and what a parser makes of it: the record's view
// (view.String()), or a part of the error's text.
type parseCase struct{ name, line, want string }

// checkParseCases runs checkParse on each case, as a subtest named by it.
func checkParseCases(t *testing.T, parse func([]byte, *Record) error, cases []parseCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			checkParse(t, parse, tt.line, tt.want)
		})
	}
}

// checkParse parses line and checks that the record's view, or the text
// of the error, which must wrap ErrMalformed, contains want.
func checkParse(t *testing.T, parse func([]byte, *Record) error, line, want string) {
	t.Helper()
	var rec Record
	err := parse([]byte(line), &rec)
	got := ""
	if err != nil {
		checkMalformed(t, err)
		got = err.Error()
	} else {
		assertCapped(t, &rec)
		got = viewOf(&rec).String()
	}
	if !strings.Contains(got, want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// checkMalformed fails the test when err does not wrap ErrMalformed.
func checkMalformed(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("error %v does not wrap ErrMalformed", err)
	}
}

// fuzzParse seeds f with seeds and fuzzes parse: every line either fails
// with ErrMalformed or parses into a record whose slices are capped, which
// check then compares with what a reference reads of the line.
func fuzzParse(f *testing.F, seeds [][]byte, parse func([]byte, *Record) error, check func(t *testing.T, line []byte, rec *Record)) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var rec Record
		if err := parse(line, &rec); err != nil {
			checkMalformed(t, err)
			return
		}
		assertCapped(t, &rec)
		check(t, line, &rec)
	})
}

// FuzzParseEnvoy checks that any line either parses into a record with a
// client or fails with ErrMalformed, and that a line built from the
// fuzzed fields in Envoy's default format gives them back.
func FuzzParseEnvoy(f *testing.F) {
	f.Add(`[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0" "locations" "tcp://10.0.2.1:80"`, "GET", "/x?y=1", "203.0.113.7", "curl/8", uint16(200), uint32(5))
	f.Add(`[2020-11-25T21:26:18.409Z] "GET / HTTP/1.1" 0 DC - - "-" - - - - "-" "-" "-" "-" "-" - - - [2001:db8::1]:5 - -`, "-", "", "-", "-", uint16(0), uint32(0))
	var p EnvoyParser
	f.Fuzz(func(t *testing.T, line, method, path, ip, ua string, status uint16, size uint32) {
		var rec Record
		if err := p.Parse([]byte(line), &rec); err != nil {
			checkMalformed(t, err)
		} else {
			assertCapped(t, &rec)
			if len(rec.ClientIP) == 0 {
				t.Fatalf("parsed %q without a client", line)
			}
		}
		plain := func(s string) bool {
			return s != "" && s != "-" && !strings.ContainsAny(s, "\",[]") && utf8.ValidString(s) &&
				!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
		}
		if !plain(method) || !plain(path) || !plain(ip) || strings.Contains(ua, `" `) || strings.HasSuffix(ua, `"`) || ua == "-" || status > 999 || strings.Count(ip, ":") == 1 {
			return
		}
		built := fmt.Sprintf(`[2026-03-02T09:00:00.001Z] "%s %s HTTP/1.1" %d - 0 %d 7 - "%s" "%s" "-" "-" "-"`, method, path, status, size, ip, ua)
		if err := p.Parse([]byte(built), &rec); err != nil {
			t.Fatalf("%q: %v", built, err)
		}
		if string(rec.Method) != method || string(rec.Path) != path || string(rec.ClientIP) != string(hostOnly([]byte(ip))) ||
			string(rec.UserAgent) != ua || rec.Status != int(status) || rec.RespBytes != int64(size) {
			t.Errorf("%q read as %s", built, viewOf(&rec))
		}
	})
}

// envoyRef is an Envoy JSON line as encoding/json reads it.
type envoyRef struct {
	Method string  `json:"method"`
	Path   string  `json:"path"`
	Code   int64   `json:"response_code"`
	Recv   int64   `json:"bytes_received"`
	Sent   int64   `json:"bytes_sent"`
	Dur    float64 `json:"duration"`
	XFF    string  `json:"x_forwarded_for"`
	Remote string  `json:"downstream_remote_address"`
	UA     string  `json:"user_agent"`
}

// FuzzParseEnvoyJSON checks the parser against encoding/json on the lines
// both read with the types Envoy writes.
func FuzzParseEnvoyJSON(f *testing.F) {
	var p EnvoyJSONParser
	fuzzParse(f, readLines(f, "envoy.jsonl"), p.Parse, func(t *testing.T, line []byte, rec *Record) {
		var ref envoyRef
		if !plainJSON(line, &ref, "method", "path", "response_code", "bytes_received", "bytes_sent", "duration", "x_forwarded_for", "downstream_remote_address", "user_agent") {
			return
		}
		ip := string(firstForwarded([]byte(ref.XFF)))
		if ip == "" {
			ip = string(hostOnly(dashEmpty([]byte(ref.Remote))))
		}
		if string(rec.ClientIP) != ip || string(rec.Method) != dashStr(ref.Method) || string(rec.Path) != dashStr(ref.Path) || string(rec.UserAgent) != dashStr(ref.UA) {
			t.Errorf("read %s; encoding/json reads %+v", viewOf(rec), ref)
		}
		if int64(rec.Status) != max(ref.Code, 0) || rec.ReqBytes != max(ref.Recv, 0) || rec.RespBytes != max(ref.Sent, 0) || rec.DurationMS != max(ref.Dur, 0) {
			t.Errorf("read %s; encoding/json reads %+v", viewOf(rec), ref)
		}
	})
}

// traefikRef is a Traefik line as encoding/json reads it.
type traefikRef struct {
	Host   string `json:"ClientHost"`
	Addr   string `json:"ClientAddr"`
	Method string `json:"RequestMethod"`
	Path   string `json:"RequestPath"`
	Status int64  `json:"DownstreamStatus"`
	Req    int64  `json:"RequestContentSize"`
	Resp   int64  `json:"DownstreamContentSize"`
	Dur    int64  `json:"Duration"`
	User   string `json:"ClientUsername"`
	UA     string `json:"request_User-Agent"`
	Key    string `json:"request_X-Api-Key"`
}

// FuzzParseTraefik checks the parser against encoding/json on the lines
// both read with the types Traefik writes.
func FuzzParseTraefik(f *testing.F) {
	var p TraefikParser
	fuzzParse(f, readLines(f, "traefik.jsonl"), p.Parse, func(t *testing.T, line []byte, rec *Record) {
		var ref traefikRef
		if !plainJSON(line, &ref, "ClientHost", "ClientAddr", "RequestMethod", "RequestPath", "DownstreamStatus", "RequestContentSize", "DownstreamContentSize", "Duration", "ClientUsername", "request_User-Agent", "request_X-Api-Key") {
			return
		}
		ip := dashStr(ref.Host)
		if ip == "" {
			ip = dashStr(ref.Addr)
		}
		ip = refHostOnly(ip)
		if string(rec.ClientIP) != ip || string(rec.Method) != ref.Method || string(rec.Path) != ref.Path || string(rec.User) != dashStr(ref.User) ||
			string(rec.UserAgent) != ref.UA || string(rec.APIKey) != apikey.ID(ref.Key) {
			t.Errorf("read %s; encoding/json reads %+v", viewOf(rec), ref)
		}
		if int64(rec.Status) != max(ref.Status, 0) || rec.ReqBytes != max(ref.Req, 0) || rec.RespBytes != max(ref.Resp, 0) || rec.DurationMS != float64(max(ref.Dur, 0))/1e6 {
			t.Errorf("read %s; encoding/json reads %+v", viewOf(rec), ref)
		}
	})
}

// mappedRef is testdata/proxies/mapped.jsonl as encoding/json reads it.
type mappedRef struct {
	TS      json.RawMessage `json:"@timestamp"`
	Request struct {
		RemoteIP string `json:"remote_ip"`
		Method   string `json:"method"`
		URI      string `json:"uri"`
		Size     int64  `json:"size"`
	} `json:"request"`
	Response struct {
		Status int64 `json:"status"`
		Size   int64 `json:"size"`
	} `json:"response"`
	Auth struct {
		User string `json:"user"`
	} `json:"auth"`
}

// FuzzParseFieldMap checks a mapped parser against encoding/json on the
// lines both read with plain types and no flat dotted keys.
func FuzzParseFieldMap(f *testing.F) {
	p, err := NewFieldMapParser(mappedFields)
	if err != nil {
		f.Fatal(err)
	}
	fuzzParse(f, readLines(f, "mapped.jsonl"), p.Parse, func(t *testing.T, line []byte, rec *Record) {
		var ref mappedRef
		if !plainJSON(line, &ref, "@timestamp", "request", "remote_ip", "method", "uri", "size", "response", "status", "auth", "user", "headers") ||
			strings.Contains(string(line), `.`+`remote_ip"`) || strings.Count(string(line), `":{`) > strings.Count(string(line), `"request":{`)+strings.Count(string(line), `"response":{`)+strings.Count(string(line), `"auth":{`)+strings.Count(string(line), `"headers":{`) {
			return
		}
		if string(rec.ClientIP) != string(hostOnly([]byte(ref.Request.RemoteIP))) || string(rec.Method) != ref.Request.Method ||
			string(rec.Path) != ref.Request.URI || string(rec.User) != ref.Auth.User {
			t.Errorf("read %s; encoding/json reads %+v", viewOf(rec), ref)
		}
		if int64(rec.Status) != max(ref.Response.Status, 0) || rec.RespBytes != max(ref.Response.Size, 0) || rec.ReqBytes != max(ref.Request.Size, 0) {
			t.Errorf("read %s; encoding/json reads %+v", viewOf(rec), ref)
		}
	})
}

// plainJSON decodes line into ref and reports whether the line has a
// reference answer: valid UTF-8, decodable with plain types, each of keys
// at most once and never in another case (which encoding/json matches).
func plainJSON(line []byte, ref any, keys ...string) bool {
	if !utf8.Valid(line) || json.Unmarshal(line, ref) != nil {
		return false
	}
	s := string(line)
	lower := strings.ToLower(s)
	for _, k := range keys {
		q := `"` + k + `"`
		if strings.Count(s, q) > 1 || strings.Count(lower, strings.ToLower(q)) != strings.Count(s, q) {
			return false
		}
	}
	return true
}

func dashStr(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func readLines(tb testing.TB, name string) [][]byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "proxies", name))
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for l := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		out = append(out, []byte(l))
	}
	return out
}

func BenchmarkParseProxyLogs(b *testing.B) {
	envoyJSON := readLines(b, "envoy.jsonl")[0]
	traefik := readLines(b, "traefik.jsonl")[0]
	mapped := readLines(b, "mapped.jsonl")[0]
	fm, err := NewFieldMapParser(mappedFields)
	if err != nil {
		b.Fatal(err)
	}
	var ep EnvoyParser
	var ej EnvoyJSONParser
	var tp TraefikParser
	cases := []struct {
		name  string
		line  []byte
		parse func([]byte, *Record) error
	}{
		{"envoy", []byte(`[2026-03-02T09:00:00.123Z] "GET /api/items?page=2 HTTP/1.1" 200 - 0 512 3 2 "203.0.113.7, 10.0.0.2" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)" "5a1c7e0e-0b4e-4c71-9f6b-2d6a1b0d5c11" "api.example" "10.0.3.4:8080"`), ep.Parse},
		{"envoy-extended", []byte(`[2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "127.0.0.1:80" inbound|8000|| 127.0.0.1:41854 10.44.1.27:80 10.44.1.23:37652 outbound_.8000_._.httpbin.foo.svc.cluster.local default`), ep.Parse},
		{"envoy-json", envoyJSON, ej.Parse},
		{"traefik", traefik, tp.Parse},
		{"json-map", mapped, fm.Parse},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var rec Record
			b.SetBytes(int64(len(c.line)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := c.parse(c.line, &rec); err != nil {
					b.Fatal(err)
				}
				n++
			}
			reportLines(b, n)
		})
	}
}

// TestTheEnvoyJSONExampleIsWhatIsRead fills EnvoyJSONExample's command
// operators with values, as Envoy would, and reads the line it makes.
func TestTheEnvoyJSONExampleIsWhatIsRead(t *testing.T) {
	var format map[string]string
	if err := json.Unmarshal([]byte(EnvoyJSONExample), &format); err != nil {
		t.Fatalf("EnvoyJSONExample is not a JSON object of strings: %v", err)
	}
	values := map[string]string{
		"%START_TIME%": "2026-03-02T09:00:00.123Z", "%REQ(:METHOD)%": "PUT", "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%": "/api/items/7",
		"%PROTOCOL%": "HTTP/2", "%RESPONSE_CODE%": "409", "%RESPONSE_FLAGS%": "-", "%BYTES_RECEIVED%": "33",
		"%BYTES_SENT%": "44", "%DURATION%": "5", "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%": "4",
		"%REQ(X-FORWARDED-FOR)%": "-", "%REQ(USER-AGENT)%": "curl/8.5.0", "%REQ(X-REQUEST-ID)%": "r1",
		"%REQ(:AUTHORITY)%": "api.example", "%UPSTREAM_HOST%": "10.0.3.4:8080",
		"%DOWNSTREAM_REMOTE_ADDRESS%": "198.51.100.4:5555", "%REQ(X-API-KEY)%": "key_9",
	}
	line := make(map[string]string, len(format))
	for k, op := range format {
		v, ok := values[op]
		if !ok {
			t.Fatalf("no sample value for %s", op)
		}
		line[k] = v
	}
	b, err := json.Marshal(line)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := DetectFormat(b); err != nil || f != FormatEnvoyJSON {
		t.Errorf("DetectFormat = %v, %v; want envoy-json", f, err)
	}
	var p EnvoyJSONParser
	checkParse(t, p.Parse, string(b), `ts=2026-03-02T09:00:00.123Z ip="198.51.100.4" method="PUT" path="/api/items/7" status=409 req=33 resp=44 dur=5 ua="curl/8.5.0" api_key="key_541b9b5b" user=""`) // the id of key_9
}
