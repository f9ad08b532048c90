package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// hosting is where attackers rent servers and find open proxies.
var hosting = []string{"45.146.164.", "193.32.162.", "185.220.101.", "91.240.118.", "141.98.11.", "194.26.192.", "5.188.206.", "103.251.167.", "159.203.", "167.99.", "64.227.", "147.182.", "92.118.39.", "80.94.95.", "2.57.122.", "179.43.180."}

// tools are the user agents of attack tools and scripts left as they are.
var tools = []string{"python-requests/2.31.0", "curl/7.88.1", "Go-http-client/1.1", "Mozilla/5.0 zgrab/0.x", "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)", "sqlmap/1.8.4#stable (https://sqlmap.org)", "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "Fuzz Faster U Fool v2.1.0", "gobuster/3.6", "axios/1.6.8", "okhttp/4.9.3", ""}

// mix draws the site's attackers: which variants of each kind come most,
// how often a second one does, how big its campaigns are.
func (s *site) mix(r *rand.Rand) {
	s.attackMix = map[string]*attackMix{}
	for _, k := range []string{"flood", "scan", "bruteforce", "injection", "upload", "enumeration"} {
		m := &attackMix{second: Uniform(r, 0, 0.7)}
		for range 4 {
			m.variants = append(m.variants, LogUniform(r, 0.2, 5))
		}
		s.attackMix[k] = m
	}
	s.stuffSize = [2]int{24 + r.IntN(30), 60 + r.IntN(90)}
	s.spraySize = [2]int{22 + r.IntN(15), 40 + r.IntN(60)}
	s.fraudSize = [2]int{22 + r.IntN(15), 35 + r.IntN(50)}
	s.ddosSize = [2]int{30 + r.IntN(40), 80 + r.IntN(70)}
	s.fraudApp, s.ddosBust, s.sprayV6 = Uniform(r, 0, 0.6), Uniform(r, 0.2, 0.9), Uniform(r, 0, 0.4)
}

// variant draws which variant of kind an attacker of the site is.
func (s *site) variant(r *rand.Rand, kind string) int {
	return Weighted(r, s.attackMix[kind].variants)
}

// lone adds the day's lone attackers.
func (g *gen) lone(r *rand.Rand) {
	m := g.s.attackMix
	Attacks(r,
		Attack{Run: g.flood, Second: m["flood"].second},
		Attack{Run: g.scan, Second: m["scan"].second},
		Attack{Run: g.bruteforce, Second: m["bruteforce"].second},
		Attack{Run: g.injection, Second: m["injection"].second},
		Attack{Run: g.upload, Second: m["upload"].second},
		Attack{Run: g.enumeration, Second: m["enumeration"].second})
}

// attacker registers an attacker's address: rented hosting, a broadband
// line at home or abroad, a phone.
func (g *gen) attacker(r *rand.Rand, kind string) *Client {
	s := g.s
	var ip string
	switch x := r.Float64(); {
	case x < 0.45:
		ip = g.l.V4(r, hosting)
	case x < 0.7:
		ip = g.l.V4(r, s.home)
	case x < 0.82:
		ip = g.l.V4(r, s.foreign)
	default:
		ip = g.l.V6In(r, V6Net(r, s.v6))
	}
	return g.l.Client(ip, kind)
}

// disguise draws what an attacker's requests look like: its own tool
// (with chance tool), the agency's app with the key every install
// carries, or a browser of the site's people.
func (w *walker) disguise(tool float64) {
	s := w.g.s
	switch x := w.r.Float64(); {
	case x < tool:
		w.ua = Pick(w.r, tools)
	case x < tool+(1-tool)*0.25:
		w.ua, w.key = Pick(w.r, s.appUA), s.appKey
	case x < tool+(1-tool)*0.5:
		w.ua = Pick(w.r, s.mobile)
	default:
		w.ua = Pick(w.r, s.desktop)
	}
}

// cover is the ordinary browsing an attacker does around the attack.
func (w *walker) cover(n int) {
	at := w.attack
	w.attack = false
	for range n {
		switch {
		case w.key != "":
			w.get(w.g.s.app+"/config", 200, 3000)
		case w.ua == "" || strings.Contains(w.ua, "/") && !strings.HasPrefix(w.ua, "Mozilla"):
			w.get("/", 302, 200)
		default:
			w.page(Pick(w.r, []string{"", "refund-status", "guidance/" + Pick(w.r, w.g.s.topics), "signin"}), w.api("/session"))
		}
		w.wait(2, 20)
	}
	w.attack = at
}

// assail returns a walker for a lone attacker of kind, dressed, with some
// browsing before its onset, which it returns.
func (g *gen) assail(r *rand.Rand, kind string, tool float64, a, b float64) (*walker, int64) {
	c := g.attacker(r, kind)
	onset := g.within(r, a, b)
	w := g.walker(r, c, "", onset-Sec(Uniform(r, 20, 120)))
	w.disguise(tool)
	w.cover(r.IntN(4))
	w.t, w.attack = onset, true
	return w, onset
}

// flood hammers one kind of page from one address at 5 to 200 a second.
func (g *gen) flood(r *rand.Rand) {
	s := g.s
	v := s.variant(r, "flood")
	w, onset := g.assail(r, "flood", 0.3, 0.05, 0.75)
	rate, ref := LogUniform(r, 5, 200), s.ref(r)
	end := onset + Sec(LogUniform(r, 30, 360))
	every(r, rate, onset, end, func(t int64) {
		w.t = t
		switch {
		case w.key != "":
			w.get(s.app+Pick(r, []string{"/refunds/status", "/config", "/home"}), 200, 2500)
		case v == 0:
			w.get(w.api("/refunds/status?ref="+ref+"&year="+num(s.year)), 200, 1100)
		case v == 1:
			w.get(w.web(Pick(r, []string{"", "refund-status", "guidance/" + Pick(r, s.topics)})), 200, 38000)
		case v == 2:
			w.get(w.web("refund-status"), 200, 36000)
		default:
			w.get(w.web("signin"), 200, 30000)
			w.get(w.api("/auth/config"), 200, 900)
		}
	})
}
