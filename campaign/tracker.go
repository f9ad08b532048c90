package campaign

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"time"
	"unsafe"

	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
)

// Tau is the time constant, in seconds, of the aggregates' decayed counts:
// at a steady rate a count equals that rate per minute, so it compares
// directly with the per-minute tails training learned (the features
// package decays the same way, with its own constants).
const Tau = 60.0

// Window is how far back from the moment an endpoint departs a campaign
// looks for the clients that drove it: about the span its decayed counts
// weigh.
const Window = time.Minute

// Lookback is how long before a campaign's window an address may have been
// first seen and still count as new to it.
const Lookback = 2 * time.Minute

// endAfter closes a campaign whose endpoint has not departed for this long;
// pendingFor drops an unconfirmed one (fewer than MinMembers) sooner.
const (
	endAfter   = 5 * time.Minute
	pendingFor = 2 * time.Minute
)

// warmUp is how long after its first event a Tracker opens no campaign:
// every address is new to it then, and its counts of the site, which
// departures are compared with, are still a handful.
const warmUp = 30 * time.Second

// maxActive bounds the campaigns open at once; maxDone the closed ones kept
// for Summaries.
const (
	maxActive = 64
	maxDone   = 1024
)

// Channel is the aggregate whose departure defines a campaign.
type Channel uint8

// Channels.
const (
	ChannelFailures  Channel = iota + 1 // addresses failing repeatedly on one endpoint
	ChannelRepeaters                    // new addresses hammering a few URLs of one endpoint
)

func (c Channel) String() string {
	switch c {
	case ChannelFailures:
		return "failing_addresses"
	case ChannelRepeaters:
		return "repeating_addresses"
	}
	return "none"
}

// Feature names the decayed count of a channel in decisions' reasons.
func (c Channel) Feature() string { return "endpoint_" + c.String() + "_1m" }

// Features lists every Channel's Feature, for metrics created up front.
func Features() []string {
	return []string{ChannelFailures.Feature(), ChannelRepeaters.Feature()}
}

// endpoint is the aggregate of one endpoint template.
type endpoint struct {
	req, fail, bytes, newAddr float64
	failAddr, repeaters       float64
	refusedRep                float64    // repeaters whose request to the URL they repeat was refused (see Campaign.admits)
	served                    float64    // successes of clients not failing there (see crowdOf)
	servedAddrs               addrSketch // the addresses of those successes, by minute (see crowdOf)
	direct, recovered         float64    // failing addresses counted at their first failure, and those of them that got in (see recoversNow)
	norm                      *EndpointNorm
	camp                      *Campaign
	// hammered are the URLs of the endpoint that new addresses repeat,
	// with how many such addresses repeated each (see share).
	hammered [nHammered]uint32
	hammers  [nHammered]uint16
	spill    uint16 // repeaters whose URL found no slot, for share's rotation
}

// nHammered is how many of an endpoint's repeated URLs it follows: a
// flood hammers one to a few, beside the URLs of pollers that each repeat
// their own.
const nHammered = 16

// share notes that one more new address repeats url on the endpoint. The
// URLs two or more repeat are the ones a repeaters campaign's members
// must hammer (sharedURLs, Campaign.Acts): a distributed flood sends its
// addresses to the same few pages, while a crowd polling a waiting room,
// an order's tracking or a live score, each on its own ticket or order,
// shares none, and its addresses are not the flood's even when their
// number departs. A URL one address repeated gives its slot to the next,
// as Member's slots do, so the slots keep the URLs many repeat.
func (e *endpoint) share(url uint32) {
	for i, u := range e.hammered {
		if u == url {
			e.hammers[i] = sat(e.hammers[i])
			return
		}
	}
	e.spill = sat(e.spill)
	for k := range e.hammered {
		if j := (int(e.spill) + k) % nHammered; e.hammers[j] <= 1 {
			e.hammered[j], e.hammers[j] = url, 1
			return
		}
	}
}

// sharedURLs copies into dst the URLs two or more new addresses repeat.
func (e *endpoint) sharedURLs(dst *[8]uint32) {
	*dst = [8]uint32{}
	n := 0
	for i, u := range e.hammered {
		if e.hammers[i] >= 2 && n < len(dst) {
			dst[n] = u
			n++
		}
	}
}

// network is the aggregate of one IPv4 /24, IPv6 /64 or /48.
type network struct {
	req, newAddr float64
}

// fingerprint is the aggregate of a user-agent family and a request shape.
type fingerprint struct {
	req, fail, newAddr float64
}

// userNets are the networks a signed-in user was served at lately (see
// Tracker.own): an IPv6 /64, or an address, each by a 32-bit hash; 0
// marks a free slot.
type userNets struct {
	nets [ownNets + 1]uint32
}

// ownEvery is how often, in requests, a client served as a signed-in
// user is looked up again in the users table after its first time: a
// flood's address sends hundreds, a person's session tens, and the lookup
// on every request cost the detector 5 % of its throughput.
const ownEvery = 8

// ownNets is how many networks a signed-in user may be served at and
// still be one person's: a phone's privacy addresses rotate inside one
// /64, but a person moves between home, office and carrier too.
const ownNets = 3

const (
	sizeEndpoint    = int(unsafe.Sizeof(endpoint{}))
	sizeNetwork     = int(unsafe.Sizeof(network{}))
	sizeFingerprint = int(unsafe.Sizeof(fingerprint{}))
	sizeUser        = int(unsafe.Sizeof(userNets{}))
)

// The aggregates are decayed without touching them on every event: each
// holds its count scaled by e^((t-epoch)/Tau), to which an event at t adds
// its weight e^((t-epoch)/Tau), and a read at now divides by
// e^((now-epoch)/Tau). One exponential per event serves every aggregate,
// where decaying each one would take five. The epoch moves forward (and
// every aggregate is rescaled) every rebaseAfter, long before the scale
// nears float64's range (e^360 at six hours).
const rebaseAfter = 6 * time.Hour

// weight returns the scale of an event at ts, rebasing first if due.
func (t *Tracker) weight(ts int64) float64 {
	if t.epoch == 0 {
		t.epoch = ts
	}
	if ts-t.epoch > int64(rebaseAfter) {
		t.rebase(ts)
	}
	return math.Exp(float64(ts-t.epoch) / 1e9 / Tau)
}

// unscale returns the factor that turns a stored count into its decayed
// value at ts.
func (t *Tracker) unscale(ts int64) float64 {
	return math.Exp(-float64(ts-t.epoch) / 1e9 / Tau)
}

func (t *Tracker) rebase(ts int64) {
	f := t.unscale(ts)
	scale := func(e *endpoint) {
		e.req, e.fail, e.bytes, e.newAddr, e.failAddr, e.repeaters = e.req*f, e.fail*f, e.bytes*f, e.newAddr*f, e.failAddr*f, e.repeaters*f
		e.served, e.refusedRep = e.served*f, e.refusedRep*f
		e.direct, e.recovered = e.direct*f, e.recovered*f
	}
	scale(&t.site)
	t.eps.each(func(_ uint64, e *endpoint) { scale(e) })
	t.nets.each(func(_ uint64, n *network) { n.req, n.newAddr = n.req*f, n.newAddr*f })
	t.fps.each(func(_ uint64, p *fingerprint) { p.req, p.fail, p.newAddr = p.req*f, p.fail*f, p.newAddr*f })
	t.epoch = ts
}

// Campaign is a departure of one endpoint's aggregate and the clients that
// share it. Its fields are read by the detector; only the Tracker writes
// them, except Members and Candidates, which the detector keeps.
type Campaign struct {
	// ID is derived from what defines the campaign (the channel, the
	// endpoint and the minute its window starts), so that detectors on
	// several partitions name the same campaign alike.
	ID       string
	Endpoint uint64
	// Label is the endpoint's method and template, printable ASCII.
	Label   string
	Channel Channel
	// Start is the start of the window clients are counted from; Opened
	// is when the departure was seen; Established is when enough members
	// shared it (0 while pending); LastDeparture the latest time the
	// endpoint was seen departing.
	Start, Opened, Established, LastDeparture int64
	// Value and Limit are the decayed count that departed, at opening, and
	// the threshold it passed; Typical is the endpoint's robust tail.
	Value, Limit, Typical float64
	// Members is how many clients have been blocked as members; Browsing
	// how many of them joined with most of their requests elsewhere (see
	// Join).
	Members, Browsing int
	// V6 counts the members with an IPv6 address (see Campaign.Fits).
	V6 int
	// urls are the URLs of the endpoint that two or more new addresses
	// repeat, as of the latest departure (see endpoint.share).
	urls [8]uint32
	// recovering: most addresses that open with a failure on the
	// endpoint get in right after (EndpointNorm.Recovers).
	recovering bool
	// refused: a repeaters campaign whose departure the refused repeaters
	// carried alone (see Campaign.admits).
	refused bool
	// logPace is the mean log of the paces of a repeaters campaign's
	// members as they joined, paced of them (see NotePace).
	logPace float64
	paced   int
	// Candidates are clients found sharing the departure while it was
	// pending; the detector owns the slice.
	Candidates []string
	// Seq numbers campaigns within a Tracker, for Member.Seq.
	Seq uint32
}

// NotePace counts the pace of a member (its mean request rate since its
// first request, requests a second) as it joins a repeaters campaign.
func (c *Campaign) NotePace(pace float64) {
	if c.Channel != ChannelRepeaters || pace <= 0 {
		return
	}
	c.paced++
	c.logPace += (math.Log(pace) - c.logPace) / float64(min(c.paced, paceWindow))
}

// KeepsPace says a client whose pace (see NotePace) is pace keeps up with
// a repeaters campaign's members: at least paceShare of their typical
// pace (the geometric mean of their paces as they joined, the latest
// paceWindow weighing most), once minPaced of them joined. A flood's addresses each send about what the
// others send; a person polling the page it hammers (a fan refreshing an
// event's availability and a queue during an on-sale, a visitor watching
// a ticker) repeats it too, at a fraction of their pace.
func (c *Campaign) KeepsPace(pace float64) bool {
	return c.Channel != ChannelRepeaters || c.paced < minPaced || pace >= paceShare*math.Exp(c.logPace)
}

// Pace constants (see KeepsPace). (Of paceShare 1/5, 1/4 and 1/3,
// compared on 84 sites of the twelve traffic models, of 167 normal
// clients blocked without a pace: 1/5 blocked 8 fewer and missed no flood
// address; 1/4 16 fewer and missed 1 flood address; 1/3 38 fewer and
// missed 29.)
const (
	paceShare  = 0.25
	paceWindow = 32
	minPaced   = 8
)

// Reason says, for a member's decision, what the campaign is.
func (c *Campaign) Reason() string {
	since := time.Unix(0, c.Start).UTC().Format("15:04:05")
	if c.Channel == ChannelFailures {
		return fmt.Sprintf("one of %d addresses failing on %s since %s", c.Members, c.Label, since)
	}
	return fmt.Sprintf("one of %d new addresses hammering %s since %s", c.Members, c.Label, since)
}

// Summary describes a campaign for reports.
type Summary struct {
	ID        string    `json:"id"`
	Endpoint  string    `json:"endpoint"`
	Channel   string    `json:"channel"`
	Members   int       `json:"members"`
	FirstSeen time.Time `json:"first_seen"`
	Confirmed time.Time `json:"confirmed"`
	LastSeen  time.Time `json:"last_seen"`
}

func (c *Campaign) summary() Summary {
	return Summary{ID: c.ID, Endpoint: c.Label, Channel: c.Channel.String(), Members: c.Members,
		FirstSeen: time.Unix(0, c.Start).UTC(), Confirmed: time.Unix(0, c.Established).UTC(),
		LastSeen: time.Unix(0, c.LastDeparture).UTC()}
}

// Event is what Observe returns about one record.
type Event struct {
	Endpoint uint64
	// URL is the hash of the record's path and query, as Member keeps it
	// (see urlOf).
	URL    uint32
	Failed bool
	// New says the record is the first of an address unknown to training.
	New bool
	// Served is the hash of the record's address (never 0) when it was
	// served to a client not failing on the endpoint: one of the
	// endpoint's served addresses (see crowdOf). 0 otherwise.
	Served uint64
	Signals
	// Campaign is the campaign open on the record's endpoint (pending or
	// established), or nil.
	Campaign *Campaign
	// Opened says this record opened it: the detector looks for the
	// clients that drove the departure before it was seen.
	Opened bool
}

// Stats counts what a Tracker did.
type Stats struct {
	Endpoints, Networks, Fingerprints int   // aggregates tracked now
	Users                             int   // signed-in users followed now (see Member.own)
	Evicted                           int64 // aggregates evicted (idle or cap)
	Opened                            int64 // departures that opened a campaign
	Established                       int64 // campaigns confirmed by MinMembers members
	Dropped                           int64 // departures not tracked because maxActive campaigns were open
}

// Tracker keeps the event-time aggregates and the campaigns they open. It
// is not safe for concurrent use: one Tracker beside each features.Table.
type Tracker struct {
	cfg   Config
	norms *Norms
	index map[uint64]*EndpointNorm

	eps   *lru[endpoint]
	nets  *lru[network]
	fps   *lru[fingerprint]
	users *lru[userNets]

	epoch     int64 // of the aggregates' scale
	siteFirst int64
	siteLast  int64
	site      endpoint

	crowd   float64
	crowdTS int64
	ratios  []float64 // scratch of Crowd
	scratch [512]byte // of stripped

	active []*Campaign
	done   []Summary
	seq    uint32
	stats  Stats

	// creds: the log names a user or an API key on some request, so a
	// request that names neither presented none (see anonymous).
	creds bool
}

// NewTracker returns a Tracker that judges departures against norms (nil
// while training: aggregates only). cfg must be valid.
func NewTracker(cfg Config, norms *Norms) *Tracker {
	cfg = cfg.WithDefaults()
	idle := int64(cfg.IdleTimeout)
	t := &Tracker{
		cfg:    cfg,
		eps:    newLRU[endpoint](cfg.MaxEndpoints, idle),
		nets:   newLRU[network](cfg.MaxNetworks, idle),
		fps:    newLRU[fingerprint](cfg.MaxFingerprints, idle),
		users:  newLRU[userNets](cfg.MaxUsers, idle),
		active: make([]*Campaign, 0, maxActive),
		ratios: make([]float64, 0, cfg.MaxEndpoints),
	}
	t.eps.onEvict = func(_ uint64, e *endpoint) {
		if e.camp != nil {
			t.close(e.camp)
		}
	}
	t.SetNorms(norms)
	return t
}

// SetNorms swaps the norms departures are judged against, keeping the
// aggregates. Open campaigns stay open.
func (t *Tracker) SetNorms(n *Norms) {
	if n != nil && len(n.Endpoints) == 0 {
		n = nil // learned from nothing: no prior to judge by either
	}
	t.norms = n
	t.index = nil
	if n != nil {
		t.index = make(map[uint64]*EndpointNorm, len(n.Endpoints))
		for i := range n.Endpoints {
			t.index[n.Endpoints[i].Key] = &n.Endpoints[i]
		}
	}
	t.eps.each(func(k uint64, e *endpoint) { e.norm = t.normOf(k) })
}

func (t *Tracker) normOf(key uint64) *EndpointNorm {
	if t.norms == nil {
		return nil
	}
	if n := t.index[key]; n != nil {
		return n
	}
	return &t.norms.Prior
}

// Observe folds rec into the aggregates and into m, the state of the
// client that sent it. known says the client is allowlisted or has a
// baseline of its own: its requests count, but never as a new, failing or
// repeating address. It allocates nothing unless a campaign opens. Whether
// a 429 refused rec for its pace (features.Paced) is decided from rec
// alone, an API key taken as its client's own: a caller that keeps the
// client's features passes what they decided to ObserveHashed.
func (t *Tracker) Observe(rec *ingest.Record, m *Member, known bool) Event {
	paced := features.Paced(rec.Status, !features.IsRead(rec.Method), len(rec.APIKey) > 0, false, rec.UserAgent)
	return t.ObserveHashed(rec, features.TemplateHash(rec.Path), features.PathHash(rec.Path), paced, false, m, known)
}

// ObserveHashed is Observe of a record whose path's template hash
// (features.TemplateHash) and hash (features.PathHash) are known already,
// as the client's features have them, and whose refusal for pace
// (features.Paced, features.Client.Paced) too; rekeyed says the record
// carries an API key other than the client's request before it
// (features.Client.Rekeyed).
func (t *Tracker) ObserveHashed(rec *ingest.Record, tmpl, path uint32, paced, rekeyed bool, m *Member, known bool) Event {
	ts := rec.TS
	t.creds = t.creds || len(rec.User) > 0 || len(rec.APIKey) > 0
	r := resultOf(rec.Method, rec.Status)
	ev := Event{Endpoint: endpointKey(rec.Method, tmpl), URL: path | 1, Failed: r == refused}
	r = t.expired(rec, m, r)
	ev.New = m.n == 0 && !known
	if m.n == 0 {
		// A client's networks and user-agent family are taken from its
		// first request, once.
		m.net[0], m.net[1], _ = networks(rec.ClientIP)
		m.ua = uaFamily(rec.UserAgent)
	}
	e := t.endpoint(ev.Endpoint, ts)
	path = t.urlOf(e, rec.Path, path)
	ev.URL = path | 1
	sig := m.observeClaim(ts, ev.Endpoint, path, r, claimOf(rec.Status, rec.User))
	t.movedSession(rec, m, &sig)
	t.session(rec, m)
	t.noteKey(rec, m, rekeyed)
	if m.own {
		// A signed-in person's own session repeats what it polls; it is
		// not an address of a flood (see Member.own).
		sig.Repeater = false
	}
	if ev.Failed {
		t.refusal(rec, m, paced, &sig)
	}
	if t.siteFirst == 0 {
		t.siteFirst = ts
	}
	if known {
		sig = Signals{}
	}
	t.watch(m, &ev, &sig)
	if sig.Repeater {
		e.share(ev.URL)
	}
	ev.Signals = sig
	w := t.weight(ts)
	nw, fa, rp := w*b2f(ev.New), w*b2f(sig.FailingAddr), w*b2f(sig.Repeater)
	t.observeSite(ts, w, nw, fa, rp)

	// Networks.
	if m.net[0] != 0 {
		t.observeNet(m.net[0], ts, w, nw)
		if m.net[1] != 0 {
			t.observeNet(m.net[1], ts, w, nw)
		}
	}
	t.observeFingerprint(m.ua, rec, ev.Failed, w, nw)
	t.observeEndpoint(e, rec, ev.Failed, w, nw, fa, rp)
	if sig.Repeater && ev.Failed {
		e.refusedRep += w
	}
	e.recovery(&sig, w)
	if !ev.Failed && rec.Status < 400 && !m.failingOn(TemplateOf(ev.Endpoint), ts) {
		e.served += w
		ev.Served = hashNet(keyAddr, rec.ClientIP) | 1
		e.servedAddrs.add(ts/int64(time.Minute), ev.Served)
	}
	if e.norm == nil || ts-t.siteFirst < int64(warmUp) {
		return ev
	}
	ev.Opened = t.judge(e, ev.Endpoint, rec, &sig)
	ev.Campaign = e.camp
	return ev
}

// watch holds back what the request made of its client while the
// Tracker has watched for less than repeatSpan since the client's first
// request (see ObserveHashed). Every address is new to a Tracker that has
// just started, and one that was polling when it started repeats its URL
// at once: none is new until the Tracker has watched for repeatSpan, the
// span repeaters are found in, and none a repeater unless it keeps a
// flood's pace, floodHits requests within it (a poller sends a request
// every few seconds). (Watching for Lookback, two minutes, left a
// distributed flood that began in the first two minutes of a recording to
// the volume limit: on the airline model's site 11, 98 addresses from 52 s
// in, each blocked 38.7 s after its onset at the median. Making no address
// of the first 45 s a repeater left the job board's site 3 flood, begun 28
// to 48 s in, to its later addresses: 23.9 s to detect, 9.5 s now.)
func (t *Tracker) watch(m *Member, ev *Event, sig *Signals) {
	if m.first-t.siteFirst >= int64(repeatSpan) {
		return
	}
	ev.New = false
	if sig.Repeater && m.n < floodHits {
		sig.Repeater = false
		m.unsay()
	}
}

// endpoint returns the aggregate of the endpoint key, touched at ts.
func (t *Tracker) endpoint(key uint64, ts int64) *endpoint {
	e, isNew := t.eps.get(key, ts)
	if isNew {
		e.norm = t.normOf(key)
	}
	return e
}

// expired returns r, the result of rec for the client whose state is m,
// or neither when rec is a 401 refusing the credential this address was
// served with lately (see servedHere): a token or key that expired or was
// revoked, renewed next. The endpoint counts the refusal; the client's run
// of failures does not. A 403 refuses what a valid credential asked for
// (a device that is not the account's), and counts.
func (t *Tracker) expired(rec *ingest.Record, m *Member, r result) result {
	if rec.Status == 401 && t.servedHere(rec, m) {
		return neither
	}
	return r
}

// refusal notes in m what the refusal rec says of its client: refused for
// its pace (features.Paced, as the caller saw it), a conflict, or a read
// that presented no credential (anonymous), which makes it a failing
// address (sig) only at runFails in its run.
//
// A refusal for pace makes no failing address: no campaign takes such a
// client for a member (Member.failing), so the endpoint's count must not
// take it either. A lone flood alternating between two pages, throttled
// on both, restarted its run at every change and was counted again at
// every second refusal in a row on one of them: on the tax portal's
// model, one address made 970 failing addresses of its home page, a
// campaign opened there that no member could join, and while it stayed
// open the distributed flood hammering that page found no campaign of
// its own.
func (t *Tracker) refusal(rec *ingest.Record, m *Member, paced bool, sig *Signals) {
	m.paced = paced
	if paced {
		sig.FailingAddr = false
	}
	m.conflict = rec.Status == 409
	m.said &^= saidAnonymous
	if t.anonymous(rec) {
		m.said |= saidAnonymous
		sig.FailingAddr = m.fails == runFails
	}
}

// anonymous says rec is a read refused 401 that presented no credential,
// in a log that names users or keys (Tracker.creds): a client asking for
// what needs signing in before it signed in (a developer's "whoami" with
// no token, an app's first call before its session), told to. It had
// nothing to guess with. The endpoint counts the refusal, a flood
// answered 401 is still one; the client is no failing address there. On
// the package-registry model, 26 developers whose tools asked who they
// were without a token were blocked with a campaign of stolen tokens
// sprayed at the same endpoint.
func (t *Tracker) anonymous(rec *ingest.Record) bool {
	return t.creds && rec.Status == 401 && len(rec.User) == 0 && len(rec.APIKey) == 0 && features.IsRead(rec.Method)
}

// credential returns the users-table key of the credential rec presents:
// the user it names, or else its API key; 0 for none.
func credential(rec *ingest.Record) uint64 {
	switch {
	case len(rec.User) > 0:
		return hashNet(keyUser, rec.User)
	case len(rec.APIKey) > 0:
		return hashNet(keyKey, rec.APIKey)
	}
	return 0
}

// netOf returns the network the users table files the client whose
// state is m under (see own): its IPv6 /64, or its address.
func netOf(rec *ingest.Record, m *Member) uint32 {
	n := uint32(m.net[0])
	if m.net[1] == 0 { // IPv4, or no address: the address itself
		n = uint32(hashNet(keyAddr, rec.ClientIP))
	}
	return n | 1
}

// servedHere says the credential rec presents (see credential) was served
// lately at the network of the client whose state is m: its own session's
// token, or its own device's key, refused now because it expired or was
// revoked. Devices that renew their tokens together after an outage, a
// household's phones when a deploy signs everyone out, are each refused
// the credential they were using a moment ago at the same address, where
// a guesser presents credentials never served there (on the smart-home
// model's outage, thousands of addresses were refused within a minute and
// a household's two devices made a run of two failures of its address).
// A credential is noted served at the client's first served request that
// presents one, every ownEvery-th request after, and, for API keys, each
// time the key changes, so a user of a busy address may be missed, and
// its refusal counted.
func (t *Tracker) servedHere(rec *ingest.Record, m *Member) bool {
	c := credential(rec)
	if c == 0 || m.n == 0 {
		return false
	}
	u := t.users.peek(c)
	if u == nil {
		return false
	}
	return u.has(netOf(rec, m))
}

// noteKey notes the network the client whose state is m was served at with
// the API key rec presents, as session does a signed-in user's: at its
// first such request, then every ownEvery-th, and at every request whose
// key is not the one before it (rekeyed): each of a household's devices
// behind its router presents its own (see servedHere).
func (t *Tracker) noteKey(rec *ingest.Record, m *Member, rekeyed bool) {
	if len(rec.APIKey) == 0 || len(rec.User) > 0 || rec.Status <= 0 || rec.Status >= 400 || m.said&saidKeyed != 0 && !rekeyed && m.n%ownEvery != 0 {
		return
	}
	m.said |= saidKeyed
	u, _ := t.users.get(hashNet(keyKey, rec.APIKey), rec.TS)
	u.add(netOf(rec, m))
}

// has says n is among u's networks.
func (u *userNets) has(n uint32) bool {
	return slices.Contains(u.nets[:], n)
}

// add notes network n among u's, if there is room.
func (u *userNets) add(n uint32) {
	for i, x := range u.nets {
		if x == n {
			return
		}
		if x == 0 {
			u.nets[i] = n
			return
		}
	}
}

// session looks the signed-in user a request served to the client whose
// state is m names up in the users table (see Member.own): at the
// client's first such request, then every ownEvery-th.
func (t *Tracker) session(rec *ingest.Record, m *Member) {
	if len(rec.User) > 0 && rec.Status > 0 && rec.Status < 400 && (!m.signed || m.n%ownEvery == 0) {
		m.signed = true
		m.own = t.own(rec, m)
	}
}

// movedSession takes back the failing address that rec, refused, made of
// its client (m, sig) at its first request there when rec names a
// signed-in user served lately: a person's session that moved to this
// address (a phone's privacy address rotating, Wi-Fi to cellular), not an
// address opening with guesses (see Member.moved). A request refused its
// credentials names a user it only claims: a login flood naming one
// customer is not that customer's session.
func (t *Tracker) movedSession(rec *ingest.Record, m *Member, sig *Signals) {
	if sig.FailingAddr && sig.Direct && !authRefused(rec.Status) && t.servedLately(rec.User) {
		sig.FailingAddr, sig.Direct, m.direct = false, false, false
		m.said |= saidMoved
	}
}

// authRefused says status refused the request's credentials, so that the
// user it names is only claimed.
func authRefused(status int) bool { return status == 401 || status == 403 }

// servedLately says the signed-in user named user was served lately (it
// is in the users table, see own), at this address or another.
func (t *Tracker) servedLately(user []byte) bool {
	if len(user) == 0 {
		return false
	}
	u := t.users.peek(hashNet(keyUser, user))
	return u != nil && u.nets[0] != 0
}

// urlOf returns the hash of the URL a request to e for p (whose hash is
// full) repeats: the whole path with its query, as a poll of one order's
// status or one market's ticker differs from the next by its query, unless
// e is a page that training asked for without a query (in bareShare of its
// minutes or more; see EndpointNorm.Bare), where a query that changes on
// every request is a cache buster, and the URL it repeats is the page with
// some query: the same for every query, and not the page's own, so that
// what an address busting the cache repeats is not what a visitor polling
// the page without one repeats. A flood that adds a random query to every
// request for the home page, a market's page or a product repeats no URL
// otherwise (on the exchange model, 706 addresses of six floods, 55 of
// them found). On an endpoint that takes a query, a parameter whose name
// training never saw there is left out (see stripped): a cache buster
// added to an API's own query (on the streaming model, "?_=" and a random
// number after a home feed's "?profile=").
func (t *Tracker) urlOf(e *endpoint, p []byte, full uint32) uint32 {
	if n := e.norm; n == nil || n.Bare < bareShare && len(n.Params) == 0 && !n.Closed {
		return full
	}
	i := bytes.IndexByte(p, '?')
	switch {
	case i < 0:
		return full
	case e.norm.Bare >= bareShare:
		return features.PathHash(p[:i+1])
	case len(e.norm.Params) > 0 || e.norm.Closed:
		return t.stripped(e.norm.Params, p, i, full)
	}
	return full
}

// stripped returns the hash of p, whose query starts at i, without the
// parameters whose names are not among known (sorted), or full when it has
// none or is too long to rebuild.
func (t *Tracker) stripped(known []uint32, p []byte, i int, full uint32) uint32 {
	if len(p) > len(t.scratch) {
		return full
	}
	unknown := false
	b := append(t.scratch[:0], p[:i+1]...)
	eachParam(p, func(name, value []byte) bool {
		if _, ok := slices.BinarySearch(known, paramHash(name)); !ok {
			unknown = true
			return true
		}
		if b[len(b)-1] != '?' {
			b = append(b, '&')
		}
		b = append(b, name...)
		if value != nil {
			b = append(append(b, '='), value...)
		}
		return true
	})
	if !unknown {
		return full
	}
	return features.PathHash(b)
}

// eachParam calls f with the name and value (nil without "=") of each
// parameter of p's query, in order, until f returns false.
func eachParam(p []byte, f func(name, value []byte) bool) {
	i := bytes.IndexByte(p, '?')
	if i < 0 {
		return
	}
	for q := p[i+1:]; len(q) > 0; {
		seg := q
		if j := bytes.IndexByte(q, '&'); j >= 0 {
			seg, q = q[:j], q[j+1:]
		} else {
			q = nil
		}
		if len(seg) == 0 {
			continue
		}
		name, value := seg, []byte(nil)
		if j := bytes.IndexByte(seg, '='); j >= 0 {
			name, value = seg[:j], seg[j+1:]
		}
		if !f(name, value) {
			return
		}
	}
}

// paramHash is the hash of a query parameter's name (FNV-1a, never 0).
func paramHash(name []byte) uint32 {
	return features.PathHash(name) | 1
}

// bareShare is the share of an endpoint's training minutes with hardly a
// query that makes it a page whose query is no part of what it serves:
// its usual minute.
const bareShare = 0.5

// own notes that the client whose state is m was served rec, which names
// a signed-in user, and says whether that user is one person's: served at
// no more than ownNets networks (its IPv6 /64, or its address) lately.
func (t *Tracker) own(rec *ingest.Record, m *Member) bool {
	u, _ := t.users.get(hashNet(keyUser, rec.User), rec.TS)
	u.add(netOf(rec, m))
	return u.nets[ownNets] == 0
}

// observeFingerprint folds a request into the aggregate of its client's
// user-agent family and its shape.
func (t *Tracker) observeFingerprint(ua uint64, rec *ingest.Record, failed bool, w, nw float64) {
	shape := uint64(0)
	if !features.IsRead(rec.Method) {
		shape |= shapeWrite
	}
	if failed {
		shape |= shapeFailed
	}
	if len(rec.APIKey) > 0 {
		shape |= shapeKeyed
	}
	fp, _ := t.fps.get(ua^shape, rec.TS)
	fp.req += w
	fp.newAddr += nw
	fp.fail += w * b2f(failed)
}

// observeSite folds a request at ts into the site's aggregate, with the
// weights of a request, a new address, a failing address and a repeater.
func (t *Tracker) observeSite(ts int64, w, nw, fa, rp float64) {
	t.site.req += w
	t.site.newAddr += nw
	t.site.failAddr += fa
	t.site.repeaters += rp
	t.siteLast = max(t.siteLast, ts)
}

// observeEndpoint folds a request into the aggregate e, with the weights
// of a request, a new address, a failing address and a repeater.
func (t *Tracker) observeEndpoint(e *endpoint, rec *ingest.Record, failed bool, w, nw, fa, rp float64) {
	e.req += w
	e.fail += w * b2f(failed)
	if rec.ReqBytes > 0 {
		e.bytes += w * float64(rec.ReqBytes)
	}
	e.newAddr += nw
	e.failAddr += fa
	e.repeaters += rp
}

// judge closes e's campaign if it went quiet, and, when the request made
// its client a failing or repeating address or a campaign is open there,
// opens one if e departs from its norm. It reports whether it opened one.
func (t *Tracker) judge(e *endpoint, key uint64, rec *ingest.Record, sig *Signals) (opened bool) {
	ts := rec.TS
	if c := e.camp; c != nil {
		idle := ts - c.LastDeparture
		if c.Established == 0 && idle > int64(pendingFor) || idle > int64(endAfter) {
			t.close(c)
			e.camp = nil
		}
	}
	if e.camp != nil {
		// Whether the endpoint's failures are a wave of expired
		// sessions is judged as the recoveries come, departing or not.
		e.camp.recovering = t.recoveringAt(e, ts)
	}
	if !sig.FailingAddr && !sig.Repeater && e.camp == nil {
		return false
	}
	ch, value, limit, typical := t.departure(e, ts)
	if ch == 0 {
		return false
	}
	if e.camp == nil {
		e.camp = t.open(key, rec, ch, ts, value, limit, typical)
		opened = e.camp != nil
		if opened {
			e.camp.recovering = t.recoveringAt(e, ts)
		}
	}
	if e.camp != nil && e.camp.Channel == ch {
		e.camp.LastDeparture = ts
		if ch == ChannelRepeaters {
			e.sharedURLs(&e.camp.urls)
			e.camp.refused = e.camp.refused || e.refusedRep*t.unscale(ts) >= limit
		}
	}
	return opened
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (t *Tracker) observeNet(key uint64, ts int64, w, nw float64) {
	n, _ := t.nets.get(key, ts)
	n.req += w
	n.newAddr += nw
}

// departure says which of e's aggregates departs from its norm, if any,
// with the value, the threshold it passed and the endpoint's usual tail.
// Both channels count addresses, not requests: one address failing or
// hammering is judged on its own. The threshold scales with the crowd,
// the factor by which the whole site is busier than usual: a flash crowd
// of ordinary users lifts every endpoint alike, a campaign lifts its own;
// the failures' threshold also with the endpoint's own successes (see
// crowdOf).
func (t *Tracker) departure(e *endpoint, ts int64) (Channel, float64, float64, float64) {
	n, k := e.norm, t.cfg.Factor
	crowd, u := t.Crowd(ts), t.unscale(ts)
	if lim, v := max(k*max(crowd, e.crowdOf(u, ts/int64(time.Minute)))*n.FailAddrs.Limit, n.FailAddrs.Limit+minExcess), e.failAddr*u; v >= lim {
		return ChannelFailures, v, lim, n.FailAddrs.Limit
	}
	if lim, v := max(k*crowd*n.Repeaters.Limit, n.Repeaters.Limit+minExcess), e.repeaters*u; v >= lim {
		return ChannelRepeaters, v, lim, n.Repeaters.Limit
	}
	return 0, 0, 0, 0
}

// recovering says most addresses that open with a failure on the
// endpoint got in right after, in training (its norm's Recovers).
func (e *endpoint) recovering() bool {
	return e.norm != nil && e.norm.Recovers >= 0.5
}

// recoveringAt says most addresses that open with a failure on e get in
// right after, as training saw (recovering) or as they do now at ts
// (recoversNow).
func (t *Tracker) recoveringAt(e *endpoint, ts int64) bool {
	return e.recovering() || e.recoversNow(t.unscale(ts))
}

// recovery counts, from what a request made of its client (sig, at weight
// w), the endpoint's addresses that opened with a failure there and those
// of them that got in right after (see Signals.recovery).
func (e *endpoint) recovery(sig *Signals, w float64) {
	d, r := sig.recovery()
	e.direct += w * d
	e.recovered = max(0, e.recovered+w*r)
}

// recoversNow says most of the addresses that opened with a failure on the
// endpoint lately (u unscales the counts), and at least minRecoversNow,
// got in right after: a wave of phones whose tokens expired together (a
// deploy, a key rotation), each refused once and signed in again a second
// later, where guessers keep failing. Training may have seen no such wave
// (recovering): on a SaaS's recording, 27 phones of a morning's token
// expiry were blocked at their first 401 as one failures campaign.
func (e *endpoint) recoversNow(u float64) bool {
	return e.recovered*u >= minRecoversNow && 2*e.recovered >= e.direct
}

// minRecoversNow is how many addresses that opened with a failure must
// have got in lately for recoversNow to take the endpoint's failures for a
// wave of expired sessions.
const minRecoversNow = 3

// crowdOf returns by how much more than usual the endpoint's requests
// succeed now (u unscales its counts, minute is now's), at least 1: the
// failures line scales with it as it does with the crowd. A crowd on one
// endpoint (a tracking rush after a carrier's notification, shoppers in a
// sale, traders at a coin's listing) brings successes with its mistyped
// numbers, expired cards and rejected orders, where a campaign of guesses
// brings failures alone. Only the successes of clients not failing there
// count: a spammer whose every other comment is posted, or a card tester
// with a card that works, does not lift the line it is judged against.
// Successes are counted twice, in requests and in distinct addresses, and
// the larger growth counts: the failures line counts addresses, and a
// crowd of newcomers, each placing an order or two, grows the addresses
// far more than the requests of the regulars (the exchange model's
// listing: served requests on the order endpoint 3.6x their usual minute,
// served addresses 7x, failing addresses 8-10x). The usual minute is taken
// as at least crowdMinQ50 requests or addresses, so that a few successes
// on a quiet endpoint are not a crowd.
func (e *endpoint) crowdOf(u float64, minute int64) float64 {
	usual := max(e.norm.Requests.Q50-e.norm.Failures.Q50, crowdMinQ50)
	c := max(1, e.served*u/usual)
	if q := e.norm.ServedAddrs.Q50; q > 0 {
		c = max(c, e.servedAddrs.count(minute)/max(q, crowdMinQ50))
	}
	return c
}

// Crowd returns the crowd factor as of ts: the median, over the
// endpoints that training saw busy (crowdMinQ50 requests a minute or
// more), of their requests now over their usual (median) minute, at least
// 1 (1 without norms). The campaigns' lines and the detector's volume
// limit scale with it. A campaign on a few endpoints leaves the median where it was. It is
// recomputed at most every crowdEvery of event time, without allocating.
func (t *Tracker) Crowd(ts int64) float64 {
	if ts-t.crowdTS < int64(crowdEvery) && t.crowdTS != 0 {
		return t.crowd
	}
	t.crowdTS = ts
	r, u := t.ratios[:0], t.unscale(ts)
	t.eps.each(func(_ uint64, e *endpoint) {
		if e.norm == nil || e.norm.Requests.Q50 < crowdMinQ50 {
			return
		}
		r = append(r, e.req*u/e.norm.Requests.Q50)
	})
	t.ratios = r
	t.crowd = 1
	if len(r) >= 3 {
		slices.Sort(r)
		t.crowd = max(1, r[len(r)/2])
	}
	return t.crowd
}

// crowdEvery is how often the crowd factor is recomputed: a crowd builds
// over minutes.
const crowdEvery = 5 * time.Second

// crowdMinQ50 is the usual requests a minute an endpoint needs to weigh in
// the crowd factor: below it, one user's visit doubles the count.
const crowdMinQ50 = 10

// minExcess is the floor of a departure, in addresses per minute past the
// usual tail: on an endpoint that usually sees next to nothing, a few users
// retrying together are not a campaign.
const minExcess = 5

func (t *Tracker) open(key uint64, rec *ingest.Record, ch Channel, ts int64, value, limit, typical float64) *Campaign {
	if len(t.active) >= maxActive {
		t.stats.Dropped++
		return nil
	}
	t.seq++
	start := ts - int64(Window)
	label := ""
	if n := t.index[key]; n != nil {
		label = n.Endpoint
	} else {
		label = endpointLabel(rec.Method, rec.Path)
	}
	c := &Campaign{
		ID:       fmt.Sprintf("%s-%08x-%s", ch.String(), uint32(key^key>>32), time.Unix(0, start).UTC().Format("20060102T1504")),
		Endpoint: key, Label: label, Channel: ch,
		Start: start, Opened: ts, LastDeparture: ts,
		Value: value, Limit: limit, Typical: typical,
		Seq: t.seq,
	}
	t.active = append(t.active, c)
	t.stats.Opened++
	return c
}

// Establish marks c confirmed at ts: enough members share it.
func (t *Tracker) Establish(c *Campaign, ts int64) {
	if c.Established == 0 {
		c.Established = ts
		c.Candidates = nil
		t.stats.Established++
	}
}

func (t *Tracker) close(c *Campaign) {
	for i, a := range t.active {
		if a == c {
			t.active = append(t.active[:i], t.active[i+1:]...)
			break
		}
	}
	if c.Established != 0 && len(t.done) < maxDone {
		t.done = append(t.done, c.summary())
	}
}

// Summaries returns the campaigns established so far, closed or open, in
// the order they were confirmed. The caller owns the slice.
func (t *Tracker) Summaries() []Summary {
	out := append([]Summary(nil), t.done...)
	for _, c := range t.active {
		if c.Established != 0 {
			out = append(out, c.summary())
		}
	}
	return out
}

// Stats returns counters of the Tracker's work.
func (t *Tracker) Stats() Stats {
	s := t.stats
	s.Endpoints, s.Networks, s.Fingerprints, s.Users = t.eps.len(), t.nets.len(), t.fps.len(), t.users.len()
	s.Evicted = t.eps.evicted + t.nets.evicted + t.fps.evicted + t.users.evicted
	return s
}

// Counts are an aggregate's decayed counts as of the latest event, per
// minute at a steady rate.
type Counts struct {
	Requests, Failures, Bytes, NewAddrs float64
	// FailingAddrs and Repeaters count addresses: those that failed twice
	// on the endpoint within a window, and new ones that sent repeatHits
	// requests to one of its URLs.
	FailingAddrs, Repeaters float64
}

// Endpoint returns the decayed counts of an endpoint, and whether it is
// tracked.
func (t *Tracker) Endpoint(key uint64) (Counts, bool) {
	e := t.eps.peek(key)
	if e == nil {
		return Counts{}, false
	}
	u := t.unscale(t.siteLast)
	return Counts{Requests: e.req * u, Failures: e.fail * u, Bytes: e.bytes * u, NewAddrs: e.newAddr * u,
		FailingAddrs: e.failAddr * u, Repeaters: e.repeaters * u}, true
}

// Network returns the decayed requests and new addresses of the network of
// ip (its /24, or its /64 for IPv6).
func (t *Tracker) Network(ip []byte) (Counts, bool) {
	a, _, ok := networks(ip)
	if !ok {
		return Counts{}, false
	}
	n := t.nets.peek(a)
	if n == nil {
		return Counts{}, false
	}
	u := t.unscale(t.siteLast)
	return Counts{Requests: n.req * u, NewAddrs: n.newAddr * u}, true
}

// Fingerprint returns the decayed counts of the fingerprint of a request
// with this user agent, method, status and key presence.
func (t *Tracker) Fingerprint(ua, method []byte, status int, keyed bool) (Counts, bool) {
	shape := uint64(0)
	if !features.IsRead(method) {
		shape |= shapeWrite
	}
	if resultOf(method, status) == refused {
		shape |= shapeFailed
	}
	if keyed {
		shape |= shapeKeyed
	}
	f := t.fps.peek(uaFamily(ua) ^ shape)
	if f == nil {
		return Counts{}, false
	}
	u := t.unscale(t.siteLast)
	return Counts{Requests: f.req * u, Failures: f.fail * u, NewAddrs: f.newAddr * u}, true
}

// endpointLabel returns "METHOD /template" in printable ASCII.
func endpointLabel(method, path []byte) string {
	var buf [160]byte
	b := append(buf[:0], method...)
	b = append(b, ' ')
	b = features.Template(b, path)
	return printable(b)
}
