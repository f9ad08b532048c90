package ingest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCLFParserParsesFields(t *testing.T) {
	const ts = "2026-03-02T09:00:00Z"
	tests := []struct {
		name string
		line string
		want view
	}{
		{
			name: "a combined line with request_length fills every field it has",
			line: `203.0.113.7 - alice [02/Mar/2026:09:00:00 +0000] "GET /a?b=1 HTTP/1.1" 200 5120 "https://ref.example/" "curl/8.5.0" 512`,
			want: view{TS: ts, ClientIP: "203.0.113.7", Method: "GET", Path: "/a?b=1", Status: 200, ReqBytes: 512, RespBytes: 5120, UserAgent: "curl/8.5.0", User: "alice"},
		},
		{
			name: "a combined line without request_length leaves ReqBytes zero",
			line: `203.0.113.7 - - [02/Mar/2026:09:00:00 +0000] "POST /login HTTP/2.0" 401 87 "-" "Mozilla/5.0 (X11)"`,
			want: view{TS: ts, ClientIP: "203.0.113.7", Method: "POST", Path: "/login", Status: 401, RespBytes: 87, UserAgent: "Mozilla/5.0 (X11)"},
		},
		{
			name: "a quoted request_length is accepted",
			line: `203.0.113.7 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "2048"`,
			want: view{TS: ts, ClientIP: "203.0.113.7", Method: "GET", Path: "/", Status: 200, ReqBytes: 2048, RespBytes: 1, UserAgent: "ua"},
		},
		{
			name: "a trailing field that is not an integer is ignored",
			line: `203.0.113.7 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "198.51.100.1, 10.0.0.1"`,
			want: view{TS: ts, ClientIP: "203.0.113.7", Method: "GET", Path: "/", Status: 200, RespBytes: 1, UserAgent: "ua"},
		},
		{
			name: "fields after request_length are ignored",
			line: `203.0.113.7 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" 77 0.005 "x"`,
			want: view{TS: ts, ClientIP: "203.0.113.7", Method: "GET", Path: "/", Status: 200, ReqBytes: 77, RespBytes: 1, UserAgent: "ua"},
		},
		{
			name: "a common log line has no referer or user agent",
			line: `192.0.2.44 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`,
			want: view{TS: "2000-10-10T20:55:36Z", ClientIP: "192.0.2.44", Method: "GET", Path: "/apache_pb.gif", Status: 200, RespBytes: 2326, User: "frank"},
		},
		{
			name: "a dash byte count is zero",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.0" 304 -`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 304},
		},
		{
			name: "escaped quotes and backslashes in the user agent are decoded",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 3 "a \"ref\"" "say \"hi\" \\o/ \x22"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200, RespBytes: 3, UserAgent: `say "hi" \o/ "`},
		},
		{
			name: "an escaped quote in the request does not end it",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET /a\"b HTTP/1.1" 200 3`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: `/a"b`, Status: 200, RespBytes: 3},
		},
		{
			name: "a path with a space keeps it and drops the protocol",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET /a b HTTP/1.1" 400 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/a b", Status: 400},
		},
		{
			name: "a request without a protocol keeps the whole path",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET /old" 200 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/old", Status: 200},
		},
		{
			name: "a request without a space goes whole into Path",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "\x16\x03\x01\x02\x00\x01" 400 157 "-" "-"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Path: "\x16\x03\x01\x02\x00\x01", Status: 400, RespBytes: 157},
		},
		{
			name: "a dash request leaves Method and Path empty",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "-" 408 0 "-" "-"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Status: 408},
		},
		{
			name: "an IPv6 client address is kept",
			line: `2001:db8::1 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "ua"`,
			want: view{TS: ts, ClientIP: "2001:db8::1", Method: "GET", Path: "/", Status: 200, UserAgent: "ua"},
		},
		{
			name: "a user without an address is enough",
			line: `- - bob [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`,
			want: view{TS: ts, Method: "GET", Path: "/", Status: 200, User: "bob"},
		},
		{
			name: "a quoted remote user is unquoted",
			line: `192.0.2.44 - "carol smith" [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200, User: "carol smith"},
		},
		{
			name: "trailing white space and a line ending are ignored",
			line: "192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"ua\"  \r\n",
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200, UserAgent: "ua"},
		},
		{
			name: "a dash status is zero",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" - 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/"},
		},
		{
			name: "a dash status, byte count and request_length all read as zero",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" - - "-" "ua" -`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", UserAgent: "ua"},
		},
		{
			name: "a doubled closing quote at the end of the line is ignored",
			line: `198.51.100.99 - - [02/Mar/2026:09:00:00 +0000] "GET /.env HTTP/1.1" 404 153 "-" "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)""`,
			want: view{TS: ts, ClientIP: "198.51.100.99", Method: "GET", Path: "/.env", Status: 404, RespBytes: 153, UserAgent: "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"},
		},
		{
			name: "a doubled closing quote after a quoted request_length is ignored",
			line: `198.51.100.99 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua" "2048""`,
			want: view{TS: ts, ClientIP: "198.51.100.99", Method: "GET", Path: "/", Status: 200, ReqBytes: 2048, RespBytes: 1, UserAgent: "ua"},
		},
		{
			name: "a user agent missing its closing quote ends with the line",
			line: "192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] \"GET / HTTP/1.1\" 200 0 \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWeb  \r\n",
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200, UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWeb"},
		},
		{
			name: "a user agent ending in an unescaped backslash keeps the backslash",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "agent\"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200, UserAgent: `agent\`},
		},
		{
			name: "a referer missing its closing quote ends with the line and leaves no user agent",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0 "https://ref.example/a b`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200},
		},
		{
			name: "a referer without a user agent leaves UserAgent empty",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0 "https://ref.example/"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200},
		},
		{
			name: "nginx's hex escapes in the user agent are decoded",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "Mozilla \x22quoted\x22 \x5Cslash \xE2\x82\xAC"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200, UserAgent: `Mozilla "quoted" \slash €`},
		},
		{
			name: "nginx's hex escapes in the path are decoded and percent escapes are kept as logged",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET /search?q=\x22a\x22%20b\x5C..\x5C HTTP/1.1" 200 0 "-" "-"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: `/search?q="a"%20b\..\`, Status: 200},
		},
		{
			name: "Apache's escaped control characters in the user agent are decoded",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "a\tb\nc\rd\be\vf"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: "/", Status: 200, UserAgent: "a\tb\nc\rd\be\vf"},
		},
		{
			name: "a backslash that starts no known escape is kept as logged",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET /\q HTTP/1.1" 200 0 "-" "x\xZZ y\x4"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "GET", Path: `/\q`, Status: 200, UserAgent: `x\xZZ y\x4`},
		},
		{
			name: "a virtual host before the address is skipped",
			line: `example.com:443 203.0.113.7 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "ua"`,
			want: view{TS: ts, ClientIP: "203.0.113.7", Method: "GET", Path: "/", Status: 200, RespBytes: 512, UserAgent: "ua"},
		},
		{
			name: "a virtual host line keeps its remote user",
			line: `www.example.org:80 198.51.100.4 - bob [02/Mar/2026:09:00:00 +0000] "POST /login HTTP/1.1" 302 -`,
			want: view{TS: ts, ClientIP: "198.51.100.4", Method: "POST", Path: "/login", Status: 302, User: "bob"},
		},
		{
			name: "a virtual host line with an IPv6 client keeps the address",
			line: `example.com:443 2001:db8::7 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`,
			want: view{TS: ts, ClientIP: "2001:db8::7", Method: "GET", Path: "/", Status: 200},
		},
		{
			name: "a bracketed IPv6 address with a port is the address",
			line: `[2001:db8::1]:51234 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`,
			want: view{TS: ts, ClientIP: "2001:db8::1", Method: "GET", Path: "/", Status: 200},
		},
		{
			name: "a bracketed IPv6 address without a port is the address",
			line: `[2001:db8::1] - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`,
			want: view{TS: ts, ClientIP: "2001:db8::1", Method: "GET", Path: "/", Status: 200},
		},
		{
			name: "an IPv4 address with a port is the address",
			line: `203.0.113.7:51234 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`,
			want: view{TS: ts, ClientIP: "203.0.113.7", Method: "GET", Path: "/", Status: 200},
		},
		{
			name: "a junk request whose first word is not a method goes whole into Path",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "\x16\x03\x01 \x00\xf1" 400 0 "-" "-"`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Path: "\x16\x03\x01 \x00\xf1", Status: 400},
		},
		{
			name: "a probe with markup for a method goes whole into Path",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "<script>alert(1)</script> / HTTP/1.1" 400 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Path: "<script>alert(1)</script> / HTTP/1.1", Status: 400},
		},
		{
			name: "a single word request goes whole into Path",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "quit" 400 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Path: "quit", Status: 400},
		},
		{
			name: "an empty request leaves Method and Path empty",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "" 400 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Status: 400},
		},
		{
			name: "a lower-case method is kept as sent",
			line: `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "get /x HTTP/1.0" 400 0`,
			want: view{TS: ts, ClientIP: "192.0.2.44", Method: "get", Path: "/x", Status: 400},
		},
	}
	var p CLFParser
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Record
			if err := p.Parse([]byte(tt.line), &rec); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := viewOf(&rec); got != tt.want {
				t.Errorf("Parse(%s)\n got %v\nwant %v", tt.line, got, tt.want)
			}
			assertCapped(t, &rec)
		})
	}
}

func TestCLFParserRejectsMalformedLines(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		wantMsg string
	}{
		{"an empty line is rejected", ``, "want 'addr"},
		{"a line of plain text is rejected", `hello world`, "want 'addr"},
		{"a JSON line is rejected", `{"ts":"2026-03-02T09:00:00Z"}`, "want 'addr"},
		{"a line without a time is rejected", `192.0.2.44 - - "GET / HTTP/1.1" 200 0`, "want a time"},
		{"an unclosed time is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000 "GET / HTTP/1.1" 200 0`, "want a time"},
		{"an ISO time is rejected", `192.0.2.44 - - [2026-03-02T09:00:00Z] "GET / HTTP/1.1" 200 0`, "want a time"},
		{"an unquoted request is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] GET / 200 0`, "quoted request"},
		{"an unterminated request is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1 200 0`, "unterminated"},
		{"a missing status is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1"`, "status"},
		{"a word for a status is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" OK 0`, "status"},
		{"a four-digit status is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 2000 0`, "status"},
		{"a missing byte count is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200`, "body bytes"},
		{"a negative byte count is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 -5`, "body bytes"},
		{"an unquoted referer is rejected", `192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0 - "ua"`, "quoted referer"},
		{"a line with five fields before the time is rejected", `a b c d e [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`, "want a time"},
		{"a line with two fields before the time is rejected", `192.0.2.44 - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`, "want a time"},
		{"a line that ends before the time is rejected", `192.0.2.44 - -`, "want 'addr"},
		{"a virtual host without a time is rejected", `example.com:443 192.0.2.44 - - "GET / HTTP/1.1" 200 0`, "want a time"},
		{"a line with neither address nor user is rejected", `- - - [02/Mar/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 0`, "both missing"},
	}
	var p CLFParser
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Record
			err := p.Parse([]byte(tt.line), &rec)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse(%s) = %v, want an error wrapping ErrMalformed", tt.line, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Parse(%s) = %q, want it to mention %q", tt.line, err, tt.wantMsg)
			}
		})
	}
}

func TestCLFParserDoesNotAllocate(t *testing.T) {
	lines := [][]byte{
		[]byte(benchCLFLine),
		[]byte(`192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "GET /a\"b HTTP/1.1" 200 3 "a \"ref\"" "say \"hi\" \\o/" "12"`),
		[]byte(`garbage`),
		[]byte(`example.com:443 [2001:db8::1]:443 - - [02/Mar/2026:09:00:00 +0000] "GET /a\x22b HTTP/1.1" 200 3 "-" "Mozilla \x22quoted\x22 \x5C\n" "512""`),
		[]byte(`192.0.2.44 - - [02/Mar/2026:09:00:00 +0000] "\x16\x03\x01 x" 400 0 "-" "cut off`),
	}
	var p CLFParser
	var rec Record
	for _, l := range lines {
		_ = p.Parse(l, &rec)
	}
	if n := testing.AllocsPerRun(200, func() {
		for _, l := range lines {
			_ = p.Parse(l, &rec)
		}
	}); n != 0 {
		t.Errorf("Parse allocates %v times per batch, want 0", n)
	}
}

func FuzzParseCLF(f *testing.F) {
	seedLines(f, "access.log", "quirks.log")
	f.Add([]byte(benchCLFLine))
	f.Add([]byte(`- - "a b" [29/feb/2024:23:59:59.999 +2400] "\\\"" - - "" "" ""`))
	f.Add([]byte("10/Oct/2000:13:55:36 -0700"))
	var p CLFParser
	f.Fuzz(func(t *testing.T, line []byte) {
		var rec Record
		err := p.Parse(line, &rec)

		// The input doubles as a $time_local for a differential check of
		// the time parser against time.Parse.
		checkCLFTime(t, line)

		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse returned %v, which does not wrap ErrMalformed", err)
			}
			return
		}
		assertCapped(t, &rec)
		if rec.Status < 0 || rec.Status > 999 || rec.ReqBytes < 0 || rec.RespBytes < 0 {
			t.Fatalf("Parse(%q) gave out-of-range numbers: %v", line, viewOf(&rec))
		}
		if len(rec.ClientIP) == 0 && len(rec.User) == 0 {
			t.Fatalf("Parse(%q) accepted a line without address or user", line)
		}
		// The time must be what time.Parse makes of the bracketed field,
		// when that field can be found unambiguously.
		if open, end := bytes.IndexByte(line, '['), bytes.IndexByte(line, ']'); open >= 0 && end > open &&
			bytes.Count(line, []byte("[")) == 1 {
			want, err := time.Parse(clfLayout, string(line[open+1:end]))
			if err != nil || want.UnixNano() != rec.TS {
				t.Fatalf("Parse(%q) TS = %d; time.Parse says %d, %v", line, rec.TS, want.UnixNano(), err)
			}
		}
	})
}

const clfLayout = "02/Jan/2006:15:04:05 -0700"

// checkCLFTime checks parseCLFTime against time.Parse: anything it accepts
// time.Parse accepts with the same value, and it accepts everything in the
// canonical fixed-width shape that time.Parse accepts.
func checkCLFTime(t *testing.T, s []byte) {
	t.Helper()
	got, ok := parseCLFTime(s)
	want, err := time.Parse(clfLayout, string(s))
	if ok {
		if err != nil || want.UnixNano() != got {
			t.Fatalf("parseCLFTime(%q) = %d; time.Parse says %d, %v", s, got, want.UnixNano(), err)
		}
		return
	}
	if err == nil && canonicalCLFTime.Match(s) && want.Unix() >= minUnixSec && want.Unix() <= maxUnixSec {
		t.Fatalf("parseCLFTime(%q) rejected what time.Parse accepts as %v", s, want)
	}
}
