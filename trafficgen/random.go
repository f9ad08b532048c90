package trafficgen

import (
	"math"
	"math/rand/v2"
)

// Stream tags keep the random streams of different purposes apart, so that
// adding a draw in one place never shifts the values drawn in another.
const (
	tagSite uint64 = iota + 1
	tagPartner
	tagHealth
	tagCrawler
	tagOffice
	tagPool
	tagFresh
	tagPick
	tagAttack
	tagLowSlow
	tagIncident
	tagActor
	tagIP
)

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// siteRand returns a generator that depends on the site, a tag and an index
// only, so what it draws recurs in every recording of the site.
func siteRand(site int64, tag, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(uint64(site)^mix(tag)), mix(index^0x5173)))
}

// recRand returns a generator that depends on the site, the recording seed,
// a tag and an index.
func recRand(site, seed int64, tag, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(uint64(site)^mix(tag)), mix(uint64(seed)^mix(index+0x2545f491))))
}

// lognorm is a log-normal distribution given by its median and the standard
// deviation of its logarithm.
type lognorm struct{ median, sigma float64 }

func (l lognorm) draw(r *rand.Rand) float64 {
	if l.sigma == 0 {
		return l.median
	}
	return l.median * math.Exp(l.sigma*r.NormFloat64())
}

// logUniform draws from lo to hi with a uniform logarithm.
func logUniform(r *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + r.Float64()*(math.Log(hi)-math.Log(lo)))
}

// lerpLog interpolates between lo and hi on a log scale, x in [0, 1].
func lerpLog(lo, hi, x float64) float64 {
	return math.Exp(math.Log(lo) + x*(math.Log(hi)-math.Log(lo)))
}

// uniform draws from lo to hi.
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + r.Float64()*(hi-lo) }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// pick returns a random element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// weighted returns an index drawn with the given weights.
func weighted(r *rand.Rand, w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	u := r.Float64() * sum
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// expSeconds draws an exponential gap with the given mean in seconds.
func expSeconds(r *rand.Rand, mean float64) float64 { return r.ExpFloat64() * mean }

// clamp limits x to [lo, hi].
func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }
