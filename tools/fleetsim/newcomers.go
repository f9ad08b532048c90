package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// runNewcomers brings what no earlier day had: on some days a new
// integration partner, on some a new device model that ships with its
// own LTE modem on a carrier no home uses. Both are legitimate and heavy;
// their addresses are in ranges nothing else uses, under an octet that
// depends on the day, so a newcomer is never an address of another day.
func (d *day) runNewcomers() {
	r := Sub(d.r)
	octet := itoa(20+int(d.c.Seed%200)) + "."
	if Chance(r, 0.6) {
		d.newPartner(Sub(r), "129.146."+octet)
	}
	if Chance(r, 0.5) {
		d.newModel(Sub(r), "46.143."+octet)
	}
}

// newPartner is an insurer's home-risk program that went live today: it
// reads devices and events of the accounts that joined, and calls an
// endpoint its scopes do not cover yet (403) until someone fixes it.
func (d *day) newPartner(r *rand.Rand, prefix string) {
	p := &partner{key: "oc_" + Pick(r, []string{"safenest", "homeguard", "covera"}) + "_" + Hex(r, 4),
		ua: "Java-http-client/21.0.2", rate: LogUniform(r, 3, 12), users: d.s.users}
	var cs []*Client
	for range 2 + r.IntN(3) {
		cs = append(cs, d.client(d.l.V4(r, []string{prefix}), "new-partner", true))
	}
	denied := Uniform(r, 0.03, 0.15)
	d.stream(r, p, cs, func(t int64) (hit, string) {
		u := Pick(r, p.users)
		switch r.IntN(4) {
		case 0:
			return hit{"GET", "/api/v1/insights/homes/" + u.home.id + "/risk", 200, 0, size(r, 2600, 0.3), lat(r, 210)}, u.id
		case 1:
			return hit{"GET", "/api/v1/events?since=" + itoa(1800000000+r.IntN(9000000)) + "&types=leak,smoke,door", 200, 0, size(r, 3000, 0.8), lat(r, 120)}, u.id
		case 2:
			return hit{"GET", "/api/v1/homes/" + u.home.id + "/contacts", status(r, 403, alt{200, 1 - denied}), 0, 260, lat(r, 25)}, u.id
		}
		return hit{"GET", "/api/v1/devices", 200, 0, size(r, 700*float64(len(u.home.devices)), 0.2), lat(r, 60)}, u.id
	})
}

// newModel is a new EV charger model: dozens of chargers behind each of
// a few carrier NAT addresses, reporting every few seconds while they
// charge.
func (d *day) newModel(r *rand.Rand, prefix string) {
	n := max(3, int(40*d.scale))
	next := 1 + r.IntN(9000)
	host := Pick(r, d.s.homes)
	for range 2 + r.IntN(4) {
		c := d.client(d.l.V4(r, []string{prefix}), "new-model", true)
		for range n {
			next += 1 + r.IntN(3)
			dv := &device{serial: serial(chargerModel, 2709, next), m: chargerModel, every: Uniform(r, 5, 10),
				uplink: LogUniform(r, 1, 8), rank: r.Float64()}
			d.runDevice(Sub(r), host, dv, c, n)
		}
	}
}
