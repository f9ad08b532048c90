package main

import (
	"math"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// stage is how far a staged rollout that began at base has got by the
// day of seed: it doubles every day until it reaches the whole fleet.
func stage(base float64, seed uint64) float64 {
	return min(1, base*math.Pow(2, float64(min(seed, 12))))
}

// fw is the firmware a device runs at the start of the day. In a staged
// rollout it has the newest version if the rollout reached it by
// yesterday; outside rollouts a few devices lag a version behind.
func (d *day) fw(dv *device) string {
	m := dv.m
	if len(m.versions) < 2 {
		return m.newest()
	}
	base, rolling := d.s.rollout[m]
	if rolling && dv.rank >= stage(base, d.c.Seed-1) || !rolling && dv.rank < 0.08 {
		return m.versions[len(m.versions)-2]
	}
	return m.newest()
}

// planWaves decides when the rollout pushes today's stage: on some days
// a wave tells every newly eligible device to check at once, which brings
// a burst of large downloads from all over the fleet.
func (d *day) planWaves(r *rand.Rand) {
	d.waves = map[*product]int64{}
	for _, m := range models {
		if _, ok := d.s.rollout[m]; ok && Chance(r, 0.5) {
			d.waves[m] = d.at(r, 0.1, 0.6)
		}
	}
}

// firmware checks the manifest now and then (every few hours, or when a
// wave tells it to) and, when today's stage offers it the new version,
// downloads the image (in ranges for the large ones), installs it,
// reboots and opens a new session.
func (d *day) firmware(r *rand.Rand, dv *device, put sink) {
	m := dv.m
	cur := d.fw(dv)
	base, rolling := d.s.rollout[m]
	offered := rolling && cur != m.newest() && dv.rank < stage(base, d.c.Seed)
	t := int64(-1)
	if Chance(r, d.perWindow(0.25)) {
		t = d.at(r, 0, 1)
	}
	if wave, ok := d.waves[m]; ok && offered {
		t = wave + Sec(Uniform(r, 0, 240))
	}
	if t < 0 {
		return
	}
	check := hit{"GET", "/firmware/v3/" + m.code + "/manifest?current=" + cur, 304, 0, 0, lat(r, 12)}
	image := "/firmware/v3/" + m.code + "/" + m.newest() + "/image.bin"
	done := hit{"POST", "/device/v3/firmware/status", 204, size(r, 200, 0.2), 0, lat(r, 20)}
	if m.gen == 2 {
		check.path = "/dv/v2/fw/check?model=" + m.code + "&v=" + cur
		image = "/dv/v2/fw/" + m.code + "-" + m.newest() + ".bin"
		done = hit{"POST", "/dv/v2/fw/done?sn=" + dv.serial, 200, size(r, 120, 0.2), 16, lat(r, 20)}
	}
	if !offered {
		put(t, check)
		return
	}
	check.status, check.out = 200, size(r, 900, 0.2)
	t = put(t, check)
	down := dv.uplink * Uniform(r, 2, 6)
	for left := m.image; left > 0; {
		part, code := left, 200
		if m.chunk > 0 {
			part, code = min(left, m.chunk), 206
		}
		left -= part
		t = put(t+Sec(Uniform(r, 0.02, 0.2)), hit{"GET", image, code, 0, int64(part * mb), transfer(r, part, down)})
	}
	t = put(t+Sec(Uniform(r, 5, 40)), done)
	put(t+Sec(Uniform(r, 20, 90)), dv.refresh(r, 200))
}
