package main

import (
	"container/heap"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// An actor is anything that sends requests: a traveller, a partner's
// integration, an attacker. The world wakes it at the time it asked for;
// it sends what it does then and says when it wants to be woken next, or
// that it is done.
type actor interface {
	act(w *world, now int64) (next int64, more bool)
}

// A wakeup is an actor's place in the agenda; seq keeps actors due at the
// same instant in the order they asked.
type wakeup struct {
	t   int64
	seq uint64
	a   actor
}

// agenda is the heap of pending wakeups, earliest first.
type agenda []wakeup

func (q agenda) Len() int { return len(q) }
func (q agenda) Less(i, j int) bool {
	if q[i].t != q[j].t {
		return q[i].t < q[j].t
	}
	return q[i].seq < q[j].seq
}
func (q agenda) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *agenda) Push(x any)   { *q = append(*q, x.(wakeup)) }
func (q *agenda) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// world is one day of the airline: the site, the recording, the gateway
// every request passes, the agenda of who acts next, and the shared
// addresses people reach the site from.
type world struct {
	log  *Log
	sky  *carrier
	edge *edge
	end  int64

	queue agenda
	seq   uint64

	venues  []*Client           // the site's airports, hotels and offices
	venueOf map[*Client]int     // index of each venue in sky.nats
	mobile  []*Client           // the carriers' NAT addresses of the day
	sharers map[*Client]int     // how many people came through a shared address
	hooks   map[string]*courier // who calls back, by kind
	rush    *rush
}

// at schedules a to act at t, if t is inside the window.
func (w *world) at(t int64, a actor) {
	if t >= w.end {
		return
	}
	w.seq++
	heap.Push(&w.queue, wakeup{t: t, seq: w.seq, a: a})
}

// run wakes actors in time order until none is left inside the window.
func (w *world) run() {
	for len(w.queue) > 0 {
		x := heap.Pop(&w.queue).(wakeup)
		if next, more := x.a.act(w, x.t); more {
			w.at(max(next, x.t+1), x.a)
		}
	}
}

// A sender is how an actor's requests appear at the gateway: from which
// address at a given moment, with which user agent, API key and signed-in
// user, and whether they are part of an attack.
type sender struct {
	from   func(t int64) *Client
	ua     string
	key    string
	user   string
	attack bool
}

// fixed returns an address function that is always c.
func fixed(c *Client) func(int64) *Client { return func(int64) *Client { return c } }

// A hit is one request as the site would answer it if the gateway let it
// through untouched.
type hit struct {
	method, path string
	class        class
	status       int
	req, resp    int64
	ms           float64
}

// send passes h from s at t through the gateway, records it and returns
// the status the client saw.
func (w *world) send(s *sender, t int64, h hit) int {
	c := s.from(t)
	w.edge.pass(c.IP, s.key, &h, t)
	w.log.Add(Event{T: t, C: c, Method: h.method, Path: h.path, Status: h.status,
		ReqBytes: max(h.req, 1), RespBytes: h.resp, DurationMS: h.ms,
		UA: s.ua, Key: s.key, User: s.user, Attack: s.attack})
	return h.status
}

// date returns the calendar day d days after the recording's start.
func (w *world) date(d int) string {
	return w.log.Start().AddDate(0, 0, d).Format(time.DateOnly)
}

// refused reports whether the gateway or the origin turned a request away
// for load rather than for what it asked.
func refused(status int) bool { return status == 429 || status == 503 }
