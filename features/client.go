package features

import (
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

const (
	// TauShort is the time constant of the short rate, in seconds.
	TauShort = 10.0
	// TauLong is the time constant of the long rate and of the ratios, in seconds.
	TauLong = 120.0
	// TauSustained is the time constant of the sustained count of refused
	// requests (refused_10m), in seconds.
	TauSustained = 600.0
	// minSpan keeps the rate of a client's first events finite and makes
	// it a sustained rate: a client seen for less than this is treated as
	// if it had been seen this long, so a browser's burst of thirty page
	// assets in one second reads as about 5 req/s, while a flood keeping up
	// 30 req/s reads as that within seconds.
	minSpan = TauShort
	// gapAlpha is the weight of the newest gap in the gap statistics.
	gapAlpha = 0.1

	ring = 32 // requests remembered for entropy, novelty and sweeps
)

// counters are exponentially decayed with time constant TauLong.
type counters struct {
	n, errs, auth, notFound, other, writes, marks, novel float64
	waf                                                  float64 // requests that matched WAF rules
	markW                                                float64 // payload markers, each weighted by its rarity
	keyed                                                float64 // requests that carried an API key
	reqBytes, respBytes                                  float64
	// srv counts the requests the server failed (5xx): they say nothing
	// of what the client asked, and the refused shares leave them out.
	srv float64
}

// Client is the state of one client. Its fields are updated by
// Table.Observe; read it through Vector and the accessors.
type Client[E any] struct {
	key   string
	scope string

	first, last int64 // event time of the first and latest event, Unix ns
	events      uint32

	short float64 // decayed count, TauShort
	c     counters
	// refusedS is the refused count decayed with TauSustained, and large
	// the count of large requests (see Table.SetLargeSize).
	refusedS, large float64

	gapMean, gapSq float64 // EWMA of the gap (s) and of its square

	templates [ring]uint32                   // template hashes, aligned with paths
	paths     [ring]uint32                   // path hashes
	urls      [ring]uint16                   // hashes of the paths without their query, folded to 16 bits (they are only counted)
	refused   uint32                         // bit i: the request at paths[i] was refused (403, 404, 410)
	throttled uint32                         // bit i: the request at paths[i] was refused for its pace (see Paced)
	rekeyed   uint32                         // bit i: the request at paths[i] carried a key other than the one before it (see KeyChanges)
	revalid   uint32                         // bit i: the request at paths[i] was answered 304 Not Modified (see Revalidating)
	markSeen  [(NumMarkers + 63) / 64]uint64 // bit m: the client sent payload marker m
	lastKey   uint32                         // hash of the API key of the latest request, 0 for none
	part      uint32                         // size in KiB of the latest large part the client sent (see largePart), 0 for none
	// users are bitmaps of the signed-in users whose requests succeeded,
	// in the current and the previous peopleSpan of event time, and
	// usersAt numbers the current one (see People).
	users   [2]uint32
	usersAt uint32
	pos     uint8
	// keyRefused says a read carrying the client's current API key was
	// answered 401: the key itself is refused (revoked, expired), so
	// its writes refused 401 are too (see countStatus).
	keyRefused bool
	// markLen is the length of the query parameter (name and value,
	// decoded) that carried the client's latest payload fragment, markVal
	// a hash of it and markTmpl its endpoint's template (see retyped).
	markLen  uint16
	markVal  uint32
	markTmpl uint32

	prev, next int32 // recency list, by last event time

	// Ext is state that the stage after features keeps per client (for
	// example the policy's last score and block). It is zeroed when the
	// client is evicted.
	Ext E
}

// Key returns the client identity.
func (c *Client[E]) Key() string { return c.key }

// Scope returns the kind of identity ("ip", "api_key", "user", "ipv6_64").
func (c *Client[E]) Scope() string { return c.scope }

// Events returns how many events the client has sent since it was first
// tracked.
func (c *Client[E]) Events() uint32 { return c.events }

// First returns the event time of the client's first tracked event.
func (c *Client[E]) First() int64 { return c.first }

// Last returns the event time of the client's latest event.
func (c *Client[E]) Last() int64 { return c.last }

// URLs returns how many distinct paths, ignoring the query, the client's
// last 32 requests went to: 1 to 3 for a client hammering a page, dozens
// for a crawler or a reader.
func (c *Client[E]) URLs() int {
	n := int(min(c.events, ring))
	distinct := 0
	for i := range n {
		dup := false
		for j := range i {
			if c.urls[j] == c.urls[i] {
				dup = true
				break
			}
		}
		if !dup {
			distinct++
		}
	}
	return distinct
}

// Keyed returns the share of the client's recent requests (decayed with
// TauLong) that carried an API key: near 1 for an integration, 0 for a
// browser or an app signed in as a user.
func (c *Client[E]) Keyed() float64 {
	if c.c.n == 0 {
		return 0
	}
	return c.c.keyed / c.c.n
}

// KeyChanges returns how many of the client's last requests (up to 32)
// carried an API key other than the key of the request before them: 0 or
// 1 for an integration (a rotation), one on nearly every request for a
// client trying keys one after another, or for a platform calling on
// behalf of many customers with each one's key.
func (c *Client[E]) KeyChanges() int { return bits.OnesCount32(c.rekeyed) }

// peopleSpan is the span of event time the users of People are counted
// over: the current span and the one before it.
const peopleSpan = 2 * time.Minute

// maxPeople bounds People: past it an address is a crowd, and a share of
// its volume is all a crowd's member can be judged on.
const maxPeople = 16

// sharedPeople is how many signed-in people make an address shared (see
// Shared).
const sharedPeople = 3

// signedIn notes that user (its hash) got an answer from the client's
// address at ts. A record later than the client's latest counts in the
// span it belongs to, if that is still counted.
func (c *Client[E]) signedIn(ts int64, user uint32) {
	span, bit := uint32(ts/int64(peopleSpan)), uint32(1)<<(user%32)
	switch {
	case span == c.usersAt:
	case span+1 == c.usersAt:
		c.users[1] |= bit
		return
	case span < c.usersAt:
		return
	case span == c.usersAt+1:
		c.users[1], c.users[0], c.usersAt = c.users[0], 0, span
	default:
		c.users[1], c.users[0], c.usersAt = 0, 0, span
	}
	c.users[0] |= bit
}

// People estimates how many people the address carries: the distinct
// signed-in users whose requests succeeded from it over the last two to
// four minutes, at least 1 and at most maxPeople. An office or a carrier
// NAT carries many, each with a person's pace; a flood, a scanner or a
// guesser has no session or one. The users are counted in a 32-bit
// bitmap (linear counting), which is exact enough for the few to a dozen
// it needs to tell apart.
func (c *Client[E]) People() float64 {
	seen := bits.OnesCount32(c.users[0] | c.users[1])
	if seen <= 1 {
		return 1
	}
	if seen == 32 {
		return maxPeople
	}
	return min(maxPeople, max(1, -32*math.Log1p(-float64(seen)/32)))
}

// Signed says the client was served as a signed-in user over the last
// two to four minutes (see People).
func (c *Client[E]) Signed() bool { return c.users[0]|c.users[1] != 0 }

// Shared says several signed-in people use the client's address (People
// reaches sharedPeople): an office, a carrier NAT, a VPN's egress. Its
// throttled reads are no errors (see countStatus), and the detector keeps
// it out of campaigns: a crowd of real sessions.
func (c *Client[E]) Shared() bool { return c.People() >= sharedPeople }

func (c *Client[E]) reset(key, scope string, ts int64) {
	var e E
	*c = Client[E]{key: key, scope: scope, first: ts, last: ts, prev: c.prev, next: c.next, Ext: e}
}

// Payload returns the client's recent payload evidence (decayed with
// TauLong): the marked requests each weighted by the rarity of its marker
// (see Table.SetMarkerWeights), their count, and the count of all requests.
func (c *Client[E]) Payload() (weight, marked, requests float64) {
	return c.c.markW, c.c.marks, c.c.n
}

// observe folds one event into the state. marker is the index of the
// payload marker the request carried, or -1, weight that marker's weight,
// large says the request is large (see Table.SetLargeSize) and retyped
// that its marker is the client's latest payload typed on (see retyped),
// which the payload counts leave out. It reports whether the client sent
// that marker for the first time.
func (c *Client[E]) observe(r *ingest.Record, marker int, weight float64, large, retyped bool) (firstMark bool) {
	if c.events > 0 {
		c.advance(r.TS)
	}
	c.events++
	c.short++
	c.c.n++
	ph, uh := PathHashes(r.Path)
	novel := !c.recent(ph)
	if novel {
		c.c.novel++
	}
	write := !IsRead(r.Method)
	kh := uint32(0)
	if len(r.APIKey) > 0 {
		kh = PathHash(r.APIKey) | 1
		c.c.keyed++
	}
	keyChanged := c.events > 1 && kh != c.lastKey
	if keyChanged {
		c.keyRefused = false
	}
	rekeyed := keyChanged && kh != 0 && c.lastKey != 0
	c.lastKey = kh
	if write {
		c.c.writes++
	}
	paced := Paced(r.Status, write, kh != 0, keyChanged, r.UserAgent)
	c.countStatus(r.Status, write, novel, keyChanged, kh != 0, paced)
	if marker >= 0 {
		if !retyped {
			c.c.marks++
			c.c.markW += weight
		}
		w, bit := marker/64, uint64(1)<<(marker%64)
		firstMark = c.markSeen[w]&bit == 0
		c.markSeen[w] |= bit
	}
	if r.WAF > 0 {
		c.c.waf++
	}
	if r.ReqBytes > 0 {
		c.c.reqBytes += float64(r.ReqBytes)
	}
	if large && !c.largePart(r, write) {
		c.large++
	}
	if r.RespBytes > 0 {
		c.c.respBytes += float64(r.RespBytes)
	}
	if len(r.User) > 0 && r.Status > 0 && r.Status < 400 {
		c.signedIn(r.TS, PathHash(r.User))
	}
	c.remember(r, ph, uh, paced, rekeyed)
	return firstMark
}

// largePart says whether the large request r, a write if write, is one
// more part of a chunked upload the client is sending, and notes it for the
// next: a PUT or PATCH that the site took (2xx) whose size is within a KiB
// of the previous such request's. A chunked upload (S3's and GCS's parts,
// tus, the resumable uploads of the web's big apps) sends one file in
// parts of the size its client chose, all but the last of it to the byte,
// each put or patched and taken in turn: the file is one upload, not a
// dozen. Whole uploads vary in size from one to the next, go by POST,
// and an attack's are refused (413) or taken as they come, each counted.
// A collaboration site's design teams sending videos in 8 MB parts were
// taken for upload attacks by the count of their parts.
func (c *Client[E]) largePart(r *ingest.Record, write bool) bool {
	if !write || r.Status < 200 || r.Status >= 300 || !isPartMethod(r.Method) || r.ReqBytes <= 0 {
		c.part = 0
		return false
	}
	kib := uint32(min(r.ReqBytes>>10, math.MaxUint32))
	prev := c.part
	c.part = kib
	return prev != 0 && max(kib, prev)-min(kib, prev) <= 1
}

// isPartMethod says m is PUT or PATCH, the methods that send a part.
func isPartMethod(m []byte) bool {
	return string(m) == "PUT" || string(m) == "PATCH"
}

// advance decays the counts from the client's latest event to ts and
// folds the gap into the gap statistics.
func (c *Client[E]) advance(ts int64) {
	dt := float64(ts-c.last) / 1e9
	if dt < 0 {
		dt = 0 // out-of-order events within a client count as simultaneous
	} else {
		c.last = ts
	}
	if dt > 0 {
		// One exponential serves the three time constants, each a
		// whole multiple of the next (see longPerSustained).
		dsus := math.Exp(-dt / TauSustained)
		dl := powi(dsus, longPerSustained)
		c.short *= powi(dl, shortPerLong)
		c.c.decay(dl)
		c.refusedS *= dsus
		c.large *= dsus
	}
	if c.events == 1 {
		c.gapMean, c.gapSq = dt, dt*dt
	} else {
		c.gapMean += gapAlpha * (dt - c.gapMean)
		c.gapSq += gapAlpha * (dt*dt - c.gapSq)
	}
}

// decay multiplies every count by d.
func (k *counters) decay(d float64) {
	k.n *= d
	k.errs *= d
	k.auth *= d
	k.notFound *= d
	k.other *= d
	k.writes *= d
	k.marks *= d
	k.novel *= d
	k.waf *= d
	k.markW *= d
	k.keyed *= d
	k.reqBytes *= d
	k.respBytes *= d
	k.srv *= d
}

// recent reports whether path hash ph is among the client's last requests.
func (c *Client[E]) recent(ph uint32) bool {
	for _, h := range c.paths {
		if h == ph {
			return true
		}
	}
	return false
}

// countStatus counts a response's status among the errors and, when it is
// evidence of guessing, among the refusals.
//
// A failure is evidence of guessing when the request tried something new:
// a path the client has not asked for lately, or (for credentials) a
// write. A client repeating the same read with a revoked token, or the
// same dead link, is broken rather than hostile, so those failures count
// only in error_ratio.
func (c *Client[E]) countStatus(s int, write, novel, keyChanged, keyed, paced bool) {
	switch {
	case s == 401:
		// 401 says the credentials failed, wherever they were sent: a job
		// with a revoked key meets it on every page it reads. Guessing
		// shows as a write (a login form) or as credentials that change.
		// A key refused on a read is refused on a write too: a
		// customer's server whose key was revoked posts its jobs with it
		// all day. A key never refused on a read may be valid, and the
		// write refused for what else it carried (a lock's PIN guessed
		// with the lock's own key).
		if write && !(keyed && c.keyRefused) || keyChanged {
			c.c.auth++
			c.refusedS++
		}
		if !write && keyed {
			c.keyRefused = true
		}
		c.c.errs++
	case s == 403:
		if novel || write {
			c.c.auth++
			c.refusedS++
		}
		c.c.errs++
	case (s == 400 || s == 422) && write && !novel && (!keyed || keyChanged):
		// A write refused for what it carried, sent again to a path the
		// client wrote to lately: a wrong one-time code, a coupon that
		// does not exist, a card number that does not validate, tried
		// once more. A form corrected after one error is not counted, nor
		// an integration posting with its own key what the site does not
		// accept (broken, like a job with a revoked key).
		c.c.auth++
		c.refusedS++
		c.c.errs++
	case paced && (write || c.Shared()):
		// An integration throttled while it posts (see Paced), or an
		// address that several signed-in people use (an office, a VPN's
		// egress) throttled while they read: busy, not guessing, and the
		// site holds its pace already. One client's throttled reads stay
		// other errors: an enumerator the gateway slows down is still
		// refused for what it asks (of two on a bank model's site, both
		// went unblocked when no throttled read counted).
		c.c.errs++
	case (s == 423 || s == 429) && write && (!keyed || keyChanged):
		// A write refused for its pace, or because the account it
		// tries is locked after too many failures: a login or a code
		// tried faster than the site lets anyone try.
		c.c.auth++
		c.refusedS++
		c.c.errs++
	case s == 404 || s == 410:
		if novel {
			c.c.notFound++
			c.refusedS++
		}
		c.c.errs++
	case s >= 500:
		// The server failed, not the client: a webhook retried through
		// an outage, a crowd during a sale that overloads the backend.
		c.c.errs++
		c.c.srv++
	case s == 402 && keyed && !keyChanged:
		// Payment required of the key the client keeps sending: its
		// account's quota or plan ran out, and every call says so until
		// someone pays. A client trying keys until one is not out of
		// quota changes them.
		c.c.errs++
	case s >= 400:
		c.c.other++
		c.c.errs++
	}
}

// Large returns the client's large requests (see Table.SetLargeSize)
// over the last ~10 min (decayed count, TauSustained).
func (c *Client[E]) Large() float64 { return c.large }

// Latest returns the template hash (TemplateHash) and the path hash
// (PathHash) of the client's latest request, so that a later stage need
// not hash the path again.
func (c *Client[E]) Latest() (template, path uint32) {
	i := (int(c.pos) + ring - 1) % ring
	return c.templates[i], c.paths[i]
}

// remember puts the request in the ring of the client's last requests,
// paced saying it was refused for its pace (see Paced), rekeyed that it
// carried a key other than the one before it (see KeyChanges).
func (c *Client[E]) remember(r *ingest.Record, ph, uh uint32, paced, rekeyed bool) {
	c.paths[c.pos] = ph
	c.urls[c.pos] = uint16(uh ^ uh>>16)
	c.templates[c.pos] = TemplateHash(r.Path)
	// 401 is left out: it says the credentials failed, so a client with a
	// revoked key sees it on every path; 403 and 404 say the resource is
	// not theirs or not there, which is what guessing finds.
	if s := r.Status; s == 403 || s == 404 || s == 410 {
		c.refused |= 1 << c.pos
	} else {
		c.refused &^= 1 << c.pos
	}
	if paced {
		c.throttled |= 1 << c.pos
	} else {
		c.throttled &^= 1 << c.pos
	}
	if rekeyed {
		c.rekeyed |= 1 << c.pos
	} else {
		c.rekeyed &^= 1 << c.pos
	}
	if r.Status == 304 {
		c.revalid |= 1 << c.pos
	} else {
		c.revalid &^= 1 << c.pos
	}
	c.pos = (c.pos + 1) % ring
}

// Paced says the client's latest request was refused for its pace (see
// Paced).
func (c *Client[E]) Paced() bool {
	i := (int(c.pos) + ring - 1) % ring
	return c.events > 0 && c.throttled&(1<<i) != 0
}

// Rekeyed says the client's latest request carried an API key other than
// the key of the request before it (see KeyChanges).
func (c *Client[E]) Rekeyed() bool {
	i := (int(c.pos) + ring - 1) % ring
	return c.events > 1 && c.rekeyed&(1<<i) != 0
}

// Throttled returns the share of the client's last requests (up to 32)
// that the site refused for their pace (see Paced).
func (c *Client[E]) Throttled() float64 {
	n := min(c.events, ring)
	if n == 0 {
		return 0
	}
	return float64(bits.OnesCount32(c.throttled)) / float64(n)
}

// Revalidating says a quarter or more of the client's last requests (up
// to 32) were answered 304 Not Modified: a browser or an app revalidating
// what it holds in its cache, as a person reloading a page does. A flood
// that busts caches, or never keeps one, is served in full: on seventeen
// traffic models no address of a distributed flood met a 304, while the
// readers of a forum's viral thread who reload it every few seconds met
// one on a third of their requests.
func (c *Client[E]) Revalidating() bool {
	n := min(c.events, ring)
	return n > 0 && 4*uint32(bits.OnesCount32(c.revalid)) >= n
}

// The time constants' ratios: exp(-dt/TauLong) is exp(-dt/TauSustained)
// to the power longPerSustained, and so on, so that one exponential per
// event serves all three.
const (
	longPerSustained = int(TauSustained / TauLong)
	shortPerLong     = int(TauLong / TauShort)
)

// The ratios must be whole: a change of a time constant that breaks this
// fails to compile here.
var _ = [1]struct{}{}[int(TauSustained)%int(TauLong)+int(TauLong)%int(TauShort)]

// powi returns x to the power n >= 1 by squaring.
func powi(x float64, n int) float64 {
	r := 1.0
	for n > 0 {
		if n&1 != 0 {
			r *= x
		}
		x *= x
		n >>= 1
	}
	return r
}

// IsRead says a request with method m reads: GET, HEAD or OPTIONS (in
// upper or lower case), or no method at all, as some logs write for a
// request cut short. Everything else writes.
func IsRead(m []byte) bool {
	switch string(m) {
	case "GET", "HEAD", "OPTIONS", "get", "head", "options", "":
		return true
	}
	return false
}

// Vector writes the client's features as of its latest event to v.
func (c *Client[E]) Vector(v *Vector) {
	span := float64(c.last-c.first) / 1e9
	if span < minSpan {
		span = minSpan
	}
	// An address that carries several people is judged on one person's
	// share of its volume.
	people := c.People()
	v[Rate] = c.short / (TauShort * -math.Expm1(-span/TauShort)) / people
	v[Volume] = c.c.n / people
	n := c.c.n
	shrunk := n + ratioPrior
	v[ErrorRatio] = c.c.errs / shrunk
	// The refused shares are of the requests the site answered: a guess
	// an overloaded site answered 503 was not refused, nor was it served.
	answered := max(n-c.c.srv, 0) + ratioPrior
	v[AuthFailRatio] = c.c.auth / answered
	v[NotFoundRatio] = c.c.notFound / answered
	v[OtherErrorRatio] = c.c.other / shrunk
	v[WriteRatio] = c.c.writes / shrunk
	v[PayloadMarks] = c.c.marks / shrunk
	v[PathNovelty] = c.c.novel / shrunk
	v[WAFRatio] = c.c.waf / shrunk
	v[RefusedCount] = c.c.auth + c.c.notFound
	v[MarkedCount] = c.c.marks
	v[ReqBytes] = c.c.reqBytes / n
	v[ReqBytesTotal] = c.c.reqBytes / people
	v[RefusedLong] = c.refusedS
	v[RespBytes] = c.c.respBytes / n
	v[PathEntropy], v[IDSweep] = c.templateStats()
	v[RefusedPaths] = c.refusedPaths()
	v[GapCV] = 0
	if c.events >= 3 && c.gapMean > 0 {
		variance := c.gapSq - c.gapMean*c.gapMean
		if variance < 0 {
			variance = 0
		}
		v[GapCV] = math.Sqrt(variance) / c.gapMean
	}
}

// refusedPaths counts the distinct paths among the remembered requests
// that were refused.
func (c *Client[E]) refusedPaths() float64 {
	return float64(c.distinctPaths(c.refused))
}

// templateStats returns the Shannon entropy in bits of the templates of the
// remembered requests, and the sweep: how many distinct paths the most used
// template took, over the number of remembered requests plus ratioPrior. A
// client walking ids on one route sweeps; a browser reading a few pages
// does not. The entropy's terms are summed in the order each template
// first appears in the ring.
func (c *Client[E]) templateStats() (entropy, sweep float64) {
	n := int(min(c.events, ring))
	if n <= 1 {
		return 0, 0
	}
	ts := c.templates[:n]
	var seen, topMask uint32
	topCount := 0
	for i, t := range ts {
		if seen&(1<<i) != 0 {
			continue
		}
		m := sameAs(ts[i:], t) << i
		seen |= m
		k := bits.OnesCount32(m)
		entropy += negPLogP[n][k]
		if k > topCount {
			topCount, topMask = k, m
		}
	}
	return entropy, float64(c.distinctPaths(topMask)) / (float64(n) + ratioPrior)
}

// sameAs returns a mask with bit j set where ts[j] is t. The comparisons
// set bits rather than branch: which of a ring's templates match is as
// good as random to a branch predictor.
func sameAs(ts []uint32, t uint32) (m uint32) {
	for j, x := range ts {
		eq := uint32(0)
		if x == t {
			eq = 1
		}
		m |= eq << j
	}
	return m
}

// distinctPaths counts the distinct paths among the remembered requests
// whose bits mask sets.
func (c *Client[E]) distinctPaths(mask uint32) int {
	var seen [ring]uint32
	n := 0
	for ; mask != 0; mask &= mask - 1 {
		p := c.paths[bits.TrailingZeros32(mask)]
		if !slices.Contains(seen[:n], p) {
			seen[n] = p
			n++
		}
	}
	return n
}

// negPLogP[n][k] is -p log2 p for p = k/n: one term of the entropy of n
// remembered templates, k of them alike.
var negPLogP = func() (t [ring + 1][ring + 1]float64) {
	for n := 1; n <= ring; n++ {
		for k := 1; k <= n; k++ {
			p := float64(k) / float64(n)
			t[n][k] = -(p * math.Log2(p))
		}
	}
	return t
}()

// retyped notes that the client sent a payload fragment in the query
// parameter v (its name and value, decoded; see markedParam) of the
// endpoint template tmpl, and says whether that parameter goes on from the
// one that carried the client's latest fragment: on the same endpoint,
// the same text or more of it, typed on or asked again; on another, more
// of it, a search typed as suggestions and then searched. A person
// searching a forum for "<iframe srcdoc>" sends it as suggestions, one a
// keystroke, then as a search, a second tab of results and a second page:
// one payload, which was eight marked requests (on the forum model's site
// 5, 13 readers searching for code were blocked for it). A probe sends a
// new payload each time, or the same one to another parameter or
// endpoint, and each counts.
func (c *Client[E]) retyped(tmpl uint32, v []byte) bool {
	n := int(c.markLen)
	same := n > 0 && len(v) >= n && PathHash(v[:n]) == c.markVal &&
		(tmpl == c.markTmpl || len(v) > n)
	c.markVal, c.markLen, c.markTmpl = 0, 0, tmpl
	if len(v) > 0 && len(v) <= math.MaxUint16 {
		c.markVal, c.markLen = PathHash(v), uint16(len(v))
	}
	return same
}
