package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// FileConfig configures a FileConsumer: an access log read from a file on
// the detector's own machine, in place of Kafka.
type FileConfig struct {
	// Path is the log file, as the web server writes it.
	Path string `yaml:"path"`
	// Follow keeps reading as the file grows and is rotated. Without it,
	// the consumer reads the file to its end and stops there.
	Follow bool `yaml:"follow"`
	// Checkpoint is a file the consumer owns, where it keeps the position
	// (inode, offset) up to which decisions are stored, so that a restart
	// neither skips nor re-reads lines. Required.
	Checkpoint string `yaml:"checkpoint"`
	// Start is where to begin when there is no checkpoint, or its file is
	// gone: "beginning" (default) or "end" of the current file.
	Start string `yaml:"start"`
	// Poll is how often the end of the file is checked for growth and
	// rotation. Default DefaultFollowPoll.
	Poll time.Duration `yaml:"poll"`
}

// FileConfig.Start values.
const (
	FileStartBeginning = "beginning"
	FileStartEnd       = "end"
)

// WithDefaults returns c with zero settings at their defaults.
func (c FileConfig) WithDefaults() FileConfig {
	c.Start = strings.ToLower(strings.TrimSpace(c.Start))
	if c.Start == "" {
		c.Start = FileStartBeginning
	}
	setDefault(&c.Poll, DefaultFollowPoll)
	return c
}

type fileConfigError string

func (e fileConfigError) Error() string { return "ingest: input.file config: " + string(e) }

func (e fileConfigError) Unwrap() error { return ErrInvalidConfig }

// Validate reports every problem of c, each wrapping ErrInvalidConfig.
func (c FileConfig) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fileConfigError(fmt.Sprintf(format, args...))) }
	d := c.WithDefaults()
	if strings.TrimSpace(c.Path) == "" {
		add("path: empty: give the access log to read, as in path: /var/log/nginx/access.json")
	}
	if strings.TrimSpace(c.Checkpoint) == "" {
		add("checkpoint: empty: give a file the detector may write, as in checkpoint: /var/lib/portcullis/access.checkpoint")
	} else if c.Path != "" && filepath.Clean(c.Checkpoint) == filepath.Clean(c.Path) {
		add("checkpoint is the log file itself: give another file")
	}
	if d.Start != FileStartBeginning && d.Start != FileStartEnd {
		add("start is %q: use %q or %q", c.Start, FileStartBeginning, FileStartEnd)
	}
	if c.Poll < 0 {
		add("poll is %s: use a positive duration, or 0 for the default", c.Poll)
	}
	return errors.Join(errs...)
}

// ReadCheckpoint reads a checkpoint file. It returns nil and no error when
// the file does not exist.
func ReadCheckpoint(path string) (*FilePos, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: checkpoint: %w", err)
	}
	var p FilePos
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("ingest: checkpoint %s: %w (delete it to start per input.file.start)", path, err)
	}
	if p.Offset < 0 {
		return nil, fmt.Errorf("ingest: checkpoint %s: negative offset %d (delete it to start per input.file.start)", path, p.Offset)
	}
	return &p, nil
}

// WriteCheckpoint replaces the checkpoint file at path with p atomically:
// it writes a temporary file next to it, syncs it and renames it over
// path, so a reader, or a restart after a crash at any point, finds either
// the old checkpoint or the new one, whole.
func WriteCheckpoint(path string, p FilePos) error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("ingest: checkpoint: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("ingest: checkpoint: %w", err)
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("ingest: checkpoint %s: %w", path, err)
	}
	return nil
}

// FileConsumer reads an access log from a file as the online detector's
// consumer: each line is a message of partition 0 whose Offset is the
// line's byte offset. Commit writes the checkpoint after the last message
// given, so, as with Kafka, the caller commits only what it has acted on,
// and a restart resumes there.
type FileConsumer struct {
	cfg    FileConfig
	logger *slog.Logger

	mu sync.Mutex // serialises Fetch; Commit runs beside it
	ff *FileFollower
	// first is the file the first fetched line came from, for Rewind.
	first FilePos

	commitMu sync.Mutex
	last     FilePos // last checkpoint written
}

// NewFileConsumer opens the log file and places the consumer at its
// checkpoint (see OpenFileFollower for rotated files), or per cfg.Start.
func NewFileConsumer(cfg FileConfig, logger *slog.Logger) (*FileConsumer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	logger = orDiscard(logger)
	at, err := ReadCheckpoint(cfg.Checkpoint)
	if err != nil {
		return nil, err
	}
	ff, found, err := OpenFileFollower(cfg.Path, at, cfg.Start == FileStartEnd, cfg.Follow, cfg.Poll)
	if err != nil {
		return nil, err
	}
	pos := ff.Pos()
	switch {
	case found:
		logger.Info("file input: resuming from the checkpoint", "path", cfg.Path, "inode", pos.Inode, "offset", pos.Offset)
	case at != nil:
		logger.Warn("file input: the checkpoint's file is gone or shorter than the checkpoint; starting per input.file.start",
			"path", cfg.Path, "checkpoint_inode", at.Inode, "checkpoint_offset", at.Offset, "start", cfg.Start, "offset", pos.Offset)
	default:
		logger.Info("file input: no checkpoint; starting per input.file.start", "path", cfg.Path, "start", cfg.Start, "offset", pos.Offset)
	}
	c := &FileConsumer{cfg: cfg, logger: logger, ff: ff, first: pos}
	if at != nil {
		c.last = *at
	}
	return c, nil
}

// Fetch returns the next line as a message, waiting for one when
// following. Its Value belongs to the caller. It returns ctx.Err() when ctx
// ends first, and an error wrapping io.EOF at the end of a file that is not
// followed.
func (c *FileConsumer) Fetch(ctx context.Context) (Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, err := c.ff.Next(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Message{}, ctx.Err()
		}
		return Message{}, fmt.Errorf("ingest: read %s: %w", c.cfg.Path, err)
	}
	return Message{
		Partition: 0,
		Offset:    l.Pos.Offset,
		Value:     append([]byte(nil), l.Data...),
		Time:      time.Now(),
		end:       l.End,
	}, nil
}

// Commit writes the checkpoint after the last of msgs, which must be
// messages Fetch returned, in the order it returned them, all acted on.
func (c *FileConsumer) Commit(_ context.Context, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	end := msgs[len(msgs)-1].end
	if end == (FilePos{}) {
		return fmt.Errorf("ingest: commit to checkpoint %s: the message did not come from this file consumer", c.cfg.Checkpoint)
	}
	c.commitMu.Lock()
	defer c.commitMu.Unlock()
	if end == c.last {
		return nil
	}
	if err := WriteCheckpoint(c.cfg.Checkpoint, end); err != nil {
		return err
	}
	c.last = end
	return nil
}

// Rewind calls fn with the lines of the file the consumer started in, from
// its start up to offset until, excluded, to warm the detector's state
// after a restart. It reads more than the messages from since on that the
// detector asks for (a line's time is only known once parsed): the whole
// file before the checkpoint, which leaves the state that a detector that
// never stopped would have, at the cost of reading the file once more.
// It reads only the file of the first line fetched (partition 0).
func (c *FileConsumer) Rewind(ctx context.Context, partition int, _ time.Time, until int64, fn func(Message)) error {
	if partition != 0 {
		return nil
	}
	ff, found, err := OpenFileFollower(c.cfg.Path, &FilePos{Inode: c.first.Inode}, false, false, 0)
	if err != nil {
		return err
	}
	defer ff.Close()
	if !found {
		return fmt.Errorf("ingest: rewind %s: the file with inode %d is gone", c.cfg.Path, c.first.Inode)
	}
	for {
		l, err := ff.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ingest: rewind %s: %w", c.cfg.Path, err)
		}
		if l.Pos.Inode != c.first.Inode || l.Pos.Offset >= until {
			return nil
		}
		fn(Message{Offset: l.Pos.Offset, Value: append([]byte(nil), l.Data...), Time: time.Now(), end: l.End})
	}
}

// Close closes the file. It waits for a Fetch under way: end that Fetch's
// context first.
func (c *FileConsumer) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ff.Close()
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// orDiscard returns logger, or a logger that discards everything for nil.
// The caller tags the logger with its component.
func orDiscard(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return logger
}
