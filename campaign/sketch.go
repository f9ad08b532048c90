package campaign

import (
	"math"
	"math/bits"
)

// addrSketch counts the distinct addresses an endpoint served in a
// minute, by linear counting over sketchBits bits: 136 bytes whatever the
// crowd, exact enough (a few percent) up to a few hundred addresses and
// saturating, at about sketchBits·ln(sketchBits) addresses, into a count
// that still says "many". It keeps the minute before the current one, so
// that a count at the start of a minute is not of a few seconds.
type addrSketch struct {
	minute    int64
	cur, prev [sketchWords]uint64
}

const (
	sketchLog   = 9 // log2 of sketchBits
	sketchBits  = 1 << sketchLog
	sketchWords = sketchBits / 64
)

// add notes address hash h at minute.
func (s *addrSketch) add(minute int64, h uint64) {
	s.roll(minute)
	b := (h * 0x9e3779b97f4a7c15) >> (64 - sketchLog) // the high bits: FNV's low bits mix poorly, and hashNet sets the lowest
	s.cur[b/64] |= 1 << (b % 64)
}

// roll moves s to minute: the current bits become the previous minute's,
// or are cleared when a minute or more went by without an address.
func (s *addrSketch) roll(minute int64) {
	if minute <= s.minute {
		return
	}
	if minute == s.minute+1 {
		s.prev = s.cur
	} else {
		s.prev = [sketchWords]uint64{}
	}
	s.cur = [sketchWords]uint64{}
	s.minute = minute
}

// count returns the distinct addresses of the last full minute or of the
// current one so far, whichever is more, as of minute.
func (s *addrSketch) count(minute int64) float64 {
	switch {
	case minute == s.minute:
		return max(linear(&s.cur), linear(&s.prev))
	case minute == s.minute+1:
		return linear(&s.cur)
	}
	return 0
}

// linear is the linear-counting estimate of the distinct hashes set in w.
func linear(w *[sketchWords]uint64) float64 {
	set := 0
	for _, x := range w {
		set += bits.OnesCount64(x)
	}
	if set == 0 {
		return 0
	}
	zero := float64(sketchBits - set)
	if zero == 0 {
		zero = 0.5 // saturated: "many"
	}
	return sketchBits * math.Log(sketchBits/zero)
}
