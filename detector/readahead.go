package detector

import "github.com/portcullis/portcullis/ingest"

// readAhead reads a source's records on a goroutine of its own, in
// batches, while runAll runs the pipeline over the batch before: parsing
// is about a quarter of what a record costs, and a second core takes it
// off the pipeline's. The records reach the pipeline in the order they
// were read, so the decisions are those of a single goroutine.
//
// Batches circulate between the two goroutines: free ones to the reader,
// full ones to runAll, which hands each back with release. A record's
// bytes are copied into its batch, since the reader's own buffers are
// reused for the next line.
type readAhead struct {
	full chan *recordBatch // closed when the reader stops
	free chan *recordBatch
	quit chan struct{}
}

// batchRecords is how many records a batch holds: enough to make a
// channel hand-off rare, few enough to stay in cache.
const batchRecords = 256

// batches is how many batches circulate: one being filled, one waiting,
// one in the pipeline.
const batches = 3

// recordBatch holds records whose byte slices point into its arena.
type recordBatch struct {
	recs  []ingest.Record
	arena []byte
	// read is the count of bytes read from the file when the batch was
	// full, for progress.
	read int64
}

// startReadAhead starts reading r. fs, if not nil, is the file r reads,
// whose byte count each batch reports. The reader goroutine is the only
// user of r (and of fs's count) until full is closed.
func startReadAhead(r *ingest.Reader, fs *FileSource) *readAhead {
	ra := &readAhead{
		full: make(chan *recordBatch, batches),
		free: make(chan *recordBatch, batches),
		quit: make(chan struct{}),
	}
	for range batches {
		ra.free <- &recordBatch{recs: make([]ingest.Record, 0, batchRecords), arena: make([]byte, 0, batchRecords*512)}
	}
	go ra.run(r, fs)
	return ra
}

// run fills free batches from r until r ends or stop is called.
func (ra *readAhead) run(r *ingest.Reader, fs *FileSource) {
	defer close(ra.full)
	var rec ingest.Record
	for {
		var b *recordBatch
		select {
		case b = <-ra.free:
		case <-ra.quit:
			return
		}
		b.recs, b.arena = b.recs[:0], b.arena[:0]
		for len(b.recs) < batchRecords && r.Next(&rec) {
			b.add(&rec)
		}
		if fs != nil {
			b.read = fs.read
		}
		ended := len(b.recs) < batchRecords
		if len(b.recs) > 0 {
			select {
			case ra.full <- b:
			case <-ra.quit:
				return
			}
		}
		if ended {
			return
		}
	}
}

// release hands a batch the pipeline is done with back to the reader.
func (ra *readAhead) release(b *recordBatch) { ra.free <- b }

// stop stops the reader and waits until it no longer uses r.
func (ra *readAhead) stop() {
	close(ra.quit)
	for range ra.full {
	}
}

// add appends a copy of rec whose bytes live in the batch's arena. A
// slice that was nil stays nil.
func (b *recordBatch) add(rec *ingest.Record) {
	c := *rec
	for _, f := range []*[]byte{&c.ClientIP, &c.Method, &c.Path, &c.UserAgent, &c.APIKey, &c.User} {
		if *f != nil {
			start := len(b.arena)
			b.arena = append(b.arena, *f...)
			*f = b.arena[start:len(b.arena):len(b.arena)]
		}
	}
	b.recs = append(b.recs, c)
}
