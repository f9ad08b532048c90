package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// reorderAll pushes a record per time in ts (seconds), with its index as
// Path, flushes, and returns the indexes in the order they were released.
func reorderAll(t testing.TB, cfg ReorderConfig, ts []int64) ([]int, ReorderStats) {
	t.Helper()
	o, err := NewReorder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	var got Record
	pop := func() {
		for o.Pop(&got) {
			i, err := strconv.Atoi(string(got.Path))
			if err != nil {
				t.Fatalf("released a record with path %q", got.Path)
			}
			if got.TS != ts[i]*int64(time.Second) {
				t.Fatalf("record %d released with TS %d, pushed with %d s", i, got.TS, ts[i])
			}
			assertCapped(t, &got)
			out = append(out, i)
		}
	}
	for i, s := range ts {
		path := []byte(strconv.Itoa(i))
		ip := []byte("192.0.2.1")
		rec := Record{TS: s * int64(time.Second), ClientIP: ip[:len(ip):len(ip)], Path: path[:len(path):len(path)]}
		o.Push(&rec)
		pop()
	}
	o.Flush()
	pop()
	return out, o.Stats()
}

func TestReorder(t *testing.T) {
	tests := []struct {
		name  string
		cfg   ReorderConfig
		ts    []int64
		want  []int
		late  int64
		early int64
	}{
		{
			name: "records within the lateness come out in event-time order",
			cfg:  ReorderConfig{Lateness: 10 * time.Second},
			ts:   []int64{100, 103, 101, 109, 102, 120},
			want: []int{0, 2, 4, 1, 3, 5},
		},
		{
			name: "records with the same time keep the order they came in",
			cfg:  ReorderConfig{Lateness: 10 * time.Second},
			ts:   []int64{100, 105, 100, 105, 100},
			want: []int{0, 2, 4, 1, 3},
		},
		{
			name: "a record later than the lateness is passed on as it came and counted late",
			cfg:  ReorderConfig{Lateness: 10 * time.Second},
			ts:   []int64{100, 115, 130, 101, 131},
			want: []int{0, 1, 3, 2, 4},
			late: 1,
		},
		{
			name: "a record behind the watermark but ahead of all released ones is still put in order",
			cfg:  ReorderConfig{Lateness: 10 * time.Second},
			ts:   []int64{100, 130, 105},
			want: []int{0, 2, 1},
		},
		{
			name: "zero lateness passes records on as they came and counts the ones that go back in time",
			cfg:  ReorderConfig{},
			ts:   []int64{100, 102, 101, 102, 99, 103},
			want: []int{0, 1, 2, 3, 4, 5},
			late: 2,
		},
		{
			name:  "a full buffer lets its oldest record go early and counts it",
			cfg:   ReorderConfig{Lateness: time.Hour, MaxBuffered: 2},
			ts:    []int64{105, 103, 101, 102, 104},
			want:  []int{2, 3, 1, 4, 0},
			early: 3,
		},
		{
			name:  "a record behind one a full buffer let go early is late",
			cfg:   ReorderConfig{Lateness: time.Hour, MaxBuffered: 1},
			ts:    []int64{105, 103, 101},
			want:  []int{1, 2, 0},
			early: 2, late: 1,
		},
		{
			name: "the end of the input releases everything held, in order",
			cfg:  ReorderConfig{Lateness: time.Hour},
			ts:   []int64{300, 200, 100, 250},
			want: []int{2, 1, 3, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := reorderAll(t, tt.cfg, tt.ts)
			if !slices.Equal(got, tt.want) {
				t.Errorf("released %v, want %v", got, tt.want)
			}
			if st.Late != tt.late || st.Early != tt.early || st.Buffered != 0 {
				t.Errorf("Stats = %+v, want late %d, early %d, nothing buffered", st, tt.late, tt.early)
			}
		})
	}
}

func TestReorderHoldsRecordsUntilTheWatermarkPassesThem(t *testing.T) {
	o, err := NewReorder(ReorderConfig{Lateness: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var got Record
	push := func(sec int64) {
		rec := Record{TS: sec * int64(time.Second), Path: []byte("/p")}
		o.Push(&rec)
	}
	push(100)
	if o.Pop(&got) {
		t.Fatalf("released %d before anything 10 s newer came", got.TS)
	}
	push(109)
	if o.Pop(&got) {
		t.Fatalf("released %d with the watermark at 99 s", got.TS)
	}
	if st := o.Stats(); st.Buffered != 2 {
		t.Fatalf("Buffered = %d, want 2", st.Buffered)
	}
	push(110)
	if !o.Pop(&got) || got.TS != 100*int64(time.Second) {
		t.Fatalf("with the watermark at 100 s, Pop gave %d", got.TS)
	}
	if o.Pop(&got) {
		t.Fatalf("released %d with the watermark at 100 s", got.TS)
	}
}

func TestReorderKeepsARecordThatWasNotPopped(t *testing.T) {
	o, err := NewReorder(ReorderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	a := Record{TS: 1, Path: []byte("/a")}
	b := Record{TS: 2, Path: []byte("/b")}
	o.Push(&a)
	o.Push(&b) // without popping a first
	var got []string
	var rec Record
	for o.Pop(&rec) {
		got = append(got, string(rec.Path))
	}
	if !slices.Equal(got, []string{"/a", "/b"}) {
		t.Fatalf("released %q, want both records in order", got)
	}
}

func TestReorderCopiesTheRecordsItHolds(t *testing.T) {
	o, err := NewReorder(ReorderConfig{Lateness: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("203.0.113.7 GET /a curl alice key_1")
	rec := Record{TS: 5, ClientIP: line[0:11], Method: line[12:15], Path: line[16:18],
		UserAgent: line[19:23], User: line[24:29], APIKey: line[30:35], Status: 404, ReqBytes: 1, RespBytes: 2, DurationMS: 3.5, WAF: 1}
	want := viewOf(&rec)
	o.Push(&rec)
	for i := range line {
		line[i] = 'x'
	}
	o.Flush()
	var got Record
	if !o.Pop(&got) {
		t.Fatal("Pop after Flush returned nothing")
	}
	if v := viewOf(&got); v != want {
		t.Fatalf("held record changed with its input line:\n got %v\nwant %v", v, want)
	}
	assertCapped(t, &got)
}

func TestReorderConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     ReorderConfig
		wantMsg string
	}{
		{"the zero config is valid", ReorderConfig{}, ""},
		{"a negative lateness is rejected", ReorderConfig{Lateness: -time.Second}, "lateness is -1s"},
		{"a negative buffer is rejected", ReorderConfig{MaxBuffered: -1}, "re-order buffer of -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("Validate = %v, want ErrInvalidConfig mentioning %q", err, tt.wantMsg)
			}
			if _, err := NewReorder(tt.cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("NewReorder = %v, want ErrInvalidConfig", err)
			}
			r := NewReader(strings.NewReader(benchCLFLine), ReaderConfig{Reorder: tt.cfg})
			var rec Record
			if r.Next(&rec) || !errors.Is(r.Err(), ErrInvalidConfig) {
				t.Fatalf("a Reader with that config read a record or reported %v", r.Err())
			}
		})
	}
}

func TestReorderDoesNotAllocateInSteadyState(t *testing.T) {
	o, err := NewReorder(ReorderConfig{Lateness: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var p CLFParser
	var in, out Record
	if err := p.Parse([]byte(benchCLFLine), &in); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	now := in.TS
	step := func() {
		now += int64(time.Millisecond)
		in.TS = now - r.Int64N(int64(5*time.Second))
		o.Push(&in)
		for o.Pop(&out) {
		}
	}
	for range 50_000 { // fill 10 s of a 1,000 events/s stream and then some
		step()
	}
	if n := testing.AllocsPerRun(5000, step); n != 0 {
		t.Errorf("Push and Pop allocate %v times per record, want 0", n)
	}
}

// refReorder is a slow model of Reorder: after each record it sorts what
// it holds and releases what the watermark passed, then the oldest while
// more than max are held.
func refReorder(ts []int64, lateness int64, maxHeld int) (order []int, late, early int64) {
	type held struct {
		ts  int64
		idx int
	}
	var hold []held
	newest, released := int64(-1<<62), int64(-1<<62)
	emit := func(h held) {
		if h.ts < released {
			late++
		} else {
			released = h.ts
		}
		order = append(order, h.idx)
	}
	for i, t := range ts {
		newest = max(newest, t)
		hold = append(hold, held{t, i})
		slices.SortStableFunc(hold, func(a, b held) int { return int(a.ts - b.ts) })
		for len(hold) > 0 && (hold[0].ts <= newest-lateness || len(hold) > maxHeld) {
			if hold[0].ts > newest-lateness {
				early++
			}
			emit(hold[0])
			hold = hold[1:]
		}
	}
	for _, h := range hold {
		emit(h)
	}
	return order, late, early
}

func FuzzReorder(f *testing.F) {
	f.Add([]byte{100, 103, 101, 109, 102, 120}, uint8(10), uint8(0))
	f.Add([]byte{100, 115, 130, 101, 131}, uint8(10), uint8(0))
	f.Add([]byte{5, 3, 1, 2, 4}, uint8(200), uint8(2))
	f.Add([]byte{1, 1, 0, 0, 1}, uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, times []byte, lateness, maxHeld uint8) {
		ts := make([]int64, len(times))
		for i, b := range times {
			ts[i] = int64(b)
		}
		cfg := ReorderConfig{Lateness: time.Duration(lateness) * time.Second, MaxBuffered: int(maxHeld)}
		got, st := reorderAll(t, cfg, ts)
		limit := int(maxHeld)
		if limit == 0 {
			limit = DefaultReorderMaxBuffered
		}
		want, late, early := refReorder(ts, int64(lateness), limit)
		if !slices.Equal(got, want) || st.Late != late || st.Early != early {
			t.Fatalf("Reorder(%v, lateness %d, max %d) released %v, late %d, early %d; the model says %v, %d, %d",
				ts, lateness, maxHeld, got, st.Late, st.Early, want, late, early)
		}
	})
}

func TestReaderReordersAnUnsortedLog(t *testing.T) {
	var log bytes.Buffer
	for _, l := range []struct {
		sec  int
		path string
	}{
		{0, "/a"}, {4, "/c"}, {2, "/b"}, {30, "/e"}, {3, "/late"}, {12, "/d"}, {31, "/f"},
	} {
		fmt.Fprintf(&log, `203.0.113.7 - - [02/Mar/2026:09:00:%02d +0000] "GET %s HTTP/1.1" 200 1 "-" "ua"`+"\n", l.sec, l.path)
	}
	tests := []struct {
		name     string
		lateness time.Duration
		want     []string
		late     int64
	}{
		{"with re-ordering, records within the lateness come out in order and later ones as they came",
			10 * time.Second, []string{"/a", "/b", "/c", "/late", "/d", "/e", "/f"}, 1},
		{"without re-ordering, records come as logged and the ones going back in time are counted",
			0, []string{"/a", "/c", "/b", "/e", "/late", "/d", "/f"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(log.Bytes()), ReaderConfig{Reorder: ReorderConfig{Lateness: tt.lateness}})
			_, views := readAll(t, r)
			var got []string
			for _, v := range views {
				got = append(got, v.Path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("paths %v, want %v", got, tt.want)
			}
			if st := r.Stats(); st.Late != tt.late || st.Parsed != 7 {
				t.Errorf("Stats = %+v, want late %d of 7 parsed", st, tt.late)
			}
		})
	}
}
