package campaign

// Member is what a client carries for campaigns, beside its features: the
// template most of its requests go to (a majority vote in constant space),
// how many of its requests went there, and when it last failed there.
type Member struct {
	first    int64 // event time of the client's first event
	lastFail int64 // latest failure on tmpl
	tmpl     uint32
	votes    uint16
	onTmpl   uint16 // requests to tmpl since it became the candidate
	n        uint16 // requests, saturating
	// Seq is the Seq of the campaign the client is a candidate or member
	// of, so that it is counted once.
	Seq uint32
}

// Observe folds one request to endpoint key at ts into m.
func (m *Member) Observe(ts int64, key uint64, failed bool) {
	if m.n == 0 {
		m.first = ts
	}
	t := TemplateOf(key)
	switch {
	case m.votes > 0 && m.tmpl == t:
		m.votes++
		m.onTmpl = sat(m.onTmpl)
	case m.votes == 0:
		m.tmpl, m.votes, m.onTmpl, m.lastFail = t, 1, 1, 0
	default:
		m.votes--
	}
	m.n = sat(m.n)
	if failed && m.tmpl == t {
		m.lastFail = ts
	}
}

func sat(x uint16) uint16 {
	if x == 1<<16-1 {
		return x
	}
	return x + 1
}

// concentrated says at least half of the client's requests went to the
// template of key.
func (m *Member) concentrated(key uint64) bool {
	return m.votes > 0 && m.tmpl == TemplateOf(key) && 2*uint32(m.onTmpl) >= uint32(m.n)
}

// Acts says whether a client whose state is m (after Observe of the
// current event ev) acts within campaign c with that event: its requests
// go mostly to the endpoint, and the event failed there (a failures
// campaign) or the client is new since the campaign's window (the others).
// Allowlisted clients and clients with a baseline of their own are never
// members on the strength of the aggregate alone: the caller leaves them
// out.
func (c *Campaign) Acts(m *Member, ev *Event) bool {
	if ev.Endpoint != c.Endpoint || !m.concentrated(c.Endpoint) {
		return false
	}
	if c.Channel == ChannelFailures {
		return ev.Failed
	}
	return m.first >= c.Start-int64(Lookback) && m.flooding()
}

// flooding says the client sent several requests and nearly all of them to
// its template: what a member of a flood or of a burst of new addresses
// does, and a new visitor whose first page is the busy one does not.
func (m *Member) flooding() bool {
	return m.onTmpl >= floodMin && 4*uint32(m.onTmpl) >= 3*uint32(m.n)
}

// floodMin is the fewest requests to the endpoint that make a client a
// member of a requests or new-address campaign.
const floodMin = 3

// Shared says whether a client whose state is m, last seen at last, shared
// c's departure before c was seen: it failed on the endpoint within the
// window (a failures campaign), or is new since the window and sent there
// within it (the others).
func (c *Campaign) Shared(m *Member, last int64) bool {
	if !m.concentrated(c.Endpoint) || last < c.Start {
		return false
	}
	if c.Channel == ChannelFailures {
		return m.lastFail >= c.Start
	}
	return m.first >= c.Start-int64(Lookback) && m.flooding()
}
