package features

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

// Config bounds the state a Table keeps.
type Config struct {
	// MaxClients is the hard cap on tracked clients. When it is reached,
	// the client idle the longest is evicted to make room.
	MaxClients int `yaml:"max_clients"`
	// IdleTimeout evicts a client that has sent nothing for this long, in
	// event time.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
}

// Defaults for Config.
const (
	DefaultMaxClients  = 500_000
	DefaultIdleTimeout = 15 * time.Minute
)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.MaxClients == 0 {
		c.MaxClients = DefaultMaxClients
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	return c
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	if c.MaxClients < 1 || c.MaxClients > 1<<30 {
		errs = append(errs, fmt.Errorf("features: max_clients is %d; set it between 1 and %d", c.MaxClients, 1<<30))
	}
	if c.IdleTimeout < time.Second {
		errs = append(errs, fmt.Errorf("features: idle_timeout is %v; set it to 1s or more", c.IdleTimeout))
	}
	return errors.Join(errs...)
}

// Stats counts what a Table did.
type Stats struct {
	Tracked     int   // clients tracked now
	Seen        int64 // clients ever added
	EvictedIdle int64 // clients evicted after IdleTimeout
	EvictedCap  int64 // clients evicted because MaxClients was reached
}

const none = -1

// Table holds the state of every tracked client. E is the per-client state
// of the next stage, kept alongside so that one lookup serves both. A Table
// is not safe for concurrent use: shard clients across Tables to use more
// cores.
type Table[E any] struct {
	cfg     Config
	idle    int64
	index   map[string]int32
	clients []Client[E]
	free    []int32
	head    int32 // most recent
	tail    int32 // least recent
	stats   Stats
	scratch []byte

	// weights are the payload markers' weights (nil: 1 each), and
	// markerClients counts the clients that sent each marker. endpointW
	// caps the weight of a payload fragment on the endpoints, by template
	// hash, where training saw many clients send fragments (see
	// SetEndpointMarkerWeights).
	weights       []float64
	endpointW     map[uint32]float64
	lastMarker    int   // the marker of the latest record observed (see LastMarker)
	largeSize     int64 // see SetLargeSize
	markerClients [NumMarkers]int64

	// OnEvict, if set, is called with a client just before its state is
	// dropped.
	OnEvict func(c *Client[E], idle bool)
}

// NewTable returns an empty Table. cfg must be valid.
func NewTable[E any](cfg Config) *Table[E] {
	cfg = cfg.WithDefaults()
	initial := min(cfg.MaxClients, 1024)
	return &Table[E]{
		cfg:        cfg,
		idle:       int64(cfg.IdleTimeout),
		index:      make(map[string]int32, initial),
		clients:    make([]Client[E], 0, initial),
		head:       none,
		tail:       none,
		lastMarker: -1,
		scratch:    make([]byte, 0, 256),
	}
}

// Observe folds r into the state of the client named by key and returns
// that client. The returned pointer is valid until the next call to
// Observe. key is copied when a client is first seen; scope names the kind
// of identity.
func (t *Table[E]) Observe(key []byte, scope string, r *ingest.Record) *Client[E] {
	t.evictIdle(r.TS)
	id, ok := t.index[string(key)]
	if !ok {
		id = t.add(string(key), scope, r.TS)
	} else {
		t.touch(id)
	}
	c := &t.clients[id]
	var m int
	m, t.scratch = PayloadMarker(r.Path, t.scratch)
	t.lastMarker = m
	w := 1.0
	if m >= 0 && t.weights != nil {
		w = t.weights[m]
		if t.endpointW != nil && IsFragment(m) {
			if ew, ok := t.endpointW[TemplateHash(r.Path)]; ok && ew < w {
				w = ew
			}
		}
	}
	retyped := IsFragment(m) && c.retyped(TemplateHash(r.Path), markedParam(t.scratch, m))
	if c.observe(r, m, w, t.largeSize > 0 && (r.ReqBytes >= t.largeSize || r.Status == http.StatusRequestEntityTooLarge), retyped) {
		t.markerClients[m]++
	}
	return c
}

// SetLargeSize sets the request size, in bytes, from which a request
// counts as large (see Client.Large); 0 counts none. A request the site
// answered 413 counts as large whatever size the log gives: the server
// refused the body for its size, and a gateway that stops reading logs
// only what it read.
func (t *Table[E]) SetLargeSize(bytes int64) { t.largeSize = bytes }

// SetMarkerWeights sets the weight each payload marker adds to a client's
// payload evidence (see Client.Payload), by marker index; nil weighs each 1.
// The slice is kept, not copied.
func (t *Table[E]) SetMarkerWeights(w []float64) {
	if w != nil && len(w) != NumMarkers {
		panic(fmt.Sprintf("features: %d marker weights for %d markers", len(w), NumMarkers))
	}
	t.weights = w
}

// SetEndpointMarkerWeights caps the weight of a payload fragment (see
// IsFragment) sent to a path whose template hash (TemplateHash) is a key
// of w at its value: where a site's own users search for SQL or markup (a
// forum about programming), a fragment there is less rare than across
// the site. nil caps none. The map is kept, not copied.
func (t *Table[E]) SetEndpointMarkerWeights(w map[uint32]float64) {
	t.endpointW = w
}

// LastMarker returns the index of the payload marker (see PayloadMarker)
// that the record of the latest Observe carried, or -1 for none.
func (t *Table[E]) LastMarker() int { return t.lastMarker }

// MarkerClients returns, by marker index, how many clients sent each
// payload marker (a client counts once per marker while it is tracked).
func (t *Table[E]) MarkerClients() [NumMarkers]int64 { return t.markerClients }

// Lookup returns the client named by key, or nil.
func (t *Table[E]) Lookup(key []byte) *Client[E] {
	id, ok := t.index[string(key)]
	if !ok {
		return nil
	}
	return &t.clients[id]
}

// Len returns the number of tracked clients.
func (t *Table[E]) Len() int { return len(t.index) }

// Stats returns counters of the Table's work.
func (t *Table[E]) Stats() Stats {
	s := t.stats
	s.Tracked = len(t.index)
	return s
}

// Each calls fn for every tracked client, most recent first.
func (t *Table[E]) Each(fn func(c *Client[E])) {
	for id := t.head; id != none; id = t.clients[id].next {
		fn(&t.clients[id])
	}
}

func (t *Table[E]) add(key, scope string, ts int64) int32 {
	if len(t.index) >= t.cfg.MaxClients && t.tail != none {
		t.stats.EvictedCap++
		t.evict(t.tail, false)
	}
	var id int32
	if n := len(t.free); n > 0 {
		id = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		t.clients = append(t.clients, Client[E]{})
		id = int32(len(t.clients) - 1)
	}
	c := &t.clients[id]
	c.reset(key, scope, ts)
	t.index[key] = id
	t.stats.Seen++
	t.pushFront(id)
	return id
}

func (t *Table[E]) evictIdle(now int64) {
	for t.tail != none {
		c := &t.clients[t.tail]
		if now-c.last <= t.idle {
			return
		}
		t.stats.EvictedIdle++
		t.evict(t.tail, true)
	}
}

func (t *Table[E]) evict(id int32, idle bool) {
	c := &t.clients[id]
	if t.OnEvict != nil {
		t.OnEvict(c, idle)
	}
	t.unlink(id)
	delete(t.index, c.key)
	*c = Client[E]{prev: none, next: none}
	t.free = append(t.free, id)
}

func (t *Table[E]) touch(id int32) {
	if t.head == id {
		return
	}
	t.unlink(id)
	t.pushFront(id)
}

func (t *Table[E]) pushFront(id int32) {
	c := &t.clients[id]
	c.prev = none
	c.next = t.head
	if t.head != none {
		t.clients[t.head].prev = id
	}
	t.head = id
	if t.tail == none {
		t.tail = id
	}
}

func (t *Table[E]) unlink(id int32) {
	c := &t.clients[id]
	if c.prev != none {
		t.clients[c.prev].next = c.next
	} else {
		t.head = c.next
	}
	if c.next != none {
		t.clients[c.next].prev = c.prev
	} else {
		t.tail = c.prev
	}
	c.prev, c.next = none, none
}
