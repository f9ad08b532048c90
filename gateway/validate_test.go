package gateway

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

// rawExchange writes raw to a new connection to addr and reads the
// responses that follow, up to want of them.
func rawExchange(t *testing.T, addr, raw string, want int) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(testwait.Deadline(t, 5*time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for range want {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		out = append(out, resp)
	}
	return out
}

func TestRequestValidation(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	sink := &memSink{}
	cfg := oneRoute(up.URL, nil)
	cfg.AccessLog.Enabled = true
	lg := serveGateway(t, cfg, sink)

	const host = "Host: gw\r\n"
	tests := []struct {
		name   string
		raw    string
		status int
		reason string // the counted reason; empty when the request passes
	}{
		{"a plain GET passes", "GET /api/items/1?x=%41 HTTP/1.1\r\n" + host + "\r\n", 200, ""},
		{"a POST with a Content-Length body passes", "POST /api/x HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nhello", 200, ""},
		{"a chunked POST passes", "POST /api/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n", 200, ""},
		{"Content-Length with chunked Transfer-Encoding is refused",
			"POST /api/x HTTP/1.1\r\n" + host + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, reasonCLTE},
		{"Transfer-Encoding before Content-Length is refused too",
			"POST /api/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 30\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n", 400, reasonCLTE},
		{"two equal Content-Lengths are refused", "POST /api/x HTTP/1.1\r\n" + host + "Content-Length: 1\r\nContent-Length: 1\r\n\r\na", 400, reasonMultiCL},
		{"a Content-Length that is not a number is refused", "POST /api/x HTTP/1.1\r\n" + host + "Content-Length: +5\r\n\r\nhello", 400, reasonBadCL},
		{"a Transfer-Encoding other than chunked is refused", "POST /api/x HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400, reasonBadTE},
		{"an obfuscated Transfer-Encoding is refused", "POST /api/x HTTP/1.1\r\n" + host + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400, reasonBadTE},
		{"Transfer-Encoding on HTTP/1.0 is refused", "POST /api/x HTTP/1.0\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, reasonBadTE},
		{"a folded header line is refused", "GET /api/x HTTP/1.1\r\n" + host + "X-A: 1\r\n  continued\r\n\r\n", 400, reasonFolding},
		{"a space before the colon is refused", "GET /api/x HTTP/1.1\r\n" + host + "Transfer-Encoding : chunked\r\n\r\n", 400, reasonBadHeader},
		{"a bare LF line end is refused", "GET /api/x HTTP/1.1\n" + host + "\r\n", 400, reasonBadHeader},
		{"two Host headers are refused", "GET /api/x HTTP/1.1\r\n" + host + "Host: other\r\n\r\n", 400, reasonBadHeader},
		{"a client cannot send the internal reason header", "GET /api/x HTTP/1.1\r\n" + host + rejectHeader + ": path_traversal\r\n\r\n", 400, reasonBadHeader},
		{"a NUL byte in a header is refused", "GET /api/x HTTP/1.1\r\n" + host + "X-A: a\x00b\r\n\r\n", 400, reasonNUL},
		{"an encoded NUL in the path is refused", "GET /api/x%00.json HTTP/1.1\r\n" + host + "\r\n", 400, reasonNUL},
		{"an encoded NUL in the query is refused", "GET /api/x?name=a%00 HTTP/1.1\r\n" + host + "\r\n", 400, reasonNUL},
		{"a bad escape in the path is refused", "GET /api/x%zz HTTP/1.1\r\n" + host + "\r\n", 400, reasonBadPercent},
		{"a truncated escape in the query is refused", "GET /api/x?q=%4 HTTP/1.1\r\n" + host + "\r\n", 400, reasonBadPercent},
		{"a .. segment is refused", "GET /api/../admin HTTP/1.1\r\n" + host + "\r\n", 400, reasonPathTraversal},
		{"an encoded .. segment is refused", "GET /api/%2e%2e/admin HTTP/1.1\r\n" + host + "\r\n", 400, reasonPathTraversal},
		{"an encoded slash hiding .. is refused", "GET /api/x%2f..%2fadmin HTTP/1.1\r\n" + host + "\r\n", 400, reasonPathTraversal},
		{"a double-encoded .. is refused", "GET /api/%252e%252e/admin HTTP/1.1\r\n" + host + "\r\n", 400, reasonPathTraversal},
		{"a backslash .. is refused", "GET /api/..%5cadmin HTTP/1.1\r\n" + host + "\r\n", 400, reasonPathTraversal},
		{"dots inside a segment pass", "GET /api/file..name/v1.2 HTTP/1.1\r\n" + host + "\r\n", 200, ""},
		{"a request line with an extra space is refused", "GET /api/x  HTTP/1.1\r\n" + host + "\r\n", 400, reasonBadLine},
		{"an unknown HTTP version is refused", "GET /api/x HTTP/1.2\r\n" + host + "\r\n", 400, reasonBadLine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := lg.metric(t, "portcullis_gateway_invalid_requests_total", "reason", tt.reason)
			seen := len(up.seenAll())
			resps := rawExchange(t, lg.addr, tt.raw, 1)
			if len(resps) != 1 {
				t.Fatalf("no response")
			}
			r := resps[0]
			body, _ := io.ReadAll(r.Body)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d (%s); want %d", r.StatusCode, body, tt.status)
			}
			if tt.reason == "" {
				return
			}
			if got := lg.metric(t, "portcullis_gateway_invalid_requests_total", "reason", tt.reason) - before; got != 1 {
				t.Errorf("%s counted %v times; want 1", tt.reason, got)
			}
			if want := `{"error":"bad request","reason":"` + tt.reason + `"}`; strings.TrimSpace(string(body)) != want {
				t.Errorf("body %q; want %s", body, want)
			}
			if !r.Close {
				t.Error("the connection stays open after an invalid request")
			}
			if n := len(up.seenAll()); n != seen {
				t.Errorf("the upstream saw an invalid request")
			}
		})
	}

	t.Run("a smuggled request after a refused one is never served", func(t *testing.T) {
		seen := len(up.seenAll())
		resps := rawExchange(t, lg.addr, "POST /api/x HTTP/1.1\r\n"+host+"Content-Length: 42\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"0\r\n\r\nGET /api/smuggled HTTP/1.1\r\n"+host+"\r\n", 2)
		if len(resps) != 1 || resps[0].StatusCode != 400 {
			t.Fatalf("got %d responses; want one 400", len(resps))
		}
		if len(up.seenAll()) != seen {
			t.Error("the upstream saw the smuggled request")
		}
	})
	t.Run("kept-alive requests after chunked and sized bodies are each checked", func(t *testing.T) {
		resps := rawExchange(t, lg.addr,
			"POST /api/a HTTP/1.1\r\n"+host+"Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"+
				"POST /api/b HTTP/1.1\r\n"+host+"Content-Length: 3\r\n\r\nxyz"+
				"GET /api/../c HTTP/1.1\r\n"+host+"\r\n", 3)
		var codes []int
		for _, r := range resps {
			codes = append(codes, r.StatusCode)
		}
		if len(codes) != 3 || codes[0] != 200 || codes[1] != 200 || codes[2] != 400 {
			t.Errorf("statuses %v; want [200 200 400]", codes)
		}
	})
	t.Run("a refused request still yields an access-log record with the client and status", func(t *testing.T) {
		eventually(t, "a 400 record is logged", func() bool {
			for _, m := range sink.messages() {
				if strings.Contains(string(m.Value), `"status":400`) && strings.Contains(string(m.Value), `"client_ip":"127.0.0.1"`) {
					return true
				}
			}
			return false
		})
	})
}

func TestRequestValidationCanBeTurnedOff(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.Validation.Disabled = true
	lg := serveGateway(t, cfg, nil)
	resps := rawExchange(t, lg.addr, "GET /api/x/%2e%2e/y HTTP/1.1\r\nHost: gw\r\n\r\n", 1)
	if len(resps) != 1 || resps[0].StatusCode != 200 {
		t.Fatalf("got %v; want the request proxied", resps)
	}
}

// FuzzInspectConn feeds arbitrary bytes through the framing inspector,
// in two reads split anywhere: it must not panic, and a stream of valid
// requests must come out unchanged.
func FuzzInspectConn(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 5)
	f.Add([]byte("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\n\r\n"), 40)
	f.Add([]byte("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 0)
	f.Add([]byte("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /../ HTTP/1.1\r\n\r\n"), 60)
	// Upgrades (upgrade_test.go): the inspector passes what follows them,
	// so the handler must refuse and close what it does not upgrade.
	f.Add([]byte("GET /api/x HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 30)
	f.Add([]byte(wsHead+"\r\nGET /api/smuggled HTTP/1.1\r\nHost: gw\r\n\r\n"), 17)
	f.Add([]byte("GET /ws/x HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\n\r\nPOST /api/x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 50)
	// The path spellings of the router's corpus (path_test.go).
	for _, r := range exampleRoutes(f) {
		for _, v := range pathVariants(strings.TrimSuffix(r.PathPrefix, "/") + "/x1/42") {
			f.Add([]byte("GET "+v.target+" HTTP/1.1\r\nHost: gw\r\n\r\n"), 7)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte, split int) {
		a, b := net.Pipe()
		go func() {
			if split < 0 || split > len(in) {
				split = len(in) / 2
			}
			a.Write(in[:split])
			a.Write(in[split:])
			a.Close()
		}()
		c := &inspectConn{Conn: b, maxHead: 1 << 10}
		out, _ := io.ReadAll(c)
		b.Close()
		if c.reason == "" && c.state != stPass && !bytes.Equal(out, in) && len(bytes.TrimLeft(in, "\r\n")) > 0 {
			t.Fatalf("an accepted stream changed:\n in %q\nout %q", in, out)
		}
	})
}

// BenchmarkRequestValidation measures the strict checks on a typical
// request: the framing inspector on its raw head, then the handler's
// checks.
func BenchmarkRequestValidation(b *testing.B) {
	raw := []byte("GET /api/v1/items/42?page=2&sort=name HTTP/1.1\r\nHost: api.example.com\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0\r\nAccept: application/json\r\n" +
		"Accept-Language: en-GB,en;q=0.9\r\nCookie: session=3f2b8c1e9a4d4c6e\r\nAuthorization: Bearer abc.def.ghi\r\n\r\n")
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		b.Fatal(err)
	}
	c := &inspectConn{maxHead: 1 << 15}
	b.Run("framing", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			c.out = c.obuf[:0]
			c.feed(raw)
			c.obuf = c.out[:0]
		}
		if c.reason != "" || c.state != stHead {
			b.Fatalf("a valid head was refused: %s", c.reason)
		}
	})
	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if invalidReason(req) != "" {
				b.Fatal("a valid request was refused")
			}
		}
	})
}

// seenAll returns the requests the upstream saw.
func (u *upstream) seenAll() []*http.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]*http.Request(nil), u.seen...)
}
