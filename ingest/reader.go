package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// Defaults for ReaderConfig.
const (
	DefaultMaxLineBytes  = 1 << 20
	DefaultKeepMalformed = 5
)

// maxBufferBytes caps the bufio buffer; longer lines (up to MaxLineBytes)
// are assembled in a separate, reused buffer.
const maxBufferBytes = 1 << 20

const errLineTooLong = malformed("line is longer than MaxLineBytes")

// ReaderConfig configures a Reader. The zero value is valid and means
// auto-detection and the defaults below.
type ReaderConfig struct {
	// Format of the input, as ParseFormat reads it. "" or FormatAuto
	// detects it from the first non-empty line.
	Format Format
	// MaxLineBytes is the longest line, without its line ending, that is
	// parsed; longer lines are counted as malformed and skipped without being
	// held in memory whole. 0 means DefaultMaxLineBytes (1 MiB).
	MaxLineBytes int
	// KeepMalformed is how many malformed line numbers Stats remembers. 0
	// means DefaultKeepMalformed (5); a negative value remembers none.
	KeepMalformed int
	// LogFormat is an nginx log_format string (see NginxParser); setting
	// it implies FormatNginx.
	LogFormat string
	// JSONFields maps Record fields to paths in JSON lines of another
	// shape (see FieldMapParser); setting it implies FormatJSONMap.
	JSONFields map[string]string
	// Reorder puts records that arrive out of event-time order back in
	// order (see Reorder). The zero value leaves them in the order of the
	// input and only counts those that go back in time.
	Reorder ReorderConfig
}

// Validate reports an error wrapping ErrInvalidConfig if c cannot be used.
func (c ReaderConfig) Validate() error {
	var errs []error
	if _, err := ParseFormat(string(c.Format)); err != nil {
		errs = append(errs, fmt.Errorf("ingest: %w: format %q: use %s", ErrInvalidConfig, c.Format, validFormats))
	}
	if c.Format == FormatNginx && c.LogFormat == "" {
		errs = append(errs, fmt.Errorf("ingest: %w: format nginx needs the log_format string its lines were written with (--log-format)", ErrInvalidConfig))
	}
	if c.LogFormat != "" {
		if c.Format != FormatAuto && c.Format != FormatNginx && c.Format != "" {
			errs = append(errs, fmt.Errorf("ingest: %w: a log_format is given with format %q; drop one, or set format nginx", ErrInvalidConfig, c.Format))
		}
		if _, err := NewNginxParser(c.LogFormat); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Format == FormatJSONMap && len(c.JSONFields) == 0 {
		errs = append(errs, fmt.Errorf("ingest: %w: format json-map needs a field mapping (--json-fields ts=@timestamp,client_ip=...)", ErrInvalidConfig))
	}
	if len(c.JSONFields) > 0 {
		if c.Format != FormatAuto && c.Format != FormatJSONMap && c.Format != "" {
			errs = append(errs, fmt.Errorf("ingest: %w: a json field mapping is given with format %q; drop one, or set format json-map", ErrInvalidConfig, c.Format))
		}
		if c.LogFormat != "" {
			errs = append(errs, fmt.Errorf("ingest: %w: both a log_format and a json field mapping are given; a recording has one format", ErrInvalidConfig))
		}
		if _, err := NewFieldMapParser(c.JSONFields); err != nil {
			errs = append(errs, err)
		}
	}
	if c.MaxLineBytes < 0 {
		errs = append(errs, fmt.Errorf("ingest: %w: max line bytes is %d: use a positive size, or 0 for the default of %d",
			ErrInvalidConfig, c.MaxLineBytes, DefaultMaxLineBytes))
	}
	if err := c.Reorder.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c ReaderConfig) withDefaults() ReaderConfig {
	if f, err := ParseFormat(string(c.Format)); err == nil {
		c.Format = f // canonical name; Validate reports a bad one
	}
	if c.LogFormat != "" && c.Format == FormatAuto {
		c.Format = FormatNginx
	}
	if len(c.JSONFields) > 0 && c.Format == FormatAuto {
		c.Format = FormatJSONMap
	}
	if c.MaxLineBytes == 0 {
		c.MaxLineBytes = DefaultMaxLineBytes
	}
	switch {
	case c.KeepMalformed == 0:
		c.KeepMalformed = DefaultKeepMalformed
	case c.KeepMalformed < 0:
		c.KeepMalformed = 0
	}
	return c
}

// Stats counts what a Reader has read so far.
type Stats struct {
	// Lines is the number of lines read, including empty ones; the lines
	// that were neither parsed nor malformed were empty.
	Lines int64
	// Parsed is the number of lines parsed into Records. All of them are
	// returned; with re-ordering, some are still held until Next has
	// returned false.
	Parsed int64
	// Malformed is the number of lines skipped because they could not be
	// parsed or were too long.
	Malformed int64
	// Late is the number of records returned behind a record with a later
	// event time, because they came more than ReorderConfig.Lateness late
	// (or re-ordering was off, or its buffer full). They are returned as
	// they came, not dropped.
	Late int64
	// Early is the number of records returned before their time because the
	// re-order buffer was full.
	Early int64
	// FirstMalformed holds the 1-based numbers of the first malformed lines,
	// at most ReaderConfig.KeepMalformed of them.
	FirstMalformed []int64
	// FirstErrors holds why each line in FirstMalformed was rejected, in the
	// same order. Each wraps ErrMalformed or ErrUnknownFormat.
	FirstErrors []error
	// Format is the format in use: the configured one, or the one detected;
	// FormatAuto if nothing has been detected yet.
	Format Format
}

// Reader reads access-log records from a stream of lines. It is not safe
// for concurrent use.
type Reader struct {
	src     io.Reader
	cfg     ReaderConfig
	bufSize int

	br      *bufio.Reader
	long    []byte // assembles lines longer than br's buffer
	started bool
	done    bool
	err     error

	lines LineParser
	stats Stats

	reorder *Reorder
	parsed  Record // the record being pushed into reorder
	drained bool   // the input has ended and reorder has been flushed
}

// NewReader returns a Reader of the lines of r. Input that starts with the
// gzip magic bytes is decompressed transparently (concatenated gzip members
// too). The format is detected from the first non-empty line unless
// cfg.Format is set; lines before a detectable one count as malformed. Input
// is not read until the first call to Next. An invalid cfg is reported by
// Err after Next returns false.
func NewReader(r io.Reader, cfg ReaderConfig) *Reader {
	cfg = cfg.withDefaults()
	return newReader(r, cfg, min(max(cfg.MaxLineBytes+2, 64<<10), maxBufferBytes))
}

func newReader(r io.Reader, cfg ReaderConfig, bufSize int) *Reader {
	rd := &Reader{src: r, cfg: cfg, bufSize: bufSize, lines: LineParser{format: cfg.Format}}
	if err := cfg.Validate(); err != nil {
		rd.err = err
		rd.done = true
		rd.drained = true
	} else {
		rd.reorder, _ = NewReorder(cfg.Reorder) // cfg.Reorder is valid
		rd.lines, _ = NewLineParser(cfg)        // valid too
	}
	rd.stats.FirstMalformed = make([]int64, 0, cfg.KeepMalformed)
	rd.stats.FirstErrors = make([]error, 0, cfg.KeepMalformed)
	return rd
}

// start sets up buffering and gzip decompression.
func (r *Reader) start() error {
	r.started = true
	br := bufio.NewReaderSize(r.src, r.bufSize)
	magic, _ := br.Peek(2) // a short or failed peek is not gzip; the error recurs on read
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("ingest: reading gzip header: %w", err)
		}
		br = bufio.NewReaderSize(gz, r.bufSize)
	}
	r.br = br
	return nil
}

// Next fills rec with the next well-formed record and reports whether there
// was one. Malformed lines are counted and skipped, never fatal; empty lines
// are skipped; a trailing "\r" is stripped. With ReaderConfig.Reorder,
// records come in event-time order as far as its lateness allows. Next
// returns false at the end of the input or on a read error, which Err then
// reports, after the records held for re-ordering.
//
// rec's byte slices alias the Reader's buffers and are valid until the next
// call to Next.
func (r *Reader) Next(rec *Record) bool {
	for {
		if r.reorder == nil {
			return false
		}
		if r.reorder.Pop(rec) {
			return true
		}
		if r.drained {
			return false
		}
		if !r.next(&r.parsed) {
			r.drained = true
			r.reorder.Flush()
			continue
		}
		r.reorder.Push(&r.parsed)
	}
}

// next reads the next well-formed record in input order.
func (r *Reader) next(rec *Record) bool {
	if r.done {
		return false
	}
	if !r.started {
		if err := r.start(); err != nil {
			r.fail(err)
			return false
		}
	}
	for {
		line, tooLong, err := r.readLine()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.fail(fmt.Errorf("ingest: reading line %d: %w", r.stats.Lines+1, err))
			}
			r.done = true
			return false
		}
		r.stats.Lines++
		if tooLong {
			r.malformed(errLineTooLong)
			continue
		}
		if r.stats.Lines == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
		}
		if atEnd(line, 0) {
			continue
		}
		err = r.lines.Parse(line, rec)
		if err != nil {
			r.malformed(err)
			continue
		}
		r.stats.Parsed++
		return true
	}
}

func (r *Reader) fail(err error) {
	r.err = err
	r.done = true
}

func (r *Reader) malformed(err error) {
	r.stats.Malformed++
	if len(r.stats.FirstMalformed) < r.cfg.KeepMalformed {
		r.stats.FirstMalformed = append(r.stats.FirstMalformed, r.stats.Lines)
		r.stats.FirstErrors = append(r.stats.FirstErrors, err)
	}
}

// readLine returns the next line without its line ending. A line longer
// than MaxLineBytes is reported as tooLong, and only MaxLineBytes of it are
// ever held. It returns io.EOF after the last line.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	limit := r.cfg.MaxLineBytes + 2 // room for "\r\n"
	r.long = r.long[:0]
	for {
		frag, err := r.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if !tooLong {
				if len(r.long)+len(frag) > limit {
					tooLong = true
					r.long = r.long[:0]
				} else {
					r.long = append(r.long, frag...)
				}
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		if err != nil && len(frag) == 0 && len(r.long) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		// frag ends the line; the next call sees io.EOF again if it was the last.
		if tooLong {
			return nil, true, nil
		}
		line = frag
		if len(r.long) > 0 {
			r.long = append(r.long, frag...)
			line = r.long
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > r.cfg.MaxLineBytes {
			return nil, true, nil
		}
		return line, false, nil
	}
}

// Err returns the error that stopped the Reader, or nil at a clean end of
// input. Malformed lines are not errors; see Stats.
func (r *Reader) Err() error { return r.err }

// Stats returns counts of what has been read so far. The slices in it are
// copies that the caller owns.
func (r *Reader) Stats() Stats {
	s := r.stats
	s.FirstMalformed = append([]int64(nil), r.stats.FirstMalformed...)
	s.FirstErrors = append([]error(nil), r.stats.FirstErrors...)
	s.Format = r.lines.format
	if r.reorder != nil {
		rs := r.reorder.Stats()
		s.Late, s.Early = rs.Late, rs.Early
	}
	return s
}

// Format returns the format in use: the configured one, the one detected,
// or FormatAuto before anything has been detected.
func (r *Reader) Format() Format { return r.lines.format }

// Open opens path for reading, "-" meaning standard input. The caller closes
// what it returns; closing standard input this way leaves it open.
func Open(path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return f, nil
}

// LineParser parses lines of one access-log format into Records: the
// format given, or the one DetectFormat finds in the first line it can
// place. Reader uses one; so does the online detector, for message values.
// Its zero value detects the format. It is not safe for concurrent use.
type LineParser struct {
	format Format
	json   JSONParser
	clf    CLFParser
	caddy  CaddyParser
	nginx  *NginxParser
	envoy  EnvoyParser
	envoyJ EnvoyJSONParser
	traef  TraefikParser
	fmap   *FieldMapParser
}

// NewLineParser returns a LineParser for cfg's Format, LogFormat and
// JSONFields (the rest of cfg is the Reader's).
func NewLineParser(cfg ReaderConfig) (LineParser, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return LineParser{}, err
	}
	p := LineParser{format: cfg.Format}
	if cfg.LogFormat != "" {
		p.nginx, _ = NewNginxParser(cfg.LogFormat) // valid: Validate parsed it
	}
	if len(cfg.JSONFields) > 0 {
		p.fmap, _ = NewFieldMapParser(cfg.JSONFields) // valid too
	}
	return p, nil
}

// Format returns the format being read: FormatAuto until a line placed it.
func (p *LineParser) Format() Format { return p.format }

// Parse parses line into rec. With FormatAuto, the first line whose format
// DetectFormat recognises sets it; a line before that is an error. It
// allocates nothing in steady state.
func (p *LineParser) Parse(line []byte, rec *Record) error {
	if p.format == FormatAuto || p.format == "" {
		f, err := DetectFormat(line)
		if err != nil {
			return err
		}
		p.format = f
	}
	switch p.format {
	case FormatJSON:
		return p.json.Parse(line, rec)
	case FormatCaddy:
		return p.caddy.Parse(line, rec)
	case FormatNginx:
		if p.nginx == nil { // detected, with no log_format given
			p.nginx, _ = NewNginxParser(NginxJSONExample)
		}
		return p.nginx.Parse(line, rec)
	case FormatEnvoy:
		return p.envoy.Parse(line, rec)
	case FormatEnvoyJSON:
		return p.envoyJ.Parse(line, rec)
	case FormatTraefik:
		return p.traef.Parse(line, rec)
	case FormatJSONMap:
		return p.fmap.Parse(line, rec)
	}
	return p.clf.Parse(line, rec)
}
