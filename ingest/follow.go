package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"slices"
	"syscall"
	"time"
)

// FilePos is a position in a log file: the file, by inode (a rotation by
// rename keeps it, so a position survives the file's new name), and a byte
// offset in it. Head tells the file by its content once its inode is
// gone, as when logrotate compresses it: a hash of its first line (up to
// headBytes), or 0 before a first line was read.
type FilePos struct {
	Inode  uint64 `json:"inode"`
	Offset int64  `json:"offset"`
	Head   uint64 `json:"head,omitempty"`
}

// headBytes is how much of a file's first line its Head covers.
const headBytes = 1024

// headOf returns the Head of a file that starts with b: the FNV-1a hash of
// b up to its first newline or headBytes, never 0.
func headOf(b []byte) uint64 {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	b = b[:min(len(b), headBytes)]
	h := fnv.New64a()
	h.Write(b)
	return max(h.Sum64(), 1)
}

// DefaultFollowPoll is how often a FileFollower at the end of its file looks
// for growth, rotation and truncation by default.
const DefaultFollowPoll = 250 * time.Millisecond

// rotateGrace is how long a FileFollower keeps reading a file that was
// renamed away while the file now at its path is still empty: the writer
// keeps writing to the old file until it reopens its log (nginx on
// SIGUSR1, right after logrotate's rename), and those lines belong to the
// stream too.
const rotateGrace = 2 * time.Second

// FileFollower reads the lines of a log file in order and, when following,
// keeps reading as the file grows, like tail -F:
//
//   - rotation by rename and create: once the path names another file, it
//     finishes the old one (see rotateGrace), then reads the new one from
//     its start;
//   - a rotated file compressed and removed before it was finished (logrotate's
//     compress without delaycompress): it is read to its end through the
//     file still open, and a follower opened at a checkpoint in it reads
//     the rest from the compressed file (see OpenFileFollower);
//   - rotation by copy and truncate: once the file is shorter than what was
//     read, at the follower's next look at its end, it reads it again from
//     its start (lines written between the copy and the truncation are lost
//     to every reader, not only this one, and a file that grows past the
//     old end between two looks is taken for one that grew);
//   - a last line without its newline is held back until the newline comes,
//     or, when the file is done (not following, or rotated away), returned
//     as it is;
//   - a line longer than DefaultMaxLineBytes is returned cut to that length
//     (the parser then counts it as malformed), and the rest of it skipped.
//
// It polls; no file-system notification is needed. A FileFollower is not
// safe for concurrent use.
type FileFollower struct {
	path   string
	follow bool
	poll   time.Duration

	f     *os.File
	src   io.Reader // f, or a decompressor over it for a compressed predecessor
	inode uint64
	head  uint64 // the file's Head, 0 until its first line is read
	// buf holds bytes read but not yet returned; buf[r:] starts at file
	// offset off.
	buf []byte
	r   int
	off int64
	// rotatedAt is when the follower first saw the path name another file
	// while the old one had nothing more to read; zero otherwise.
	rotatedAt time.Time
	// skipping is set while the rest of a line longer than
	// DefaultMaxLineBytes is skipped.
	skipping bool
	// pendingSwitch is the file to go on with once the old file's last,
	// unterminated line has been returned.
	pendingSwitch *os.File
}

// FileLine is a line a FileFollower returned.
type FileLine struct {
	// Data is the line without its line ending. It belongs to the
	// FileFollower and is valid until the next call to Next.
	Data []byte
	// Pos is where the line starts.
	Pos FilePos
	// End is where the line after it starts: the position to resume from
	// once this line has been acted on.
	End FilePos
}

// OpenFileFollower opens the file at path and places the follower at at,
// when at names that file (by inode) and lies within it, or at its start
// when at names it but lies past its end (it was truncated since).
// Otherwise it starts at the file's end when fromEnd is true, or at its
// start.
//
// When at names a file that is no longer at path but next to it, as a
// rotated predecessor (access.log.1, access.log-20260302), the follower
// first finishes that file from at, then goes on with the file at path
// from its start. A predecessor compressed by the rotation
// (access.log.1.gz, access.log-20260302.gz, as logrotate's compress
// without delaycompress leaves it) is read in its decompressed form when
// its first line matches at's Head and it reaches at's offset. Found says
// whether at was resumed.
//
// With follow false, Next returns io.EOF at the end of the file instead of
// waiting for more. Poll is how often to look for growth; 0 means
// DefaultFollowPoll.
func OpenFileFollower(path string, at *FilePos, fromEnd, follow bool, poll time.Duration) (ff *FileFollower, found bool, err error) {
	if poll <= 0 {
		poll = DefaultFollowPoll
	}
	ff = &FileFollower{path: path, follow: follow, poll: poll, buf: make([]byte, 0, 64<<10)}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("ingest: follow %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("ingest: follow %s: %w", path, err)
	}
	offset := int64(0)
	sameHead := at != nil && (at.Head == 0 || headOfFile(f) == at.Head)
	switch {
	case at != nil && inodeOf(st) == at.Inode && at.Offset <= st.Size() && sameHead:
		offset, found = at.Offset, true
	case at != nil && inodeOf(st) == at.Inode:
		// Truncated since (copytruncate), or written again from its start:
		// all it holds is new. What followed at may have been compressed.
		if !sameHead && ff.openCompressed(path, *at) == nil {
			f.Close()
			return ff, true, nil
		}
		offset = 0
	case at != nil && inodeOf(st) != at.Inode:
		if pf, size := openPredecessor(path, at.Inode); pf != nil {
			if at.Offset <= size {
				f.Close()
				f, st, offset, found = pf, nil, at.Offset, true
				break
			}
			pf.Close()
		}
		if at.Head != 0 {
			if err := ff.openCompressed(path, *at); err == nil {
				f.Close()
				return ff, true, nil
			}
		}
		fallthrough
	default:
		if fromEnd {
			offset = st.Size()
		}
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("ingest: follow %s: seek to %d: %w", path, offset, err)
	}
	if st == nil {
		if st, err = f.Stat(); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("ingest: follow %s: %w", path, err)
		}
	}
	ff.f, ff.src, ff.inode, ff.off = f, f, inodeOf(st), offset
	if offset > 0 {
		ff.head = headOfFile(f)
	}
	return ff, found, nil
}

// headOfFile returns the Head of f, from its first bytes, or 0 when it is
// empty.
func headOfFile(f *os.File) uint64 {
	var b [headBytes]byte
	n, _ := f.ReadAt(b[:], 0)
	if n == 0 {
		return 0
	}
	return headOf(b[:n])
}

// errNoCompressed means no compressed predecessor matches a checkpoint.
var errNoCompressed = errors.New("no compressed predecessor")

// openCompressed places ff at at in a compressed predecessor of path,
// newest first: path.1.gz, then path-*.gz (logrotate's dateext) by
// modification time. A candidate must start with at's Head and decompress
// to at least at.Offset bytes.
func (ff *FileFollower) openCompressed(path string, at FilePos) error {
	dir, base := splitPath(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errNoCompressed
	}
	type cand struct {
		name string
		mod  time.Time
	}
	var cands []cand
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !(name == base+".1.gz" || len(name) > len(base)+4 && name[:len(base)+1] == base+"-" && hasSuffix(name, ".gz")) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		cands = append(cands, cand{name, info.ModTime()})
	}
	slices.SortFunc(cands, func(a, b cand) int { return b.mod.Compare(a.mod) })
	for _, c := range cands {
		f, err := os.Open(dir + string(os.PathSeparator) + c.name)
		if err != nil {
			continue
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			continue
		}
		b := ff.buf[:headBytes]
		n, _ := io.ReadFull(zr, b)
		b = b[:n]
		ok := headOf(b) == at.Head
		if ok && int64(n) < at.Offset {
			// Skip to the checkpoint; short of it, this is another file.
			skipped, _ := io.CopyN(io.Discard, zr, at.Offset-int64(n))
			ok = skipped == at.Offset-int64(n)
			b = b[:0]
		} else if ok {
			b = b[at.Offset:]
		}
		if !ok {
			f.Close()
			continue
		}
		ff.buf = append(ff.buf[:0], b...) // b lies in buf's array: a move
		ff.f, ff.src, ff.inode, ff.head, ff.off = f, zr, at.Inode, at.Head, at.Offset
		return nil
	}
	return errNoCompressed
}

// openPredecessor opens the uncompressed file next to path whose inode is
// inode, if there is one, and returns it with its size.
func openPredecessor(path string, inode uint64) (*os.File, int64) {
	dir, base := splitPath(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, 0
	}
	for _, e := range entries {
		name := e.Name()
		if len(name) <= len(base) || name[:len(base)] != base || (name[len(base)] != '.' && name[len(base)] != '-') ||
			hasSuffix(name, ".gz") || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || inodeOf(info) != inode {
			continue
		}
		f, err := os.Open(dir + string(os.PathSeparator) + name)
		if err != nil {
			return nil, 0
		}
		st, err := f.Stat()
		if err != nil || inodeOf(st) != inode {
			f.Close()
			return nil, 0
		}
		return f, st.Size()
	}
	return nil, 0
}

func splitPath(path string) (dir, base string) {
	i := len(path) - 1
	for i >= 0 && !os.IsPathSeparator(path[i]) {
		i--
	}
	if i < 0 {
		return ".", path
	}
	if i == 0 {
		return path[:1], path[1:]
	}
	return path[:i], path[i+1:]
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

// inodeOf returns the inode of the file fi describes, or 0 where the
// platform has none.
func inodeOf(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}

// Pos returns where the next line Next returns starts.
func (ff *FileFollower) Pos() FilePos { return FilePos{Inode: ff.inode, Offset: ff.off, Head: ff.head} }

// Next returns the next complete line, waiting for it when following. It
// returns ctx.Err() when ctx ends first, and io.EOF at the end of the file
// when not following.
func (ff *FileFollower) Next(ctx context.Context) (FileLine, error) {
	for {
		i := bytes.IndexByte(ff.buf[ff.r:], '\n')
		if ff.skipping {
			// The rest of a line too long to hold.
			if i < 0 {
				ff.off += int64(len(ff.buf) - ff.r)
				ff.r = len(ff.buf)
			} else {
				ff.off += int64(i + 1)
				ff.r += i + 1
				ff.skipping = false
				continue
			}
		} else if i >= 0 && i <= DefaultMaxLineBytes {
			return ff.take(i, i+1), nil
		} else if len(ff.buf)-ff.r >= DefaultMaxLineBytes {
			// Too long to hold: its start goes on, to be counted as
			// malformed, and the rest is skipped.
			ff.skipping = true
			return ff.take(DefaultMaxLineBytes, DefaultMaxLineBytes), nil
		}
		if err := ctx.Err(); err != nil {
			return FileLine{}, err
		}
		n, err := ff.fill()
		if n > 0 {
			ff.rotatedAt = time.Time{}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return FileLine{}, fmt.Errorf("ingest: follow %s: %w", ff.path, err)
		}
		// At the end of the file.
		if !ff.follow {
			if rest := len(ff.buf) - ff.r; rest > 0 {
				return ff.take(rest, rest), nil
			}
			return FileLine{}, io.EOF
		}
		switched, err := ff.checkPath()
		if err != nil {
			return FileLine{}, err
		}
		if switched != nil {
			// The old file is done: its unterminated tail is a line.
			if rest := len(ff.buf) - ff.r; rest > 0 {
				line := ff.take(rest, rest)
				ff.pendingSwitch = switched
				return line, nil
			}
			ff.switchTo(switched)
			continue
		}
		select {
		case <-ctx.Done():
			return FileLine{}, ctx.Err()
		case <-time.After(ff.poll):
		}
	}
}

// take returns the n bytes at buf[r:] as a line and moves past consumed
// bytes.
func (ff *FileFollower) take(n, consumed int) FileLine {
	data := ff.buf[ff.r : ff.r+n]
	start := ff.off
	if start == 0 {
		ff.head = headOf(data)
	}
	if len(data) > 0 && data[len(data)-1] == '\r' {
		data = data[:len(data)-1]
	}
	ff.r += consumed
	ff.off += int64(consumed)
	return FileLine{Data: data, Pos: FilePos{ff.inode, start, ff.head}, End: FilePos{ff.inode, ff.off, ff.head}}
}

// fill reads more of the file into buf, first dropping what was returned.
func (ff *FileFollower) fill() (int, error) {
	if ff.pendingSwitch != nil {
		ff.switchTo(ff.pendingSwitch)
	}
	if ff.r > 0 {
		ff.buf = ff.buf[:copy(ff.buf, ff.buf[ff.r:])]
		ff.r = 0
	}
	if len(ff.buf) == cap(ff.buf) {
		ff.buf = append(ff.buf, make([]byte, cap(ff.buf))...)[:len(ff.buf)]
	}
	n, err := ff.src.Read(ff.buf[len(ff.buf):cap(ff.buf)])
	ff.buf = ff.buf[:len(ff.buf)+n]
	return n, err
}

// checkPath looks at what the path names now, at the end of the current
// file. It returns the file to go on with after a rotation by rename, and
// handles a truncation itself.
func (ff *FileFollower) checkPath() (*os.File, error) {
	st, err := os.Stat(ff.path)
	if err != nil {
		// Renamed away and not created again yet: wait for it.
		return nil, nil
	}
	if inodeOf(st) == ff.inode {
		ff.rotatedAt = time.Time{}
		if st.Size() < ff.off+int64(len(ff.buf)-ff.r) {
			// Truncated (copytruncate): read it again from its start.
			if _, err := ff.f.Seek(0, io.SeekStart); err != nil {
				return nil, fmt.Errorf("ingest: follow %s: seek after truncation: %w", ff.path, err)
			}
			ff.buf, ff.r, ff.off, ff.skipping = ff.buf[:0], 0, 0, false
		}
		return nil, nil
	}
	// Read the old file once more after seeing the new one (the writer may
	// have written to it in between), and keep reading it while the new
	// one is empty, for rotateGrace.
	if ff.rotatedAt.IsZero() {
		ff.rotatedAt = time.Now()
		return nil, nil
	}
	if st.Size() == 0 && time.Since(ff.rotatedAt) < rotateGrace {
		return nil, nil
	}
	f, err := os.Open(ff.path)
	if err != nil {
		return nil, nil // gone again; look next time
	}
	return f, nil
}

// switchTo makes f, the file now at the path, the one read, from its
// start.
func (ff *FileFollower) switchTo(f *os.File) {
	ff.pendingSwitch = nil
	ff.f.Close()
	st, err := f.Stat()
	ino := uint64(0)
	if err == nil {
		ino = inodeOf(st)
	}
	ff.f, ff.src, ff.inode, ff.head, ff.buf, ff.r, ff.off, ff.rotatedAt, ff.skipping = f, f, ino, 0, ff.buf[:0], 0, 0, time.Time{}, false
}

// Close closes the file being read.
func (ff *FileFollower) Close() error {
	if ff.pendingSwitch != nil {
		ff.pendingSwitch.Close()
		ff.pendingSwitch = nil
	}
	return ff.f.Close()
}
