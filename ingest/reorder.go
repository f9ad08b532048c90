package ingest

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Defaults for ReorderConfig.
const (
	// DefaultLateness is the lateness the command line uses: access logs
	// are written when a request ends, so a slow request is logged after
	// faster ones that started later, and load balancers and log shippers
	// merge several servers' logs a few seconds apart.
	DefaultLateness = 10 * time.Second
	// DefaultReorderMaxBuffered holds 10 s of a 6,500 events/s stream,
	// about 25 MiB of typical records, before the oldest are let go early.
	DefaultReorderMaxBuffered = 1 << 16
)

// ReorderConfig configures a Reorder. The zero value turns re-ordering off:
// records pass through as they come and only the late ones are counted.
type ReorderConfig struct {
	// Lateness is how far behind the newest event time seen a record may
	// arrive and still be put in order. 0 turns re-ordering off.
	Lateness time.Duration
	// MaxBuffered caps the records held. When one more arrives, the oldest
	// is released before the watermark reaches it. 0 means
	// DefaultReorderMaxBuffered.
	MaxBuffered int
}

// Validate reports an error wrapping ErrInvalidConfig if c cannot be used.
func (c ReorderConfig) Validate() error {
	var errs []error
	if c.Lateness < 0 {
		errs = append(errs, fmt.Errorf("ingest: %w: lateness is %v: use a duration of 0 or more (0 turns re-ordering off)",
			ErrInvalidConfig, c.Lateness))
	}
	if c.MaxBuffered < 0 {
		errs = append(errs, fmt.Errorf("ingest: %w: re-order buffer of %d records: use a positive size, or 0 for the default of %d",
			ErrInvalidConfig, c.MaxBuffered, DefaultReorderMaxBuffered))
	}
	return errors.Join(errs...)
}

// ReorderStats counts what a Reorder has done.
type ReorderStats struct {
	// Late is how many records were released behind (with an earlier event
	// time than) a record already released: they arrived too late to be
	// put in order and were passed on as they came.
	Late int64
	// Early is how many records were released before the watermark passed
	// them because the buffer was full.
	Early int64
	// Buffered is how many records are held now.
	Buffered int
}

// Reorder puts records that arrive slightly out of event-time order back in
// order, so that the windows of the later stages, which run on event time,
// see each client's events as they happened.
//
// It holds each record until the watermark, the newest event time seen
// minus the lateness, passes it, then releases the held records oldest
// first (records with the same time in the order they came). A record that
// arrives behind one already released cannot be put in order any more: it
// is released at once and counted in ReorderStats.Late, never dropped. The
// buffer is bounded by MaxBuffered.
//
// Use it as Push, then Pop until it returns false; after the last record,
// Flush, then Pop until false. Push copies the record into storage the
// Reorder owns and reuses, so it does not allocate once that storage has
// grown to the stream's record sizes; a record that can be released at
// once is not copied at all.
//
// It is not safe for concurrent use.
type Reorder struct {
	lateness int64
	max      int

	slots []reorderSlot
	free  []int32
	// Held records are in run, when they came in order after the records
	// already there (the common case, which then costs no sifting), and
	// otherwise in heap. Pop takes the older of their heads.
	run  ring
	heap []heapEntry // a min-heap by (ts, seq)
	seq  uint64

	newest   int64 // newest event time pushed
	released int64 // newest event time released
	pass     *Record
	flushing bool
	stats    ReorderStats
}

type reorderSlot struct {
	rec Record
	buf []byte // backs rec's byte slices
}

// heapEntry keeps the sort key next to the slot index, so that sifting
// through the heap reads one small array instead of the records.
type heapEntry struct {
	ts   int64
	seq  uint64
	slot int32
}

// NewReorder returns a Reorder. An invalid cfg is an error wrapping
// ErrInvalidConfig.
func NewReorder(cfg ReorderConfig) (*Reorder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxBuffered == 0 {
		cfg.MaxBuffered = DefaultReorderMaxBuffered
	}
	return &Reorder{
		lateness: int64(cfg.Lateness),
		max:      cfg.MaxBuffered,
		newest:   math.MinInt64,
		released: math.MinInt64,
	}, nil
}

// watermark returns the time up to which records are released.
func (o *Reorder) watermark() int64 {
	if o.flushing {
		return math.MaxInt64
	}
	if o.newest < math.MinInt64+o.lateness {
		return math.MinInt64
	}
	return o.newest - o.lateness
}

// Push adds rec. Records that Pop returned before are invalid after Push.
// rec itself may be returned by the next Pop, so the caller keeps it
// unchanged until Pop has returned false.
func (o *Reorder) Push(rec *Record) {
	o.flushing = false
	if p := o.pass; p != nil {
		// The caller pushed again without popping: hold the record it
		// had not taken rather than lose it.
		o.pass = nil
		o.hold(p)
	}
	o.newest = max(o.newest, rec.TS)
	if o.held() == 0 && rec.TS <= o.watermark() {
		o.pass = rec
		return
	}
	o.hold(rec)
}

// hold copies rec into a free slot and adds it to the heap.
func (o *Reorder) hold(rec *Record) {
	var i int32
	if n := len(o.free); n > 0 {
		i = o.free[n-1]
		o.free = o.free[:n-1]
	} else {
		o.slots = append(o.slots, reorderSlot{})
		i = int32(len(o.slots) - 1)
	}
	o.slots[i].set(rec)
	e := heapEntry{ts: rec.TS, seq: o.seq, slot: i}
	o.seq++
	if o.run.n == 0 || rec.TS >= o.run.last().ts {
		o.run.push(e)
		return
	}
	o.heap = append(o.heap, e)
	o.up(len(o.heap) - 1)
}

// held returns how many records are held.
func (o *Reorder) held() int { return o.run.n + len(o.heap) }

// Pop fills rec with the next record that is due and reports whether there
// was one. rec's byte slices stay valid until the next Push.
func (o *Reorder) Pop(rec *Record) bool {
	if p := o.pass; p != nil {
		o.pass = nil
		*rec = *p
		o.release(rec.TS)
		return true
	}
	n := o.held()
	if n == 0 {
		return false
	}
	fromRun := len(o.heap) == 0 || o.run.n > 0 && o.run.first().less(o.heap[0])
	var e heapEntry
	if fromRun {
		e = o.run.first()
	} else {
		e = o.heap[0]
	}
	switch {
	case e.ts <= o.watermark():
	case n > o.max:
		o.stats.Early++
	default:
		return false
	}
	if fromRun {
		o.run.pop()
	} else {
		last := len(o.heap) - 1
		o.heap[0] = o.heap[last]
		o.heap = o.heap[:last]
		if last > 0 {
			o.down(0)
		}
	}
	*rec = o.slots[e.slot].rec
	o.free = append(o.free, e.slot)
	o.release(rec.TS)
	return true
}

func (o *Reorder) release(ts int64) {
	if ts < o.released {
		o.stats.Late++
		return
	}
	o.released = ts
}

// Flush makes Pop release every record held, in order, as at the end of
// the input. A later Push returns to holding records.
func (o *Reorder) Flush() { o.flushing = true }

// Stats returns what the Reorder has done so far.
func (o *Reorder) Stats() ReorderStats {
	s := o.stats
	s.Buffered = o.held()
	if o.pass != nil {
		s.Buffered++
	}
	return s
}

func (e heapEntry) less(f heapEntry) bool {
	return e.ts < f.ts || e.ts == f.ts && e.seq < f.seq
}

func (o *Reorder) up(j int) {
	h := o.heap
	for j > 0 {
		i := (j - 1) / 2
		if !h[j].less(h[i]) {
			break
		}
		h[i], h[j] = h[j], h[i]
		j = i
	}
}

func (o *Reorder) down(i int) {
	h := o.heap
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && h[r].less(h[l]) {
			j = r
		}
		if !h[j].less(h[i]) {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}

// set copies rec into s, its byte fields into s.buf.
func (s *reorderSlot) set(rec *Record) {
	n := len(rec.ClientIP) + len(rec.Method) + len(rec.Path) + len(rec.UserAgent) + len(rec.APIKey) + len(rec.User)
	if cap(s.buf) < n {
		s.buf = make([]byte, 0, max(n, 2*cap(s.buf), 256))
	}
	b := s.buf[:0]
	s.rec = *rec
	s.rec.ClientIP, b = appendOwned(b, rec.ClientIP)
	s.rec.Method, b = appendOwned(b, rec.Method)
	s.rec.Path, b = appendOwned(b, rec.Path)
	s.rec.UserAgent, b = appendOwned(b, rec.UserAgent)
	s.rec.APIKey, b = appendOwned(b, rec.APIKey)
	s.rec.User, b = appendOwned(b, rec.User)
	s.buf = b
}

// appendOwned appends v to b, which has room for it, and returns the
// capped copy and the extended b. A nil v stays nil.
func appendOwned(b, v []byte) (owned, next []byte) {
	if v == nil {
		return nil, b
	}
	start := len(b)
	b = append(b, v...)
	return b[start:len(b):len(b)], b
}

// ring is a FIFO of heap entries in a circular buffer that grows as needed.
type ring struct {
	buf  []heapEntry
	head int
	n    int
}

func (r *ring) push(e heapEntry) {
	if r.n == len(r.buf) {
		buf := make([]heapEntry, max(64, 2*len(r.buf)))
		for k := range r.n {
			buf[k] = r.buf[(r.head+k)%len(r.buf)]
		}
		r.buf, r.head = buf, 0
	}
	r.buf[(r.head+r.n)%len(r.buf)] = e
	r.n++
}

func (r *ring) first() heapEntry { return r.buf[r.head] }

func (r *ring) last() heapEntry { return r.buf[(r.head+r.n-1)%len(r.buf)] }

func (r *ring) pop() {
	r.head = (r.head + 1) % len(r.buf)
	r.n--
}
