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
	// TargetFPR is the share of normal clients the calibrated threshold
	// should block over a recording like the training one.
	TargetFPR float64 `yaml:"target_fpr"`
	// Gate is the robust z-score of suspicious evidence a client needs
	// before its forest score is considered.
	Gate float64 `yaml:"gate"`
	// MinThreshold and MaxThreshold bound the calibrated threshold. The
	// combined score is on a fixed scale: 0.6 is about one feature at the
	// evidence cap with the forest finding the client clearly isolated, so
	// the floor keeps a recording with odd but harmless clients in its tail
	// from pulling the threshold into them.
	MinThreshold float64 `yaml:"min_threshold"`
	MaxThreshold float64 `yaml:"max_threshold"`
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
	DefaultTargetFPR    = 0.0005
	DefaultGate         = 3.0
	DefaultMinThreshold = 0.62
	DefaultMaxThreshold = 0.66
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
	if c.TargetFPR == 0 {
		c.TargetFPR = DefaultTargetFPR
	}
	if c.Gate == 0 {
		c.Gate = DefaultGate
	}
	if c.MinThreshold == 0 {
		c.MinThreshold = DefaultMinThreshold
	}
	if c.MaxThreshold == 0 {
		c.MaxThreshold = DefaultMaxThreshold
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
	if c.TargetFPR <= 0 || c.TargetFPR >= 0.5 {
		errs = append(errs, fmt.Errorf("models: target_fpr is %v; set it in (0, 0.5), for example 0.001", c.TargetFPR))
	}
	if c.Gate < 0 || c.Gate > 50 {
		errs = append(errs, fmt.Errorf("models: gate is %v; set it in [0, 50], for example 3", c.Gate))
	}
	if c.MinThreshold <= 0 || c.MaxThreshold > 1 || c.MinThreshold > c.MaxThreshold {
		errs = append(errs, fmt.Errorf("models: thresholds [%v, %v] must satisfy 0 < min <= max <= 1", c.MinThreshold, c.MaxThreshold))
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
		Gate:       cfg.Gate,
		Threshold:  cfg.MaxThreshold,
	}, nil
}

// Clean returns the samples the model scores below threshold, judged
// against the population only.
func (m *Model) Clean(samples []features.Vector, threshold float64) []features.Vector {
	out := make([]features.Vector, 0, len(samples))
	var r Result
	for i := range samples {
		m.Judge(&samples[i], nil, &r)
		if r.Score < threshold {
			out = append(out, samples[i])
		}
	}
	return out
}

// Calibrate sets the threshold from the highest combined score of each
// judged training client (0 for a client whose evidence never passed the
// gate), so that about cfg.TargetFPR of clients like them would be blocked.
//
// The training data may hide attacks, and those are the highest scores, so
// the threshold is not an empirical quantile of the tail. Clients at or
// above cfg.MinThreshold are set aside as presumed attacks, and an
// exponential tail is fitted between the 75th and 90th percentiles of the
// other gated clients and extrapolated to cfg.TargetFPR. The threshold is
// that estimate, kept within [MinThreshold, MaxThreshold]; with fewer than
// minTailClients gated clients below MinThreshold, it is MinThreshold.
func (m *Model) Calibrate(clientMax []float64, cfg TrainConfig) {
	cfg = cfg.WithDefaults()
	c := Calibration{TargetFPR: cfg.TargetFPR, Clients: len(clientMax), Method: "exponential tail over gated clients"}
	var cand []float64
	for _, s := range clientMax {
		if s > 0 {
			cand = append(cand, s)
		}
	}
	slices.Sort(cand)
	c.Candidates = len(cand)
	t := cfg.MinThreshold
	if len(cand) >= 20 {
		c.Q50, c.Q90 = stat.Quantile(0.5, stat.Empirical, cand, nil), stat.Quantile(0.9, stat.Empirical, cand, nil)
		c.Q95, c.Q99 = stat.Quantile(0.95, stat.Empirical, cand, nil), stat.Quantile(0.99, stat.Empirical, cand, nil)
	}
	// Clients at or above the floor are presumed attacks (a normal client
	// scores there rarely, while hidden attacks crowd the upper quantiles
	// and would inflate the fitted tail). Fit the tail of the rest; the
	// result only matters when it lands above the floor, which is when
	// normal clients themselves reach that high.
	n, _ := slices.BinarySearch(cand, cfg.MinThreshold)
	c.Presumed = len(cand) - n
	if n >= minTailClients {
		t = tailQuantile(cand[:n], len(clientMax)-c.Presumed, cfg.TargetFPR)
	} else {
		// A small recording has few gated clients below the floor, and
		// the attacks it hides are a larger share of them: their
		// quantiles would describe the attacks more than the tail of
		// normal clients. The floor is the prior that holds there.
		c.Method = fmt.Sprintf("%d gated clients below the minimum threshold, %d needed to fit a tail; using the minimum", n, minTailClients)
	}
	t = min(max(t, cfg.MinThreshold), cfg.MaxThreshold)
	for _, s := range clientMax {
		if s >= t {
			c.AboveThreshold++
		}
	}
	m.Threshold = t
	m.Calibration = c
}

// minTailClients is the fewest gated clients below the minimum threshold
// that the tail is fitted on.
const minTailClients = 100

// tailQuantile returns the score above which a share fpr of total clients
// lies, extrapolating an exponential tail fitted between the 75th and 90th
// percentiles of the sorted gated scores: high enough to describe the tail
// rather than the bulk, low enough that a few percent of attacks among the
// gated clients barely move it.
func tailQuantile(sorted []float64, total int, fpr float64) float64 {
	q75 := stat.Quantile(0.75, stat.Empirical, sorted, nil)
	q90 := stat.Quantile(0.90, stat.Empirical, sorted, nil)
	beta := (q90 - q75) / math.Log(0.25/0.10)
	share := 0.10 * float64(len(sorted)) / float64(total) // clients above q90
	if share <= fpr || beta <= 0 {
		return q90
	}
	return q90 + beta*math.Log(share/fpr)
}
