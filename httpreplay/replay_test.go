package httpreplay

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/ingest"

	"github.com/portcullis/portcullis/internal/testwait"
)

func TestDriverReplaysRecordsOnTimeWithTheirHeaders(t *testing.T) {
	var mu sync.Mutex
	var seen []*http.Request
	var bodies []int
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen, bodies = append(seen, r), append(bodies, int(n))
		mu.Unlock()
		if r.Header.Get("X-Forwarded-For") == "203.0.113.66" {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"error":"blocked","request_id":"x"}`)
			return
		}
		EchoHandler(w, r)
	}))
	defer gw.Close()

	base := time.Now().UnixNano()
	rec := func(ms int, ip, method, path string, status int, reqBytes int64) ingest.Record {
		return ingest.Record{TS: base + int64(ms)*1e6, ClientIP: []byte(ip), Method: []byte(method), Path: []byte(path),
			Status: status, ReqBytes: reqBytes, RespBytes: 300, UserAgent: []byte("ua"), APIKey: []byte("key_1"), User: []byte("alice")}
	}
	recs := []ingest.Record{
		rec(0, "198.51.100.1", "GET", "/api/v1/items/1?x=1", 200, 0),
		rec(100, "203.0.113.66", "POST", "/login", 401, 64),
		rec(300, "198.51.100.2", "POST", "/upload", 201, 5000),
		rec(300, "198.51.100.3", "GET", "/missing", 404, 0),
	}
	d := &Replayer{Client: gw.Client(), Base: gw.URL, Workers: 4, APIKeyHeader: "X-API-Key", UserHeader: "X-User"}
	start := time.Now()
	st, err := d.Replay(t.Context(), recs, start, func(r *ingest.Record) bool { return string(r.ClientIP) == "203.0.113.66" })
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 300*time.Millisecond || took > 5*time.Second {
		t.Errorf("replay of 300 ms of records took %v", took)
	}
	if st.Sent != 4 || st.Failed != 0 || st.RefusedAttack != 1 || st.RefusedNormal != 0 {
		t.Errorf("stats = %+v; want 4 sent, 1 refused from an attacker", st)
	}
	mu.Lock()
	defer mu.Unlock()
	byIP := map[string]int{}
	for i, r := range seen {
		byIP[r.Header.Get("X-Forwarded-For")] = i
		if r.Header.Get("X-API-Key") != "key_1" || r.Header.Get("X-User") != "alice" || r.Header.Get("User-Agent") != "ua" {
			t.Errorf("request %s lacks the recorded identity headers: %v", r.URL, r.Header)
		}
	}
	if got := seen[byIP["198.51.100.2"]]; got.Method != "POST" || bodies[byIP["198.51.100.2"]] != 5000 {
		t.Errorf("upload sent as %s with a body of %d bytes; want POST with 5000", got.Method, bodies[byIP["198.51.100.2"]])
	}
	if got := seen[byIP["198.51.100.1"]].URL.RequestURI(); got != "/api/v1/items/1?x=1" {
		t.Errorf("path sent as %q", got)
	}
}

func TestEchoUpstreamAnswersWhatTheDriverAsks(t *testing.T) {
	tests := []struct {
		name, status, size string
		wantCode, wantLen  int
	}{
		{"a recorded status and size are echoed", "404", "1234", 404, 1234},
		{"no headers give 200 and a short body", "", "", 200, 12},
		{"a nonsense status gives 200", "abc", "10", 200, 10},
		{"a huge size is capped", "200", "999999999", 200, MaxBody},
		{"204 has no body", "204", "100", 204, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tc.status != "" {
				r.Header.Set(StatusHeader, tc.status)
			}
			if tc.size != "" {
				r.Header.Set(BytesHeader, tc.size)
			}
			w := httptest.NewRecorder()
			EchoHandler(w, r)
			if w.Code != tc.wantCode || w.Body.Len() != tc.wantLen {
				t.Errorf("got %d with %d bytes; want %d with %d", w.Code, w.Body.Len(), tc.wantCode, tc.wantLen)
			}
		})
	}
}

func TestServeUpstreamAnswersUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- ServeUpstream(ctx, ln, false) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/anything")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "{\"ok\":true}\n" {
		t.Errorf("got %d %q; want 200 {\"ok\":true}", resp.StatusCode, body)
	}
	cancel()
	if err := testwait.Recv(t, done, 10*time.Second, "the upstream to stop"); err != nil {
		t.Errorf("ServeUpstream: %v", err)
	}
}
