package main

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// span is an interval of the window, in ns from its start.
type span struct{ a, b int64 }

// world is one city on one day: what -site fixes first, then the day.
type world struct {
	log  *Log
	W    int64
	site *rand.Rand // draws of the city, the same every day
	day  *rand.Rand // draws of the day

	// The city.
	lat, lng    float64
	rest        []int     // restaurant ids, most ordered from first
	restCum     []float64 // cumulative share of orders
	cuisines    []string
	android     float64 // share of customers' phones on Android
	graphql     float64 // share of screens the app loads through /graphql
	rides       float64 // share of bookings that are rides rather than food
	carrierV4   []string
	carrierV6   []string
	homeV4      []string
	orderBase   int64   // id of the first order of the day
	orderRate   float64 // orders per second across the city
	users       int     // highest customer id
	promos      []string
	iosVersions []float64 // adoption of each app version on iOS
	andVersions []float64 // and on Android

	nats    []*Client // carrier NAT egress addresses
	natCum  []float64
	offices []string
	phones  []*phone // customers who may open the app today
	drivers []*phone
	tablets []*tablet
	staff   []*staffer
	fixed   map[string]*Client // home and office addresses, registered on first use
	regular []*regular         // recurring heavy clients

	// The day.
	spike     span
	spikeMult float64
	pushPromo string
	inc       incident
	raw       *strings.Replacer // what a tool replaces when it leaves a query nearly raw
}

// appVersions are the consumer app's versions still in use, newest first;
// the 4.x builds still call routes the backend has removed.
func appVersions() []string {
	return []string{"5.12.1", "5.12.0", "5.11.3", "5.10.2", "5.8.0", "4.22.7"}
}

// newWorld draws the city from -site and prepares the day from -seed.
func newWorld(c simcmd.Config) *world {
	w := &world{
		log:   New(c.Start, time.Duration(c.Minutes)*time.Minute),
		W:     int64(time.Duration(c.Minutes) * time.Minute),
		site:  rand.New(rand.NewPCG(c.Site, 0x9a2c3e1d5b7f4a61)),
		day:   rand.New(rand.NewPCG(c.Seed, c.Site*0x51ed27+0x3c6ef372)),
		fixed: map[string]*Client{},
		raw:   strings.NewReplacer(" ", "%20", "&", "%26", "#", "%23", "+", "%2B"),
	}
	s := w.site
	w.lat, w.lng = Uniform(s, -35, 60), Uniform(s, -120, 150)
	n := 250 + s.IntN(1100)
	w.rest = make([]int, n)
	w.restCum = make([]float64, n)
	skew := Uniform(s, .7, 1.1)
	sum := 0.
	for i := range w.rest {
		w.rest[i] = 1000 + s.IntN(90000)
		sum += 1 / math.Pow(float64(i+1), skew)
		w.restCum[i] = sum
	}
	for i := range w.restCum {
		w.restCum[i] /= sum
	}
	all := []string{"pizza", "sushi", "burgers", "thai", "indian", "chinese", "mexican", "vietnamese", "korean", "kebab", "healthy", "breakfast", "desserts", "vegan", "poke", "italian", "lebanese", "ramen", "grocery", "pharmacy"}
	s.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	w.cuisines = all[:8+s.IntN(8)]
	w.android = Uniform(s, .3, .75)
	w.graphql = Uniform(s, .05, .6)
	w.rides = Pick(s, []float64{0, 0, .15, .3, .45})
	w.carrierV4 = pickN(s, []string{"172.56.", "172.58.", "172.59.", "166.205.", "166.196.", "174.192.", "174.205.", "80.187.", "109.40.", "77.20.", "37.80.", "176.24.", "92.40.", "31.94.", "188.29."}, 3)
	w.carrierV6 = pickN(s, []string{"2607:fb90:", "2600:380:", "2600:1010:", "2a01:598:", "2a02:3037:", "2a00:20:", "2001:1c00:", "2a02:c7c:"}, 2)
	w.homeV4 = pickN(s, []string{"73.", "24.", "71.", "98.", "67.", "76.", "84.", "87.", "90.", "92.", "178.", "81.", "86.", "94."}, 5)
	w.orderBase = 40_000_000 + int64(s.IntN(30_000_000)) + int64(c.Seed)*int64(60_000+s.IntN(40_000))
	w.orderRate = Uniform(s, .8, 3) * float64(c.Clients) / 3000
	w.users = 800_000 + s.IntN(6_000_000)
	for range 6 + s.IntN(8) {
		w.promos = append(w.promos, strings.ToUpper(Pick(s, []string{"LUNCH", "WELCOME", "FREEDEL", "SAVE", "TREAT", "RIDE", "WEEKDAY"}))+strconv.Itoa(5+5*s.IntN(6)))
	}
	// Adoption falls off from the newest build; a site that pushes updates
	// hard keeps the old ones rare.
	keep := Uniform(s, .25, .6)
	for _, v := range []*[]float64{&w.iosVersions, &w.andVersions} {
		x := 1.
		for i := range appVersions() {
			*v = append(*v, x)
			x *= keep
			if i == len(appVersions())-2 {
				x = Uniform(s, .02, .08) // the stale 4.x builds
			}
		}
	}

	// The city's addresses, recurring clients first so that they do not
	// depend on -clients.
	w.recurring()
	w.network(c.Clients)
	w.pool(c.Clients)
	return w
}

func pickN(r *rand.Rand, xs []string, n int) []string {
	xs = slices.Clone(xs)
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	return xs[:n]
}

// restaurant draws a restaurant by how much it is ordered from.
func (w *world) restaurant(r *rand.Rand) int {
	return w.rest[min(sort.SearchFloat64s(w.restCum, r.Float64()), len(w.rest)-1)]
}

// near returns a position a few kilometres around the city centre, written
// as the app writes it.
func (w *world) near(r *rand.Rand) string {
	return "lat=" + strconv.FormatFloat(w.lat+Uniform(r, -.06, .06), 'f', 4, 64) + "&lng=" + strconv.FormatFloat(w.lng+Uniform(r, -.08, .08), 'f', 4, 64)
}

// order returns the id an order placed at t gets: ids are handed out in
// sequence as orders come in across the city.
func (w *world) order(r *rand.Rand, t int64) int64 {
	return w.orderBase + int64(w.orderRate*float64(t)/1e9) + int64(r.IntN(6))
}

// customer returns a random existing customer's id, written as the token
// subject the gateway logs.
func (w *world) customer(r *rand.Rand) string { return "u" + strconv.Itoa(1+r.IntN(w.users)) }

// network draws the carrier NAT egress addresses and the staff offices.
// A few NAT addresses carry far more subscribers than the rest.
func (w *world) network(clients int) {
	s := w.site
	n := max(6, clients/10)
	sum := 0.
	for range n {
		c := w.log.Client(w.log.V4(s, w.carrierV4), KindNormal)
		c.Profile = "carrier-nat"
		w.nats = append(w.nats, c)
		sum += LogNormal(s, 1, .9)
		w.natCum = append(w.natCum, sum)
	}
	for i := range w.natCum {
		w.natCum[i] /= sum
	}
	for range 1 + s.IntN(2) {
		w.offices = append(w.offices, w.log.V4(s, []string{"62.", "195.", "212.", "80.", "213."}))
	}
}

func (w *world) nat(r *rand.Rand) *Client {
	return w.nats[min(sort.SearchFloat64s(w.natCum, r.Float64()), len(w.nats)-1)]
}

// at returns the client of an address that does not move (a home or an
// office line), registering it with profile on first use.
func (w *world) at(ip, profile string) *Client {
	c := w.fixed[ip]
	if c == nil {
		c = w.log.Client(ip, KindNormal)
		c.Profile = profile
		w.fixed[ip] = c
	}
	return c
}

// How a phone reaches the gateway.
const (
	viaNAT  = iota // a carrier's NAT, shared with many subscribers
	viaV6          // the carrier's IPv6, a privacy address in the phone's /64
	viaHome        // a home or office line
)

// phone is one person's device: a customer's phone, or a driver's.
type phone struct {
	user    string
	ua      string // the app's own user agent
	sdkUA   string // what the OS networking stack sends for background calls
	version int    // index into appVersions
	via     int
	nat     *Client
	v6      string
	home    string
	profile string
}

// stale reports whether the phone runs a build that calls removed routes.
func (p *phone) stale() bool { return appVersions()[p.version][0] == '4' }

// tablet is a restaurant's order tablet.
type tablet struct {
	ip, ua, user string
	store        int
	poll         float64 // seconds between polls for new orders
}

// staffer is an operations or support person using the web dashboard.
type staffer struct {
	user, ua, home string
	office         int
}

// pool draws the people of the city: more customers than open the app on
// any one day, the drivers, the restaurant tablets and the staff.
func (w *world) pool(clients int) {
	s := w.site
	driverShare, tabletShare := Uniform(s, .06, .11), Uniform(s, .03, .06)
	nDrivers := max(2, int(float64(clients)*driverShare*1.3))
	nTablets := max(2, int(float64(clients)*tabletShare))
	nStaff := 3 + clients/300
	nPhones := clients * 5 / 2
	natShare, v6Share := Uniform(s, .4, .65), Uniform(s, .15, .4)
	via := func() int {
		switch x := s.Float64(); {
		case x < natShare:
			return viaNAT
		case x < natShare+v6Share:
			return viaV6
		}
		return viaHome
	}
	net := func(p *phone) {
		p.via = via()
		switch p.via {
		case viaNAT:
			p.nat = w.nat(s)
		case viaV6:
			p.v6 = V6Net(s, w.carrierV6)
		default:
			p.home = w.log.V4(s, w.homeV4)
		}
	}
	for i := range nDrivers {
		p := &phone{user: "drv" + strconv.Itoa(20000+i*7+s.IntN(7)), profile: "driver"}
		net(p)
		p.ua = driverUA(s)
		w.drivers = append(w.drivers, p)
	}
	for range nTablets {
		t := &tablet{ip: w.log.V4(s, w.homeV4), store: Pick(s, w.rest), poll: Pick(s, []float64{2, 3, 3, 4, 5})}
		t.user = "mer" + strconv.Itoa(t.store)
		if Chance(s, .6) {
			t.ua = "ParceloMerchant/2.9.1 (Android 11; " + Pick(s, []string{"Lenovo TB-X606F", "SM-T505", "SM-X200", "TB-8505F"}) + ") okhttp/4.12.0"
		} else {
			t.ua = "ParceloMerchant/2.9.0 (iPad; iPadOS " + Pick(s, []string{"17.5", "17.6.1", "16.7.8"}) + ")"
		}
		w.tablets = append(w.tablets, t)
	}
	for i := range nStaff {
		st := &staffer{user: "staff" + strconv.Itoa(100+i), ua: browserUA(s), office: s.IntN(len(w.offices))}
		if Chance(s, .3) {
			st.home = w.log.V4(s, w.homeV4)
		}
		w.staff = append(w.staff, st)
	}
	home := ""
	for range nPhones {
		p := &phone{user: w.customer(s), profile: "app"}
		net(p)
		// Families share their home line.
		if p.via == viaHome && home != "" && Chance(s, .2) {
			p.home = home
		}
		if p.via == viaHome {
			home = p.home
		}
		w.dress(s, p)
		w.phones = append(w.phones, p)
	}
}

// dress gives a customer's phone its platform, build and user agents.
func (w *world) dress(r *rand.Rand, p *phone) {
	if Chance(r, w.android) {
		p.version = Weighted(r, w.andVersions)
		v := appVersions()[p.version]
		ok := Pick(r, []string{"4.12.0", "4.11.0", "4.12.0", "4.9.3"})
		if p.stale() {
			ok = "3.14.9"
		}
		p.ua = "Parcelo/" + v + " (Android " + Pick(r, []string{"15", "14", "14", "13", "12"}) + "; " + Pick(r, androidDevices()) + ") okhttp/" + ok
		p.sdkUA = "okhttp/" + ok
		return
	}
	p.version = Weighted(r, w.iosVersions)
	v := appVersions()[p.version]
	p.ua = "Parcelo/" + v + " (iPhone; iOS " + Pick(r, []string{"18.1", "18.0.1", "18.1", "17.6.1", "17.5", "16.7.10"}) + ")"
	p.sdkUA = "Parcelo/" + strings.ReplaceAll(v, ".", "") + " CFNetwork/" + Pick(r, []string{"1568.100.1 Darwin/24.1.0", "1498.700.2 Darwin/23.6.0", "1410.1 Darwin/22.6.0"})
}

func androidDevices() []string {
	return []string{"SM-S918B", "SM-A546B", "SM-A155F", "Pixel 8", "Pixel 7a", "M2101K6G", "moto g(60)", "CPH2487", "SM-G991B", "2201117TG", "RMX3630", "V2207"}
}

func driverUA(r *rand.Rand) string {
	if Chance(r, .7) {
		return "ParceloDriver/3.8.2 (Android " + Pick(r, []string{"14", "13", "12", "11"}) + "; " + Pick(r, androidDevices()) + ") okhttp/4.12.0"
	}
	return "ParceloDriver/3.8.2 (iPhone; iOS " + Pick(r, []string{"18.1", "17.6.1", "17.5"}) + ")"
}

func browserUA(r *rand.Rand) string {
	return Pick(r, []string{
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36 Edg/127.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:129.0) Gecko/20100101 Firefox/129.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
	})
}

// reach returns where a phone's requests come from over [a, b): its
// carrier's NAT, its home line, or an IPv6 privacy address that moves now
// and then inside the phone's /64.
func (w *world) reach(r *rand.Rand, p *phone, a int64) func(int64) *Client {
	switch p.via {
	case viaNAT:
		c := p.nat
		return func(int64) *Client { return c }
	case viaHome:
		profile := p.profile
		if profile == "app" {
			profile = "app-home"
		}
		c := w.at(p.home, profile)
		return func(int64) *Client { return c }
	}
	cur := w.log.Client(w.log.V6In(r, p.v6), KindNormal)
	cur.Profile = p.profile
	return w.log.RotateV6(r, cur, p.v6, a, 120, 1800)
}

// actor sends the requests of one client (a phone's session, a machine, an
// attacker). It keeps them until flush, which hands them to the log in time
// order, so that an address that moves does so once, forward in time.
type actor struct {
	w      *world
	r      *rand.Rand
	at     func(int64) *Client
	ua     string
	user   string
	key    string
	attack bool
	buf    []Event
}

func (w *world) actor(r *rand.Rand, at func(int64) *Client, ua, user string) *actor {
	return &actor{w: w, r: r, at: at, ua: ua, user: user}
}

// fixedAt returns an address function for a client that never moves.
func fixedAt(c *Client) func(int64) *Client { return func(int64) *Client { return c } }

// hdr draws the size of a request without a body: the headers, with a
// bearer token when the actor is signed in.
func (a *actor) hdr() float64 {
	if a.user != "" || a.key != "" {
		return LogNormal(a.r, 980, .06)
	}
	return LogNormal(a.r, 380, .1)
}

// call records a request: body is the request body in bytes (0 for none),
// resp and ms the median response size and time.
func (a *actor) call(t int64, method, path string, status int, body, resp, ms float64) {
	r := a.r
	if status >= 400 {
		resp = 160 // a short JSON error
	}
	a.buf = append(a.buf, Event{
		T: t, Method: method, Path: path, Status: status,
		ReqBytes:   int64(a.hdr() + body),
		RespBytes:  int64(LogNormal(r, resp, .25)),
		DurationMS: LogNormal(r, ms, .45),
		UA:         a.ua, Key: a.key, User: a.user, Attack: a.attack,
	})
}

func (a *actor) get(t int64, path string, status int, resp, ms float64) {
	a.call(t, "GET", path, status, 0, resp, ms)
}

func (a *actor) post(t int64, path string, status int, body, resp, ms float64) {
	a.call(t, "POST", path, status, LogNormal(a.r, body, .2), resp, ms)
}

// flush hands the actor's requests to the log in time order and reports
// how many fell inside the window.
func (a *actor) flush() int {
	slices.SortStableFunc(a.buf, func(x, y Event) int { return cmp.Compare(x.T, y.T) })
	n := 0
	for i := range a.buf {
		e := a.buf[i]
		e.C = a.at(e.T)
		if a.w.log.Add(e) {
			n++
		}
	}
	a.buf = a.buf[:0]
	return n
}
