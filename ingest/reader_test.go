package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readAll reads every record from r and renders them and the final Stats as
// text, one record per line.
func readAll(t testing.TB, r *Reader) (string, []view) {
	t.Helper()
	var out strings.Builder
	var views []view
	var rec Record
	for r.Next(&rec) {
		v := viewOf(&rec)
		views = append(views, v)
		fmt.Fprintln(&out, v)
	}
	s := r.Stats()
	fmt.Fprintf(&out, "stats: format=%s lines=%d parsed=%d malformed=%d first_malformed=%v\n",
		s.Format, s.Lines, s.Parsed, s.Malformed, s.FirstMalformed)
	for i, err := range s.FirstErrors {
		fmt.Fprintf(&out, "line %d: %v\n", s.FirstMalformed[i], err)
	}
	return out.String(), views
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReaderReadsTheFixtures(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		gzip   bool
		format Format
		want   Stats
	}{
		{
			name: "JSON lines are detected and their malformed lines counted",
			file: "access.jsonl",
			want: Stats{Format: FormatJSON, Lines: 12, Parsed: 7, Malformed: 4, FirstMalformed: []int64{4, 8, 9, 11}},
		},
		{
			name: "gzipped JSON lines read the same as plain ones",
			file: "access.jsonl", gzip: true,
			want: Stats{Format: FormatJSON, Lines: 12, Parsed: 7, Malformed: 4, FirstMalformed: []int64{4, 8, 9, 11}},
		},
		{
			name: "a combined log is detected and its malformed lines counted",
			file: "access.log",
			want: Stats{Format: FormatCLF, Lines: 10, Parsed: 6, Malformed: 3, FirstMalformed: []int64{4, 8, 9}},
		},
		{
			name: "a gzipped combined log reads the same as a plain one",
			file: "access.log", gzip: true,
			want: Stats{Format: FormatCLF, Lines: 10, Parsed: 6, Malformed: 3, FirstMalformed: []int64{4, 8, 9}},
		},
		{
			name: "a combined log with the quirks of real servers is detected and read",
			file: "quirks.log",
			want: Stats{Format: FormatCLF, Lines: 18, Parsed: 16, Malformed: 2, FirstMalformed: []int64{17, 18}},
		},
		{
			name: "a combined log read as JSON is all malformed",
			file: "access.log", format: FormatJSON,
			want: Stats{Format: FormatJSON, Lines: 10, Parsed: 0, Malformed: 9, FirstMalformed: []int64{1, 2, 3, 4, 6}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if tt.gzip {
				data = gzipBytes(t, data)
			}
			r := NewReader(bytes.NewReader(data), ReaderConfig{Format: tt.format})
			out, _ := readAll(t, r)
			if err := r.Err(); err != nil {
				t.Fatalf("Err = %v", err)
			}
			got := r.Stats()
			if got.Format != tt.want.Format || got.Lines != tt.want.Lines || got.Parsed != tt.want.Parsed ||
				got.Malformed != tt.want.Malformed || !slices.Equal(got.FirstMalformed, tt.want.FirstMalformed) {
				t.Errorf("Stats = %+v\nwant    %+v", got, tt.want)
			}
			if len(got.FirstErrors) != len(got.FirstMalformed) {
				t.Errorf("%d errors for %d malformed lines", len(got.FirstErrors), len(got.FirstMalformed))
			}
			for _, err := range got.FirstErrors {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("malformed-line error %v does not wrap ErrMalformed", err)
				}
			}
			if r.Format() != tt.want.Format {
				t.Errorf("Format() = %q, want %q", r.Format(), tt.want.Format)
			}
			if tt.format == "" { // the golden file is for auto-detection, gzipped or not
				checkGolden(t, tt.file+".golden", []byte(out))
			}
		})
	}
}

func TestReaderSkipsOverlongLinesWithoutBufferingThem(t *testing.T) {
	line := func(n int) string { // a valid JSON line of exactly n bytes
		head := `{"ts":"2026-03-02T09:00:00Z","client_ip":"::","path":"`
		return head + strings.Repeat("x", n-len(head)-2) + `"}`
	}
	input := strings.Join([]string{
		line(100),
		line(150),
		line(200), // exactly the limit
		line(201), // one byte too long
		line(200) + "\r",
		line(5000), // much too long
		line(60),
	}, "\n")
	// A small buffer forces long lines through the assembly path; the
	// default one holds them whole.
	for _, bufSize := range []int{16, 64, 199, 200, 201, 202, 203, 4096} {
		t.Run(fmt.Sprintf("with a %d-byte buffer", bufSize), func(t *testing.T) {
			cfg := ReaderConfig{MaxLineBytes: 200}.withDefaults()
			r := newReader(strings.NewReader(input), cfg, bufSize)
			_, views := readAll(t, r)
			s := r.Stats()
			if s.Lines != 7 || s.Parsed != 5 || s.Malformed != 2 || !slices.Equal(s.FirstMalformed, []int64{4, 6}) {
				t.Fatalf("Stats = %+v", s)
			}
			for i, want := range []int{100, 150, 200, 200, 60} {
				if got := len(views[i].Path) + len(`{"ts":"2026-03-02T09:00:00Z","client_ip":"::","path":""}`); got != want {
					t.Errorf("record %d came from a %d-byte line, want %d", i, got, want)
				}
			}
			if cap(r.long) > 1000 {
				t.Errorf("the line buffer grew to %d bytes; the 5000-byte line must not be held whole", cap(r.long))
			}
		})
	}
}

func TestReaderHandlesLineEndingsAndEmptyLines(t *testing.T) {
	const ok = `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.10"}`
	tests := []struct {
		name   string
		input  string
		parsed int64
		lines  int64
	}{
		{"an empty input has no lines", "", 0, 0},
		{"a lone newline is one empty line", "\n", 0, 1},
		{"a last line without a newline is read", ok + "\n" + ok, 2, 2},
		{"CRLF line endings are stripped", ok + "\r\n" + ok + "\r\n", 2, 2},
		{"blank and white-space lines are skipped, not malformed", "\n \t\n\r\n" + ok + "\n\n", 1, 5},
		{"a byte order mark before the first line is dropped", "\xef\xbb\xbf" + ok + "\n", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.input), ReaderConfig{})
			readAll(t, r)
			s := r.Stats()
			if s.Parsed != tt.parsed || s.Lines != tt.lines || s.Malformed != 0 || r.Err() != nil {
				t.Errorf("Stats = %+v, Err = %v; want %d parsed of %d lines", s, r.Err(), tt.parsed, tt.lines)
			}
		})
	}
}

func TestReaderDetectsTheFormatFromTheFirstDetectableLine(t *testing.T) {
	input := "\n# a comment\n" + benchCLFLine + "\n" + benchJSONLine + "\n" + benchCLFLine + "\n"
	r := NewReader(strings.NewReader(input), ReaderConfig{})
	if r.Format() != FormatAuto {
		t.Fatalf("Format before reading = %q, want auto", r.Format())
	}
	readAll(t, r)
	s := r.Stats()
	if s.Format != FormatCLF || s.Parsed != 2 || !slices.Equal(s.FirstMalformed, []int64{2, 4}) {
		t.Fatalf("Stats = %+v", s)
	}
	if !errors.Is(s.FirstErrors[0], ErrUnknownFormat) || !errors.Is(s.FirstErrors[1], ErrMalformed) {
		t.Errorf("FirstErrors = %v", s.FirstErrors)
	}
}

func TestReaderRemembersOnlyKeepMalformedLineNumbers(t *testing.T) {
	input := strings.Repeat("bad\n", 10) + benchJSONLine + "\n"
	tests := []struct {
		name string
		keep int
		want []int64
	}{
		{"the default remembers five", 0, []int64{1, 2, 3, 4, 5}},
		{"three remembers three", 3, []int64{1, 2, 3}},
		{"a negative number remembers none", -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(input), ReaderConfig{Format: FormatJSON, KeepMalformed: tt.keep})
			readAll(t, r)
			s := r.Stats()
			if s.Malformed != 10 || s.Parsed != 1 || !slices.Equal(s.FirstMalformed, tt.want) {
				t.Errorf("Stats = %+v, want 10 malformed, first %v", s, tt.want)
			}
		})
	}
}

// failingReader returns data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderStopsOnReadErrors(t *testing.T) {
	errDisk := errors.New("disk on fire")
	gz := gzipBytes(t, []byte(strings.Repeat(benchJSONLine+"\n", 100)))
	tests := []struct {
		name    string
		src     io.Reader
		cfg     ReaderConfig
		wantErr error
		wantMsg string
	}{
		{"a read error is reported with the line number", &failingReader{[]byte(benchJSONLine + "\n" + benchJSONLine), errDisk}, ReaderConfig{}, errDisk, "reading line 2"},
		{"a truncated gzip stream is an error", bytes.NewReader(gz[:len(gz)/2]), ReaderConfig{}, io.ErrUnexpectedEOF, "reading line"},
		{"a bad gzip header is an error", strings.NewReader("\x1f\x8bnot really gzip"), ReaderConfig{}, gzip.ErrHeader, "gzip header"},
		{"an invalid config is an error", strings.NewReader(""), ReaderConfig{Format: "xml"}, ErrInvalidConfig, `format "xml"`},
		{"a negative line limit is an error", strings.NewReader(""), ReaderConfig{MaxLineBytes: -1}, ErrInvalidConfig, "max line bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(tt.src, tt.cfg)
			readAll(t, r)
			err := r.Err()
			if !errors.Is(err, tt.wantErr) || !strings.Contains(fmt.Sprint(err), tt.wantMsg) {
				t.Fatalf("Err = %v, want %v mentioning %q", err, tt.wantErr, tt.wantMsg)
			}
			var rec Record
			if r.Next(&rec) {
				t.Fatal("Next returned true after an error")
			}
		})
	}
}

func TestReaderConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  ReaderConfig
		ok   bool
	}{
		{"the zero config is valid", ReaderConfig{}, true},
		{"a format alias is valid", ReaderConfig{Format: "combined"}, true},
		{"an unknown format is invalid", ReaderConfig{Format: "xml"}, false},
		{"a negative line limit is invalid", ReaderConfig{MaxLineBytes: -5}, false},
		{"a negative KeepMalformed is valid", ReaderConfig{KeepMalformed: -1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidConfig)) {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestReaderNextDoesNotAllocate(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"plain JSON", benchJSONFile(1000)},
		{"gzipped JSON", gzipBytes(t, benchJSONFile(1000))},
		{"combined log with malformed lines", []byte(strings.Repeat(benchCLFLine+"\nbad line\n\n", 100))},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := NewReader(&cycle{data: c.data}, ReaderConfig{})
			var rec Record
			for range 5000 { // warm up
				r.Next(&rec)
			}
			if n := testing.AllocsPerRun(5000, func() { r.Next(&rec) }); n != 0 {
				t.Errorf("Next allocates %v times per line, want 0", n)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	f, err := Open(filepath.Join("testdata", "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(f, ReaderConfig{})
	readAll(t, r)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if r.Stats().Parsed != 6 {
		t.Errorf("read %d records through Open", r.Stats().Parsed)
	}

	if _, err := Open(filepath.Join("testdata", "missing.log")); !errors.Is(err, fs.ErrNotExist) ||
		!strings.HasPrefix(err.Error(), "ingest: ") {
		t.Errorf("Open of a missing file = %v", err)
	}
	stdin, err := Open("-")
	if err != nil || stdin == nil {
		t.Fatalf("Open(-) = %v, %v", stdin, err)
	}
	if err := stdin.Close(); err != nil {
		t.Fatal(err)
	}
}

// refRead is what a Reader with cfg should produce for plain input, worked
// out line by line with strings.Split and fresh parsers.
func refRead(data []byte, cfg ReaderConfig) ([]view, Stats) {
	cfg = cfg.withDefaults()
	var views []view
	st := Stats{Format: cfg.Format}
	lines := strings.Split(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // no line after the last newline
	}
	bad := func() {
		st.Malformed++
		if len(st.FirstMalformed) < cfg.KeepMalformed {
			st.FirstMalformed = append(st.FirstMalformed, st.Lines)
		}
	}
	for i, l := range lines {
		st.Lines++
		l = strings.TrimSuffix(l, "\r")
		if len(l) > cfg.MaxLineBytes {
			bad()
			continue
		}
		if i == 0 {
			l = strings.TrimPrefix(l, "\xef\xbb\xbf")
		}
		if strings.Trim(l, " \t\r\n") == "" {
			continue
		}
		if st.Format == FormatAuto {
			f, err := DetectFormat([]byte(l))
			if err != nil {
				bad()
				continue
			}
			st.Format = f
		}
		var rec Record
		if err := refParse(st.Format, []byte(l), &rec); err != nil {
			bad()
			continue
		}
		st.Parsed++
		views = append(views, viewOf(&rec))
	}
	return views, st
}

// refParse parses line in format f with a fresh parser of that format, as
// detected with no log_format or field mapping given.
func refParse(f Format, line []byte, rec *Record) error {
	switch f {
	case FormatJSON:
		return new(JSONParser).Parse(line, rec)
	case FormatCaddy:
		return new(CaddyParser).Parse(line, rec)
	case FormatEnvoy:
		return new(EnvoyParser).Parse(line, rec)
	case FormatEnvoyJSON:
		return new(EnvoyJSONParser).Parse(line, rec)
	case FormatTraefik:
		return new(TraefikParser).Parse(line, rec)
	case FormatNginx:
		p, err := NewNginxParser(NginxJSONExample)
		if err != nil {
			return err
		}
		return p.Parse(line, rec)
	}
	return new(CLFParser).Parse(line, rec)
}

func FuzzReader(f *testing.F) {
	for _, name := range []string{"access.jsonl", "access.log", "quirks.log"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0), uint16(0))
		f.Add(data, uint8(40), uint16(100))
		f.Add(gzipBytes(f, data), uint8(0), uint16(0))
	}
	f.Add([]byte("\xef\xbb\xbf\r\n\n"+benchCLFLine+"\r\n"+benchCLFLine), uint8(16), uint16(64))
	f.Fuzz(func(t *testing.T, data []byte, bufSize uint8, maxLine uint16) {
		cfg := ReaderConfig{MaxLineBytes: int(maxLine), KeepMalformed: 3}
		r := newReader(bytes.NewReader(data), cfg.withDefaults(), max(int(bufSize), 16))
		var got []view
		var rec Record
		for r.Next(&rec) {
			assertCapped(t, &rec)
			got = append(got, viewOf(&rec))
		}
		s := r.Stats()
		if s.Parsed+s.Malformed > s.Lines || int64(len(got)) != s.Parsed || len(s.FirstMalformed) > 3 ||
			!slices.IsSorted(s.FirstMalformed) || len(s.FirstErrors) != len(s.FirstMalformed) {
			t.Fatalf("inconsistent Stats %+v for %d records", s, len(got))
		}
		if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
			return // gzip: no reference, just no panic
		}
		if err := r.Err(); err != nil {
			t.Fatalf("Err = %v reading from memory", err)
		}
		want, ws := refRead(data, cfg)
		if !slices.Equal(got, want) {
			t.Fatalf("records differ from a line-by-line reading:\n got %v\nwant %v", got, want)
		}
		if s.Lines != ws.Lines || s.Parsed != ws.Parsed || s.Malformed != ws.Malformed ||
			!slices.Equal(s.FirstMalformed, ws.FirstMalformed) || s.Format != ws.Format {
			t.Fatalf("Stats = %+v, a line-by-line reading says %+v", s, ws)
		}
	})
}
