package models

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/portcullis/portcullis/features"
)

// Point is a feature vector in the space models work in: features whose
// Spec says Log are replaced by log1p of their value.
type Point [features.NumFeatures]float64

// Transform writes the model-space Point of v to p.
func Transform(v *features.Vector, p *Point) {
	for i := range v {
		p[i] = transform(i, v[i])
	}
}

// transform maps value x of feature i to model space.
func transform(i int, x float64) float64 {
	if math.IsNaN(x) || x < 0 {
		x = 0
	}
	if features.Specs()[i].Log && x != 0 { // most features of most clients are 0, and Log1p(±0) is ±0
		x = math.Log1p(x)
	}
	return x
}

// untransform maps a model-space value of feature i back to its unit.
func untransform(i int, x float64) float64 {
	if features.Specs()[i].Log {
		return math.Expm1(x)
	}
	return x
}

// FeatureStats are robust statistics of one feature over a population, in
// model space.
type FeatureStats struct {
	Median float64 `json:"median"`
	MAD    float64 `json:"mad"`
	Q10    float64 `json:"q10"`
	Q25    float64 `json:"q25"`
	Q75    float64 `json:"q75"`
	Q90    float64 `json:"q90"`
	Q99    float64 `json:"q99"`
	// Scale is the spread used for robust z-scores: the largest of
	// 1.4826·MAD, (Q75-Q25)/1.349 and the feature's MinScale (each the
	// standard deviation of a normal distribution with that spread). Both
	// hold while attacks and heavy hitters are under a quarter of the
	// samples, which a small recording can come near.
	Scale float64 `json:"scale"`
}

// Baseline holds robust statistics of every feature over the training
// population. Medians and quantiles resist a small share of attacks in the
// training data, which is why they are used instead of means.
type Baseline struct {
	Features [features.NumFeatures]FeatureStats `json:"features"`
}

// FitBaseline computes a Baseline from model-space points. It does not keep
// points.
func FitBaseline(points []Point) Baseline {
	var b Baseline
	if len(points) == 0 {
		for i, s := range features.Specs() {
			b.Features[i].Scale = s.MinScale
		}
		return b
	}
	col := make([]float64, len(points))
	dev := make([]float64, len(points))
	for i, s := range features.Specs() {
		for j := range points {
			col[j] = points[j][i]
		}
		slices.Sort(col)
		fs := FeatureStats{
			Median: stat.Quantile(0.5, stat.Empirical, col, nil),
			Q10:    stat.Quantile(0.10, stat.Empirical, col, nil),
			Q25:    stat.Quantile(0.25, stat.Empirical, col, nil),
			Q75:    stat.Quantile(0.75, stat.Empirical, col, nil),
			Q90:    stat.Quantile(0.90, stat.Empirical, col, nil),
			Q99:    stat.Quantile(0.99, stat.Empirical, col, nil),
		}
		for j, x := range col {
			dev[j] = math.Abs(x - fs.Median)
		}
		slices.Sort(dev)
		fs.MAD = stat.Quantile(0.5, stat.Empirical, dev, nil)
		fs.Scale = max(1.4826*fs.MAD, (fs.Q75-fs.Q25)/1.349, s.MinScale)
		b.Features[i] = fs
	}
	return b
}

// Z returns the robust z-score of model-space value x of feature i.
func (b *Baseline) Z(i int, x float64) float64 {
	f := &b.Features[i]
	return (x - f.Median) / f.Scale
}

// Typical returns the population median of feature i in its unit.
func (b *Baseline) Typical(i int) float64 {
	return untransform(i, b.Features[i].Median)
}

// IdentityBaseline is the history of one client that recurred through the
// training data, so that a known heavy integration is judged against what
// it usually does as well as against the population.
type IdentityBaseline struct {
	// High is the highest model-space value of each feature seen from the
	// client while it was judged in training.
	High [features.NumFeatures]float64 `json:"high"`
	// Typical is the client's median of each feature, in model space.
	Typical [features.NumFeatures]float64 `json:"typical"`
	// MaxScore is the highest forest score the client had in training, and
	// MaxPayload its highest payload evidence.
	MaxScore   float64 `json:"max_score"`
	MaxPayload float64 `json:"max_payload,omitempty"`
	// MaxLarge is its highest count of large requests, as log1p.
	MaxLarge float64 `json:"max_large,omitempty"`
	Events   int64   `json:"events"`
	newKey   bool    // made by NewKeyBaseline: excuses, but the client is not known
}

// known says b is the baseline of a client or key that recurred through
// training, not nil and not NewKeyBaseline's.
func (b *IdentityBaseline) known() bool { return b != nil && !b.newKey }

// NewKeyBaseline returns the baseline a client that sends its requests
// with an API key training never saw is judged against: as busy as the
// busiest recurring key usually was (the median, over its judgements, of
// its rate and of its requests and bytes in two minutes; its highest
// forest score), and nothing else. A new partner's integration is as busy
// as the known ones usually are; a stolen or new key that guesses, walks
// ids, fails or carries payloads is judged on those as any client is, and
// one busier than the known keys on how much busier. The keys' usual
// values rather than their peaks: on a site where every customer has a
// key, the busiest customer's worst minute is no excuse for a stranger.
// It returns nil when no key recurred through training.
func (m *Model) NewKeyBaseline() *IdentityBaseline {
	if len(m.KeyIdentities) == 0 {
		return nil
	}
	b := &IdentityBaseline{newKey: true}
	for _, k := range m.KeyIdentities {
		for _, i := range busyFeatures {
			b.High[i] = max(b.High[i], k.Typical[i])
		}
		b.MaxScore = max(b.MaxScore, k.MaxScore)
	}
	return b
}

// Roaming returns the baseline a client is held to when its API key
// recurred through training but its address did not: b with the highest
// values of how busy it was (busyFeatures) lowered to their usual ones.
// An integration whose egress addresses rotate keeps its usual pace at a
// new one; a key that leaked and floods from an address of its own is not
// excused the busiest minute of the key's batch jobs (on the maps-API
// model, floods of 57 and 77 requests a second with customers' secret
// keys were). Everything else the key did in training is still excused.
func (b *IdentityBaseline) Roaming() *IdentityBaseline {
	r := *b
	for _, i := range busyFeatures {
		r.High[i] = b.Typical[i]
	}
	return &r
}

// WithKey returns the baseline of a client that recurred through training
// with its own history b and sends an API key whose history, roaming
// (Roaming), is k: what either makes usual is usual for it, each feature
// and peak at the higher of the two. Any address presenting the key is
// excused what the key usually does; one that also recurred on its own is
// excused no less. On the tax-portal model, an e-file partner's key polled
// at 7 requests a second from its three busiest addresses through the
// training day; two of its quieter addresses did so the next day, were
// judged against their own light history alone, and were blocked. Its
// typical values stay b's: they describe the client. Either may be nil.
func (b *IdentityBaseline) WithKey(k *IdentityBaseline) *IdentityBaseline {
	if b == nil || k == nil {
		return cmp.Or(b, k)
	}
	r := *b
	for i := range r.High {
		r.High[i] = max(b.High[i], k.High[i])
	}
	r.MaxScore = max(b.MaxScore, k.MaxScore)
	r.MaxPayload = max(b.MaxPayload, k.MaxPayload)
	r.MaxLarge = max(b.MaxLarge, k.MaxLarge)
	return &r
}

// busyFeatures are the features that say how busy a client is.
var busyFeatures = [...]int{features.Rate, features.Volume, features.ReqBytesTotal}

// highest returns the highest value of signal i the client had while it
// was judged in training: a feature's in model space, its payload
// evidence, or its forest score.
func (b *IdentityBaseline) highest(i int) float64 {
	switch i {
	case SignalPayload:
		return b.MaxPayload
	case SignalForest:
		return b.MaxScore
	case SignalLarge:
		return b.MaxLarge
	}
	return b.High[i]
}

// NotePeaks raises the highest payload evidence and forest score of the
// client to its peaks in a replay of training; a nil b does nothing, so a
// caller need not look first whether the client is known.
func (b *IdentityBaseline) NotePeaks(p *SignalPeaks) {
	if b == nil {
		return
	}
	b.MaxScore = max(b.MaxScore, p[SignalForest])
	b.MaxPayload = max(b.MaxPayload, p[SignalPayload])
	b.MaxLarge = max(b.MaxLarge, p[SignalLarge])
}
