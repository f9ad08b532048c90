package ingest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// benchJSONLine is a typical canonical line of about 250 bytes.
const benchJSONLine = `{"ts":"2026-03-02T09:00:00.123Z","client_ip":"203.0.113.7","method":"GET","path":"/api/v1/items/42?x=1","status":200,"req_bytes":512,"resp_bytes":5120,"duration_ms":12.5,"user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101","api_key":"key_1a2b","user":"alice"}`

// benchCLFLine is a typical combined log line with $request_length.
const benchCLFLine = `203.0.113.7 - alice [02/Mar/2026:09:00:00 +0000] "GET /api/v1/items/42?x=1 HTTP/1.1" 200 5120 "https://shop.example/items" "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0" 512`

func reportLines(b *testing.B, lines int) {
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkParseJSON(b *testing.B) {
	cases := []struct{ name, line string }{
		{"typical", benchJSONLine},
		{"escaped", `{"ts":"2026-03-02T09:00:02.5Z","client_ip":"2001:db8:1:2::17","method":"GET","path":"/search?q=\"caf\u00e9\"\/menu","status":"200","user_agent":"Bot \ud83e\udd16\tv1 (compatible; +https://bot.example/about)","duration_ms":"0.25","req_bytes":"-"}`},
		{"unknown_fields", `{"ts":"2026-03-02T09:00:01Z","client_ip":"198.51.100.23","host":"shop.example","tags":["a",{"b":[1,2,{"c":"}]"}]}],"method":"POST","path":"/login","status":401,"resp_bytes":87,"duration_ms":3,"tls":{"version":"1.3","ok":true},"extra":null}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			line := []byte(c.line)
			var p JSONParser
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

func BenchmarkParseCLF(b *testing.B) {
	cases := []struct{ name, line string }{
		{"combined", benchCLFLine},
		{"common", `192.0.2.44 - frank [02/Mar/2026:09:00:02 -0000] "GET /apache_pb.gif HTTP/1.0" 200 2326`},
		{"escaped", `203.0.113.7 - - [02/Mar/2026:09:00:04 +0000] "GET /q?s=a%20b HTTP/1.1" 200 - "-" "Agent \"quoted\" \\ done (compatible; +https://bot.example/about)" "1024"`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			line := []byte(c.line)
			var p CLFParser
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

// benchJSONFile returns n varied canonical lines.
func benchJSONFile(n int) []byte {
	var buf bytes.Buffer
	paths := []string{"/api/v1/items/42?x=1", "/login", "/static/app.js", `/search?q=\"shoes\"`, "/api/v1/cart"}
	for i := range n {
		fmt.Fprintf(&buf, `{"ts":"2026-03-02T09:%02d:%02d.%03dZ","client_ip":"203.0.%d.%d","method":"GET","path":"%s","status":%d,"req_bytes":%d,"resp_bytes":%d,"duration_ms":%d.%d,"user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101","api_key":"key_%04x","user":"user%d"}`+"\n",
			i/60%60, i%60, i%1000, i%256, i*7%256, paths[i%len(paths)], 200+i%5*100, 300+i%700, i*37%100000, i%50, i%10, i%4096, i%300)
	}
	return buf.Bytes()
}

// cycle is an endless reader that repeats data.
type cycle struct {
	data []byte
	off  int
}

func (c *cycle) Read(p []byte) (int, error) {
	n := copy(p, c.data[c.off:])
	c.off = (c.off + n) % len(c.data)
	return n, nil
}

// BenchmarkReaderJSON measures Reader.Next, one line per iteration, over an
// endless repetition of an in-memory file, plain and gzipped.
func BenchmarkReaderJSON(b *testing.B) {
	const lines = 10000
	plain := benchJSONFile(lines)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	for _, c := range []struct {
		name string
		data []byte
	}{{"plain", plain}, {"gzip", gz.Bytes()}} {
		b.Run(c.name, func(b *testing.B) {
			r := NewReader(&cycle{data: c.data}, ReaderConfig{})
			var rec Record
			b.SetBytes(int64(len(plain) / lines))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if !r.Next(&rec) {
					b.Fatalf("Next stopped: %v", r.Err())
				}
				n++
			}
			if s := r.Stats(); s.Malformed != 0 {
				b.Fatalf("%d malformed lines, first %v", s.Malformed, s.FirstErrors)
			}
			reportLines(b, n)
		})
	}
}

// BenchmarkReaderCLF is BenchmarkReaderJSON for the combined log format.
func BenchmarkReaderCLF(b *testing.B) {
	var buf bytes.Buffer
	for range 1000 {
		buf.WriteString(benchCLFLine + "\n")
	}
	r := NewReader(&cycle{data: buf.Bytes()}, ReaderConfig{})
	var rec Record
	b.SetBytes(int64(len(benchCLFLine) + 1))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if !r.Next(&rec) {
			b.Fatalf("Next stopped: %v", r.Err())
		}
		n++
	}
	reportLines(b, n)
}

var _ io.Reader = (*cycle)(nil)

// BenchmarkReorder measures Push and Pop per record on a stream of 1,000
// events/s in event time: in order, with up to 5 s of jitter (about 5,000
// records held at a lateness of 10 s), and with re-ordering off.
func BenchmarkReorder(b *testing.B) {
	cases := []struct {
		name     string
		lateness time.Duration
		jitter   int64
	}{
		{"sorted", 10 * time.Second, 0},
		{"jittered", 10 * time.Second, int64(5 * time.Second)},
		{"off", 0, int64(5 * time.Second)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var p CLFParser
			var in, out Record
			if err := p.Parse([]byte(benchCLFLine), &in); err != nil {
				b.Fatal(err)
			}
			o, err := NewReorder(ReorderConfig{Lateness: c.lateness})
			if err != nil {
				b.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			jitter := make([]int64, 1<<16)
			for i := range jitter {
				if c.jitter > 0 {
					jitter[i] = r.Int64N(c.jitter)
				}
			}
			now := in.TS
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				now += int64(time.Millisecond)
				in.TS = now - jitter[n&(len(jitter)-1)]
				o.Push(&in)
				for o.Pop(&out) {
				}
				n++
			}
			reportLines(b, n)
		})
	}
}
