package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// nets hands people the addresses they send from: their own home line,
// a carrier NAT address shared with many other subscribers, an office or
// VPN egress shared with colleagues, or a phone's IPv6 privacy address
// that changes within its /64.
type nets struct {
	d       *day
	cgnat   []*Client
	offices []*Client
	people  map[*Client]int // people behind each shared address
}

func (d *day) planNets(r *rand.Rand, people int) *nets {
	n := &nets{d: d, people: map[*Client]int{}}
	for range max(3, people/70) {
		c := d.log.Client(d.log.V4(r, d.s.cgnat), KindNormal)
		c.Profile = "carrier-nat"
		n.cgnat = append(n.cgnat, c)
	}
	for range max(2, people/200) {
		c := d.log.Client(d.log.V4(r, d.s.office), KindNormal)
		c.Profile = Pick(r, []string{"office-egress", "vpn-egress"})
		n.offices = append(n.offices, c)
	}
	return n
}

// place returns where a person on device sends from, from t0 on.
func (n *nets) place(r *rand.Rand, device int, t0 int64, profile string) func(int64) *Client {
	s, l := n.d.s, n.d.log
	own := func(ip string) func(int64) *Client {
		c := l.Client(ip, KindNormal)
		c.Profile = profile
		return fixed(c)
	}
	shared := func(pool []*Client) func(int64) *Client {
		c := Pick(r, pool)
		n.people[c]++
		return fixed(c)
	}
	if device == desktop {
		switch Weighted(r, []float64{0.7, 0.16, 0.14}) {
		case 0:
			return own(l.V4(r, s.home))
		case 1:
			return own(l.V6In(r, V6Net(r, s.home6)))
		}
		return shared(n.offices)
	}
	switch Weighted(r, []float64{0.34, 0.36, 0.30}) {
	case 0:
		return own(l.V4(r, s.home))
	case 1:
		return shared(n.cgnat)
	}
	net := V6Net(r, s.mobile6)
	c := l.Client(l.V6In(r, net), KindNormal)
	c.Profile = profile
	return l.RotateV6(r, c, net, t0, 90, 420)
}

// settle marks the shared addresses that carry enough people to be much
// busier than one person.
func (n *nets) settle() {
	for c, k := range n.people {
		c.Heavy = k >= 8
	}
}
