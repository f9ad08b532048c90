package trafficgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// client is one address in the recording, with its label and what the
// writer learns about it.
type client struct {
	ip        string
	kind      string
	profile   string
	heavy     bool
	intensity string
	first     int64
	last      int64
	events    int
}

// stream is one actor's sequence of requests. Several streams may share a
// client (the staff of an office).
type stream struct {
	client int
	r      *rand.Rand
	ua     string
	key    string
	hdr    int
	run    func(a *actor)
}

// recording is the plan of one Generate call.
type recording struct {
	w       *world
	clients []client
	streams []stream
}

// Shares of the normal clients that are heavy legitimate ones; the size of
// a site's pool of regulars, as a share of the regular users, and the chance
// that a regular comes on a given day (so about a third of a day's users
// are regulars, and two days share about a quarter); the share of the
// attackers in the low-and-slow campaign.
const (
	partnerShare  = 0.004
	checkerShare  = 0.002
	crawlerShare  = 0.0015
	officeShare   = 0.005
	poolShare     = 0.45
	poolPresence  = 0.75
	lowSlowShare  = 0.3
	minLowSlowIPs = 5
)

func atLeastOne(n int, share float64) int { return max(1, int(math.Round(float64(n)*share))) }

// plan lays out the recording of a valid, defaulted config.
func plan(cfg Config) *recording {
	s := newSite(cfg.Site)
	start := cfg.Start.UnixMilli()
	w := &world{site: s, start: start, end: start + int64(cfg.Minutes)*60000}
	rec := &recording{w: w}
	book := newAddressBook()
	site, seed := cfg.Site, cfg.Seed

	// The heavy legitimate clients recur in every recording of the site.
	nPartners := atLeastOne(cfg.Clients, partnerShare)
	nCheckers := atLeastOne(cfg.Clients, checkerShare)
	nCrawlers := atLeastOne(cfg.Clients, crawlerShare)
	nOffices := atLeastOne(cfg.Clients, officeShare)
	for i := range nPartners {
		p := newPartner(siteRand(site, tagPartner, uint64(i)), book)
		c := rec.add(client{ip: p.ip, kind: KindNormal, profile: ProfilePartner, heavy: true})
		rec.streams = append(rec.streams, stream{client: c, r: recRand(site, seed, tagPartner, uint64(i)), ua: p.ua, key: p.key, hdr: 220 + len(p.ua),
			run: func(a *actor) { a.partner(p) }})
	}
	for i := range nCheckers {
		ck := newChecker(siteRand(site, tagHealth, uint64(i)), s, book)
		c := rec.add(client{ip: ck.ip, kind: KindNormal, profile: ProfileHealthcheck, heavy: true})
		rec.streams = append(rec.streams, stream{client: c, r: recRand(site, seed, tagHealth, uint64(i)), ua: ck.ua, hdr: 90 + len(ck.ua),
			run: func(a *actor) { a.checker(ck) }})
	}
	for i := range nCrawlers {
		sp := newSpider(siteRand(site, tagCrawler, uint64(i)), book)
		c := rec.add(client{ip: sp.ip, kind: KindNormal, profile: ProfileCrawler, heavy: true})
		rec.streams = append(rec.streams, stream{client: c, r: recRand(site, seed, tagCrawler, uint64(i)), ua: sp.ua, hdr: 250 + len(sp.ua),
			run: func(a *actor) { a.spider(sp) }})
	}
	for i := range nOffices {
		o := newOffice(siteRand(site, tagOffice, uint64(i)), s, book)
		c := rec.add(client{ip: o.ip, kind: KindNormal, profile: ProfileOffice, heavy: true})
		rr := recRand(site, seed, tagOffice, uint64(i))
		for j, p := range o.staff {
			if j > 0 && !chance(rr, 0.65) { // out of the office today
				continue
			}
			rec.streams = append(rec.streams, stream{client: c, r: recRand(site, seed, tagOffice, uint64(i)<<16|uint64(j)), ua: p.ua, hdr: p.hdr,
				run: func(a *actor) { a.browser(p, true) }})
		}
	}

	// Regular users: the site's regulars come on most days, the rest are
	// new today.
	regular := max(0, cfg.Clients-len(rec.clients))
	pr := recRand(site, seed, tagPick, 0)
	returning := 0
	for i := range int(math.Round(float64(regular) * poolShare)) {
		if !chance(pr, poolPresence) {
			continue
		}
		rec.addPerson(newPerson(siteRand(site, tagPool, uint64(i)), s, book), recRand(site, seed, tagPool, uint64(i)))
		returning++
	}
	for i := range regular - returning {
		r := recRand(site, seed, tagFresh, uint64(i))
		rec.addPerson(newPerson(r, s, book), r)
	}

	if cfg.Attacks {
		rec.planAttacks(cfg, book)
	}
	rec.planIncidents(cfg)
	return rec
}

// add appends a client and returns its index.
func (rec *recording) add(c client) int {
	rec.clients = append(rec.clients, c)
	return len(rec.clients) - 1
}

func (rec *recording) addPerson(p *person, r *rand.Rand) {
	c := rec.add(client{ip: p.ip, kind: KindNormal, profile: p.profile})
	st := stream{client: c, r: r, ua: p.ua, hdr: p.hdr}
	switch p.profile {
	case ProfileBrowser:
		st.run = func(a *actor) { a.browser(p, false) }
	case ProfileMobile:
		st.key = p.key
		st.run = func(a *actor) { a.mobile(p) }
	default:
		st.key = p.key
		st.run = func(a *actor) { a.script(p) }
	}
	rec.streams = append(rec.streams, st)
}

// attackDuration returns the shortest and longest typical duration of an
// attack of a kind, in seconds.
func attackDuration(kind string) (lo, hi float64) {
	switch kind {
	case KindFlood:
		return 20, 150
	case KindScan, KindInjection, KindUpload:
		return 20, 240
	case KindScraping:
		return 60, 420
	case KindLowSlow:
		return 180, 540
	default: // brute force, enumeration
		return 30, 300
	}
}

// planAttacks adds the attackers: at least one of each kind, a
// low-and-slow campaign over several addresses, and floods that slow the
// site down for everyone.
func (rec *recording) planAttacks(cfg Config, book *addressBook) {
	w := rec.w
	s := w.site
	r := recRand(cfg.Site, cfg.Seed, tagAttack, 0)
	kinds := AttackKinds()
	total := int(math.Round(cfg.AttackShare * float64(cfg.Clients) / (1 - cfg.AttackShare)))
	nLow := max(minLowSlowIPs, int(math.Round(float64(total)*lowSlowShare)))
	nOther := max(len(kinds)-1, total-nLow)
	planned := slices.Clone(kinds[:len(kinds)-1])
	weights := []float64{0.12, 0.22, 0.15, 0.14, 0.15, 0.07, 0.15}
	for len(planned) < nOther {
		planned = append(planned, kinds[weighted(r, weights)])
	}
	span := float64(w.end-w.start) / 1000

	for i, kind := range planned {
		ar := recRand(cfg.Site, cfg.Seed, tagAttack, uint64(i+1))
		at := &attacker{kind: kind, x: ar.Float64(), hdr: 180 + ar.IntN(300)}
		lo, hi := attackDuration(kind)
		at.dur = math.Min(logUniform(ar, lo, hi), 0.9*span)
		at.onset = w.start + int64(uniform(ar, 0.02*span, span-at.dur)*1000)
		at.ip = book.take(func() string {
			if chance(ar, 0.25) { // a compromised home machine
				return consumerIP(ar, s.regions, s.v6Share, false)
			}
			return hostingIP(ar)
		})
		browserUA := pick(ar, browserAgents)
		switch kind {
		case KindFlood:
			at.rate = lerpLog(8, 300, at.x)
			at.dur = math.Min(at.dur, 25000/at.rate)
			at.ua = pick(ar, []string{browserUA, pick(ar, toolAgents), pick(ar, toolAgents)})
			if at.rate > 80 { // the backend struggles for everyone
				w.incidents = append(w.incidents, incident{from: at.onset, to: at.onset + int64(at.dur*1000), group: numGroups,
					p: 0.002 * at.rate / 80, status: 503, slow: 1 + at.rate/150})
			}
		case KindScan:
			at.rate = lerpLog(0.3, 25, at.x)
			at.ua = pick(ar, []string{browserUA, pick(ar, scannerAgents), pick(ar, scannerAgents), pick(ar, toolAgents)})
		case KindBruteforce:
			at.rate = lerpLog(0.2, 8, at.x)
			at.getFirst = chance(ar, 0.3)
			at.ua = pick(ar, []string{browserUA, pick(ar, bruteAgents), pick(ar, bruteAgents)})
		case KindInjection:
			at.rate = lerpLog(0.15, 6, at.x)
			at.ua = pick(ar, injectionAgents)
		case KindScraping:
			at.rate = lerpLog(0.4, 15, at.x)
			at.ua = pick(ar, []string{browserUA, browserUA, pick(ar, scraperAgents)})
		case KindUpload:
			at.rate = lerpLog(0.03, 1.2, at.x)
			at.ua = pick(ar, []string{browserUA, "python-requests/2.31.0", "curl/8.5.0"})
			if chance(ar, 0.5) {
				at.key, at.uid = apiKey(ar), s.userID(ar)
			}
		case KindEnumeration:
			at.rate = lerpLog(0.5, 25, at.x)
			at.key, at.user = apiKey(ar), userName(ar)
			at.ua = pick(ar, []string{browserUA, "python-requests/2.31.0", mobileAgent(ar, s.brand, s.appVersions[0])})
		}
		if strings.HasPrefix(at.ua, "Mozilla/5.0 (") && !strings.Contains(at.ua, "compatible") {
			at.hdr += 300 + ar.IntN(500) // a browser, or a tool that copies one, sends more headers
		}
		c := rec.add(client{ip: at.ip, kind: kind, intensity: at.intensity()})
		rec.streams = append(rec.streams, stream{client: c, r: ar, ua: at.ua, key: at.key, hdr: at.hdr,
			run: func(a *actor) { a.attack(at) }})
	}

	// The low-and-slow campaign: residential proxies, a few attempts each.
	cr := recRand(cfg.Site, cfg.Seed, tagLowSlow, 0)
	lo, hi := attackDuration(KindLowSlow)
	campaign := math.Min(logUniform(cr, lo, hi), 0.9*span)
	begin := w.start + int64(uniform(cr, 0.02*span, span-campaign)*1000)
	x := cr.Float64()
	getFirst := chance(cr, 0.5)
	for i := range nLow {
		ar := recRand(cfg.Site, cfg.Seed, tagLowSlow, uint64(i+1))
		at := &attacker{kind: KindLowSlow, x: x, getFirst: getFirst, hdr: 500 + ar.IntN(400)}
		at.attempts = 2 + ar.IntN(int(2+3*x))
		at.spacing = lerpLog(240, 60, x)
		at.onset = begin + int64(uniform(ar, 0, math.Max(1, campaign-float64(at.attempts-1)*at.spacing*0.8))*1000)
		at.onset = min(at.onset, w.end-1000)
		at.dur = campaign
		at.ua = pick(ar, browserAgents)
		at.user, at.uid = userName(ar), s.userID(ar)
		at.ip = book.take(func() string { return consumerIP(ar, s.regions, s.v6Share, chance(ar, 0.3)) })
		c := rec.add(client{ip: at.ip, kind: KindLowSlow, intensity: at.intensity()})
		rec.streams = append(rec.streams, stream{client: c, r: ar, ua: at.ua, hdr: at.hdr,
			run: func(a *actor) { a.attack(at) }})
	}
}

// planIncidents adds the backend trouble of the day: a route group that
// fails or slows down for everyone for a while.
func (rec *recording) planIncidents(cfg Config) {
	w := rec.w
	r := recRand(cfg.Site, cfg.Seed, tagIncident, 0)
	span := float64(w.end-w.start) / 1000
	for n := 0; n < 3 && chance(r, []float64{0.6, 0.25, 0.1}[n]); n++ {
		dur := math.Min(logUniform(r, 10, 90), span/2)
		from := w.start + int64(uniform(r, 0, span-dur)*1000)
		group := pick(r, []int{grpCatalog, grpSearch, grpAccount, grpOrders, grpUpload, grpAuth})
		status := pick(r, []int{502, 503, 503, 504})
		w.incidents = append(w.incidents, incident{from: from, to: from + int64(dur*1000), group: group,
			p: uniform(r, 0.15, 0.9), status: status, slow: uniform(r, 1.5, 4)})
	}
}
