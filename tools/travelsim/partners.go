package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A partner is a machine client of the site: a fare aggregator, a
// distribution system, a travel agency, an airport's departure boards, a
// crawler, an uptime service, a provider calling back, the airline's own
// export. The site fixes who they are and their addresses; the day
// registers them.
type partner struct {
	name, kind, ua, key string
	addrs               []string
	rate                float64 // requests a second it averages
	limit               float64 // its key's rate at the gateway, 0 without a key
	heavy               bool
	hub                 string // the airport whose boards it feeds
	clients             []*Client
}

// partners draws the site's machine clients.
func partners(r *rand.Rand, c *carrier) []*partner {
	var ps []*partner
	add := func(kind, name, ua string, n int, prefixes []string, rate float64, keyed, heavy bool) *partner {
		p := &partner{name: name, kind: kind, ua: ua, rate: rate, heavy: heavy}
		for range n {
			p.addrs = append(p.addrs, fixedV4(r, prefixes, c.seen))
		}
		if keyed {
			p.key = name + "_" + Hex(r, 16)
			p.limit = rate * Uniform(r, 1.6, 2.6)
		}
		ps = append(ps, p)
		return p
	}
	metas := []string{"farehawk", "jetcompare", "skyscoop", "tripradar", "wingfinder", "routepilot"}
	r.Shuffle(len(metas), func(i, j int) { metas[i], metas[j] = metas[j], metas[i] })
	for _, m := range metas[:2+r.IntN(3)] {
		ua := Pick(r, []string{fmt.Sprintf("%s-connector/%d.%d (+https://%s.example/partners)", m, 2+r.IntN(3), r.IntN(10), m),
			"Apache-HttpClient/5.2.1 (Java/21.0.2)", "Go-http-client/2.0"})
		add("metasearch", m, ua, 1+r.IntN(3), cloud4, LogUniform(r, 2, 9), true, true)
	}
	for _, g := range []string{"globalink", "navitas"}[:1+r.IntN(2)] {
		ua := Pick(r, []string{"Apache-HttpClient/4.5.14 (Java/17.0.9)", "NDC-Gateway/21.3 (" + g + ")"})
		add("gds", g, ua, 2+r.IntN(3), cloud4, LogUniform(r, 0.8, 3), true, true)
	}
	for range 2 + r.IntN(4) {
		ua := Pick(r, []string{"TravelDesk-Connector/5.1.2", "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)", "okhttp/4.9.3"})
		add("agency", "agency-"+Hex(r, 4), ua, 1, c.home.home4, LogUniform(r, 0.05, 0.5), true, true)
	}
	for _, h := range c.hubs {
		add("boards", "fids-"+strings.ToLower(h), "AODB-FIDS/4.2 ("+h+")", 1, c.home.home4, 0.2, true, true).hub = h
	}
	add("crawler", "googlebot", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.139 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		2+r.IntN(3), []string{"66.249.66.", "66.249.68.", "66.249.79."}, LogUniform(r, 0.3, 1.5), false, true)
	add("crawler", "bingbot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
		1+r.IntN(2), []string{"157.55.39.", "207.46.13.", "40.77.167."}, LogUniform(r, 0.1, 0.6), false, true)
	monitor := Pick(r, []string{"Pingwatch/2.3 (+https://pingwatch.example/bot)", "UptimeRobot/2.0; http://www.uptimerobot.com/", "Site24x7"})
	add("uptime", "uptime", monitor, 3+r.IntN(3), cloud4, 1/Pick(r, []float64{30, 60}), false, false)
	pay := r.IntN(3)
	add("payments", []string{"payvia", "cardnest", "paycore"}[pay],
		[]string{"PayVia-Webhooks/1.0", "CardNest-Notify/2.4", "PayCore-Hooks/3.1 (+https://paycore.example)"}[pay],
		2+r.IntN(3), cloud4, 0, false, true)
	add("messaging", "msgline", Pick(r, []string{"MsgLine-Callback/2.3", "Go-http-client/1.1"}), 1+r.IntN(2), cloud4, 0, false, true)
	add("cron", "rm-export", "", 1, c.home.home4, 1.0/60, false, false)
	return ps
}

// A machine is one partner's integration at work: do sends what it sends
// at a wakeup and returns the seconds to the next.
type machine struct {
	sender
	p     *partner
	r     *rand.Rand
	do    func(m *machine, w *world, now int64) float64
	n     int
	surge int64 // the end of a burst of cache refreshes
	calm  int64 // the start of the next burst
	ready int64 // when a new partner's key is activated
}

func (m *machine) act(w *world, now int64) (int64, bool) {
	return now + Sec(m.do(m, w, now)), true
}

// anyAddr spreads a partner's requests over its addresses.
func (m *machine) anyAddr(int64) *Client { return m.p.clients[m.r.IntN(len(m.p.clients))] }

// enlist registers the site's partners for the day and starts them.
func (w *world) enlist(r *rand.Rand) {
	for _, p := range w.sky.partners {
		for _, ip := range p.addrs {
			c := w.log.Client(ip, KindNormal)
			c.Profile, c.Heavy = p.kind, p.heavy
			p.clients = append(p.clients, c)
		}
		if p.key != "" {
			w.edge.contract(p.key, p.limit, p.limit*Uniform(r, 15, 40))
		}
		switch p.kind {
		case "payments", "messaging":
			w.hooks[p.kind] = &courier{p: p, r: Sub(r), sender: sender{ua: p.ua}}
			continue
		case "uptime", "crawler":
			for _, c := range p.clients {
				m := &machine{p: p, r: Sub(r), do: routines[p.kind]}
				m.sender = sender{from: fixed(c), ua: p.ua}
				w.at(Sec(Uniform(r, -60, 60)), m)
			}
			continue
		}
		m := &machine{p: p, r: Sub(r), do: routines[p.kind]}
		m.sender = sender{from: m.anyAddr, ua: p.ua, key: p.key}
		w.at(Sec(Uniform(r, -5, 5)), m)
	}
}

// routines are what each kind of partner does at a wakeup.
var routines = map[string]func(m *machine, w *world, now int64) float64{
	"metasearch": availability,
	"gds":        ndc,
	"agency":     agency,
	"boards":     boards,
	"crawler":    crawl,
	"uptime":     probe,
	"cron":       export,
}

// availability is a fare aggregator refreshing its cache: a steady pace
// with bursts every few minutes, backing off when the key's limit says so.
func availability(m *machine, w *world, now int64) float64 {
	r := m.r
	st := m.query(w, now)
	if m.calm == 0 {
		m.calm = now + Sec(r.ExpFloat64()*240)
	}
	if now >= m.calm {
		m.surge, m.calm = now+Sec(Uniform(r, 20, 60)), now+Sec(60+r.ExpFloat64()*240)
	}
	rate := m.p.rate
	if now < m.surge {
		rate *= 2.5
	}
	gap := r.ExpFloat64() / rate
	if st == 429 {
		gap += Uniform(r, 1, 4)
	}
	return gap
}

// query asks the partner API for availability on a trip and returns the
// status; now and then the engine behind it times out.
func (m *machine) query(w *world, now int64) int {
	r := m.r
	t := w.sky.newTrip(r)
	p := fmt.Sprintf("/partner/v1/availability?origin=%s&destination=%s&departureDate=%s", t.out.from, t.out.to, w.date(t.depart))
	if t.back > 0 {
		p += "&returnDate=" + w.date(t.back)
	}
	p += fmt.Sprintf("&adults=%d&cabin=%s&currency=%s", t.adults, t.cabin[:1], w.sky.home.currency)
	h := get(r, p, clsPartner, kb(r, 22), ms(r, 160))
	if Chance(r, 0.006) {
		h.status, h.resp, h.ms = 504, 180, 10000
	}
	return w.send(&m.sender, now, h)
}

// ndc is a distribution system shopping, pricing and ordering in NDC XML
// for the agents behind it.
func ndc(m *machine, w *world, now int64) float64 {
	r := m.r
	ops := []struct {
		name      string
		w, in, rs float64
		ms        float64
	}{
		{"AirShopping", 60, 3, 180, 1400}, {"OfferPrice", 20, 4, 30, 700}, {"OrderRetrieve", 12, 1.5, 25, 300},
		{"OrderCreate", 5, 9, 40, 2200}, {"OrderChange", 3, 5, 35, 1600},
	}
	ws := make([]float64, len(ops))
	for i, o := range ops {
		ws[i] = o.w
	}
	o := ops[Weighted(r, ws)]
	h := post(r, "POST", "/ndc/21.3/"+o.name, clsPartner, 200, kb(r, o.in), kb(r, o.rs), ms(r, o.ms))
	if Chance(r, 0.008) {
		h.status = 500
	}
	if st := w.send(&m.sender, now, h); st == 429 {
		return Uniform(r, 2, 5)
	}
	return r.ExpFloat64() / m.p.rate
}

// agency is a travel agency's back office: availability, its orders,
// fare rules, now and then a new order and its tickets.
func agency(m *machine, w *world, now int64) float64 {
	r, sky := m.r, w.sky
	var h hit
	switch Weighted(r, []float64{50, 30, 7, 8, 5}) {
	case 0:
		t := sky.newTrip(r)
		h = get(r, fmt.Sprintf("/partner/v1/availability?origin=%s&destination=%s&departureDate=%s&adults=%d&cabin=%s", t.out.from, t.out.to, w.date(t.depart), t.adults, t.cabin[:1]), clsPartner, kb(r, 20), ms(r, 200))
	case 1:
		h = get(r, "/partner/v1/orders/"+sky.pnr(r), clsPartner, kb(r, 6), ms(r, 120))
		if Chance(r, 0.05) {
			h.status = 404
		}
	case 2:
		h = get(r, fmt.Sprintf("/partner/v1/fares/rules?fareBasis=%s&carrier=%s", strings.ToUpper(Hex(r, 6)), sky.code), clsPartner, kb(r, 4), ms(r, 90))
	case 3:
		h = post(r, "POST", "/partner/v1/orders", clsPartner, 201, kb(r, 3), kb(r, 5), ms(r, 1800))
	default:
		h = post(r, "POST", "/partner/v1/orders/"+sky.pnr(r)+"/tickets", clsPartner, 201, 600, kb(r, 3), ms(r, 1200))
	}
	w.send(&m.sender, now, h)
	return r.ExpFloat64() / m.p.rate
}

// boards are an airport's departure and arrival screens refreshing.
func boards(m *machine, w *world, now int64) float64 {
	r := m.r
	m.n++
	dir := "departures"
	if m.n%2 == 0 {
		dir = "arrivals"
	}
	p := fmt.Sprintf("%s/flightstatus/airport/%s?direction=%s&hours=6", w.sky.api, m.p.hub, dir)
	w.send(&m.sender, now, get(r, p, clsPartner, kb(r, 30), ms(r, 120)))
	return Uniform(r, 4.8, 5.2)
}

// crawl is a search engine reading the route pages, destinations, deals
// and sitemaps; old routes answer 404 and some addresses redirect.
func crawl(m *machine, w *world, now int64) float64 {
	r, sky := m.r, w.sky
	lang := strings.ToLower(sky.home.lang)
	m.n++
	h := get(r, "/robots.txt", clsPage, 900, ms(r, 5))
	if m.n > 1 {
		f := Pick(r, sky.flights)
		switch Weighted(r, []float64{50, 20, 10, 6, 5, 4}) {
		case 0:
			h = get(r, fmt.Sprintf("/%s/flights/%s-to-%s", lang, strings.ToLower(f.from), strings.ToLower(f.to)), clsPage, kb(r, 80), ms(r, 120))
		case 1:
			h = get(r, fmt.Sprintf("/%s/destinations/%s", lang, strings.ToLower(f.to)), clsPage, kb(r, 90), ms(r, 100))
		case 2:
			h = get(r, "/"+lang+"/deals/"+Pick(r, sky.deals), clsPage, kb(r, 60), ms(r, 90))
		case 3:
			h = get(r, fmt.Sprintf("/sitemaps/routes-%d.xml", 1+r.IntN(6)), clsPage, kb(r, 120), ms(r, 60))
		case 4:
			h = get(r, fmt.Sprintf("/%s/flights/%s-to-%s", lang, strings.ToLower(f.from), strings.ToLower(Pick(r, worldAirports))), clsPage, kb(r, 9), ms(r, 40))
			h.status = 404
		default:
			h = get(r, fmt.Sprintf("/flights/%s-to-%s/", strings.ToLower(f.from), strings.ToLower(f.to)), clsPage, 0, ms(r, 4))
			h.status = 301
		}
	}
	w.send(&m.sender, now, h)
	return r.ExpFloat64() * float64(len(m.p.clients)) / m.p.rate
}

// probe is one uptime probe's round: the health check, the home page, a
// flight's status.
func probe(m *machine, w *world, now int64) float64 {
	r, sky := m.r, w.sky
	m.n++
	var h hit
	switch m.n % 3 {
	case 0:
		h = get(r, "/healthz", clsPage, 60, ms(r, 4))
	case 1:
		h = get(r, "/", clsPage, kb(r, 70), ms(r, 80))
	default:
		h = get(r, sky.statusPath(w, sky.flights[0], 0), clsPage, kb(r, 3), ms(r, 60))
	}
	w.send(&m.sender, now, h)
	return 1/m.p.rate + Uniform(r, -0.3, 0.3)
}

// export is the revenue team's job pulling the fares every minute and
// warming the cache every fifth; it sends no user agent.
func export(m *machine, w *world, now int64) float64 {
	r := m.r
	m.n++
	since := w.log.Start().Add(time.Duration(now - Sec(60))).Format("2006-01-02T15:04:05Z")
	h := get(r, fmt.Sprintf("/internal/exports/fares.csv?market=%s&since=%s", w.sky.home.country, since), clsInternal, kb(r, 2500), ms(r, 4000))
	if m.n%5 == 0 {
		h = post(r, "POST", "/internal/cache/warm?routes=all", clsInternal, 204, 40, 0, ms(r, 900))
	}
	w.send(&m.sender, now, h)
	return 60 + Uniform(r, -0.5, 1.5)
}

// A courier is a provider calling the site back: the payment provider on
// every authorisation and capture, the messaging service on every text,
// e-mail and push it delivered.
type courier struct {
	sender
	p *partner
	r *rand.Rand
}

// A delivery is one callback, retried with growing pauses while the site
// answers it with an error.
type delivery struct {
	c     *courier
	path  string
	tries int
}

// callback has the provider of kind post n callbacks to path a few
// seconds after at.
func (w *world) callback(at int64, kind, path string, n int) { w.bulk(at, kind, path, n, 0) }

// bulk is callback for n messages sent over spread seconds.
func (w *world) bulk(at int64, kind, path string, n int, spread float64) {
	c := w.hooks[kind]
	for range n {
		w.at(at+Sec(Uniform(c.r, 0.4, 6)+c.r.Float64()*spread), &delivery{c: c, path: path})
	}
}

func (d *delivery) act(w *world, now int64) (int64, bool) {
	c, r := d.c, d.c.r
	c.from = fixed(c.p.clients[r.IntN(len(c.p.clients))])
	h := post(r, "POST", d.path, clsHook, 200, kb(r, 1.8), 40, ms(r, 45))
	if Chance(r, 0.004) {
		h.status = 500
	}
	st := w.send(&c.sender, now, h)
	if st < 500 || d.tries >= 4 {
		return 0, false
	}
	d.tries++
	return now + Sec(10*float64(int(1)<<(2*d.tries))), true
}
