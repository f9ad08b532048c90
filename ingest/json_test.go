package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestJSONParserParsesFields(t *testing.T) {
	tests := []struct {
		name string
		line string
		want view
	}{
		{
			name: "a canonical line fills every field",
			line: `{"ts":"2026-03-02T09:00:00.123Z","client_ip":"203.0.113.7","method":"GET","path":"/api/v1/items/42?x=1","status":200,"req_bytes":512,"resp_bytes":5120,"duration_ms":12.5,"user_agent":"Mozilla/5.0 ...","api_key":"key_1a2b","user":"alice"}`,
			want: view{TS: "2026-03-02T09:00:00.123Z", ClientIP: "203.0.113.7", Method: "GET", Path: "/api/v1/items/42?x=1",
				Status: 200, ReqBytes: 512, RespBytes: 5120, DurationMS: 12.5, UserAgent: "Mozilla/5.0 ...", APIKey: "key_1a2b", User: "alice"},
		},
		{
			name: "a client address logged with its port is the address alone",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7:51234"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "203.0.113.7"},
		},
		{
			name: "an IPv6 address in brackets with a port is the address alone",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"[2001:db8::1]:443"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "2001:db8::1"},
		},
		{
			name: "a plain IPv6 address is kept whole",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"2001:db8::1:80"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "2001:db8::1:80"},
		},
		{
			name: "a ts with a space for the T, a lower-case z or no zone (UTC) is read",
			line: `{"ts":"2026-03-02 09:00:00.5","client_ip":"192.0.2.10"}`,
			want: view{TS: "2026-03-02T09:00:00.5Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "a ts with a space and an offset is read",
			line: `{"ts":"2026-03-02 10:00:00+01:00","client_ip":"192.0.2.10"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "a ts in Unix seconds with a fraction is read",
			line: `{"ts":1772442000.25,"client_ip":"192.0.2.10"}`,
			want: view{TS: "2026-03-02T09:00:00.25Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "a ts in Unix milliseconds is read",
			line: `{"ts":1772442000250,"client_ip":"192.0.2.10"}`,
			want: view{TS: "2026-03-02T09:00:00.25Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "the WAF rule count is read",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":403,"waf":3}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", Status: 403, WAF: 3},
		},
		{
			name: "missing optional fields are zero",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "203.0.113.7"},
		},
		{
			name: "null fields are zero",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7","method":null,"status":null,"duration_ms":null,"req_bytes":null}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "203.0.113.7"},
		},
		{
			name: "white space around tokens is allowed",
			line: " \t{ \"ts\" : \"2026-03-02T09:00:00Z\" ,\n\"client_ip\":\"192.0.2.10\" , \"status\" : 200 }\r\n",
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", Status: 200},
		},
		{
			name: "an offset in ts is converted to UTC",
			line: `{"ts":"2026-03-02T10:00:00.5+01:00","user":"bob"}`,
			want: view{TS: "2026-03-02T09:00:00.5Z", User: "bob"},
		},
		{
			name: "unknown fields of every JSON type are skipped",
			line: `{"a":"x\"}","b":-1.5e3,"c":true,"d":false,"e":null,"f":{"g":[1,{"h":"]}"}],"i":{}},"j":[],"ts":"2026-03-02T09:00:00Z","k":[[["\\"]]],"api_key":"k"}`,
			want: view{TS: "2026-03-02T09:00:00Z", APIKey: "k"},
		},
		{
			name: "a quoted status is accepted",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":"404","resp_bytes":"17","duration_ms":"1.25"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", Status: 404, RespBytes: 17, DurationMS: 1.25},
		},
		{
			name: "a dash or empty string in a numeric field is zero",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","req_bytes":"-","resp_bytes":"","duration_ms":"-"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "integral floats are accepted for integer fields",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":200.0,"resp_bytes":1.5e3,"req_bytes":"2E2"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", Status: 200, RespBytes: 1500, ReqBytes: 200},
		},
		{
			name: "negative numbers read as zero",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":-1,"resp_bytes":-1,"req_bytes":"-5","duration_ms":-0.5}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "an integer duration and an exponent duration are floats",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","duration_ms":3}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", DurationMS: 3},
		},
		{
			name: "a long duration goes through strconv and still rounds correctly",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","duration_ms":0.1000000000000000055511151231257827}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", DurationMS: 0.1},
		},
		{
			name: "the largest int64 is kept exactly",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","resp_bytes":9223372036854775807}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", RespBytes: math.MaxInt64},
		},
		{
			name: "a number in a text field keeps its literal text",
			line: `{"ts":"2026-03-02T09:00:00Z","user":12345,"api_key":1.50}`,
			want: view{TS: "2026-03-02T09:00:00Z", User: "12345", APIKey: "1.50"},
		},
		{
			name: "simple escapes are decoded",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","path":"/a\"b\\c\/d","user_agent":"x\ty\nz\r\b\f"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", Path: `/a"b\c/d`, UserAgent: "x\ty\nz\r\b\f"},
		},
		{
			name: "unicode escapes, including a surrogate pair, are decoded",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","path":"/caf\u00e9","user_agent":"\ud83e\udd16 \u0041\u00DF"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", Path: "/café", UserAgent: "🤖 Aß"},
		},
		{
			name: "a lone surrogate becomes U+FFFD, as in encoding/json",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","path":"\ud83e-\udd16\ud83e\u0041"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", Path: "\uFFFD-\uFFFD\uFFFDA"},
		},
		{
			name: "escaped field names are decoded before matching",
			line: `{"t\u0073":"2026-03-02T09:00:00Z","client\u005fip":"192.0.2.10"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "field names are case-sensitive",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","Status":500}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "the last of duplicate fields wins",
			line: `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","client_ip":"192.0.2.11","status":1,"status":2}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.11", Status: 2},
		},
		{
			name: "an escaped ts is decoded before parsing",
			line: `{"ts":"2026-03-02T09:00:00\u005a","client_ip":"192.0.2.10"}`,
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10"},
		},
		{
			name: "invalid UTF-8 is passed through",
			line: "{\"ts\":\"2026-03-02T09:00:00Z\",\"client_ip\":\"192.0.2.10\",\"user_agent\":\"\xff\xfe\"}",
			want: view{TS: "2026-03-02T09:00:00Z", ClientIP: "192.0.2.10", UserAgent: "\xff\xfe"},
		},
	}
	var p JSONParser
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

func TestJSONParserRejectsMalformedLines(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		wantMsg string // a substring of the error message
	}{
		{"an empty line is not an object", ``, "not a JSON object"},
		{"an array is not an object", `[1,2]`, "not a JSON object"},
		{"a string is not an object", `"ts"`, "not a JSON object"},
		{"plain text is not an object", `GET / HTTP/1.1`, "not a JSON object"},
		{"an empty object has no ts", `{}`, "ts is missing"},
		{"a line without ts is rejected", `{"client_ip":"192.0.2.10"}`, "ts is missing"},
		{"a null ts counts as missing", `{"ts":null,"client_ip":"192.0.2.10"}`, "ts is missing"},
		{"a ts of zero or below as a number is rejected", `{"ts":0,"client_ip":"192.0.2.10"}`, "ts: want an RFC 3339"},
		{"a ts with a date only is rejected", `{"ts":"2026-03-02","client_ip":"192.0.2.10"}`, "ts: want an RFC 3339"},
		{"a ts that is not RFC 3339 is rejected", `{"ts":"02/Mar/2026:09:00:00 +0000","client_ip":"192.0.2.10"}`, "ts: want an RFC 3339"},
		{"a line without any identity is rejected", `{"ts":"2026-03-02T09:00:00Z","method":"GET"}`, "all missing"},
		{"empty identities are missing", `{"ts":"2026-03-02T09:00:00Z","client_ip":"","api_key":null,"user":""}`, "all missing"},
		{"a truncated line is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10"`, "want ',' or '}'"},
		{"a line cut inside a string is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"a`, "unterminated string"},
		{"a line cut after a colon is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":`, "ends early"},
		{"a line cut inside a nested value is rejected", `{"ts":"2026-03-02T09:00:00Z","x":{"y":[1,`, "ends early"},
		{"data after the object is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10"} x`, "after the closing"},
		{"two objects on a line are rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10"}{}`, "after the closing"},
		{"a missing colon is rejected", `{"ts" "2026-03-02T09:00:00Z"}`, "want ':'"},
		{"an unquoted field name is rejected", `{ts:"2026-03-02T09:00:00Z"}`, "quoted field name"},
		{"a trailing comma is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10",}`, "quoted field name"},
		{"an invalid escape is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"a\x"}`, "invalid escape"},
		{"a short unicode escape is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"\u12"}`, "invalid escape"},
		{"a boolean status is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":true}`, "status: want"},
		{"a status above 999 is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":1000}`, "status: want"},
		{"a fractional status is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":200.5}`, "status: want"},
		{"a word in a status string is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":"OK"}`, "status: want"},
		{"a byte count beyond int64 is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","resp_bytes":9223372036854775808}`, "resp_bytes: want"},
		{"an object as a byte count is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","req_bytes":{}}`, "req_bytes: want"},
		{"an infinite duration is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","duration_ms":1e999}`, "duration_ms: want"},
		{"NaN in a duration string is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","duration_ms":"NaN"}`, "duration_ms: want"},
		{"an array as a path is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","path":["/"]}`, "path: want a string"},
		{"a boolean as a user is rejected", `{"ts":"2026-03-02T09:00:00Z","user":true}`, "user: want a string"},
		{"a misspelt literal is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","x":nul}`, "invalid value"},
		{"a number with a leading plus is rejected", `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","x":+1}`, "invalid value"},
	}
	var p JSONParser
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
			if !strings.HasPrefix(err.Error(), "ingest: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
		})
	}
}

func TestJSONParserReusesItsScratchBuffer(t *testing.T) {
	var p JSONParser
	var rec Record
	first := []byte(`{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","path":"/\u00e9","user_agent":"\"x\""}`)
	if err := p.Parse(first, &rec); err != nil {
		t.Fatal(err)
	}
	kept := rec.Clone()
	if string(rec.Path) != "/é" || string(rec.UserAgent) != `"x"` {
		t.Fatalf("got path %q, user agent %q", rec.Path, rec.UserAgent)
	}
	// Appending to a returned slice must not overwrite the next field.
	_ = append(rec.Path, "XXXXXXXX"...)
	if string(rec.UserAgent) != `"x"` {
		t.Fatalf("appending to Path changed UserAgent to %q", rec.UserAgent)
	}
	second := []byte(`{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.11","path":"/\u00fc"}`)
	if err := p.Parse(second, &rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.Path) != "/ü" || len(rec.UserAgent) != 0 {
		t.Fatalf("second parse: path %q, user agent %q", rec.Path, rec.UserAgent)
	}
	if string(kept.Path) != "/é" {
		t.Fatalf("a cloned record changed to %q", kept.Path)
	}
}

func TestJSONParserDoesNotAllocate(t *testing.T) {
	lines := [][]byte{
		[]byte(benchJSONLine),
		[]byte(`{"ts":"2026-03-02T09:00:02.5Z","client_ip":"2001:db8::17","path":"/search?q=\"caf\u00e9\"","user_agent":"Bot \ud83e\udd16","status":"200","duration_ms":"0.25","x":{"y":[1,2,"]"]}}`),
		// Too many digits for the fast path, but short enough for strconv
		// to run without allocating.
		[]byte(`{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","duration_ms":0.10000000000000000555}`),
		[]byte(`{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","status":403,"waf":"3"}`),
		[]byte(`{"ts":"2026-03-02T09:00:00Z"}`), // malformed lines must not allocate either
		[]byte(`not json`),
	}
	var p JSONParser
	var rec Record
	for _, l := range lines { // warm up the scratch buffer
		_ = p.Parse(l, &rec)
	}
	n := testing.AllocsPerRun(200, func() {
		for _, l := range lines {
			_ = p.Parse(l, &rec)
		}
	})
	if n != 0 {
		t.Errorf("Parse allocates %v times per batch, want 0", n)
	}
}

// refUnix is what a numeric "ts" should parse to: Unix seconds, or ms, µs
// or ns by magnitude; integers exactly, fractions to the microsecond.
func refUnix(x string) (int64, bool) {
	if n, err := strconv.ParseInt(x, 10, 64); err == nil {
		switch {
		case n <= 0:
			return 0, false
		case n < 1e11:
			return scaleUnix(n, 1e9)
		case n < 1e14:
			return scaleUnix(n, 1e6)
		case n < 1e17:
			return scaleUnix(n, 1e3)
		}
		return n, true
	}
	f, err := strconv.ParseFloat(x, 64)
	if err != nil || f <= 0 {
		return 0, false
	}
	scale := 1e6 // to microseconds
	switch {
	case f >= 1e17:
		scale = 1e-3
	case f >= 1e14:
		scale = 1
	case f >= 1e11:
		scale = 1e3
	}
	us := f * scale
	if us > 9.2e15 {
		return 0, false
	}
	return int64(math.Round(us)) * 1e3, true
}

// refTimestamp is what a string "ts" should parse to: RFC 3339, or after
// the documented repairs (a space or 't' for 'T', 'z' for 'Z', no zone read
// as UTC) applied with strings.
func refTimestamp(x string) (int64, bool) {
	if ts, ok := refRFC3339(x); ok {
		return ts, true
	}
	if len(x) < 19 || len(x) > 47 {
		return 0, false
	}
	if x[10] == ' ' || x[10] == 't' {
		x = x[:10] + "T" + x[11:]
	}
	switch {
	case strings.HasSuffix(x, "z"):
		x = x[:len(x)-1] + "Z"
	case x[len(x)-1] >= '0' && x[len(x)-1] <= '9' && !regexp.MustCompile(`[+-]\d\d:\d\d$`).MatchString(x[19:]):
		x += "Z"
	}
	return refRFC3339(x)
}

// refJSON is what JSONParser.Parse should return for a line that
// encoding/json accepts, worked out with encoding/json's decoder and
// time.Parse. It mirrors the rules in JSONParser's documentation.
func refJSON(line []byte) (view, int64, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return view{}, 0, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return view{}, 0, errors.New("not an object")
	}
	var v view
	var ts int64
	haveTS := false
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return view{}, 0, err
		}
		var val any
		if err := dec.Decode(&val); err != nil {
			return view{}, 0, err
		}
		key := kt.(string)
		switch key {
		case "ts":
			switch x := val.(type) {
			case nil:
				haveTS, ts = false, 0
			case string:
				if ts, haveTS = refTimestamp(x); !haveTS {
					return view{}, 0, errors.New("bad ts")
				}
			case json.Number:
				if ts, haveTS = refUnix(string(x)); !haveTS {
					return view{}, 0, errors.New("bad ts")
				}
			default:
				return view{}, 0, errors.New("bad ts type")
			}
		case "client_ip", "method", "path", "user_agent", "api_key", "user":
			var s string
			switch x := val.(type) {
			case nil:
			case string:
				s = x
			case json.Number:
				s = string(x)
			default:
				return view{}, 0, errors.New("bad text type")
			}
			switch key {
			case "client_ip":
				v.ClientIP = refHostOnly(s)
			case "method":
				v.Method = s
			case "path":
				v.Path = s
			case "user_agent":
				v.UserAgent = s
			case "api_key":
				v.APIKey = s
			case "user":
				v.User = s
			}
		case "status", "req_bytes", "resp_bytes", "waf":
			n, err := refNumber(val, refInt)
			if err != nil {
				return view{}, 0, err
			}
			switch key {
			case "status":
				if n > 999 {
					return view{}, 0, errors.New("status too big")
				}
				v.Status = int(n)
			case "req_bytes":
				v.ReqBytes = n
			case "resp_bytes":
				v.RespBytes = n
			case "waf":
				v.WAF = int(min(n, math.MaxInt32))
			}
		case "duration_ms":
			f, err := refNumber(val, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
			if err != nil {
				return view{}, 0, err
			}
			v.DurationMS = f
		}
	}
	if !haveTS {
		return view{}, 0, errors.New("no ts")
	}
	if v.ClientIP == "" && v.APIKey == "" && v.User == "" {
		return view{}, 0, errors.New("no identity")
	}
	if v.ClientIP != "" {
		a, err := netip.ParseAddr(v.ClientIP)
		if err != nil || a.Zone() != "" {
			return view{}, 0, errors.New("client_ip not an IP")
		}
		v.ClientIP = a.Unmap().String()
	}
	v.TS = time.Unix(0, ts).UTC().Format(time.RFC3339Nano)
	return v, ts, nil
}

func refNumber[T int64 | float64](val any, conv func(string) (T, error)) (T, error) {
	var s string
	switch x := val.(type) {
	case nil:
		return 0, nil
	case json.Number:
		s = string(x)
	case string:
		if x == "" || x == "-" {
			return 0, nil
		}
		// A number in a string must itself be a bare JSON number.
		if strings.ContainsAny(x, " \t\r\n") || !(x[0] == '-' || ('0' <= x[0] && x[0] <= '9')) || !json.Valid([]byte(x)) {
			return 0, errors.New("not a number")
		}
		s = x
	default:
		return 0, errors.New("bad number type")
	}
	n, err := conv(s)
	if err != nil {
		return 0, err
	}
	return max(n, 0), nil
}

func refInt(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, errors.New("not an int64")
	}
	return int64(f), nil
}

// seedLines adds each line of the given testdata files to the fuzz corpus.
func seedLines(f *testing.F, files ...string) {
	f.Helper()
	for _, name := range files {
		file, err := os.Open("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			f.Add(append([]byte(nil), sc.Bytes()...))
		}
		file.Close()
		if err := sc.Err(); err != nil {
			f.Fatal(err)
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	seedLines(f, "access.jsonl")
	for _, s := range []string{
		benchJSONLine,
		`{"ts":"2026-03-02T09:00:00Z","user":1e2,"status":"2E2","req_bytes":-0,"duration_ms":"-0.0"}`,
		`{"t\u0073":"2026-03-02T09:00:00Z","api_key":"\ud800\udc00\udfff"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","ts":null}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10","waf":2,"waf":1e1}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"[::1]:8080"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"198.51.100.2:0"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"[a]"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"not-an-ip"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"<script>"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"\u001b[2J\r\n"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"127.0.0.008"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"0:0:0:0:0:0:0:1"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"::ffff:192.0.2.1"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"2001:DB8::1"}`,
		`{"ts":"2026-03-02T09:00:00Z","client_ip":"fe80::1%eth0"}`,
	} {
		f.Add([]byte(s))
	}
	var p JSONParser
	f.Fuzz(func(t *testing.T, line []byte) {
		var rec Record
		err := p.Parse(line, &rec)
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("Parse returned %v, which does not wrap ErrMalformed", err)
		}
		if err == nil {
			assertCapped(t, &rec)
		}
		if !json.Valid(line) {
			return // only lines encoding/json accepts have a reference answer
		}
		want, wantTS, wantErr := refJSON(line)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("Parse(%q) error = %v, but encoding/json says %v", line, err, wantErr)
		}
		if err != nil {
			return
		}
		got := viewOf(&rec)
		if rec.TS != wantTS {
			t.Fatalf("Parse(%q) TS = %d, want %d", line, rec.TS, wantTS)
		}
		if !utf8.Valid(line) {
			// encoding/json replaces invalid UTF-8 with U+FFFD; Parse keeps it.
			got.ClientIP, got.Method, got.Path, got.UserAgent, got.APIKey, got.User = "", "", "", "", "", ""
			want.ClientIP, want.Method, want.Path, want.UserAgent, want.APIKey, want.User = "", "", "", "", "", ""
		}
		if got != want {
			t.Fatalf("Parse(%q)\n got %v\nwant %v", line, got, want)
		}
	})
}

// refHostOnly restates hostOnly with strings: the address without a port
// ("a:80", "[a]:80") or brackets ("[a]"); anything else as it is.
func refHostOnly(s string) string {
	port := func(p string) bool { return p != "" && len(p) <= 5 && strings.Trim(p, "0123456789") == "" }
	if strings.HasPrefix(s, "[") {
		if k := strings.Index(s, "]"); k > 1 {
			if rest := s[k+1:]; rest == "" || strings.HasPrefix(rest, ":") && port(rest[1:]) {
				return s[1:k]
			}
		}
		return s
	}
	if k := strings.Index(s, ":"); k > 0 && strings.Count(s, ":") == 1 && port(s[k+1:]) {
		return s[:k]
	}
	return s
}

// TestJSONKeysReadAlikeInAnyOrder checks that guessing each key to be the
// one declared after the key before changes nothing: a line reads the same
// whatever the order of its keys, and whether a key is spelled plainly,
// with escapes, or as a near miss of the guess (a prefix of it, or longer).
func TestJSONKeysReadAlikeInAnyOrder(t *testing.T) {
	fields := []string{`"ts":"2026-03-02T09:00:00.123Z"`, `"client_ip":"203.0.113.7"`, `"method":"GET"`,
		`"path":"/a?b=1"`, `"status":404`, `"req_bytes":512`, `"resp_bytes":5120`, `"duration_ms":12.5`,
		`"user_agent":"curl/8.0"`, `"api_key":"key_1a2b"`, `"user":"alice"`, `"waf":2`}
	noise := []string{`"statu":1`, `"status_code":500`, `"t\u0073x":1`, `"":0`, `"user_agentx":"x"`, `"pat":{"path":"/no"}`}
	var p JSONParser
	var want Record
	if err := p.Parse([]byte("{"+strings.Join(fields, ",")+"}"), &want); err != nil {
		t.Fatal(err)
	}
	want = want.Clone()
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		line := slices.Clone(fields)
		if r.IntN(2) == 0 {
			r.Shuffle(len(line), func(i, j int) { line[i], line[j] = line[j], line[i] })
		}
		for range r.IntN(3) {
			line = slices.Insert(line, r.IntN(len(line)+1), noise[r.IntN(len(noise))])
		}
		if k := r.IntN(len(line)); r.IntN(2) == 0 && line[k][1] != '"' {
			// its first letter escaped: "\u0074s"
			line[k] = fmt.Sprintf(`"\u%04x%s`, line[k][1], line[k][2:])
		}
		var got Record
		s := "{" + strings.Join(line, ",") + "}"
		if err := p.Parse([]byte(s), &got); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s read as %+v, want %+v", s, got, want)
		}
	}
}
