package detector

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/models"
)

// HistoryConfig bounds the recent judgements a History keeps for review.
type HistoryConfig struct {
	// Clients is the cap on clients with a history. When it is reached,
	// the client whose history was written least recently is dropped.
	Clients int `yaml:"clients"`
	// PerClient is how many of a client's latest judgements are kept.
	PerClient int `yaml:"per_client"`
	// Watch is the share of the model's threshold at which a scored
	// judgement starts a client's history, so that the judgements leading
	// up to a block are kept. Once a client has a history, every later
	// judgement of it is kept.
	Watch float64 `yaml:"watch"`
}

// Defaults for HistoryConfig.
const (
	DefaultHistoryClients   = 1024
	DefaultHistoryPerClient = 16
	DefaultHistoryWatch     = 0.8
)

// WithDefaults returns c with zero fields set to their defaults.
func (c HistoryConfig) WithDefaults() HistoryConfig {
	if c.Clients == 0 {
		c.Clients = DefaultHistoryClients
	}
	if c.PerClient == 0 {
		c.PerClient = DefaultHistoryPerClient
	}
	if c.Watch == 0 {
		c.Watch = DefaultHistoryWatch
	}
	return c
}

// Validate reports what is wrong with c, after WithDefaults.
func (c HistoryConfig) Validate() error {
	var errs []error
	if c.Clients < 1 || c.Clients > 1<<20 {
		errs = append(errs, fmt.Errorf("detector: history clients is %d; set it between 1 and %d", c.Clients, 1<<20))
	}
	if c.PerClient < 1 || c.PerClient > 1024 {
		errs = append(errs, fmt.Errorf("detector: history per_client is %d; set it between 1 and 1024", c.PerClient))
	}
	if !(c.Watch > 0 && c.Watch <= 1) {
		errs = append(errs, fmt.Errorf("detector: history watch is %v; set it above 0 and at most 1 (a share of the threshold)", c.Watch))
	}
	return errors.Join(errs...)
}

// Judgement is one judgement of a client, as a History returns it.
type Judgement struct {
	// TS is the event time of the event the client was judged at.
	TS time.Time `json:"ts"`
	// Events is how many events of the client had been seen.
	Events uint32 `json:"events"`
	// Score is the judgement's surprise (see models.Result), and Scored
	// says the forest was consulted.
	Scored    bool    `json:"scored"`
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
	// Decided says this judgement confirmed a block.
	Decided bool `json:"decided"`
	Known   bool `json:"known,omitempty"`
	// Features are the client's features, by name.
	Features map[string]float64 `json:"features"`
	// Reasons are the signals that drove the score, strongest first.
	Reasons []Reason `json:"reasons"`
}

// judgement is a Judgement as a History stores it: fixed size, so that
// recording one allocates nothing.
type judgement struct {
	ts        int64
	score     float64
	threshold float64
	events    uint32
	scored    bool
	known     bool
	decided   bool
	nReasons  uint8
	vec       features.Vector
	reasons   [models.MaxReasons]models.Reason
}

// historySlot is one client's ring of judgements.
type historySlot struct {
	key        string
	ring       []judgement
	pos        int   // where the next judgement goes
	n          int   // judgements held
	prev, next int32 // toward the most and the least recently written
}

// History keeps the latest judgements of the clients that came close to a
// block, for the review API. It sits beside the online loop: the loop
// records at judgement time only, never per event, and only for clients
// that scored at least Watch times the threshold or already have a
// history, so the great majority of judgements take no lock.
//
// Its memory is bounded by Clients × PerClient judgements of 256 bytes
// each (4 MiB with the defaults), allocated as clients are first
// recorded and reused after.
//
// Recording happens on one goroutine, the one that runs the Pipeline;
// Judgements is safe to call from any goroutine.
type History struct {
	cfg HistoryConfig

	// mu guards the slots and index. Only the recording goroutine writes
	// them, under mu; it also reads index without mu, which is safe since
	// no other goroutine writes it.
	mu    sync.Mutex
	index map[string]int32
	slots []historySlot
	// head is the slot written most recently, tail the least.
	head, tail int32
}

// NewHistory returns an empty History. It returns an error when cfg, after
// WithDefaults, is not valid.
func NewHistory(cfg HistoryConfig) (*History, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &History{cfg: cfg, index: make(map[string]int32), head: none, tail: none}, nil
}

const none = -1

// Len returns how many clients have a history.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.index)
}

// Judgements returns the judgements of client held, oldest first, or nil
// when it has no history. The caller owns the slice.
func (h *History) Judgements(client string) []Judgement {
	h.mu.Lock()
	defer h.mu.Unlock()
	id, ok := h.index[client]
	if !ok {
		return nil
	}
	s := &h.slots[id]
	names := features.Specs()
	out := make([]Judgement, 0, s.n)
	for i := range s.n {
		j := &s.ring[(s.pos-s.n+i+len(s.ring))%len(s.ring)]
		fs := make(map[string]float64, len(j.vec))
		for k, v := range j.vec {
			fs[names[k].Name] = round(v, 4)
		}
		rs := make([]Reason, 0, j.nReasons)
		for _, r := range j.reasons[:j.nReasons] {
			rs = append(rs, reasonOf(&r))
		}
		out = append(out, Judgement{
			TS: time.Unix(0, j.ts).UTC(), Events: j.events, Scored: j.scored, Score: round(j.score, 4),
			Threshold: round(j.threshold, 4), Decided: j.decided, Known: j.known,
			Features: fs, Reasons: rs,
		})
	}
	return out
}

// KeepHistory makes p record its judgements into h. Call it before the
// first Process; p then records on the goroutine that calls Process. A hook
// already in p.OnJudge keeps being called, before h's.
func (p *Pipeline) KeepHistory(h *History) {
	rec := func(c *Client, ts int64, v *features.Vector, r *models.Result, blocked bool) {
		h.record(p, c, ts, v, r, blocked)
	}
	prev := p.OnJudge
	if prev == nil {
		p.OnJudge = rec
		return
	}
	p.OnJudge = func(c *Client, ts int64, v *features.Vector, r *models.Result, blocked bool) {
		prev(c, ts, v, r, blocked)
		rec(c, ts, v, r, blocked)
	}
}

// KeepHistory makes o record its judgements into h. Call it before Run.
func (o *Online) KeepHistory(h *History) { o.pipeline.KeepHistory(h) }

// record is called by the Pipeline after a judgement, before the policy
// updates the client's state.
func (h *History) record(p *Pipeline, c *Client, ts int64, v *features.Vector, r *models.Result, decided bool) {
	threshold := p.model.Threshold
	id, ok := h.index[c.Key()] // no lock: only this goroutine writes index
	if !ok && !decided && r.Score < h.cfg.Watch*threshold {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !ok {
		id = h.add(c.Key())
	} else {
		h.touch(id)
	}
	s := &h.slots[id]
	j := &s.ring[s.pos]
	*j = judgement{ts: ts, score: r.Score, threshold: threshold, events: c.Events(), scored: r.Scored,
		known: r.Known, decided: decided, nReasons: uint8(r.NReasons), vec: *v, reasons: r.Reasons}
	s.pos = (s.pos + 1) % len(s.ring)
	s.n = min(s.n+1, len(s.ring))
}

// add returns a slot for key, dropping the least recently written client
// when the History is full. h.mu is held.
func (h *History) add(key string) int32 {
	var id int32
	if len(h.index) >= h.cfg.Clients {
		id = h.tail
		h.unlink(id)
		delete(h.index, h.slots[id].key)
	} else {
		h.slots = append(h.slots, historySlot{ring: make([]judgement, h.cfg.PerClient)})
		id = int32(len(h.slots) - 1)
	}
	s := &h.slots[id]
	s.key, s.pos, s.n = key, 0, 0
	h.index[key] = id
	h.pushFront(id)
	return id
}

func (h *History) touch(id int32) {
	if h.head == id {
		return
	}
	h.unlink(id)
	h.pushFront(id)
}

func (h *History) pushFront(id int32) {
	s := &h.slots[id]
	s.prev, s.next = none, h.head
	if h.head != none {
		h.slots[h.head].prev = id
	}
	h.head = id
	if h.tail == none {
		h.tail = id
	}
}

func (h *History) unlink(id int32) {
	s := &h.slots[id]
	if s.prev != none {
		h.slots[s.prev].next = s.next
	} else {
		h.head = s.next
	}
	if s.next != none {
		h.slots[s.next].prev = s.prev
	} else {
		h.tail = s.prev
	}
	s.prev, s.next = none, none
}
