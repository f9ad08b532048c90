package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// onsale is the day's big on-sale: the event, the moment its tickets go on
// sale, the crowd that comes for it, how long the waiting room takes to
// let everyone through, and when the last seats go.
type onsale struct {
	ev    event
	at    int64
	fans  int
	span  float64 // seconds the waiting room takes to let the whole crowd in
	sold  float64 // seconds after at when the last seats are gone
	early float64 // seconds before at the waiting room opens
}

func (w *world) newOnsale(r *rand.Rand, clients int) *onsale {
	s := w.s
	m := w.minutes()
	// Tickets go on sale on a whole minute, a third to two thirds into the
	// window (minute 4 to 9 of a quarter of an hour).
	lo, hi := max(1, int(math.Round(m*4/15))), max(1, int(m*9/15))
	minute := lo + r.IntN(hi-lo+1)
	title := Pick(r, artists) + " " + Pick(r, []string{"World Tour 2027", "Stadium Tour 2027", "The Last Dance Tour", "Reunion Tour"})
	ven := r.IntN(len(s.venues))
	span := Uniform(r, 180, 480)
	sold := 0.
	if Chance(r, 0.6) { // some days the house sells out while the queue is still long
		sold = span * Uniform(r, 0.45, 0.9)
	}
	return &onsale{
		ev: event{
			id:    s.nextEvent + int(w.seed%997)*3 + 1,
			slug:  slugify(title) + "-" + s.city + "-2027-" + []string{"05", "06", "07"}[r.IntN(3)] + "-" + strconv.Itoa(10+r.IntN(18)),
			title: title,
			venue: ven,
			price: 60 + r.IntN(120),
		},
		at:    Sec(60 * float64(minute)),
		fans:  int(float64(clients) * Uniform(r, 0.3, 0.65)),
		span:  span,
		sold:  sold,
		early: Uniform(r, 120, 600),
	}
}

// soldOut reports whether the last seats are gone at t.
func (sa *onsale) soldOut(t int64) bool {
	return sa.sold > 0 && t > sa.at+Sec(sa.sold)
}

// taken is the chance that the seats a fan picks at t were sold under
// them: it grows as the house fills.
func (sa *onsale) taken(t int64) float64 {
	end := sa.sold
	if end <= 0 {
		end = sa.span
	}
	return 0.12 + 0.6*math.Min(1, math.Max(0, float64(t-sa.at)/float64(Sec(end))))
}

// crowd is the on-sale: fans arrive within about a minute of it, mostly
// from addresses the site has not seen today, join the waiting room and
// poll it with their own queue token every few seconds until let in, in a
// random order among those who were there before the sale and in order of
// arrival after it. Then they race for seats.
func (w *world) crowd(r *rand.Rand) {
	sa := w.sale
	type fan struct {
		arrive int64
		order  float64
		admit  int64
	}
	fans := make([]fan, sa.fans)
	for i := range fans {
		var d float64
		switch x := r.Float64(); {
		case x < 0.08:
			d = -Uniform(r, 45, sa.early) // waiting since the room opened
		case x < 0.65:
			d = Uniform(r, -45, 15)
		case x < 0.9:
			d = Uniform(r, 15, 75)
		default:
			d = 75 + r.ExpFloat64()*90
		}
		f := &fans[i]
		f.arrive = sa.at + Sec(d)
		f.order = float64(f.arrive)
		if f.arrive < sa.at {
			f.order = float64(sa.at) - 1 + r.Float64()/2 // the waiting room shuffles early arrivals
		}
	}
	order := make([]int, len(fans))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if fans[a].order < fans[b].order {
			return -1
		}
		if fans[a].order > fans[b].order {
			return 1
		}
		return 0
	})
	for rank, i := range order {
		f := &fans[i]
		f.admit = max(f.arrive+Sec(Uniform(r, 1, 4)), sa.at+Sec(sa.span*float64(rank)/float64(len(fans))+Uniform(r, 0, 3)))
	}
	for _, f := range fans {
		w.fan(Sub(r), f.arrive, f.admit)
	}
}

// fan is one fan of the on-sale crowd.
func (w *world) fan(r *rand.Rand, arrive, admit int64) {
	s, sa := w.s, w.sale
	app, mobile, ua := w.device(r, 1-s.webShare, s.mobileShare+0.15)
	v := w.newVisit(r, w.where(r, mobile, "onsale-fan", arrive), arrive, app, ua)
	user := s.user(r)
	if Chance(r, 0.55) {
		v.user = user
	}
	id := strconv.Itoa(sa.ev.id)
	if app {
		v.gql("EventDetails", 14, 45)
	} else {
		v.page("/events/"+sa.ev.slug, 90)
	}
	// A few keep a second tab (or the app and a browser) in the queue.
	tabs := 1 + Weighted(r, []float64{0.9, 0.1})
	var polls, tokens []string
	for range tabs {
		v.pause(0.5, 3)
		tok := Hex(r, 16)
		v.post("/queue/join?event="+id, 201, 60, 0.4, 45)
		tokens = append(tokens, tok)
		polls = append(polls, "/queue/status?ticket="+tok+"&event="+id)
	}
	every := Uniform(r, 2, 5)
	if Chance(r, 0.15) {
		every = Uniform(r, 0.6, 1.5) // reloading the waiting room by hand
	}
	quit := int64(math.MaxInt64)
	if Chance(r, 0.12) {
		quit = arrive + Sec(LogNormal(r, 150, 0.6))
	}
	for v.t < admit && v.t < w.win {
		v.t += Sec(every * Uniform(r, 0.85, 1.15))
		if v.t > quit {
			return
		}
		for _, p := range polls {
			v.get(p, 200, 0.35, 14)
		}
		// Once the house is full the waiting room says so, and people go.
		if sa.soldOut(v.t) && Chance(r, 0.3) {
			break
		}
	}
	if sa.soldOut(v.t) {
		v.pause(0.5, 3)
		v.get("/api/v3/events/"+id+"/availability", 200, 0.4, 25)
		return
	}
	v.buy(&sa.ev, user, tokens[0])
}
