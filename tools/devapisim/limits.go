package main

import (
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// publishableLimits applies the per-key limit of publishable keys once the
// day is played: all the browsers and phones that send a customer's key
// share one budget, so a launch, a flood with a leaked key or a resale
// network makes everyone with that key see 429s.
func (d *day) publishableLimits() {
	d.log.Sort()
	buckets := map[string]*Buckets{}
	ev := d.log.Events()
	for i := range ev {
		e := &ev[i]
		if e.Status >= 400 || !strings.HasPrefix(e.Key, "pk_") {
			continue
		}
		cu := d.plat.byPK[e.Key]
		if cu == nil {
			continue
		}
		b := buckets[e.Key]
		if b == nil {
			b = NewBuckets(cu.pkRate, 2*cu.pkRate)
			buckets[e.Key] = b
		}
		if !b.Take(e.Key, e.T) {
			e.Status, e.RespBytes, e.DurationMS = 429, 121, 0.6
		}
	}
}
