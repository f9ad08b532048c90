package main

import (
	"cmp"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// gateway applies the platform's rate limits in time order: per address,
// except the campus NATs and the integrations, whose keys are limited
// per key; and on the sign-in forms, per address and per account named
// as well. A request that finds a bucket empty is answered 429 at once,
// whoever sent it.
func (w *world) gateway() {
	s := w.s
	r := Sub(w.r)
	ev := w.l.Events()
	timeOrder(ev)
	ips := NewBuckets(s.ipRate, s.ipBurst)
	keys := NewBuckets(s.keyRate, s.keyBurst)
	forms := NewBuckets(0.2, 10)
	accounts := NewBuckets(5.0/60, 8)
	for i := range ev {
		e := &ev[i]
		ok := true
		switch {
		case w.keyed[e.Key]:
			ok = keys.Take(e.Key, e.T)
		case !w.exempt[e.C.IP]:
			ok = ips.Take(e.C.IP, e.T)
		}
		if ok && e.Method == "POST" && (strings.HasPrefix(e.Path, "/idp/") || e.Path == "/login/oauth2/token") {
			ok = (w.exempt[e.C.IP] || forms.Take(e.C.IP, e.T)) && (e.User == "" || accounts.Take(e.User, e.T))
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, 180+r.Int64N(60), LogNormal(r, 0.8, 0.4)
		}
	}
}

// timeOrder puts the events in time order, keeping the order of equal
// times, by sorting their indices rather than moving the records around.
func timeOrder(ev []Event) {
	idx := make([]int32, len(ev))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp.Or(cmp.Compare(ev[a].T, ev[b].T), cmp.Compare(a, b)) })
	sorted := make([]Event, len(ev))
	for i, k := range idx {
		sorted[i] = ev[k]
	}
	copy(ev, sorted)
}
