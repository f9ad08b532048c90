package models

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/portcullis/portcullis/features"
)

// TrainConfig sets how a Model is fitted and calibrated.
type TrainConfig struct {
	Forest ForestConfig `yaml:"forest"`
	// Budget is how many normal clients per 10,000 the threshold may
	// block over a recording like the training one.
	Budget float64 `yaml:"budget"`
	// VolumeQuantile, VolumeFactor and VolumeMaxURLs calibrate the
	// volume limit (see VolumeLimit): Factor times the Quantile of the
	// training clients' peak requests_2m. A negative factor turns the rule
	// off.
	VolumeQuantile float64 `yaml:"volume_quantile"`
	VolumeFactor   float64 `yaml:"volume_factor"`
	VolumeMaxURLs  int     `yaml:"volume_max_urls"`
}

// Defaults for TrainConfig.
const (
	// DefaultBudget is one normal client in 10,000.
	DefaultBudget = 1.0
	// The 98th percentile keeps the limit clear of the attacks a recording
	// may hide (a few percent of clients at most), and twice that peak
	// leaves room for the busiest ordinary client of another day.
	DefaultVolumeQuantile = 0.98
	DefaultVolumeFactor   = 2.0
	DefaultVolumeMaxURLs  = 4
)

// WithDefaults returns c with zero fields set to their defaults.
func (c TrainConfig) WithDefaults() TrainConfig {
	c.Forest = c.Forest.WithDefaults()
	if c.Budget == 0 {
		c.Budget = DefaultBudget
	}
	if c.VolumeQuantile == 0 {
		c.VolumeQuantile = DefaultVolumeQuantile
	}
	if c.VolumeFactor == 0 {
		c.VolumeFactor = DefaultVolumeFactor
	}
	if c.VolumeMaxURLs == 0 {
		c.VolumeMaxURLs = DefaultVolumeMaxURLs
	}
	return c
}

// Validate reports what is wrong with c.
func (c TrainConfig) Validate() error {
	errs := []error{c.Forest.Validate()}
	if !(c.Budget > 0) || c.Budget > 1000 {
		errs = append(errs, fmt.Errorf("models: budget is %v normal clients blocked per 10,000; set it in (0, 1000], for example 1", c.Budget))
	}
	if c.VolumeQuantile <= 0.5 || c.VolumeQuantile >= 1 {
		errs = append(errs, fmt.Errorf("models: volume_quantile is %v; set it in (0.5, 1), for example 0.98", c.VolumeQuantile))
	}
	if c.VolumeFactor > 0 && c.VolumeFactor < 1 {
		errs = append(errs, fmt.Errorf("models: volume_factor is %v; set it to 1 or more (for example 2), or below 0 to turn the volume limit off", c.VolumeFactor))
	}
	if c.VolumeMaxURLs < 0 || c.VolumeMaxURLs > 32 {
		errs = append(errs, fmt.Errorf("models: volume_max_urls is %d; set it from 1 to 32, for example 4", c.VolumeMaxURLs))
	}
	return errors.Join(errs...)
}

// Fit builds a Model from feature vectors sampled at judgement points of
// training clients: the population baseline and the forest. The threshold
// is set afterwards by Calibrate, from a replay of the training data.
func Fit(samples []features.Vector, cfg TrainConfig) (*Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(samples) < 2 {
		return nil, fmt.Errorf("models: %d samples to train on; give a recording with more clients that reach the minimum number of events", len(samples))
	}
	points := make([]Point, len(samples))
	flat := make([]float64, 0, len(samples)*features.NumFeatures)
	for i := range samples {
		Transform(&samples[i], &points[i])
		flat = append(flat, points[i][:]...)
	}
	forest, err := FitForest(flat, features.NumFeatures, cfg.Forest)
	if err != nil {
		return nil, fmt.Errorf("models: fit forest: %w", err)
	}
	return &Model{
		Specs:      CurrentSpecs(),
		Forest:     forest,
		Population: FitBaseline(points),
		Identities: map[string]*IdentityBaseline{},
		Threshold:  Threshold(cfg.Budget, float64(NumActiveSignals())),
	}, nil
}

// Clean returns the samples that do not look like attacks to the forest
// and the population baseline together: the forest fitted on all samples
// has learnt that a hidden attack's corner is populated, and would mask the
// same attack later.
func (m *Model) Clean(samples []features.Vector) []features.Vector {
	out := make([]features.Vector, 0, len(samples))
	var p Point
	for i := range samples {
		Transform(&samples[i], &p)
		if cleanScore(m.Forest.Score(p[:]), m.Population.evidence(&p)) < cleanMax {
			out = append(out, samples[i])
		}
	}
	return out
}

// evidence is the Euclidean norm of the robust z-scores of the features
// that deviate in their suspicious direction, each capped, so that one
// saturated ratio counts 10 and several deviating features count more.
func (b *Baseline) evidence(p *Point) float64 {
	sum := 0.0
	for i, s := range features.Specs() {
		if s.Dir == features.Neutral {
			continue
		}
		z := float64(s.Dir) * b.Z(i, p[i])
		if z <= 0 {
			continue
		}
		if s.Log {
			z = min(z, 15)
		} else {
			z = min(z, 10)
		}
		sum += z * z
	}
	return math.Sqrt(sum)
}

// cleanScore mixes the forest's score with the evidence mapped into [0,1)
// as e/(e+8); cleanMax is where a sample is presumed to come from an attack:
// both an isolated point and a feature far from typical.
func cleanScore(forest, evidence float64) float64 { return (forest + evidence/(evidence+8)) / 2 }

const cleanMax = 0.67

// SignalPeaks are the highest value of every signal (in model space) that
// one training client reached while it was judged.
type SignalPeaks [NumSignals]float64

// FitFeatureTails fits the tail of every feature from the training
// clients' peaks (model space).
func (m *Model) FitFeatureTails(peaks []Point) {
	col := make([]float64, len(peaks))
	for i := range features.NumFeatures {
		m.Tails[i] = featureTail(i, peaks, col)
	}
}

// featureTail fits feature i's tail on peaks, with col as scratch of
// len(peaks).
func featureTail(i int, peaks []Point, col []float64) Tail {
	if !active(i) {
		return Tail{}
	}
	for j := range peaks {
		col[j] = peaks[j][i]
	}
	if features.Specs()[i].Counted {
		return FitCountTail(col, countMinScale)
	}
	return FitTail(col, signalMinScale(i))
}

// RefitTail fits feature i's tail again on peaks, the others kept.
func (m *Model) RefitTail(i int, peaks []Point) {
	m.Tails[i] = featureTail(i, peaks, make([]float64, len(peaks)))
}

// MinLargeSize is the least size of a large request (see
// Model.LargeSize): 64 KiB, more than an ordinary API call sends.
const MinLargeSize = 64 << 10

// largeShare is the share of training clients whose largest request
// reaches Model.LargeSize: an upload of that size is something one client
// in a hundred does now and then, and many of them in minutes is not.
const largeShare = 0.01

// LargeSize returns Model.LargeSize for a training recording of clients
// clients, of which those that sent a body sent largest requests of
// sizes bytes: the size that the largest request of a share largeShare
// of the clients reaches, at least MinLargeSize. Each client counts once,
// so an attack that uploads all day weighs as one client. It sorts sizes.
func LargeSize(sizes []int64, clients int64) int64 {
	k := int64(math.Ceil(largeShare * float64(clients))) // rank from the top
	if k < 1 || int64(len(sizes)) < k {
		return MinLargeSize
	}
	slices.Sort(sizes)
	return max(sizes[int64(len(sizes))-k], MinLargeSize)
}

// largeMinScale is the smallest fall-off spread of the large requests'
// tail, in requests: each large request past the cut at least divides the
// share of clients by e². Large requests are rarer than refusals by
// construction (the large size is what one client in a hundred reaches
// once), so each more says more than a refusal does. (Of 0.5 and
// countMinScale's 1, compared on the repository's traffic models, 0.5
// found more uploads and blocked no more normal clients.)
const largeMinScale = 0.5

// fitLargeTail fits the tail of the clients' counts of large requests
// (peaks in model space; it modifies them). The count's cut sits at zero
// by construction (the large size is what one client in a hundred
// reaches, and the cut is the top 2 %), so the spread below the cut is
// nil and the fall-off past it would be largeMinScale alone: each upload
// a client makes dividing the share of clients by e², whatever the
// site. The clients that do upload show how fast it really falls: the
// fall-off is at least the spread of their counts, from the share that
// reaches the large size (largeShare, about one upload) to half of it. The
// upload attacks a recording hides sit above that half (measured to a
// quarter, the holdout model's seven uploading attackers among 3,000
// clients widened the fall-off until four of five uploads the next day
// went unblocked); a site where a traveller uploads a passport for each of a
// family's passengers, or a design team several parts, has a wide one.
// (On an airline's recordings, training's 40 uploaders of 5,549 clients
// had 1 to 5 uploads each, 9 of them 3 or more, where e² an upload called
// 3 a rarity of one in 20,000; the next day 87 uploaded, 15 of them 4
// times or more, and 33 were blocked over four sites for their sizes and
// counts of large requests; none is now.)
func fitLargeTail(peaks []float64) Tail {
	t := FitCountTail(peaks, largeMinScale) // peaks are counts now, sorted
	if n := len(peaks); n > 0 {
		q := func(share float64) float64 { return stat.Quantile(1-share, stat.Empirical, peaks, nil) }
		t.Beta = max(t.Beta, (q(largeShare/2)-q(largeShare))/math.Log(2))
	}
	return t
}

// countMinScale is the smallest fall-off spread of a counted feature's
// tail (see Tail.Counted), in events: each event past the cut at least
// divides the share of clients by e.
const countMinScale = 1.0

// Calibrate fits the tails of the signals that are not features (the
// payload evidence, the forest) from the training clients' peaks, the
// features' tails being fitted already (FitFeatureTails), and sets the
// threshold from cfg.Budget. It reports how many training clients the
// threshold blocks.
//
// The signals are not independent (a busy client is fast and voluminous),
// so the most surprising of them is less surprising than as many
// independent ones would make it. How many independent signals they are
// worth is read off the training clients: if a tenth of them reach a
// highest surprise of q, the signals behave like 10^(q-1) independent ones
// (one signal alone: a tenth reach 1). That count, between 1 and the number
// of signals, spreads the budget.
func (m *Model) Calibrate(peaks []SignalPeaks, cfg TrainConfig) {
	cfg = cfg.WithDefaults()
	col := make([]float64, len(peaks))
	for i := features.NumFeatures; i < NumSignals; i++ {
		for j := range peaks {
			col[j] = peaks[j][i]
		}
		if i == SignalLarge {
			m.Tails[i] = fitLargeTail(col)
			continue
		}
		m.Tails[i] = FitTail(col, signalMinScale(i))
	}
	c := Calibration{Budget: cfg.Budget, Signals: NumActiveSignals(), Clients: len(peaks)}
	tops := make([]float64, len(peaks))
	args := make([]int, len(peaks))
	for j := range peaks {
		best, arg := 0.0, -1
		for i := range NumSignals {
			if !active(i) {
				continue
			}
			if s := m.Tails[i].Surprise(peaks[j][i]); s > best {
				best, arg = s, i
			}
		}
		tops[j], args[j] = best, arg
	}
	c.Effective = float64(c.Signals)
	if len(tops) > 0 {
		sorted := slices.Clone(tops)
		slices.Sort(sorted)
		c.Q50 = stat.Quantile(0.5, stat.Empirical, sorted, nil)
		c.Q90 = stat.Quantile(0.9, stat.Empirical, sorted, nil)
		c.Q99 = stat.Quantile(0.99, stat.Empirical, sorted, nil)
		c.Effective = min(max(math.Pow(10, c.Q90-1), 1), float64(c.Signals))
	}
	c.Effective = math.Round(c.Effective*100) / 100
	m.Threshold = Threshold(cfg.Budget, c.Effective)
	for j, best := range tops {
		if best >= m.Threshold {
			c.AboveThreshold++
			if c.BySignal == nil {
				c.BySignal = map[string]int{}
			}
			c.BySignal[SignalName(args[j])]++
		}
	}
	m.Calibration = c
}
