package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// launch is the day a customer's app takes off: after a press piece or an
// app store feature, new phones arrive by the hundred within minutes, all
// opening the app for the first time with its publishable key. The key's
// limit, sized for yesterday's users, answers many of them 429.
func (d *day) launch(r *rand.Rand) {
	if !Chance(r, d.plat.launchP) {
		return
	}
	cu := d.plat.launchApp
	t0 := d.at(Uniform(r, 0.1, 0.5))
	rise := LogUniform(r, 10, 60)  // seconds to the peak
	fade := LogUniform(r, 60, 300) // mean stay of the crowd after it
	release := appVersion(r)       // everyone installs today's release
	n := int(float64(d.clients) * Uniform(r, 0.08, 0.2))
	for range max(n, 20) {
		rr := Sub(r)
		a, ios := d.phone(rr, cu, "launch-phone", release)
		t := t0 + Sec(rise*rr.Float64()+rr.ExpFloat64()*fade)
		d.useApp(a, cu, ios, t)
	}
}
