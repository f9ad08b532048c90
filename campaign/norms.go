package campaign

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/portcullis/portcullis/features"
)

// Norms is what training learned about each endpoint: the robust tail of
// its per-minute requests, failures, request bytes and new-address
// arrivals, and its usual share of the site's traffic. The model file
// carries it.
type Norms struct {
	// Minutes is how many minutes of traffic the norms were learned from.
	Minutes int `json:"minutes"`
	// Endpoints are the endpoints seen in training, busiest first.
	Endpoints []EndpointNorm `json:"endpoints"`
	// Prior stands for an endpoint training never saw: the median of the
	// seen endpoints' limits, no usual share, the site's failure ratio.
	Prior EndpointNorm `json:"prior"`
	// Site is the whole site's per-minute requests and new addresses.
	Site EndpointNorm `json:"site"`
}

// EndpointNorm is the usual per-minute behaviour of one endpoint.
type EndpointNorm struct {
	Key uint64 `json:"key"`
	// Endpoint is the method and path template, for display (printable
	// ASCII only).
	Endpoint string `json:"endpoint,omitempty"`
	Requests Tail   `json:"requests"`
	Failures Tail   `json:"failures"`
	Bytes    Tail   `json:"bytes"`
	NewAddrs Tail   `json:"new_addresses"`
	// FailAddrs counts addresses failing twice there within a minute;
	// Repeaters new addresses sending four requests to one of its URLs.
	// Campaigns are departures of these.
	FailAddrs Tail `json:"failing_addresses"`
	Repeaters Tail `json:"repeating_addresses"`
	// ServedAddrs counts the distinct addresses served there (see
	// Event.Served): the usual crowd, in addresses, that the failures line
	// scales with. Zero in a model from an older build.
	ServedAddrs Tail `json:"served_addresses,omitzero"`
	// Share is the endpoint's share of the site's requests; NewShare its
	// share of the site's new-address arrivals; FailRatio the share of its
	// requests that failed.
	Share     float64 `json:"share"`
	NewShare  float64 `json:"new_share"`
	FailRatio float64 `json:"fail_ratio"`
	// Total is the endpoint's requests in training.
	Total int64 `json:"total"`
	// Recovers is the share of the addresses that opened with a failure
	// there in training (Signals.Direct) that got in within their run
	// (Signals.Recovered) and did not fail there again (Signals.Again):
	// near 1 where an app's first call meets an expired token and renews
	// it at once, low where addresses open with guesses, even guesses
	// that hit now and then (gift codes, account numbers). 0 when
	// training saw too few to tell.
	Recovers float64 `json:"recovers,omitempty"`
	// Bare is the share of its minutes in training in which at most a
	// twentieth of its requests carried a query: near 1 for a page (the
	// home page, a market's page), where a query that changes on every
	// request is there to get past a cache (see urlOf). Minutes, not
	// requests, so that a cache-busting flood in training, a few minutes
	// of it, does not make the page one that takes queries. 0 in a model
	// from an older build.
	Bare float64 `json:"bare,omitempty"`
	// Params are the hashes (see paramHash) of the names of the query
	// parameters training saw paramClients or more clients send on the
	// endpoint, in paramMinutes of the recording's minutes or more; empty
	// when it saw none, or more than maxParams names (the endpoint takes
	// any). A parameter whose name is not among them is no part of what
	// the endpoint serves (see Tracker.urlOf). Empty in a model from an
	// older build.
	Params []uint32 `json:"params,omitempty"`
	// Closed says training saw queries on the endpoint with at most
	// maxParams names: it takes the parameters in Params and no others,
	// even when Params is empty (every name it saw came from a few
	// minutes: a cache-busting flood's). False in a model from an older
	// build, where an empty Params strips nothing.
	Closed bool `json:"closed,omitempty"`
}

// maxParams is how many names of query parameters an endpoint's norm
// keeps: an endpoint that takes more takes any (a search's filters, a
// tracker's free-form tags), and no parameter of it is stripped.
const maxParams = 16

// Tail is a per-minute count's distribution in training.
type Tail struct {
	Q50 float64 `json:"q50"`
	Q90 float64 `json:"q90"`
	Q99 float64 `json:"q99"`
	// Limit is the robust tail: the median plus three Poisson deviations,
	// at least 1. It rests on the median alone so that attacks in the
	// training recording, even in a third of its minutes (a short
	// recording), do not raise it. For the counts campaigns are judged on
	// (failing and repeating addresses), rare and near Poisson in normal
	// traffic, it rests on the lower quartile instead: a campaign of the
	// training day that runs through most of a short recording (card
	// testers arriving a few a minute for eight of fifteen minutes) would
	// otherwise become the endpoint's usual minute, and the same campaign
	// on the next day would not depart from it. Where the counts step up
	// past three times their lowest tenth by the lower quartile (twice,
	// for the failing addresses of a write endpoint), a campaign ran
	// through more than three quarters of the recording, and the limit
	// rests on the lowest tenth (see addrTailOf).
	Limit float64 `json:"limit"`
}

func tailOf(h *histogram, minutes int) Tail {
	q50, q90, q99 := h.quantile(0.5, minutes), h.quantile(0.9, minutes), h.quantile(0.99, minutes)
	return Tail{Q50: q50, Q90: q90, Q99: q99, Limit: max(q50+3*math.Sqrt(q50), 1)}
}

// addrTailOf is tailOf for the counts of addresses campaigns are judged
// on, with the limit resting on the lower quartile (see Tail.Limit).
func addrTailOf(h *histogram, minutes int, step float64) Tail {
	t := tailOf(h, minutes)
	q := h.quantile(0.25, minutes)
	if q10 := h.quantile(0.1, minutes); q > step*max(q10, 1) {
		// The lower quartile is inside the campaign: it ran through more
		// than three quarters of the recording. Counts of rare events
		// wander less than this between a tenth and a quarter of the
		// minutes; a campaign's begin and end are a step.
		q = q10
	}
	t.Limit = max(q+3*math.Sqrt(q), 1)
	return t
}

// shiftFactor is how many times the tenth of the minutes' count the lower
// quartile must be for the counts to have stepped up (see addrTailOf);
// writeFailStep is the same for the failing addresses of a write
// endpoint. Stuffing that ran through 12 of the exchange's 15 training
// minutes, arriving 1 to 3 addresses a minute more than the users who
// mistype, left the login's lower quartile at 3 failing addresses and
// its lowest tenth at 1; at three times, the next day's stuffing (17 to
// 22 new addresses a minute) stayed under the line, and its two brute
// forcers with it. Reads keep three: a crowd mistyping tracking numbers
// through most of the b2b model's training day steps up as much (78
// consumers blocked the next day at two).
const (
	shiftFactor   = 3
	writeFailStep = 2
)

// histogram counts per-minute values in buckets: exact up to 16, then
// about 12 % wide. Minutes with a zero count are not added; quantile
// infers them from the total number of minutes.
type histogram struct {
	n [nBuckets]uint32
}

const nBuckets = 96

func bucketOf(v float64) int {
	if v < 16 {
		return int(v)
	}
	b := 16 + int(math.Log(v/16)/math.Log(1.12))
	return min(b, nBuckets-1)
}

// upper returns the upper edge of bucket b: quantiles round up, so limits
// err towards fewer campaigns.
func upper(b int) float64 {
	if b < 16 {
		return float64(b)
	}
	return 16 * math.Pow(1.12, float64(b-16+1))
}

func (h *histogram) add(v float64) {
	if v > 0 {
		h.n[bucketOf(v)]++
	}
}

func (h *histogram) quantile(q float64, minutes int) float64 {
	var nonzero int
	for _, c := range h.n {
		nonzero += int(c)
	}
	if minutes < nonzero {
		minutes = nonzero
	}
	rank := int(math.Ceil(q * float64(minutes)))
	zeros := minutes - nonzero
	if rank <= zeros {
		return 0
	}
	rank -= zeros
	for b, c := range h.n {
		if rank <= int(c) {
			return upper(b)
		}
		rank -= int(c)
	}
	return upper(nBuckets - 1)
}

// Trainer learns Norms from the events of a training recording, in event
// time order (roughly: an event out of order counts in the current minute).
type Trainer struct {
	max          int
	eps          map[uint64]*epTrain
	site         epTrain
	first, last  int64
	overflowReqs int64
	// failing notes each failing-address signal on a write endpoint with
	// its client, so that NormsWithout can count them again without some
	// clients.
	failing []failNote
}

// failNote is one failing-address signal: its endpoint, minute and client.
type failNote struct {
	at     epMinute
	client string
}

// epMinute is one endpoint's minute.
type epMinute struct {
	key    uint64
	minute int64
}

type epTrain struct {
	label                     string
	write                     bool // not a read (GET, HEAD, OPTIONS)
	minute                    int64
	cur                       [nMetrics]float64 // this minute's counts, by metric
	hist                      [nMetrics]histogram
	total, failures, newAddrs int64
	failAddrs, repeaters      int64
	queried                   float64     // this minute's requests that carried a query
	active, bare              int64       // minutes with requests, and those with few queried (see EndpointNorm.Bare)
	direct, recovered         int64       // failing addresses counted at their first failure, and those of them that got in
	served                    addrSketch  // this minute's served addresses (see Event.Served)
	params                    []paramSeen // the query parameters seen, up to maxParams
	anyParams                 bool        // more than maxParams names were seen
}

// paramSeen is a query parameter's name, as paramHash, the first
// clients (hashed) that sent it, up to paramClients, and the minutes it
// was sent in.
type paramSeen struct {
	name    uint32
	n       int
	clients [paramClients]uint32
	minutes int64 // minutes of the endpoint in which it was sent
	last    int64 // the latest of them
}

// paramMinutes is the share of the training recording's minutes in which
// a query parameter must have been sent to an endpoint for its name to be
// one the endpoint takes: what people and apps ask of an endpoint they
// ask throughout the day, where a cache-busting flood in training, from a
// hundred addresses, sends its buster for the few minutes it lasts (on
// the clinic, learning-platform and streaming models, "_" on the home
// page, a sign-in page and a schedule's API, known there from a flood's
// addresses, hid the next day's flood on the same pages). The
// recording's minutes, not the endpoint's: a quiet page is asked for in
// few minutes, and a flood's five of them were half of the learning
// platform's home page's. A parameter sent in fewer minutes (one used
// only in office hours of a day-long recording) is left out of the URL a
// client repeats, which only merges what such clients repeat.
const paramMinutes = 0.5

// paramClients is how many clients must have sent a query parameter in
// training for its name to be one the endpoint takes: a cache buster that
// one or two flooding addresses added to a search in training is no
// parameter of the search (on the streaming model, "_" came from two
// addresses of 879 that searched).
const paramClients = 3

// noteParams notes the names of the query parameters of path, sent by the
// client named client.
func (e *epTrain) noteParams(path []byte, client string) {
	if e.anyParams {
		return
	}
	eachParam(path, func(name, _ []byte) bool {
		h := paramHash(name)
		i := slices.IndexFunc(e.params, func(p paramSeen) bool { return p.name == h })
		if i < 0 {
			if len(e.params) == maxParams {
				e.anyParams, e.params = true, nil
				return false
			}
			e.params = append(e.params, paramSeen{name: h})
			i = len(e.params) - 1
		}
		p := &e.params[i]
		if p.last != e.minute {
			p.minutes, p.last = p.minutes+1, e.minute
		}
		if p.n < paramClients {
			if h := paramHash([]byte(client)); !slices.Contains(p.clients[:p.n], h) {
				p.clients[p.n] = h
				p.n++
			}
		}
		return true
	})
}

// knownParams returns the sorted names of the parameters paramClients or
// more clients sent in paramMinutes of the recording's minutes or more,
// nil when the endpoint takes any.
func (e *epTrain) knownParams(minutes int) []uint32 {
	if e.anyParams {
		return nil
	}
	var out []uint32
	for _, p := range e.params {
		if p.n >= paramClients && float64(p.minutes) >= paramMinutes*float64(minutes) {
			out = append(out, p.name)
		}
	}
	slices.Sort(out)
	return out
}

// Metrics of an epTrain's cur and hist.
const (
	mReq = iota
	mFail
	mBytes
	mNew
	mFailAddr
	mRepeater
	mServedAddr
	nMetrics
)

// NewTrainer returns a Trainer that learns at most maxEndpoints endpoints
// (the first seen; events of others count only towards the site).
func NewTrainer(maxEndpoints int) *Trainer {
	return &Trainer{max: maxEndpoints, eps: map[uint64]*epTrain{}, first: math.MaxInt64, site: epTrain{minute: math.MinInt64}}
}

// Observe folds one request, ev as Tracker.Observe returned it, from the
// client named client, into the trainer. method and path name the
// endpoint for display.
func (t *Trainer) Observe(ts int64, ev *Event, method, path []byte, reqBytes int64, client string) {
	if ev.FailingAddr && !features.IsRead(method) && len(t.failing) < maxFailNotes {
		t.failing = append(t.failing, failNote{at: epMinute{ev.Endpoint, ts / int64(time.Minute)}, client: client})
	}
	key, failed, newAddr := ev.Endpoint, ev.Failed, ev.New
	queried := bytes.IndexByte(path, '?') >= 0
	t.first, t.last = min(t.first, ts), max(t.last, ts)
	m := ts / int64(time.Minute)
	e := t.eps[key]
	if e == nil {
		if len(t.eps) >= t.max {
			t.overflowReqs++
		} else {
			e = &epTrain{label: endpointLabel(method, path), write: !features.IsRead(method), minute: m}
			t.eps[key] = e
		}
	}
	for _, x := range []*epTrain{e, &t.site} {
		if x == nil {
			continue
		}
		if m > x.minute {
			x.roll()
			x.minute = m
		}
		x.cur[mReq]++
		x.total++
		if queried {
			x.queried++
			if x != &t.site {
				x.noteParams(path, client)
			}
		}
		if failed {
			x.cur[mFail]++
			x.failures++
		}
		if reqBytes > 0 {
			x.cur[mBytes] += float64(reqBytes)
		}
		if newAddr {
			x.cur[mNew]++
			x.newAddrs++
		}
		if ev.FailingAddr {
			x.cur[mFailAddr]++
			x.failAddrs++
		}
		d, r := ev.recovery()
		x.direct += int64(d)
		x.recovered += int64(r)
		if ev.Repeater {
			x.cur[mRepeater]++
			x.repeaters++
		}
		if ev.Served != 0 && x != &t.site {
			x.served.add(m, ev.Served)
		}
	}
}

func (e *epTrain) roll() {
	if e.served.minute == e.minute {
		// Taken once: a second roll of the last minute (Norms, then
		// NormsWithout) adds nothing.
		e.cur[mServedAddr] = linear(&e.served.cur)
		e.served.cur = [sketchWords]uint64{}
	}
	if e.cur[mReq] > 0 {
		e.active++
		if e.queried <= e.cur[mReq]/20 {
			e.bare++
		}
	}
	e.queried = 0
	for i := range e.cur {
		e.hist[i].add(e.cur[i])
		e.cur[i] = 0
	}
}

// Norms returns what the trainer learned, after the last event. A second
// call (NormsWithout's) learns the same: the first rolled the last minute
// into the histograms.
func (t *Trainer) Norms() *Norms {
	n := &Norms{}
	if t.site.total == 0 {
		return n
	}
	minutes := int(t.last/int64(time.Minute)-t.first/int64(time.Minute)) + 1
	n.Minutes = minutes
	t.site.roll()
	n.Site = t.site.norm(minutes, &t.site)
	n.Site.Endpoint = "(site)"
	var limits [nMetrics][]float64
	for k, e := range t.eps {
		e.roll()
		en := e.norm(minutes, &t.site)
		en.Key, en.Endpoint = k, e.label
		n.Endpoints = append(n.Endpoints, en)
		for i, tl := range []Tail{en.Requests, en.Failures, en.Bytes, en.NewAddrs, en.FailAddrs, en.Repeaters} {
			limits[i] = append(limits[i], tl.Limit)
		}
	}
	slices.SortFunc(n.Endpoints, func(a, b EndpointNorm) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Key, b.Key))
	})
	med := func(x []float64) Tail {
		slices.Sort(x)
		return Tail{Limit: x[len(x)/2]}
	}
	if len(n.Endpoints) > 0 {
		n.Prior = EndpointNorm{Requests: med(limits[0]), Failures: med(limits[1]), Bytes: med(limits[2]), NewAddrs: med(limits[3]),
			FailAddrs: med(limits[4]), Repeaters: med(limits[5]), FailRatio: n.Site.FailRatio, Endpoint: "(unseen)"}
	}
	return n
}

// maxFailNotes bounds the failing-address signals a Trainer notes (32
// bytes each, the client's key shared with the caller): a few per failing
// client, so a million is a training recording of hundreds of thousands
// of addresses failing on writes. Past it, NormsWithout is Norms.
const maxFailNotes = 1 << 20

// NormsWithout returns Norms as Norms does, but with the failing
// addresses of write endpoints counted again without the clients drop
// names: the members of the training day's own campaigns, which its
// second pass finds. Stuffing
// or card testing that fails a few addresses a minute through most of the
// training day becomes its endpoint's usual minute, even at the lower
// quartile, and the same campaign on the next day does not depart from
// it. Reads keep every address: a crowd mistyping tracking numbers or
// following a dead link is what the second pass most often takes for a
// campaign there, and without it the endpoint's line falls below the
// crowd's next visit. It may be called after Norms, or instead of it,
// after the last event.
func (t *Trainer) NormsWithout(drop map[string]bool) *Norms {
	if len(drop) > 0 && len(t.failing) < maxFailNotes {
		for _, e := range t.eps {
			if e.write {
				e.hist[mFailAddr], e.cur[mFailAddr] = histogram{}, 0
			}
		}
		counts := map[epMinute]float64{}
		for _, f := range t.failing {
			if !drop[f.client] {
				counts[f.at]++
			}
		}
		for at, n := range counts {
			if e := t.eps[at.key]; e != nil {
				if at.minute == e.minute {
					e.cur[mFailAddr] = n // rolled by Norms
				} else {
					e.hist[mFailAddr].add(n)
				}
			}
		}
	}
	return t.Norms()
}

func (e *epTrain) norm(minutes int, site *epTrain) EndpointNorm {
	failStep := float64(shiftFactor)
	if e.write {
		failStep = writeFailStep
	}
	en := EndpointNorm{
		Requests:    tailOf(&e.hist[mReq], minutes),
		Failures:    tailOf(&e.hist[mFail], minutes),
		Bytes:       tailOf(&e.hist[mBytes], minutes),
		NewAddrs:    tailOf(&e.hist[mNew], minutes),
		FailAddrs:   addrTailOf(&e.hist[mFailAddr], minutes, failStep),
		Repeaters:   addrTailOf(&e.hist[mRepeater], minutes, shiftFactor),
		ServedAddrs: tailOf(&e.hist[mServedAddr], minutes),
		Total:       e.total,
	}

	if site.total > 0 {
		en.Share = float64(e.total) / float64(site.total)
	}
	if site.newAddrs > 0 {
		en.NewShare = float64(e.newAddrs) / float64(site.newAddrs)
	}
	if e.total > 0 {
		en.FailRatio = float64(e.failures) / float64(e.total)
	}
	if e.active > 0 {
		en.Bare = float64(e.bare) / float64(e.active)
	}
	en.Params = e.knownParams(minutes)
	en.Closed = !e.anyParams && len(e.params) > 0
	if e.direct >= minRecoverBase {
		en.Recovers = min(1, max(0, float64(e.recovered)/float64(e.direct)))
	}
	return en
}

// minRecoverBase is how many addresses that opened with a failure an
// endpoint must have had in training for its share of them that got in
// (EndpointNorm.Recovers) to be learned.
const minRecoverBase = 10
