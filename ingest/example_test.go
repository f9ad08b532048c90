package ingest_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

func ExampleNewReader() {
	logs := strings.NewReader(`{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7","method":"GET","path":"/","status":200}
not a log line
{"ts":"2026-03-02T09:00:01Z","api_key":"key_1a2b","method":"POST","path":"/login","status":401}
`)
	r := ingest.NewReader(logs, ingest.ReaderConfig{})
	var rec ingest.Record
	for r.Next(&rec) {
		fmt.Println(time.Unix(0, rec.TS).UTC().Format(time.TimeOnly), string(rec.Method), string(rec.Path), rec.Status)
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	s := r.Stats()
	fmt.Printf("format %s: %d lines, %d parsed, malformed lines %v\n", s.Format, s.Lines, s.Parsed, s.FirstMalformed)
	// Output:
	// 09:00:00 GET / 200
	// 09:00:01 POST /login 401
	// format json: 3 lines, 2 parsed, malformed lines [2]
}

func ExampleCLFParser_Parse() {
	var p ingest.CLFParser
	var rec ingest.Record
	line := []byte(`203.0.113.7 - alice [10/Oct/2000:13:55:36 -0700] "GET /a?b=1 HTTP/1.1" 200 2326 "-" "curl/8.5.0" 512`)
	if err := p.Parse(line, &rec); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %s %d %d %d %s\n", rec.ClientIP, rec.User, rec.Path, rec.Status, rec.RespBytes, rec.ReqBytes, rec.UserAgent)
	// Output:
	// 203.0.113.7 alice /a?b=1 200 2326 512 curl/8.5.0
}

func ExampleJSONParser_Parse() {
	var p ingest.JSONParser
	var rec ingest.Record
	err := p.Parse([]byte(`{"ts":"2026-03-02T09:00:00Z","method":"GET"}`), &rec)
	fmt.Println(err)
	// Output:
	// ingest: malformed line: client_ip, api_key and user are all missing; a line needs at least one
}

func ExampleIdentity_Key() {
	id, err := ingest.ParseIdentity("ipv6_64")
	if err != nil {
		fmt.Println(err)
		return
	}
	var key []byte
	for _, ip := range []string{"2001:db8:1:2:aaaa::1", "203.0.113.7"} {
		var scope string
		key, scope = id.Key(key[:0], &ingest.Record{ClientIP: []byte(ip)})
		fmt.Println(scope, string(key))
	}
	// Output:
	// ipv6_64 2001:db8:1:2::/64
	// ip 203.0.113.7
}

func ExampleReorder() {
	o, err := ingest.NewReorder(ingest.ReorderConfig{Lateness: 10 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var out ingest.Record
	pop := func() {
		for o.Pop(&out) {
			fmt.Println(time.Unix(0, out.TS).UTC().Format(time.TimeOnly), string(out.Path))
		}
	}
	// The request to /slow started first but was logged last; /old came
	// 30 s late, too late to be put in order.
	for _, r := range []struct {
		sec  int
		path string
	}{{1, "/fast"}, {0, "/slow"}, {15, "/next"}, {30, "/later"}, {0, "/old"}} {
		rec := ingest.Record{TS: t0.Add(time.Duration(r.sec) * time.Second).UnixNano(), Path: []byte(r.path)}
		o.Push(&rec)
		pop()
	}
	o.Flush()
	pop()
	fmt.Println("late:", o.Stats().Late)
	// Output:
	// 09:00:00 /slow
	// 09:00:01 /fast
	// 09:00:15 /next
	// 09:00:00 /old
	// 09:00:30 /later
	// late: 1
}

func ExampleEnvoyParser_Parse() {
	var p ingest.EnvoyParser
	var rec ingest.Record
	line := []byte(`[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"`)
	if err := p.Parse(line, &rec); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %s %d %d %.0fms %s\n", rec.ClientIP, rec.Method, rec.Path, rec.Status, rec.ReqBytes, rec.DurationMS, rec.UserAgent)
	// Output: 10.0.35.28 POST /api/v1/locations 204 154 226ms nsq2http
}

func ExampleNewFieldMapParser() {
	fields, err := ingest.ParseFieldMap("ts=@timestamp,client_ip=request.remote_ip,path=request.uri,status=response.status,duration_s=took")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := ingest.NewFieldMapParser(fields)
	if err != nil {
		fmt.Println(err)
		return
	}
	var rec ingest.Record
	line := []byte(`{"@timestamp":"2026-03-02T09:00:00Z","request":{"remote_ip":"203.0.113.7:51234","uri":"/login"},"response":{"status":401},"took":0.012}`)
	if err := p.Parse(line, &rec); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %d %.0fms\n", rec.ClientIP, rec.Path, rec.Status, rec.DurationMS)

	_, err = ingest.NewFieldMapParser(map[string]string{"ts": "@timestamp", "ip": "remote_ip"})
	fmt.Println(err)
	// Output:
	// 203.0.113.7 /login 401 12ms
	// ingest: invalid config: json field mapping: "ip" is not a record field; use ts, client_ip, method, path, status, req_bytes, resp_bytes, duration_ms, duration_s, user_agent, api_key, api_key_id, user or waf
}
