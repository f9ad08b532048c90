package campaign

import "time"

// Member is what a client carries for campaigns, beside its features: the
// template most of its requests go to (a majority vote in constant space),
// how many of its requests went there and failed there lately, and the few
// URLs it repeats. Its zero value is a client not seen yet.
type Member struct {
	first    int64  // event time of the client's first event
	lastFail int64  // latest failure on failTmpl
	failTmpl uint32 // template of the latest failure
	tmpl     uint32
	votes    uint16
	onTmpl   uint16 // requests to tmpl since it became the candidate
	n        uint16 // requests, saturating
	fails    uint8  // failures on failTmpl, each within failGap of the previous one, saturating
	// claimed is the hash (see claimOf, never 0) of the one user that
	// every failure of the run so far claimed, each a 401; 0 when the run
	// has a failure of another kind, one naming no user, or two users
	// (see Retrying).
	claimed  uint8
	urls     [nURLs]uint32
	hits     [nURLs]uint16
	misses   uint16    // requests to a URL not among urls when they were full
	repeater bool      // became a repeater (see Signals.Repeater)
	direct   bool      // its current run of failures was counted at the first (see outcome)
	paced    bool      // its latest failure was refused for its pace (features.Paced; see failing)
	conflict bool      // its latest failure was a 409 (see failing)
	fast     uint8     // bit i: urls[i] got joinHits requests within repeatSpan of its first (see hammering); fastAnswered: see answered
	said     uint8     // bit i: a Repeater signal was said for urls[i]; saidMoved, saidServed: see moved, servedThere
	net      [2]uint64 // keys of its networks (/24, or /64 and /48), 0 for none
	ua       uint64    // its user-agent family
	// Seq is the Seq of the campaign the client is a candidate or member
	// of, so that it is counted once.
	Seq uint32
	// passed: its latest request to failTmpl succeeded, it got in (see
	// failing). Last, in Seq's padding.
	passed bool
	// own: the latest signed-in user the client was served as is served
	// at no more than ownNets networks (Tracker.own): a person's own
	// session. Polling a market's ticker, a flight's status or an order's
	// tracking, it repeats its URLs as a flood's addresses do, and in a
	// crowd (a coin's listing) hundreds of them repeat the same one; it
	// is no repeating address, and no member of a repeaters campaign. A
	// flood whose addresses sign in share the account or a few, each
	// served at many networks.
	own bool
	// signed: the client was served as a signed-in user (see own).
	signed bool
	// Trying: the client presents another credential (an API key) on
	// request after request, as the caller's features see it. Its run of
	// failures goes on across templates: a sprayer trying a new key on
	// each call refused on three endpoints in turn is one run of guesses,
	// where counting each endpoint's own run restarted it at every change
	// (on the exchange model, key sprayers joined their campaign at their
	// fifth failure, most more than a minute after they began). The
	// caller sets it before each Observe.
	Trying bool
}

// nURLs is how many distinct URLs a repeating client is followed on: a
// flood hammers one to four.
const nURLs = 4

// fastAnswered is the bit of Member.fast that says the site answered a
// request of the client, served or refused it, at least once (see
// answered); the bits below nURLs are hammering's.
const fastAnswered = 1 << 7

// answered says the site has answered the client, served or refused it,
// rather than failed it (5xx) at every request. An address the site has
// failed at every request is retrying, not repeating: devices posting
// their telemetry through a broker's outage, each again after a longer
// wait, and partners' webhooks through a retry storm repeat one URL as a
// flood's addresses do, but a flood is served or refused now and then
// even by a site it overloads. Such an address is no repeater, and joins
// no flood, until the site answers it (on the smart-home model, 131 locks
// and plugs reconnecting through an outage, all answered 503, were
// members of a campaign "hammering POST /device/v3/telemetry" on one
// site).
func (m *Member) answered() bool { return m.fast&fastAnswered != 0 }

// saidMoved is the bit of Member.said that moved reads.
const saidMoved = 1 << 7

// saidServed is the bit of Member.said that servedThere reads.
const saidServed = 1 << 6

// saidKeyed is the bit of Member.said that says the client's API key was
// noted served (see Tracker.noteKey).
const saidKeyed = 1 << 5

// saidAnonymous is the bit of Member.said that says the client's latest
// failure was a read refused 401 that presented no credential (see
// Tracker.anonymous and failing).
const saidAnonymous = 1 << 4

// servedThere says the site served the client on the template it sends
// most of its requests to (Member.tmpl), since that template became its
// own.
func (m *Member) servedThere() bool { return m.said&saidServed != 0 }

// moved says the client's first request, refused, came from a signed-in
// user served lately at another address or at this one's network: a
// person's session that moved here (a phone's privacy address rotating
// inside its /64, Wi-Fi to cellular) in the middle of a checkout, not an
// address that opens with guesses. It fails at its second failure, as a
// browsing user does. On the box-office model, fans whose phone's
// address changed between seat selection and payment, declined once at
// the new address while card testers failed there, were blocked with
// them.
func (m *Member) moved() bool { return m.said&saidMoved != 0 }

// Signals say what one request made of its client, for the aggregates.
type Signals struct {
	// FailingAddr: the client's second failure on one template within
	// failGap of the first, or its first when every request it sent so far
	// (at most directMax) went there (counted once per run of failures): an
	// address guessing there, not a user who mistyped once.
	FailingAddr bool
	// Repeater: within repeatSpan of its first request, the client just
	// sent its repeatHits-th request to one URL, or its spreadHits-th
	// request without ever leaving the nURLs it started on: an address
	// hammering a few URLs, not a visitor or an app polling. It is said
	// once for the first URL, and again, once each, for its other URLs
	// with repeatHits requests once the client has sent floodHits, most
	// of them to the URLs it repeats, all within repeatSpan: a flood that
	// spreads its pace over the pages of several endpoints is counted at
	// each of them, where counting it at one left every endpoint's count
	// near its line (app-5's flood over five endpoints was found 90 s
	// after its onset, 99 of its 120 addresses within 60 s of their own
	// onset; 119 with this). A person reloading a page and polling
	// another is said once.
	Repeater bool
	// Recovered: a client counted as a failing address on a template (see
	// FailingAddr) just succeeded there within its run: it got in, as a
	// phone whose token expired does a second later and a user who
	// mistyped a password does at the third try, where guessers keep
	// failing. Training learns from it how often addresses that open with
	// a failure get in (EndpointNorm.Recovers).
	Recovered bool
	// Direct: the client's current run of failures was counted at its
	// first failure, the client having opened with it (see FailingAddr);
	// it qualifies FailingAddr, Recovered and Again.
	Direct bool
	// Again: the client failed again in its run after it got in (see
	// Recovered): a guesser whose code or card worked once, not a phone
	// that renewed its token. It is not counted as failing again.
	Again bool
}

// recovery returns what the request adds to its endpoint's count of
// addresses that opened with a failure there (direct) and of those that
// got in right after (recovered): one at the first failure of such an
// address, one when it gets in, one back when its getting in did not hold
// (it failed again: a guess that hit). Training (EndpointNorm.Recovers)
// and the tracker (endpoint.recoversNow) count alike.
func (s *Signals) recovery() (direct, recovered float64) {
	switch {
	case !s.Direct:
	case s.Again:
		return 0, -1
	case s.FailingAddr:
		return 1, 0
	case s.Recovered:
		return 0, 1
	}
	return 0, 0
}

// failGap is the longest gap between two failures of a client on one
// template that still makes them one run of attempts: a stuffing campaign
// spreads each address's attempts a minute or more apart.
const failGap = 3 * time.Minute

// repeatHits requests to one URL within repeatSpan of a client's first
// request make it a repeater. Members of a distributed flood get there in
// seconds; people and apps polling a page take minutes (on recordings of
// several sites, nearly every flooding address did within 45 s, and no
// ordinary client did, while a few parcel trackers polling every few
// seconds reached 4 requests within 30 s). A flood that spreads over its
// few URLs reaches spreadHits requests on them sooner than repeatHits on
// any one; a visitor reads more than nURLs pages by then.
const (
	joinHits   = 4
	repeatHits = 6
	repeatSpan = 45 * time.Second
	spreadHits = 10
	floodHits  = 30
)

// result is what the answer to a request says of its client: served,
// refused (see Failed), or neither: a 5xx says the site failed, not that
// the client got in or was turned away, and a DELETE answered 404 that
// what it deletes is gone already (see gone).
type result uint8

const (
	served result = iota
	refused
	neither
)

// resultOf returns the result of a request with method that the site
// answered status.
func resultOf(method []byte, status int) result {
	switch {
	case gone(method, status):
		return neither
	case Failed(status):
		return refused
	case status >= 500:
		return neither
	}
	return served
}

// observe folds one request to endpoint key, URL hash url, at ts, whose
// answer had result r, into m.
func (m *Member) observe(ts int64, key uint64, url uint32, r result) Signals {
	return m.observeClaim(ts, key, url, r, 0)
}

// observeClaim is observe of a request that, refused its credentials,
// claimed the user whose hash (see claimOf) is user; 0 for any other.
func (m *Member) observeClaim(ts int64, key uint64, url uint32, r result, user uint8) Signals {
	var sig Signals
	if m.n == 0 {
		m.first = ts
	}
	t := TemplateOf(key)
	switch {
	case m.votes > 0 && m.tmpl == t:
		m.votes++
		m.onTmpl = sat(m.onTmpl)
	case m.votes == 0:
		m.tmpl, m.votes, m.onTmpl = t, 1, 1
		m.said &^= saidServed
	default:
		m.votes--
	}
	if r == served && m.tmpl == t && readKey(key) {
		m.said |= saidServed
	}
	m.n = sat(m.n)
	if r != neither {
		m.fast |= fastAnswered
	}
	m.outcome(ts, t, r, user, &sig)
	url |= 1  // 0 marks a free slot
	cur := -1 // url's slot
	for i := range m.urls {
		if m.urls[i] == url {
			cur = i
			m.hits[i] = sat(m.hits[i])
			if m.hits[i] == joinHits && ts-m.first <= int64(repeatSpan) {
				m.fast |= 1 << i
			}
			if m.hits[i] >= repeatHits && m.said&(1<<i) == 0 && ts-m.first <= int64(repeatSpan) && m.answered() && (!m.repeater || m.n >= floodHits && 3*m.misses <= m.n) {
				sig.Repeater, m.repeater = true, true
				m.said |= 1 << i
			}
			break
		}
		if m.urls[i] == 0 {
			cur = i
			m.urls[i], m.hits[i] = url, 1
			break
		}
		if i == len(m.urls)-1 {
			// Off the URLs it repeats. A URL the client asked for
			// once gives its slot to this one: the slots follow the
			// URLs a flood repeats, not the first one-offs it sent
			// (a poll whose query changes, a page read once). The
			// search starts where the misses point, so that two new
			// URLs in turn do not take the same slot from each other.
			m.misses = sat(m.misses)
			for k := range m.urls {
				if j := (int(m.misses) + k) % len(m.urls); m.hits[j] == 1 {
					cur = j
					m.urls[j] = url
					m.said &^= 1 << j
					break
				}
			}
		}
	}
	if !m.repeater && m.misses == 0 && m.n >= spreadHits && ts-m.first <= int64(repeatSpan) && m.answered() {
		sig.Repeater, m.repeater = true, true
		m.said |= 1 << cur // misses == 0: url has a slot
	}
	return sig
}

// outcome folds the result r of a request to template t at ts into the
// client's run of failures there, and notes in sig what it made of the
// client: failing, got in, or failing again after it got in. A 5xx
// changes nothing: a guesser whose guesses the overloaded site answers
// 503 now and then has not got in (on the airline model, stuffers and
// card testers during a storm's rebooking crowd were each taken as got in
// at every 503, and fell out of their campaigns until they failed again).
func (m *Member) outcome(ts int64, t uint32, r result, user uint8, sig *Signals) {
	sig.Direct = m.direct
	if r == neither {
		return
	}
	failed := r == refused
	// counted: the client's current run of failures on t made it a
	// failing address.
	counted := m.fails > 0 && t == m.failTmpl && ts-m.lastFail <= int64(failGap) && (m.direct || m.fails >= 2)
	sig.Recovered = counted && !failed && !m.passed
	refail := counted && failed && m.passed
	if failed || t == m.failTmpl {
		m.passed = !failed
	}
	if failed {
		switch {
		case ts-m.lastFail > int64(failGap):
			m.failTmpl, m.fails = t, 0
		case m.failTmpl != t && m.Trying:
			m.failTmpl = t // the run goes on where the next guess went
		case m.failTmpl != t:
			m.failTmpl, m.fails = t, 0
		}
		m.fails = sat(m.fails)
		m.lastFail = ts
		switch {
		case m.fails == 1:
			m.claimed = user
		case user != m.claimed:
			m.claimed = 0
		}
		// An address that came straight to the template and failed there
		// is guessing from its first attempt; one that browsed first is a
		// user until it fails twice.
		sig.FailingAddr = m.fails == 2 && !m.direct || m.fails == 1 && m.n <= directMax && m.concentratedOn(t)
		if m.fails == 1 {
			m.direct = sig.FailingAddr
		}
		sig.Again = refail
	}
	sig.Direct = m.direct
}

// sat returns x+1, or x at its type's largest value.
func sat[T ~uint8 | ~uint16](x T) T {
	if x == ^T(0) {
		return x
	}
	return x + 1
}

// directMax is how many requests a client may have sent, the failing one
// included, for a failure to count it as failing at once: an address that
// opens with its attempts.
const directMax = 2

// concentratedOn says every request of the client went to template t.
func (m *Member) concentratedOn(t uint32) bool {
	return m.tmpl == t && m.onTmpl == m.n
}

// concentrated says at least two thirds of the client's requests went to
// the template of key: a stuffer's login page and attempts, not a user who
// looked at a page or two before signing in.
func (m *Member) concentrated(key uint64) bool {
	return m.votes > 0 && m.tmpl == TemplateOf(key) && 3*uint32(m.onTmpl) >= 2*uint32(m.n)
}

// failing says the client's latest failures were on the campaign's
// template: concentrated there, or new since the campaign's lookback and
// failing there a third time in a run, failures making a third or more of
// its requests (a card tester browses a product and a cart before its
// payments, then fails one after another; a user who mistypes a password
// twice then gets in is left alone, which two failures were not enough to
// tell on recordings of six sites, and so is one who browsed a while and
// then mistyped three times). A fourth failure in the run is enough
// however much the client read before: a card tester that reads a dozen
// articles before its declines keeps failing, where a customer gives up
// or gets through after two or three, unless its latest failure is a 409:
// fans who lose seat after seat to other fans in a sell-out conflict with
// each other, not with the site. Once the campaign's own members show
// that it browses first (see browses), a second failure is enough: a new
// address failing twice there is then most likely one more of them.
//
// Nor is a client served on a read endpoint it polls (servedThere), at its
// first failure there: an app whose token expired between two polls of
// the balances is refused once and renews it, where a sprayer's every
// request there is refused. A form read before a write does not count: a
// stuffer loads the login page, then fails at its first attempt.
//
// A client whose latest request there succeeded is not failing either:
// a customer who mistyped a password twice and then got in, during a
// stuffing campaign on the login, is a customer (on a bank's payday, a
// dozen of them were found by one campaign); a guesser that finds a
// working password and goes on guessing fails again at its next attempt.
//
// A client whose latest failure the gateway refused for its pace
// (features.Paced: a read, or an integration's write, answered 429) is not
// failing: a crowd polling a waiting room faster than the gateway allows
// is refused for how often it asks, not for what, and the volume signals
// judge its pace; a partner's webhook senders throttled together through
// a retry storm are busy, not guessing. A write refused for its pace by
// anyone else stays a failure: that is how a gateway throttles a brute
// force on a login.
func (m *Member) failing(c *Campaign) bool {
	if m.failTmpl != TemplateOf(c.Endpoint) || m.paced || m.passed || m.said&saidAnonymous != 0 && m.fails < runFails {
		return false
	}
	if m.concentrated(c.Endpoint) {
		// Where most addresses that open with a failure get in right
		// after (an app's expired token renewed), one failure says
		// little: a second in the run does.
		return m.fails >= 2 || !c.recovering && !m.moved() && !(m.servedThere() && readKey(c.Endpoint))
	}
	if m.first < c.Start-int64(Lookback) {
		return false
	}
	if m.fails >= runFails && !m.conflict {
		return true
	}
	if 3*uint32(m.fails) < uint32(m.n) {
		return false
	}
	return m.fails >= 3 || m.fails >= 2 && (c.Established == 0 || c.browses())
}

// Retrying says the client's run of failures is at most retryFails
// refusals of credentials (401) that all claimed one same user: a person
// mistyping their own password, who gets in at the next try, where a
// stuffer claims another user at every attempt. Such a member of a
// campaign counts in it as any other, but is blocked at its next failure
// only (see the detector's member). During a vaccine release's sign-in
// rush on the telehealth model, patients who mistyped twice while
// stuffing ran on the sign-in were blocked as its members: 138 of 12,127
// normal clients over three sites, 1.8 % and 1.4 % on two of them. A log
// that names no user on a refused sign-in leaves it unused.
func (m *Member) Retrying() bool {
	return m.claimed != 0 && m.fails <= retryFails
}

// retryFails is how many refusals claiming one user a person's retries
// make before the address counts as failing.
const retryFails = 2

// claimOf returns the hash of the user a request answered status claims,
// for Member.claimed: never 0 for a 401 naming a user, 0 otherwise.
func claimOf(status int, user []byte) uint8 {
	if status != 401 || len(user) == 0 {
		return 0
	}
	return uint8(hashNet(keyUser, user)) | 1
}

// failingOn says the client is in a run of failures on template t at ts:
// its latest failure was there, within failGap.
func (m *Member) failingOn(t uint32, ts int64) bool {
	return m.fails > 0 && m.failTmpl == t && ts-m.lastFail <= int64(failGap)
}

// runFails is the run of failures on a campaign's template that makes a
// new client one of its addresses whatever else it did.
const runFails = 4

// browses says most of an established campaign's members, and at least
// minBrowsing of them, joined with most of their requests away from its
// endpoint: its addresses look around before they fail, as a card tester
// with a product and a cart does, where a stuffing campaign's addresses
// go straight to the login (and a user mistyping twice there is not taken
// for one of them).
func (c *Campaign) browses() bool {
	return c.Established != 0 && c.Browsing >= minBrowsing && 2*c.Browsing >= c.Members
}

// minBrowsing is how many members must have joined browsing before a
// campaign's shape is taken as settled.
const minBrowsing = 5

// Join counts the client whose state is m as a member of c.
func (c *Campaign) Join(m *Member) {
	c.Members++
	if m.v6() {
		c.V6++
	}
	switch c.Channel {
	case ChannelFailures:
		if !m.concentrated(c.Endpoint) {
			c.Browsing++
		}
	}
}

// v6 says the client's address is an IPv6 one: it has a /48 besides its
// /64 (see networks).
func (m *Member) v6() bool { return m.net[1] != 0 }

// Fits says the client whose state is m may be one more address of c as
// its members so far are: once c has cohortMin members, not one whose
// address family (IPv4 or IPv6) fewer than one in cohortShare of them
// has. A campaign's addresses come from where its operator rents or
// borrows them, a pool of one kind; the crowd it hides in comes from
// wherever the site's users are. On the box-office and bank models, fans
// polling a show's availability from their phones' IPv6 addresses, and
// customers whose one-time codes failed, were joined to floods and
// sprays whose every address was IPv4. A campaign with addresses of both
// families keeps taking both.
func (c *Campaign) Fits(m *Member) bool {
	if c.Members < cohortMin {
		return true
	}
	n := c.V6
	if !m.v6() {
		n = c.Members - c.V6
	}
	return cohortShare*n >= c.Members
}

// cohortMin members make a campaign's cohort (see Fits); a family fewer
// than one in cohortShare of them have is not its own.
const (
	cohortMin   = 20
	cohortShare = 20
)

// unsay takes back the Repeater signal the client's latest request said,
// so that a later request may say it again (see Tracker.ObserveHashed's
// watch).
func (m *Member) unsay() {
	m.repeater = false
	m.said &^= 1<<nURLs - 1
}

// top returns the URL the client repeated most, 0 for none.
func (m *Member) top() uint32 {
	top := 0
	for i := range m.hits {
		if m.hits[i] > m.hits[top] {
			top = i
		}
	}
	return m.urls[top]
}

// repeating says the client is a repeater and sends two thirds or more
// of its requests to the few URLs it repeats. A flood inside a crowd mixes
// in what the crowd asks for (a poll, the odd article) to blend in, but
// keeps hammering its few pages; a reader, a watcher fetching segments or
// a user typing into a search box spreads over many URLs.
func (m *Member) repeating() bool {
	return m.repeater && 3*uint32(m.misses) <= uint32(m.n)
}

// Acts says whether a client whose state is m (after observe of the
// current event ev) acts within campaign c with that event: it failed on
// the endpoint, most of its requests going there or failing there a third
// time (a failures campaign), or it is new since the campaign's window and
// repeats a few URLs, this request going to one of them that other new
// addresses repeat too (a repeaters campaign: a poller repeating its own
// ticket's or order's URL is not one of a flood). Allowlisted clients and clients with a baseline of their own
// are never members on the strength of the aggregate alone: the caller
// leaves them out.
func (c *Campaign) Acts(m *Member, ev *Event) bool {
	if ev.Endpoint != c.Endpoint {
		return false
	}
	if c.Channel == ChannelFailures {
		return ev.Failed && m.failing(c)
	}
	if c.refused && !ev.Failed || m.own || c.throttledWriter(m) {
		return false
	}
	return m.first >= c.Start-int64(Lookback) && (m.repeating() && m.hammering(ev.URL) && c.hammers(ev.URL) || m.joining(c, ev.URL))
}

// Still says whether a candidate whose state is m still acts within c as
// c is confirmed: failing there (see failing), or repeating (see
// repeating). A candidate found while c was pending that got in or left
// since is not blocked with the others.
func (c *Campaign) Still(m *Member) bool {
	if c.Channel == ChannelFailures {
		return m.failing(c)
	}
	return m.repeating() && c.admits(m) && !m.own
}

// admits says whether the repeaters campaign c may count the client whose
// state is m: unless c's departure was carried by repeaters the site
// refused alone (an unauthenticated flood on a GraphQL URL, answered 401),
// any; if it was, only one whose latest request to the endpoint was
// refused too. Where an app sends every call to one URL, its users repeat
// that URL as a flood does; during a flood on it, the new phones of a
// morning's sign-ins repeat it too, and are served where the flood is
// refused (on a SaaS's recording, 62 phones were blocked with such a
// flood). A flood the site serves draws no such line.
//
// Nor does a repeaters campaign count a throttled writer (see
// throttledWriter).
func (c *Campaign) admits(m *Member) bool {
	if c.throttledWriter(m) {
		return false
	}
	return !c.refused || m.failTmpl == TemplateOf(c.Endpoint) && m.fails > 0 && !m.passed
}

// throttledWriter says c is on a write endpoint and the client whose state
// is m was last refused for its pace (features.Paced: an integration's
// write answered 429): a partner's webhook senders, retrying together
// through an outage, repeat one URL as a flood does, and the gateway
// already holds them to a rate. No repeaters campaign takes such a client
// (Acts, admits).
func (c *Campaign) throttledWriter(m *Member) bool {
	return m.paced && !readKey(c.Endpoint)
}

// hammering says the client sent joinHits requests to url within
// repeatSpan of its first: a repeater acts within a flood on the URLs it
// hammers itself, not on the page the flood hits that a fan polling its
// own place in a queue, or an app polling its own order, asks for now and
// then besides.
func (m *Member) hammering(url uint32) bool {
	for i, u := range m.urls {
		if u == url {
			return m.fast&(1<<i) != 0
		}
	}
	return false
}

// joining says a new client, sending url, repeats it, one of the URLs an
// established repeaters campaign's members hammer, and sent it joinHits
// times within repeatSpan of its first request, with two thirds of its
// requests on the URLs it repeats: one more address of the flood, found
// before it is a repeater on its own. An app polling its own resource, or
// a reader of the page the flood hammers, does not repeat that URL so
// soon.
func (m *Member) joining(c *Campaign, url uint32) bool {
	return c.Established != 0 && m.hammering(url) && c.hammers(url) && 3*uint32(m.misses) <= uint32(m.n) && m.answered()
}

// hammers says url is one of the URLs of c's endpoint that two or more
// new addresses repeat (see endpoint.share).
func (c *Campaign) hammers(url uint32) bool {
	if url == 0 {
		return false
	}
	for _, u := range c.urls {
		if u == url {
			return true
		}
	}
	return false
}

// Shared says whether a client whose state is m, last seen at last, shared
// c's departure before c was seen: it failed on the endpoint within the
// window, most of its requests going there (a failures campaign), or is
// new since the window and repeats a few URLs of the endpoint, the one it
// repeats most being one that other new addresses repeat too (a repeaters
// campaign).
func (c *Campaign) Shared(m *Member, last int64) bool {
	if last < c.Start {
		return false
	}
	if c.Channel == ChannelFailures {
		return m.lastFail >= c.Start && m.failing(c)
	}
	return m.first >= c.Start-int64(Lookback) && m.repeating() && !m.own && m.tmpl == TemplateOf(c.Endpoint) && c.hammers(m.top()) && c.admits(m)
}
