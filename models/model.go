package models

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/features"
)

// FormatName and FormatVersion identify the model file format. A model file
// is gzip-compressed JSON; the forest is embedded in its binary form.
const (
	FormatName    = "portcullis-model"
	FormatVersion = 1
)

// Errors of ReadModel, for errors.Is.
var (
	ErrCorruptModel  = errors.New("model file is corrupt")
	ErrModelVersion  = errors.New("model file version is not supported")
	ErrModelFeatures = errors.New("model was trained on other features")
)

// FeatureInfo records a feature's spec in the model file, so a model is
// only used with the features it was trained on.
type FeatureInfo struct {
	Name string `json:"name"`
	Log  bool   `json:"log"`
}

// Calibration says how the threshold was chosen and what it is expected to
// do.
type Calibration struct {
	// TargetFPR is the share of normal clients the threshold is set to block
	// over a recording like the training one.
	TargetFPR float64 `json:"target_fpr"`
	// Method names the estimator, for example "exponential tail".
	Method string `json:"method"`
	// Clients is the number of training clients judged (enough events).
	Clients int `json:"clients"`
	// Candidates is the number of them whose evidence passed the gate.
	Candidates int `json:"candidates"`
	// Presumed is the number of candidates at or above the minimum
	// threshold, set aside from the tail fit as presumed attacks.
	Presumed int `json:"presumed_attacks"`
	// AboveThreshold is how many training clients the threshold blocks:
	// attacks hidden in the training data, plus expected false positives.
	AboveThreshold int `json:"above_threshold"`
	// Quantiles of the per-client highest gated score, for reference.
	Q50 float64 `json:"q50"`
	Q90 float64 `json:"q90"`
	Q95 float64 `json:"q95"`
	Q99 float64 `json:"q99"`
}

// TrainingSummary describes the data a model was trained on.
type TrainingSummary struct {
	Inputs    []string `json:"inputs"`
	Events    int64    `json:"events"`
	Malformed int64    `json:"malformed"`
	Clients   int64    `json:"clients"`
	Samples   int      `json:"samples"`
	// Late is how many events came later than the reader's re-ordering
	// allowed and were learnt from as they came.
	Late int64 `json:"late,omitempty"`
	// Excluded is how many samples were left out of the final fit because
	// the first fit found them anomalous (presumed attacks).
	Excluded   int `json:"excluded"`
	Identities int `json:"identities"`
	// KeyIdentities is how many API keys recurred (see Model.KeyIdentities).
	KeyIdentities int `json:"key_identities,omitempty"`
	// IdentitiesWithheld is how many recurring clients and keys got no
	// baseline of their own because their history shows guessing.
	IdentitiesWithheld int       `json:"identities_withheld,omitempty"`
	From               time.Time `json:"from"`
	To                 time.Time `json:"to"`
	Identity           string    `json:"identity"`
	MinEvents          int       `json:"min_events"`
}

// Model is a trained detector: an isolation forest, population and
// per-identity baselines, and a calibrated threshold.
type Model struct {
	ID      string        `json:"id"`
	Created time.Time     `json:"created"`
	Specs   []FeatureInfo `json:"features"`

	Forest     *Forest                      `json:"-"`
	Population Baseline                     `json:"population"`
	Identities map[string]*IdentityBaseline `json:"identities"`
	// KeyIdentities are baselines of the API keys that recurred through
	// the training data, for a client identified by address whose address
	// is new but whose key is not: an integration whose egress addresses
	// rotate is still judged against its own history. Empty when clients
	// are identified by API key.
	KeyIdentities map[string]*IdentityBaseline `json:"key_identities,omitempty"`

	// Threshold is the forest score at or above which a client with enough
	// evidence is blocked.
	Threshold float64 `json:"threshold"`
	// Gate is the robust z-score (in a feature's suspicious direction) that
	// at least one feature must reach before a client can be blocked: an
	// unusual client that is unusual only in harmless ways is left alone.
	Gate float64 `json:"gate"`

	// Volume is the flood rule: a limit on the requests an anonymous
	// client unknown to the model sends to a few routes.
	Volume VolumeLimit `json:"volume_limit"`

	// Campaigns is what training learned of each endpoint's usual traffic,
	// against which campaigns over many addresses are found. Optional: a
	// model without it finds none.
	Campaigns *campaign.Norms `json:"campaigns,omitempty"`

	Calibration Calibration     `json:"calibration"`
	Training    TrainingSummary `json:"training"`
}

// VolumeLimit is the flood rule, calibrated on the training recording. The
// score judges how a client's requests look; a flood can look like an
// ordinary page or API call repeated, and only its volume gives it away.
// Volume beyond what ordinary clients ever reach is that signal, so the
// rule compares a client's decayed two-minute request count with the
// peaks of the training clients. It applies to clients that are not known
// from training (known clients are judged against their own history), that
// send most requests without an API key (a key names an integration, which
// is accountable and may be busy and new; a browser or an app signed in as
// a user is a person, who cannot keep up a machine's pace), and whose
// recent requests went to a few URLs (a crawler, a scraper or an office
// behind NAT walks many).
type VolumeLimit struct {
	// Requests is the limit on requests_2m; 0 disables the rule.
	Requests float64 `json:"requests"`
	// Peak is the Quantile of the highest requests_2m each training client
	// reached, over the clients that are not heavy hitters with a baseline
	// of their own; Requests is Factor times Peak.
	Peak     float64 `json:"peak"`
	Quantile float64 `json:"quantile"`
	Factor   float64 `json:"factor"`
	// MaxURLs is the most distinct paths (the query left out) a client's
	// last 32 requests may go to for the limit to apply.
	MaxURLs int `json:"max_urls"`
	// Clients is how many training clients the peaks came from, and Over
	// how many of them reached the limit (whatever their keys and URLs).
	Clients int `json:"clients"`
	Over    int `json:"over"`
}

// Exceeded reports whether a client with features v, known from training
// or not, sending the share keyed of its requests with an API key, and
// whose last requests went to urls distinct paths, is past the volume
// limit.
func (l *VolumeLimit) Exceeded(v *features.Vector, known bool, keyed float64, urls int) bool {
	return l.Reached(v) && !known && keyed < 0.5 && urls <= l.MaxURLs
}

// Reached reports whether requests_2m in v is at the limit, the one
// condition of Exceeded that takes no other facts about the client.
func (l *VolumeLimit) Reached(v *features.Vector) bool {
	return l.Requests > 0 && v[features.Volume] >= l.Requests
}

// SetVolumeLimit calibrates m.Volume from the highest requests_2m of each
// training client (peaks), leaving out the known heavy hitters.
func (m *Model) SetVolumeLimit(peaks []float64, cfg TrainConfig) {
	cfg = cfg.WithDefaults()
	l := VolumeLimit{Quantile: cfg.VolumeQuantile, Factor: cfg.VolumeFactor, MaxURLs: cfg.VolumeMaxURLs, Clients: len(peaks)}
	if len(peaks) >= minVolumeClients && cfg.VolumeFactor > 0 {
		s := slices.Clone(peaks)
		slices.Sort(s)
		l.Peak = stat.Quantile(cfg.VolumeQuantile, stat.Empirical, s, nil)
		l.Requests = math.Ceil(cfg.VolumeFactor * max(l.Peak, 1))
		for _, p := range peaks {
			if p >= l.Requests {
				l.Over++
			}
		}
	}
	m.Volume = l
}

// minVolumeClients is the fewest training clients that calibrate the
// volume limit: fewer leave the rule off, since a high quantile of a
// handful of peaks says little.
const minVolumeClients = 200

type modelFile struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	*Model
	Forest []byte `json:"forest"`
}

// MaxReasons is how many features a Result explains at most.
const MaxReasons = 3

// Reason is one feature that drove a judgement, in the feature's unit.
type Reason struct {
	Feature int
	Value   float64
	Typical float64
	// Z is how far the value is from typical in robust units.
	Z float64
}

// Result is the judgement of one vector.
type Result struct {
	// Score is the combined score in (0,1), or 0 when Evidence did not
	// pass the gate and the forest was not consulted.
	Score float64
	// Forest is the isolation forest's score in (0,1).
	Forest float64
	// Evidence is the Euclidean norm of the robust z-scores of the features
	// that deviate in their suspicious direction, each capped (at 10 for
	// ratios, 25 for rates and sizes), so one saturated ratio counts 10 and
	// three deviating features count more. For
	// a known identity, each feature counts only as far as it exceeds both
	// the population and the client's own history.
	Evidence float64
	Scored   bool
	Known    bool
	Block    bool
	// OverVolume says the client is past the model's volume limit (set by
	// CheckVolume, not Judge).
	OverVolume bool
	Reasons    [MaxReasons]Reason
	NReasons   int
}

// Identity returns the baseline of the client named key, or, when the
// model holds none, of the API key apiKey its requests carry; nil when
// neither recurred through the training data.
func (m *Model) Identity(key string, apiKey []byte) *IdentityBaseline {
	if b := m.Identities[key]; b != nil {
		return b
	}
	if len(apiKey) > 0 && len(m.KeyIdentities) > 0 {
		return m.KeyIdentities[string(apiKey)]
	}
	return nil
}

// Judge scores v, for a client with history ident (nil if the client is
// not known from training), into r. It allocates nothing.
func (m *Model) Judge(v *features.Vector, ident *IdentityBaseline, r *Result) {
	var p Point
	Transform(v, &p)
	*r = Result{Known: ident != nil}
	var ev [features.NumFeatures]float64
	specs := features.Specs()
	sum := 0.0
	for i := range p {
		d := float64(specs[i].Dir)
		if d == 0 {
			ev[i] = math.Inf(-1)
			continue
		}
		z := d * m.Population.Z(i, p[i])
		if ident != nil {
			own := d * (p[i] - ident.High[i]) / m.Population.Features[i].Scale
			z = min(z, own)
		}
		ev[i] = z
		if z > 0 {
			if specs[i].Log {
				z = min(z, evidenceCapLog)
			} else {
				z = min(z, evidenceCap)
			}
			sum += z * z
		}
	}
	best := math.Sqrt(sum)
	r.Evidence = best
	if best < m.Gate {
		return
	}
	r.Scored = true
	r.Forest = m.Forest.Score(p[:])
	r.Score = Combine(r.Forest, best)
	r.Block = r.Score >= m.Threshold
	// Reasons: the features with the most evidence, strongest first.
	for r.NReasons < MaxReasons {
		k, kz := -1, 2.0
		for i, z := range ev {
			if z >= kz {
				k, kz = i, z
			}
		}
		if k < 0 {
			break
		}
		typical := m.Population.Typical(k)
		if ident != nil {
			typical = untransform(k, ident.Typical[k])
		}
		r.Reasons[r.NReasons] = Reason{Feature: k, Value: v[k], Typical: typical, Z: kz}
		r.NReasons++
		ev[k] = math.Inf(-1)
	}
}

// CheckVolume applies the volume limit to a judged client (see
// VolumeLimit.Exceeded) and, when it is exceeded, sets r.OverVolume and puts
// requests_2m first among the reasons, with the training peak as what is
// typical.
func (m *Model) CheckVolume(v *features.Vector, keyed float64, urls int, r *Result) {
	if !m.Volume.Exceeded(v, r.Known, keyed, urls) {
		return
	}
	r.OverVolume = true
	rs := [MaxReasons]Reason{{Feature: features.Volume, Value: v[features.Volume], Typical: m.Volume.Peak,
		Z: m.Population.Z(features.Volume, math.Log1p(v[features.Volume]))}}
	n := 1
	for _, x := range r.Reasons[:r.NReasons] {
		if x.Feature != features.Volume && n < MaxReasons {
			rs[n] = x
			n++
		}
	}
	r.Reasons, r.NReasons = rs, n
}

const (
	// evidenceCap bounds one feature's robust z-score in the evidence. A
	// ratio is bounded and its spread is often the MinScale floor, so a
	// ratio of 1 would otherwise count 20; a rate or a size spans orders of
	// magnitude on a log scale, and how far it goes still means something.
	evidenceCap    = 10.0
	evidenceCapLog = 15.0
	// evidenceHalf is the evidence that maps to 0.5 in Combine.
	evidenceHalf = 8.0
)

// Combine returns the combined score of a forest score and the statistical
// evidence: their mean, with the evidence e mapped into [0,1) as
// e/(e+8). The forest sees unusual combinations of features; the evidence
// sees how far the most suspicious single feature is from typical, which
// the forest underrates when one feature alone is extreme.
func Combine(forest, evidence float64) float64 {
	h := 0.0
	if evidence > 0 {
		h = evidence / (evidence + evidenceHalf)
	}
	return (forest + h) / 2
}

// CheckFeatures reports whether the model was trained on the features this
// build computes.
func (m *Model) CheckFeatures() error {
	specs := features.Specs()
	if len(m.Specs) != len(specs) {
		return fmt.Errorf("%w: the model has %d features and this build computes %d; retrain the model with this build (portcullis train)",
			ErrModelFeatures, len(m.Specs), len(specs))
	}
	for i, s := range specs {
		if m.Specs[i].Name != s.Name || m.Specs[i].Log != s.Log {
			return fmt.Errorf("%w: feature %d is %q in the model and %q in this build; retrain the model with this build (portcullis train)",
				ErrModelFeatures, i, m.Specs[i].Name, s.Name)
		}
	}
	if m.Forest == nil || m.Forest.Dim() != len(specs) {
		return fmt.Errorf("%w: the forest does not take %d features", ErrCorruptModel, len(specs))
	}
	return nil
}

// CurrentSpecs returns the FeatureInfo of this build's features.
func CurrentSpecs() []FeatureInfo {
	specs := features.Specs()
	out := make([]FeatureInfo, len(specs))
	for i, s := range specs {
		out[i] = FeatureInfo{Name: s.Name, Log: s.Log}
	}
	return out
}

// Write encodes m to w in the model file format and sets m.ID from its
// contents if it is empty, so training twice on the same data with the same
// seed gives the same ID.
func (m *Model) Write(w io.Writer) error {
	fb, err := m.Forest.MarshalBinary()
	if err != nil {
		return fmt.Errorf("models: encode forest: %w", err)
	}
	if m.ID == "" {
		h := sha256.New()
		h.Write(fb)
		fmt.Fprintf(h, "%v|%v|%d|%d|%d|%v", m.Threshold, m.Gate, len(m.Identities), len(m.KeyIdentities), m.Training.Events, m.Volume.Requests)
		m.ID = "pc-" + hex.EncodeToString(h.Sum(nil))[:12]
	}
	zw := gzip.NewWriter(w)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(modelFile{Format: FormatName, Version: FormatVersion, Model: m, Forest: fb}); err != nil {
		return fmt.Errorf("models: encode model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("models: encode model: %w", err)
	}
	return nil
}

// Read decodes a model file. A file of another format version, or one that
// is damaged, gets an error wrapping ErrModelVersion or ErrCorruptModel.
func Read(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: not a gzip-compressed model (%v); pass a file written by portcullis train", ErrCorruptModel, err)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v; the file is damaged or cut off, pass a file written by portcullis train", ErrCorruptModel, err)
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %v; pass a file written by portcullis train", ErrCorruptModel, err)
	}
	if head.Format != FormatName {
		return nil, fmt.Errorf("%w: format is %q, not %q; pass a file written by portcullis train", ErrCorruptModel, head.Format, FormatName)
	}
	if head.Version != FormatVersion {
		return nil, fmt.Errorf("%w: the file is version %d and this build reads version %d; retrain the model with this build (portcullis train)",
			ErrModelVersion, head.Version, FormatVersion)
	}
	mf := modelFile{Model: &Model{}}
	if err := json.Unmarshal(data, &mf); err != nil {
		return nil, fmt.Errorf("%w: %v; retrain the model with portcullis train", ErrCorruptModel, err)
	}
	m := mf.Model
	m.Forest = &Forest{}
	if err := m.Forest.UnmarshalBinary(mf.Forest); err != nil {
		return nil, fmt.Errorf("%w: %w; retrain the model with portcullis train", ErrCorruptModel, err)
	}
	if err := m.CheckFeatures(); err != nil {
		return nil, err
	}
	if math.IsNaN(m.Threshold) || m.Threshold <= 0 || m.Threshold > 1 {
		return nil, fmt.Errorf("%w: threshold %v is outside (0,1]", ErrCorruptModel, m.Threshold)
	}
	return m, nil
}

// WriteFile writes m to path atomically (a temporary file, then rename), so
// a detector watching the path never reads half a model.
func (m *Model) WriteFile(path string) (err error) {
	f, err := os.CreateTemp(dirOf(path), ".model-*")
	if err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	if err = m.Write(f); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	return nil
}

// ReadFile reads the model file at path.
func ReadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("models: read %s: %w", path, err)
	}
	return m, nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}
