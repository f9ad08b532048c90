package detector

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// FileSource reads a recording from a file ("-" for stdin); gzip is
// detected from the content.
type FileSource struct {
	Path   string
	Reader ingest.ReaderConfig
	// read counts the bytes read from the file, for progress.
	read int64
}

// Name returns the path.
func (f *FileSource) Name() string { return f.Path }

// Open opens the file from its start.
func (f *FileSource) Open() (*ingest.Reader, func() error, error) {
	rc, err := ingest.Open(f.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("detector: %w", err)
	}
	f.read = 0
	return ingest.NewReader(&countingReader{r: rc, n: &f.read}, f.Reader), rc.Close, nil
}

// Size returns the file's size in bytes, or 0 when unknown (stdin).
func (f *FileSource) Size() int64 {
	if f.Path == "-" {
		return 0
	}
	fi, err := os.Stat(f.Path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// InputStats adds up what the readers of several sources saw.
type InputStats struct {
	Lines     int64
	Parsed    int64
	Malformed int64
	// FirstMalformed names the first malformed lines as "file:line".
	FirstMalformed []string
	// Late counts the records run through the pipeline after a record
	// with a later event time: later than the readers' re-ordering allows
	// (ingest.ReorderConfig), within an input or across inputs. They are
	// applied as they came.
	Late int64
}

const keepMalformed = 5

func (s *InputStats) add(name string, st ingest.Stats) {
	s.Lines += st.Lines
	s.Parsed += st.Parsed
	s.Malformed += st.Malformed
	for _, n := range st.FirstMalformed {
		if len(s.FirstMalformed) < keepMalformed {
			s.FirstMalformed = append(s.FirstMalformed, fmt.Sprintf("%s:%d", name, n))
		}
	}
}

// runAll feeds every record of srcs through p, and emit (if not nil) every
// decision. It checks ctx between batches of records. Each source is read
// ahead on a goroutine of its own (see readAhead), which has stopped
// before runAll moves on or returns.
func runAll(ctx context.Context, srcs []Source, p *Pipeline, pass int, progress func(int, int64), emit ...func(*decision.Decision) error) (InputStats, error) {
	run := runState{p: p, emit: emit, newest: math.MinInt64}
	var done int64
	for _, src := range srcs {
		r, closeFn, err := src.Open()
		if err != nil {
			return run.st, err
		}
		fs, _ := src.(*FileSource)
		ra := startReadAhead(r, fs)
		i := 0
		for b := range ra.full {
			for k := range b.recs {
				if err := run.record(&b.recs[k]); err != nil {
					ra.stop()
					closeFn()
					return run.st, err
				}
			}
			n, read := len(b.recs), b.read
			ra.release(b)
			if i += n; i >= 0x10000 {
				i = 0
				if err := ctx.Err(); err != nil {
					ra.stop()
					closeFn()
					return run.st, err
				}
				if progress != nil && fs != nil {
					progress(pass, done+read)
				}
			}
		}
		if fs != nil {
			done += fs.read
		}
		err = r.Err()
		cerr := closeFn()
		run.st.add(src.Name(), r.Stats())
		if err != nil {
			return run.st, fmt.Errorf("detector: read %s: %w", src.Name(), err)
		}
		if cerr != nil {
			return run.st, fmt.Errorf("detector: close %s: %w", src.Name(), cerr)
		}
	}
	if progress != nil {
		progress(pass, done)
	}
	return run.st, nil
}

// runState is what runAll carries from one record to the next.
type runState struct {
	p      *Pipeline
	emit   []func(*decision.Decision) error
	st     InputStats
	newest int64
	more   []*decision.Decision
}

// record runs rec through the pipeline and emits what it decides.
func (s *runState) record(rec *ingest.Record) error {
	if rec.TS < s.newest {
		s.st.Late++
	} else {
		s.newest = rec.TS
	}
	s.more = s.more[:0]
	if d := s.p.Process(rec); d != nil {
		s.more = append(s.more, d)
	}
	for _, d := range s.p.Pending(s.more) {
		for _, e := range s.emit {
			if err := e(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// ScoreResult summarises a Score run.
type ScoreResult struct {
	Input   InputStats
	Stats   Stats
	Elapsed time.Duration
	// Clients is how many distinct clients were decided about.
	Clients int
	// Simulated says the decisions were a dry run.
	Simulated bool
	// Campaigns are the campaigns confirmed, in the order they were.
	Campaigns []campaign.Summary
}

// EventsPerSecond returns the throughput of the run.
func (r ScoreResult) EventsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Input.Parsed) / r.Elapsed.Seconds()
}

// Score runs the records of srcs through a Pipeline judging with m and
// calls emit for each decision, in event-time order.
func Score(ctx context.Context, srcs []Source, cfg Config, m *models.Model, emit func(*decision.Decision) error) (ScoreResult, error) {
	p, err := NewPipeline(cfg, m)
	if err != nil {
		return ScoreResult{}, err
	}
	decided := map[string]bool{}
	count := func(d *decision.Decision) error {
		decided[d.Client] = true
		return nil
	}
	start := time.Now()
	in, err := runAll(ctx, srcs, p, 0, nil, count, emit)
	return ScoreResult{Input: in, Stats: p.Stats(), Elapsed: time.Since(start), Clients: len(decided),
		Simulated: p.cfg.Policy.DryRun, Campaigns: p.Campaigns()}, err
}
