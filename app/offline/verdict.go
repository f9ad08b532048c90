package offline

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
)

// DefaultMaxMalformed is the share of non-empty input lines, in percent,
// that train and score may skip as malformed before they call the input
// bad. A real access log has a few broken lines (a truncated last line, a
// health check in another format); a file of the wrong kind has mostly.
const DefaultMaxMalformed = 10.0

// ErrBadInput is wrapped by every verdict that the input is not an access
// log the command can read.
var ErrBadInput = errors.New("bad input")

// MaxMalformed is --max-malformed of train and score: the share of the
// input's non-empty lines, in percent, that may be malformed.
type MaxMalformed float64

// Validate says what is wrong with m.
func (m MaxMalformed) Validate() error {
	if m != m || m < 0 || m > 100 {
		return fmt.Errorf("--max-malformed %v is outside [0,100]: it is a percentage of the input's lines", float64(m))
	}
	return nil
}

// check returns an error wrapping ErrBadInput when st shows no record at all,
// or a share of malformed lines above the limit. The error says how many
// lines could be read, quotes the first bad one (escaped), and says what to
// do.
func (m MaxMalformed) check(st detector.InputStats, format string) error {
	read := st.Parsed + st.Malformed // non-empty lines
	if read == 0 {
		return fmt.Errorf("%w: the input has no lines (%d empty): pass a recording of access-log lines with --in", ErrBadInput, st.Lines)
	}
	share := 100 * float64(st.Malformed) / float64(read)
	if st.Parsed > 0 && share <= float64(m) {
		return nil
	}
	what := "as JSON lines or combined log format"
	switch format {
	case "json":
		what = "as JSON lines (--format json)"
	case "clf":
		what = "in combined log format (--format clf)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s lines could be read %s", commas(st.Parsed), commas(read), what)
	if st.Parsed > 0 {
		fmt.Fprintf(&b, "; %.1f%% are malformed, more than --max-malformed %g%% allows", share, float64(m))
	}
	if len(st.FirstMalformed) > 0 {
		where := st.FirstMalformed[0]
		fmt.Fprintf(&b, "; the first bad line, %s, is %s", printable(where), quoteLine(where))
	}
	switch format {
	case "auto", "":
		b.WriteString("; pass --format json or --format clf, or check that the file is an access log")
	default:
		b.WriteString("; check --format and that the file is an access log")
	}
	return fmt.Errorf("%w: %s", ErrBadInput, b.String())
}

// maxQuoted is how much of a bad line a verdict quotes.
const maxQuoted = 120

// quoteLine reads the line that where ("file:line", as InputStats names it)
// points at, and returns it Go-quoted, so control bytes and escape
// sequences in it cannot reach the terminal, and cut to maxQuoted bytes.
func quoteLine(where string) string {
	i := strings.LastIndexByte(where, ':')
	if i < 0 {
		return "(unreadable)"
	}
	n, err := strconv.ParseInt(where[i+1:], 10, 64)
	if err != nil || n < 1 {
		return "(unreadable)"
	}
	if where[:i] == "-" {
		return "(not shown: stdin is read once)"
	}
	line, err := readLineAt(where[:i], n)
	if err != nil {
		return "(unreadable: " + printable(err.Error()) + ")"
	}
	cut := ""
	if len(line) > maxQuoted {
		line, cut = line[:maxQuoted], "…"
	}
	return strconv.QuoteToASCII(string(line)) + cut
}

// readLineAt returns the n-th line (1-based) of the file at path, gunzipped
// if it is gzip, without its line ending and at most maxQuoted+1 bytes long.
func readLineAt(path string, n int64) ([]byte, error) {
	rc, err := ingest.Open(path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		r = gz
	}
	lr := bufio.NewReader(r)
	for i := int64(1); ; i++ {
		var line []byte
		for {
			frag, err := lr.ReadSlice('\n')
			if len(line) <= maxQuoted {
				line = append(line, frag[:min(len(frag), maxQuoted+1-len(line))]...)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil && (!errors.Is(err, io.EOF) || len(frag) == 0) {
				if errors.Is(err, io.EOF) {
					return nil, fmt.Errorf("no line %d", n)
				}
				return nil, err
			}
			break
		}
		if i == n {
			line = []byte(strings.TrimRight(string(line), "\r\n"))
			if i == 1 {
				line = []byte(strings.TrimPrefix(string(line), "\xef\xbb\xbf"))
			}
			return line, nil
		}
	}
}

// commas writes n with thousands separators, as the verdicts quote counts.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// scanInputs reads files as train and score would, to count their lines
// when a command failed before it could report them.
func scanInputs(files []*detector.FileSource) (detector.InputStats, error) {
	var st detector.InputStats
	var rec ingest.Record
	for _, f := range files {
		r, closeFn, err := f.Open()
		if err != nil {
			return st, err
		}
		for r.Next(&rec) {
		}
		s := r.Stats()
		err = errors.Join(r.Err(), closeFn())
		st.Lines += s.Lines
		st.Parsed += s.Parsed
		st.Malformed += s.Malformed
		for _, n := range s.FirstMalformed {
			st.FirstMalformed = append(st.FirstMalformed, fmt.Sprintf("%s:%d", f.Name(), n))
		}
		if err != nil {
			return st, err
		}
	}
	return st, nil
}

// printable returns s with control and non-ASCII bytes replaced by '?':
// a decision's campaign names an endpoint from the logs, and the store it
// is read from is not trusted to keep it clean.
func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}
