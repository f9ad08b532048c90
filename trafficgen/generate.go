package trafficgen

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"iter"
	"slices"
)

// Summary describes what Generate wrote.
type Summary struct {
	// Events is the number of log lines.
	Events int
	// Clients is the number of distinct client addresses in the log, which
	// is also the number of label lines.
	Clients int
	// ByKind counts the clients of each kind ("normal" and the attack
	// kinds).
	ByKind map[string]int
}

// Generate writes a recording made from cfg to out, one canonical JSON
// line per request in timestamp order, and, if labels is not nil, one label
// line per client address to labels, ordered by address. cfg is completed
// with WithDefaults and checked with Validate first. The same Config always
// produces byte-identical output.
//
// A normal client's label has kind "normal", null onset and end, its
// profile and, for the recurring heavy clients, "heavy":true. An
// attacker's label has its kind, the times of its first and last request as
// onset and end, and its intensity (subtle, moderate or blatant). Every
// label also carries the client's number of events.
func Generate(cfg Config, out io.Writer, labels io.Writer) (Summary, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	rec := plan(cfg)
	sum, err := rec.write(out)
	if err != nil {
		return sum, err
	}
	if labels != nil {
		if err := rec.writeLabels(labels); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// head is a stream's next event in the merge.
type head struct {
	ts     int64
	stream int32
	client int32
	ev     *event
}

// agentCache holds a stream's user agent encoded as JSON: most streams
// keep theirs, and encoding a long agent for every line is a good part of
// the writer's work.
type agentCache struct {
	ua   string
	json []byte
}

func less(a, b *head) bool { return a.ts < b.ts || a.ts == b.ts && a.stream < b.stream }

// write merges the streams in timestamp order into out.
func (rec *recording) write(out io.Writer) (Summary, error) {
	bw := bufio.NewWriterSize(out, 256<<10)
	nexts := make([]func() (*event, bool), len(rec.streams))
	stops := make([]func(), 0, len(rec.streams))
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	heap := make([]head, 0, len(rec.streams))
	for i := range rec.streams {
		next, stop := iter.Pull(rec.events(i))
		nexts[i] = next
		stops = append(stops, stop)
		if ev, ok := next(); ok {
			heap = append(heap, head{ev.ts, int32(i), int32(rec.streams[i].client), ev})
		}
	}
	slices.SortFunc(heap, func(a, b head) int {
		return cmp.Or(cmp.Compare(a.ts, b.ts), cmp.Compare(a.stream, b.stream))
	})

	var (
		sum    Summary
		f      tsFormatter
		line   []byte
		agents = make([]agentCache, len(rec.streams))
	)
	for len(heap) > 0 {
		h := &heap[0]
		c := &rec.clients[h.client]
		if c.events == 0 {
			c.first = h.ts
		}
		c.last = h.ts
		c.events++
		sum.Events++
		ua := &agents[h.stream]
		if ua.json == nil || h.ev.ua != ua.ua {
			ua.ua, ua.json = h.ev.ua, appendString(ua.json[:0], h.ev.ua)
		}
		line = appendEvent(line[:0], &f, c.ip, ua.json, h.ev)
		if _, err := bw.Write(line); err != nil {
			return sum, fmt.Errorf("trafficgen: writing the log: %w", err)
		}
		if ev, ok := nexts[h.stream](); ok {
			h.ts, h.ev = ev.ts, ev
		} else {
			heap[0] = heap[len(heap)-1]
			heap = heap[:len(heap)-1]
		}
		down(heap)
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("trafficgen: writing the log: %w", err)
	}
	sum.ByKind = make(map[string]int)
	for i := range rec.clients {
		if c := &rec.clients[i]; c.events > 0 {
			sum.Clients++
			sum.ByKind[c.kind]++
		}
	}
	return sum, nil
}

// down restores the heap order after the root changed.
func down(h []head) {
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		j := l
		if r := l + 1; r < len(h) && less(&h[r], &h[l]) {
			j = r
		}
		if !less(&h[j], &h[i]) {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}

// events returns the sequence of one stream's requests in time order.
func (rec *recording) events(i int) iter.Seq[*event] {
	st := &rec.streams[i]
	return func(yield func(*event) bool) {
		a := &actor{r: st.r, w: rec.w, ua: st.ua, key: st.key, hdr: st.hdr, yield: yield, path: make([]byte, 0, 256)}
		a.bucket, a.loginBucket = a.w.rateBurst, 5
		st.run(a)
		if a.count == 0 && !a.done {
			// Everyone in the plan shows up at least once.
			a.t = a.w.start + a.r.Int64N(a.w.end-a.w.start)
			a.last = 0
			a.begin("/")
			a.send("GET", &epPage, 0)
		}
	}
}

// writeLabels writes one label per client that made a request, ordered by
// address.
func (rec *recording) writeLabels(w io.Writer) error {
	order := make([]int, 0, len(rec.clients))
	for i := range rec.clients {
		if rec.clients[i].events > 0 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(rec.clients[a].ip, rec.clients[b].ip) })
	bw := bufio.NewWriter(w)
	var line []byte
	for _, i := range order {
		line = appendLabel(line[:0], &rec.clients[i])
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("trafficgen: writing the labels: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("trafficgen: writing the labels: %w", err)
	}
	return nil
}
