package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// crowd holds the day's addresses that many citizens share.
type crowd struct {
	nat, offices []*Client
	household    *Client // the last home, for a second member of it
}

// people adds the day's citizens, each on one visit.
func (g *gen) people(r *rand.Rand, n int) {
	s := g.s
	total := 0.
	for _, x := range s.where {
		total += x
	}
	p := &crowd{}
	for range max(2, int(float64(n)*s.where[onPhone4]/total/7)) {
		c := g.l.Client(g.l.V4(r, s.carrier), KindNormal)
		c.Profile = "carrier-nat"
		p.nat = append(p.nat, c)
	}
	for range max(2, int(float64(n)*s.where[atOffice]/total/4)) {
		c := g.l.Client(g.l.V4(r, s.home), KindNormal)
		c.Profile = "office-network"
		p.offices = append(p.offices, c)
	}
	for range n {
		g.citizen(Sub(r), p)
	}
}

// activities are what citizens come to do, and how many of them do it.
var (
	activities = []string{"filer", "status-checker", "payer", "claimant", "reader", "app"}
	doing      = []float64{36, 22, 8, 9, 17, 0}
	doingPhone = []float64{26, 20, 6, 7, 12, 30}
)

// citizen adds one person's visit from wherever they are.
func (g *gen) citizen(r *rand.Rand, p *crowd) {
	s := g.s
	where := place(Weighted(r, s.where))
	t := g.arrival(r)
	phone := where == onPhone6 || where == onPhone4 || (where == atHome && Chance(r, 0.3))
	act := activities[Weighted(r, doing)]
	if phone {
		act = activities[Weighted(r, doingPhone)]
	}
	var c *Client
	var move func(int64) *Client
	dedicated := func(ip string) *Client {
		c := g.l.Client(ip, KindNormal)
		c.Profile = act
		return c
	}
	switch where {
	case atHome:
		if p.household != nil && Chance(r, 0.12) {
			c, p.household = p.household, nil
		} else {
			c = dedicated(g.l.V4(r, s.home))
			p.household = c
		}
	case atHomeV6:
		c = dedicated(g.l.V6In(r, V6Net(r, s.v6)))
	case onPhone6:
		net := V6Net(r, s.v6)
		c = dedicated(g.l.V6In(r, net))
		move = g.l.RotateV6(r, c, net, t, 60, 1200)
	case onPhone4:
		c = Pick(r, p.nat)
	case atLibrary:
		c = Pick(r, g.libraries)
	case atOffice:
		c = Pick(r, p.offices)
	default:
		c = Pick(r, g.coworks)
	}
	g.users[c]++
	ua := Pick(r, s.desktop)
	if phone {
		ua = Pick(r, s.mobile)
	}
	if where == atLibrary {
		ua = s.desktop[len(s.desktop)-1-int(g.users[c]%2)]
	}
	w := g.walker(r, c, ua, t)
	w.move = move
	w.account = "u" + Hex(r, 12)
	if len(s.langs) > 1 && Chance(r, 0.2) {
		w.lang = Pick(r, s.langs[1:])
	}
	w.visit(act)
}

// visit plays one citizen's session.
func (w *walker) visit(act string) {
	switch act {
	case "filer":
		w.file()
	case "status-checker":
		w.anxious()
	case "payer":
		w.landing()
		if w.signIn(false) {
			w.pay()
		}
	case "claimant":
		w.claim()
	case "reader":
		w.read()
	default:
		w.ua = Pick(w.r, w.g.s.appUA)
		w.appUser()
	}
}
