package ingest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/portcullis/portcullis/decision/apikey"
	"github.com/portcullis/portcullis/internal/proxytest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// caddyLine is a line as Caddy 2.6 writes it, with headers as Caddy logs
// them (canonical names, lists of values).
const caddyLine = `{"level":"info","ts":1772442000.123456,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"203.0.113.7","remote_port":"51234","proto":"HTTP/1.1","method":"POST","host":"api.example","uri":"/api/items?page=2","headers":{"Accept":["*/*"],"User-Agent":["curl/8.5.0"],"X-Api-Key":["key_1a2b"],"Content-Length":["12"]}},"user_id":"alice","duration":0.0012,"size":512,"status":201,"resp_headers":{"Content-Type":["text/plain"]},"bytes_read":12}`

func TestCaddyParser(t *testing.T) {
	var p CaddyParser
	checkParseCases(t, p.Parse, []parseCase{
		{"a Caddy 2.6 line gives every field", caddyLine,
			`ts=2026-03-02T09:00:00.123456Z ip="203.0.113.7" method="POST" path="/api/items?page=2" status=201 req=12 resp=512 dur=1.2 ua="curl/8.5.0" api_key="key_e7a53dc8" user="alice"`}, // the id of key_1a2b,
		{"client_ip, the address past Caddy's trusted proxies, wins over remote_ip",
			`{"ts":1772442000,"logger":"http.log.access","request":{"remote_ip":"10.0.0.1","client_ip":"198.51.100.9","method":"GET","uri":"/"},"status":200}`,
			`ts=2026-03-02T09:00:00Z ip="198.51.100.9" method="GET" path="/" status=200 req=0 resp=0 dur=0 ua="" api_key="" user=""`},
		{"a time string, when Caddy is set to write one, is read",
			`{"ts":"2026-03-02T09:00:00.5Z","request":{"remote_ip":"[2001:db8::7]","method":"GET","uri":"/x","headers":{"User-Agent":["a\"b"]}},"status":404}`,
			`ts=2026-03-02T09:00:00.5Z ip="2001:db8::7" method="GET" path="/x" status=404 req=0 resp=0 dur=0 ua="a\"b" api_key="" user=""`},
		{"a line without a request address is malformed",
			`{"ts":1772442000,"request":{"method":"GET"},"status":200}`, "request.remote_ip and request.client_ip are missing"},
		{"a line without ts is malformed",
			`{"request":{"remote_ip":"203.0.113.7"},"status":200}`, "ts is missing"},
		{"a request that is not an object is malformed",
			`{"ts":1772442000,"request":"GET /"}`, "request: want an object"},
	})
}

func TestCaddyFormatIsDetected(t *testing.T) {
	f, err := DetectFormat([]byte(caddyLine))
	if err != nil || f != FormatCaddy {
		t.Fatalf("DetectFormat = %v, %v; want caddy", f, err)
	}
	if f, _ := DetectFormat([]byte(`{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7"}`)); f != FormatJSON {
		t.Errorf("a canonical line detected as %v", f)
	}
	if f, err := ParseFormat("Caddy"); err != nil || f != FormatCaddy {
		t.Errorf("ParseFormat(Caddy) = %v, %v", f, err)
	}
}

// caddyRef is a Caddy line as encoding/json reads it.
type caddyRef struct {
	TS      json.RawMessage `json:"ts"`
	Request struct {
		RemoteIP string              `json:"remote_ip"`
		ClientIP string              `json:"client_ip"`
		Method   string              `json:"method"`
		URI      string              `json:"uri"`
		Headers  map[string][]string `json:"headers"`
	} `json:"request"`
	Status int64   `json:"status"`
	Size   int64   `json:"size"`
	Read   int64   `json:"bytes_read"`
	Dur    float64 `json:"duration"`
	User   string  `json:"user_id"`
}

// FuzzParseCaddy checks the parser against encoding/json on the lines
// both read with the types Caddy writes.
func FuzzParseCaddy(f *testing.F) {
	seeds := [][]byte{
		[]byte(caddyLine),
		[]byte(`{"ts":1772442000,"request":{"remote_ip":"10.0.0.1","client_ip":"198.51.100.9","method":"GET","uri":"/\u00e9"},"status":200}`),
		[]byte(`{"ts":1772442000,"request":{"remote_ip":"a","headers":{"User-Agent":[],"X-Api-Key":["k","l"]}},"size":1e3}`),
	}
	var p CaddyParser
	fuzzParse(f, seeds, p.Parse, func(t *testing.T, line []byte, rec *Record) {
		var ref caddyRef
		if json.Unmarshal(line, &ref) != nil || strings.Count(string(line), `"request"`) > 1 || caseVariantKeys(string(line)) || !utf8.Valid(line) {
			// Only plainly typed lines have a reference answer; invalid
			// UTF-8 is passed through, where encoding/json replaces it.
			return
		}
		ip := ref.Request.ClientIP
		if ip == "" {
			ip = ref.Request.RemoteIP
		}
		if got := string(rec.ClientIP); got != string(hostOnly([]byte(ip))) {
			t.Errorf("client %q; encoding/json reads %q", got, ip)
		}
		if string(rec.Method) != ref.Request.Method || string(rec.Path) != ref.Request.URI {
			t.Errorf("method %q path %q; encoding/json reads %q %q", rec.Method, rec.Path, ref.Request.Method, ref.Request.URI)
		}
		if ua := ref.Request.Headers["User-Agent"]; len(ua) > 0 && string(rec.UserAgent) != ua[0] {
			t.Errorf("user agent %q; encoding/json reads %q", rec.UserAgent, ua[0])
		}
		if int64(rec.Status) != max(ref.Status, 0) || rec.RespBytes != max(ref.Size, 0) || rec.ReqBytes != max(ref.Read, 0) {
			t.Errorf("status %d size %d read %d; encoding/json reads %d %d %d", rec.Status, rec.RespBytes, rec.ReqBytes, ref.Status, ref.Size, ref.Read)
		}
	})
}

// caseVariantKeys says whether line has a key that differs from one the
// parser reads only in case, which encoding/json matches and Caddy never
// writes.
func caseVariantKeys(line string) bool {
	lower := strings.ToLower(line)
	for _, k := range []string{"ts", "request", "remote_ip", "client_ip", "method", "uri", "headers", "User-Agent", "X-Api-Key", "status", "size", "bytes_read", "duration", "user_id"} {
		if strings.Count(lower, `"`+strings.ToLower(k)+`"`) != strings.Count(line, `"`+k+`"`) {
			return true
		}
	}
	return false
}

func BenchmarkParseCaddy(b *testing.B) {
	line := []byte(caddyLine)
	var p CaddyParser
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
}

// TestReadsTheAccessLogRealCaddyWrites sends requests through a real Caddy
// and reads the access log it wrote, auto-detected, so the field mapping
// is checked against the server rather than against samples.
func TestReadsTheAccessLogRealCaddyWrites(t *testing.T) {
	p := proxytest.StartCaddy(t, func(dir string) string {
		return fmt.Sprintf(`{
	admin off
}
:0 {
	bind 127.0.0.1
	log {
		output file %s/access.log
		format json
	}
	respond /api/* "created" 201
	respond "hello" 200
}
`, dir)
	})
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.9")}}
	c := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 10 * time.Second}
	defer c.CloseIdleConnections()
	before := time.Now()
	req, _ := http.NewRequest(http.MethodPost, p.URL()+"/api/items?page=2", strings.NewReader("hello world!"))
	req.Header.Set("User-Agent", "portcullis-test/1")
	req.Header.Set("X-API-Key", "key_1a2b")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var rec Record
	testwait.Until(t, 10*time.Second, "Caddy's access log line", func() bool {
		f, err := os.Open(p.AccessLog)
		if err != nil {
			return false
		}
		defer f.Close()
		r := NewReader(f, ReaderConfig{})
		ok := r.Next(&rec)
		if st := r.Stats(); st.Malformed > 0 {
			t.Fatalf("malformed lines in Caddy's log: %v", st.FirstErrors)
		}
		if ok && r.Format() != FormatCaddy {
			t.Fatalf("Caddy's log detected as %v", r.Format())
		}
		return ok
	})
	// bytes_read counts the body bytes a handler read; respond reads none.
	got := viewOf(&rec)
	if got.ClientIP != "127.0.0.9" || got.Method != "POST" || got.Path != "/api/items?page=2" || got.Status != 201 ||
		got.UserAgent != "portcullis-test/1" || got.APIKey != apikey.ID("key_1a2b") || got.RespBytes != int64(len("created")) {
		t.Errorf("read %s from Caddy's log", got)
	}
	if ts := time.Unix(0, rec.TS); ts.Before(before.Add(-2*time.Second)) || ts.After(time.Now().Add(2*time.Second)) {
		t.Errorf("time %v; the request was sent at %v", ts, before)
	}
}
