// Package simlog records the requests of a synthetic site and writes them
// as canonical JSON access-log lines, sorted by time, with one label per
// client that sent traffic.
//
// It holds only what every traffic model needs to get right in the same
// way (unique addresses, onset and end of attacks, the output formats);
// what the traffic looks like stays in each model, so that the models
// remain independent worlds that a detector can be judged on. The models
// import it with a dot: its helpers (Pick, Uniform, Sec...) are the
// vocabulary their traffic is written in.
package simlog

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// KindNormal is the label kind of legitimate clients.
const KindNormal = "normal"

// Client is one address as the gateway sees it, and what it really is.
type Client struct {
	IP       string
	Kind     string // KindNormal or an attack kind
	Campaign string // names the campaign the client belongs to, if any
	Profile  string // what kind of normal client it is, if normal
	Heavy    bool   // a legitimate client much busier than a person

	onset, end int64 // first and last attack request, ns from the start; -1 if none
	events     int
}

// Events returns how many requests of the client are in the window.
func (c *Client) Events() int { return c.events }

// Event is one request.
type Event struct {
	T                   int64 // ns from the start of the window
	C                   *Client
	Method, Path        string
	Status              int
	ReqBytes, RespBytes int64
	DurationMS          float64
	UA, Key, User       string
	// Attack marks a request that is part of an attack: the client's
	// label onset and end are its first and last such request.
	Attack bool
}

// Log collects clients and requests of one recording.
type Log struct {
	start   time.Time
	window  int64
	events  []Event
	clients []*Client
	used    map[string]bool    // addresses drawn, given to a client or not
	byIP    map[string]*Client // addresses given to a client
}

// New returns an empty log of the window [start, start+window).
func New(start time.Time, window time.Duration) *Log {
	return &Log{start: start.UTC(), window: int64(window), used: map[string]bool{}, byIP: map[string]*Client{}}
}

// Window returns the length of the recording in ns.
func (l *Log) Window() int64 { return l.window }

// Start returns the time of offset 0.
func (l *Log) Start() time.Time { return l.start }

// Client registers a client at ip. One address is one client, as the
// detector's default identity sees it, so registering an address twice is
// a bug in the model and panics.
func (l *Log) Client(ip, kind string) *Client {
	if l.byIP[ip] != nil {
		panic("simlog: address " + ip + " registered twice")
	}
	l.used[ip] = true
	c := &Client{IP: ip, Kind: kind, onset: -1, end: -1}
	l.byIP[ip] = c
	l.clients = append(l.clients, c)
	return c
}

// Add records e if it falls inside the window and reports whether it did.
func (l *Log) Add(e Event) bool {
	if e.T < 0 || e.T >= l.window {
		return false
	}
	l.events = append(l.events, e)
	c := e.C
	c.events++
	if e.Attack {
		if c.onset < 0 || e.T < c.onset {
			c.onset = e.T
		}
		c.end = max(c.end, e.T)
	}
	return true
}

// Sort orders the events by time, keeping the order of equal times, so
// that a model can apply time-ordered effects (rate limits) before Write.
func (l *Log) Sort() {
	slices.SortStableFunc(l.events, func(a, b Event) int { return cmp.Compare(a.T, b.T) })
}

// Events returns the recorded events; the caller may change them in place.
func (l *Log) Events() []Event { return l.events }

// Clients returns the registered clients, including those that sent
// nothing inside the window.
func (l *Log) Clients() []*Client { return l.clients }

// WriteEvents writes the events as canonical JSON lines in time order.
func (l *Log) WriteEvents(w io.Writer) error {
	l.Sort()
	bw := bufio.NewWriterSize(w, 1<<20)
	var b []byte
	for i := range l.events {
		e := &l.events[i]
		b = append(b[:0], `{"ts":"`...)
		b = l.start.Add(time.Duration(e.T)).AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
		b = append(b, `","client_ip":`...)
		b = strconv.AppendQuote(b, e.C.IP)
		b = append(b, `,"method":`...)
		b = strconv.AppendQuote(b, e.Method)
		b = append(b, `,"path":`...)
		b = strconv.AppendQuote(b, e.Path)
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(e.Status), 10)
		b = append(b, `,"req_bytes":`...)
		b = strconv.AppendInt(b, e.ReqBytes, 10)
		b = append(b, `,"resp_bytes":`...)
		b = strconv.AppendInt(b, e.RespBytes, 10)
		b = append(b, `,"duration_ms":`...)
		b = strconv.AppendFloat(b, math.Round(e.DurationMS*100)/100, 'f', -1, 64)
		b = append(b, `,"user_agent":`...)
		b = strconv.AppendQuote(b, e.UA)
		if e.Key != "" {
			b = append(b, `,"api_key":`...)
			b = strconv.AppendQuote(b, e.Key)
		}
		if e.User != "" {
			b = append(b, `,"user":`...)
			b = strconv.AppendQuote(b, e.User)
		}
		b = append(b, "}\n"...)
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("simlog: write events: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("simlog: write events: %w", err)
	}
	return nil
}

// WriteLabels writes one label per client that sent at least one request
// inside the window, in the shape backtest.ReadLabels reads.
func (l *Log) WriteLabels(w io.Writer) error {
	bw := bufio.NewWriter(w)
	ts := func(c *Client, t int64) string {
		if t < 0 || c.Kind == KindNormal {
			return "null"
		}
		return `"` + l.start.Add(time.Duration(t)).Format("2006-01-02T15:04:05.000Z07:00") + `"`
	}
	for _, c := range l.clients {
		if c.events == 0 {
			continue
		}
		line := fmt.Sprintf(`{"client":%q,"kind":%q,"onset":%s,"end":%s,"heavy":%t`, c.IP, c.Kind, ts(c, c.onset), ts(c, c.end), c.Heavy)
		if c.Campaign != "" {
			line += fmt.Sprintf(`,"campaign":%q`, c.Campaign)
		}
		if c.Profile != "" {
			line += fmt.Sprintf(`,"profile":%q`, c.Profile)
		}
		if _, err := bw.WriteString(line + "}\n"); err != nil {
			return fmt.Errorf("simlog: write labels: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("simlog: write labels: %w", err)
	}
	return nil
}

// Summary returns a short human-readable count of clients and events per
// kind, for the generator's own output.
func (l *Log) Summary() string {
	type count struct{ clients, events, heavy int }
	per := map[string]*count{}
	campaigns := map[string]int{}
	for _, c := range l.clients {
		if c.events == 0 {
			continue
		}
		k := per[c.Kind]
		if k == nil {
			k = &count{}
			per[c.Kind] = k
		}
		k.clients++
		k.events += c.events
		if c.Heavy {
			k.heavy++
		}
		if c.Campaign != "" {
			campaigns[c.Campaign]++
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d events\n", len(l.events))
	for _, k := range slices.Sorted(maps.Keys(per)) {
		fmt.Fprintf(&sb, "  %-12s clients=%-5d heavy=%-3d events=%d\n", k, per[k].clients, per[k].heavy, per[k].events)
	}
	for _, id := range slices.Sorted(maps.Keys(campaigns)) {
		fmt.Fprintf(&sb, "  campaign %s: %d addresses\n", id, campaigns[id])
	}
	return sb.String()
}

// V4 draws an IPv4 address under one of the prefixes ("73." or "100.12.")
// that no client of the log holds yet.
func (l *Log) V4(r *rand.Rand, prefixes []string) string {
	for {
		p := prefixes[r.IntN(len(prefixes))]
		parts := strings.Count(p, ".")
		s := p
		for i := parts; i < 4; i++ {
			if i == 3 {
				s += strconv.Itoa(1 + r.IntN(254))
			} else {
				s += strconv.Itoa(r.IntN(256)) + "."
			}
		}
		if !l.used[s] {
			l.used[s] = true
			return s
		}
	}
}

// V6Net draws a /64 under one of the prefixes (with two or three groups
// and a trailing colon, "2a02:8109:"), written as its first four groups
// and a colon.
func V6Net(r *rand.Rand, prefixes []string) string {
	p := prefixes[r.IntN(len(prefixes))]
	s := p
	for i := strings.Count(p, ":"); i < 4; i++ {
		s += strconv.FormatUint(uint64(r.IntN(1<<16)), 16) + ":"
	}
	return s
}

// V6In draws an address inside the /64 net (as V6Net returns it) that no
// client of the log holds yet, with a random interface identifier as
// privacy extensions choose them.
func (l *Log) V6In(r *rand.Rand, net string) string {
	for {
		s := net
		for i := range 4 {
			s += strconv.FormatUint(uint64(r.IntN(1<<16)), 16)
			if i < 3 {
				s += ":"
			}
		}
		if !l.used[s] {
			l.used[s] = true
			return s
		}
	}
}

// RotateV6 returns what moves a phone to a new IPv6 privacy address in
// its /64 net every so often: called with the time of each of its visits'
// steps, the function returns the client to record them under. The first
// is cur; once a gap drawn between lo and hi seconds has passed (from
// start, then from each move), it is a new client of the same profile at a
// new address in net.
func (l *Log) RotateV6(r *rand.Rand, cur *Client, net string, start int64, lo, hi float64) func(t int64) *Client {
	next := start + Sec(Uniform(r, lo, hi))
	return func(t int64) *Client {
		if t >= next {
			profile := cur.Profile
			cur = l.Client(l.V6In(r, net), KindNormal)
			cur.Profile = profile
			next = t + Sec(Uniform(r, lo, hi))
		}
		return cur
	}
}

// Poisson calls f at the arrival times of a Poisson process of rate per
// second over [a, b) ns.
func Poisson(r *rand.Rand, rate float64, a, b int64, f func(t int64)) {
	if rate <= 0 {
		return
	}
	for t := a + Sec(r.ExpFloat64()/rate); t < b; t += Sec(r.ExpFloat64() / rate) {
		f(t)
	}
}

// Sec converts seconds to ns.
func Sec(s float64) int64 { return int64(s * 1e9) }

// Uniform draws from [a, b).
func Uniform(r *rand.Rand, a, b float64) float64 { return a + r.Float64()*(b-a) }

// LogUniform draws from [a, b) evenly on a log scale, for rates and sizes
// that span orders of magnitude.
func LogUniform(r *rand.Rand, a, b float64) float64 {
	return math.Exp(Uniform(r, math.Log(a), math.Log(b)))
}

// LogNormal draws median·e^(sigma·N(0,1)).
func LogNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// Pick returns a random element of xs.
func Pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// Weighted returns an index of ws drawn in proportion to its weights.
func Weighted(r *rand.Rand, ws []float64) int {
	sum := 0.
	for _, x := range ws {
		sum += x
	}
	x := r.Float64() * sum
	for i, v := range ws {
		if x < v {
			return i
		}
		x -= v
	}
	return len(ws) - 1
}

// Chance reports true with probability p.
func Chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// Sub returns a generator seeded from r, so that one actor's draws do not
// shift those of the actors after it when its behaviour changes.
func Sub(r *rand.Rand) *rand.Rand { return rand.New(rand.NewPCG(r.Uint64(), r.Uint64())) }

// Attack is a kind of lone attacker a model's day holds: Run adds one
// attacker of it, from a random stream of its own; Second is the chance
// of a second one.
type Attack struct {
	Run    func(*rand.Rand)
	Second float64
}

// Attacks adds the day's lone attackers: each kind once, and again with
// its Second chance, in order, each from a sub-stream of r (Sub).
func Attacks(r *rand.Rand, kinds ...Attack) {
	for _, a := range kinds {
		n := 1
		if Chance(r, a.Second) {
			n++
		}
		for range n {
			a.Run(Sub(r))
		}
	}
}

// Hex returns n random hex digits (n <= 16).
func Hex(r *rand.Rand, n int) string { return fmt.Sprintf("%016x", r.Uint64())[:n] }

// EncodeQuery writes s into a query value as real tools do: nearly raw
// (only what would break the query replaced by raw) a share pRaw of the
// time, URL-encoded once up to a share pOnce, and twice for the rest.
func EncodeQuery(r *rand.Rand, s string, raw *strings.Replacer, pRaw, pOnce float64) string {
	switch x := r.Float64(); {
	case x < pRaw:
		return raw.Replace(s)
	case x < pOnce:
		return url.QueryEscape(s)
	}
	return url.QueryEscape(url.QueryEscape(s))
}

// Buckets are a gateway's token buckets, one per key (an address, a user,
// an API key): each holds up to burst tokens and refills at rate a second.
type Buckets struct {
	rate, burst float64
	m           map[string]*bucket
}

type bucket struct {
	tokens float64
	last   int64
}

// NewBuckets returns empty buckets of rate and burst.
func NewBuckets(rate, burst float64) *Buckets {
	return &Buckets{rate: rate, burst: burst, m: map[string]*bucket{}}
}

// Take spends a token of key's bucket at t (ns, in time order) and reports
// whether there was one; a request that finds none is refused (429).
func (b *Buckets) Take(key string, t int64) bool {
	k := b.m[key]
	if k == nil {
		k = &bucket{tokens: b.burst, last: t}
		b.m[key] = k
	}
	k.tokens = math.Min(b.burst, k.tokens+float64(t-k.last)/1e9*b.rate)
	k.last = t
	if k.tokens < 1 {
		return false
	}
	k.tokens--
	return true
}
