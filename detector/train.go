package detector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/limits"
	"github.com/portcullis/portcullis/models"
)

// TrainConfig sets how Train builds a model.
type TrainConfig struct {
	Pipeline Config
	Model    models.TrainConfig
	// SamplesPerClient bounds how much one client weighs in the training
	// sample: a client judged j times is sampled with probability
	// min(1, SamplesPerClient/j) each time, so a chatty integration does not
	// drown out thousands of quiet browsers.
	SamplesPerClient int
	// MaxSamples caps the training sample (a uniform reservoir past it).
	MaxSamples int
	// IdentityMinEvents and IdentityMinCoverage decide which clients get a
	// baseline of their own: at least this many events, active in at least
	// this share of the minutes the training data covers.
	IdentityMinEvents   int
	IdentityMinCoverage float64
	// MaxIdentities caps how many identity baselines a model holds (the
	// busiest clients win).
	MaxIdentities int
	// Seed makes training deterministic.
	Seed uint64
	// Cleared are clients (by the identity of Pipeline.Identity) that
	// operators cleared after the detector blocked them: normal by the
	// operator's word. One the recording judges gets a baseline of its own
	// up to its peaks; for the others, the reasons of the lifted decision
	// stand in and the tails that carried them are widened (see
	// models.Model.ApplyFeedback).
	Cleared []ClearedClient
	// Progress, if set, is called now and then with the pass (1 or 2) and
	// the bytes of input read so far in that pass.
	Progress func(pass int, bytes int64)
}

// ClearedClient is a client an operator cleared, with the reasons of the
// decision lifted.
type ClearedClient struct {
	Key     string
	Reasons []decision.Reason
}

// Defaults for TrainConfig.
const (
	DefaultSamplesPerClient    = 16
	DefaultMaxSamples          = 1 << 20
	DefaultIdentityMinEvents   = 50
	DefaultIdentityMinCoverage = 0.2
	// identityMinMinutes is the fewest distinct minutes of activity that
	// make a client recurring, however short the recording: a job that wakes
	// every few minutes recurs.
	identityMinMinutes   = 3
	DefaultMaxIdentities = 100_000
)

// WithDefaults returns c with zero fields set to their defaults.
func (c TrainConfig) WithDefaults() TrainConfig {
	c.Pipeline = c.Pipeline.WithDefaults()
	c.Model = c.Model.WithDefaults()
	if c.SamplesPerClient == 0 {
		c.SamplesPerClient = DefaultSamplesPerClient
	}
	if c.MaxSamples == 0 {
		c.MaxSamples = DefaultMaxSamples
	}
	if c.IdentityMinEvents == 0 {
		c.IdentityMinEvents = DefaultIdentityMinEvents
	}
	if c.IdentityMinCoverage == 0 {
		c.IdentityMinCoverage = DefaultIdentityMinCoverage
	}
	if c.MaxIdentities == 0 {
		c.MaxIdentities = DefaultMaxIdentities
	}
	return c
}

// Validate reports what is wrong with c.
func (c TrainConfig) Validate() error {
	errs := []error{c.Pipeline.Validate(), c.Model.Validate()}
	if c.SamplesPerClient < 1 {
		errs = append(errs, fmt.Errorf("detector: samples per client is %d; set it to 1 or more", c.SamplesPerClient))
	}
	if c.MaxSamples < 256 {
		errs = append(errs, fmt.Errorf("detector: max samples is %d; set it to 256 or more", c.MaxSamples))
	}
	if c.IdentityMinCoverage < 0 || c.IdentityMinCoverage > 1 {
		errs = append(errs, fmt.Errorf("detector: identity coverage is %v; set it in [0, 1]", c.IdentityMinCoverage))
	}
	return errors.Join(errs...)
}

// peakStats is what training's second pass keeps per client: the highest
// value of every signal while it was judged, and its latest API key.
type peakStats struct {
	high   models.SignalPeaks
	apiKey string
	// member says the client was found a member of a campaign in the
	// recording: an attack, left out of the tails (see calibrateOn).
	member bool
}

// trainStats is what training keeps per client on top of its features.
type trainStats struct {
	judgements uint32
	minutes    uint32 // distinct minutes with at least one event judged
	lastMinute int64
	high       models.Point
	sum        models.Point
	apiKey     string // the API key of the client's latest judged request
	clients    uint32 // of a key's statistics: the clients merged into them
}

// merge folds o, another client's statistics, into t.
func (t *trainStats) merge(o *trainStats) {
	t.judgements += o.judgements
	t.minutes += o.minutes
	for i := range t.high {
		t.high[i] = max(t.high[i], o.high[i])
		t.sum[i] += o.sum[i]
	}
}

// Source is one input of Train and Score: a recording to read, possibly
// twice.
type Source interface {
	// Name names the source in summaries and errors.
	Name() string
	// Open starts a new read from the beginning.
	Open() (*ingest.Reader, func() error, error)
}

// Train fits a model on the records of srcs. It reads them twice: the
// first pass samples feature vectors at judgement points (the population
// the forest and baselines learn) and the history of recurring clients; the
// second replays the same records through the fitted model to calibrate the
// threshold on what the detector would actually see.
func Train(ctx context.Context, srcs []Source, cfg TrainConfig) (*models.Model, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, errors.New("detector: no input to train on; pass at least one recording with --in")
	}
	s, err := sample(ctx, srcs, cfg)
	if err != nil {
		return nil, err
	}
	m, err := s.fit()
	if err != nil {
		return nil, err
	}
	members, err := calibrateOn(ctx, srcs, cfg, m, s.clientHigh, s.clientKeys)
	if err != nil {
		return nil, err
	}
	if s.camps != nil && len(members) > 0 {
		// The write endpoints' failing addresses counted again without
		// the members (see campaign.Trainer.NormsWithout).
		m.Campaigns = s.camps.NormsWithout(members)
	}
	m.Created = time.Now().UTC().Truncate(time.Second)
	m.Training = s.summary
	m.Training.CampaignMembers = len(members)
	return m, nil
}

// sampler is training's first pass: it samples the population at
// judgement points and keeps the history of recurring clients, the peaks
// the features' tails are fitted on, and what the campaign norms and the
// per-endpoint limits learn from.
type sampler struct {
	cfg        TrainConfig
	rng        *rand.Rand
	p          *Pipeline
	samples    []features.Vector
	seen       int64 // samples offered to the reservoir
	idents     map[string]*trainStats
	keys       map[string]*trainStats // by API key, merged over the clients that sent it
	byKey      bool
	from, to   int64
	clientHigh []models.Point // each judged client's peaks, for the features' tails
	clientKeys []string       // the client each of clientHigh is of
	volPeaks   []float64      // highest requests_2m of clients too quiet to get a baseline
	rates      *limits.Learner
	tmpl       []byte
	camps      *campaign.Trainer
	largest    map[string]int64 // each client's largest request, for those that sent a body
	fragments  *fragmentCounts
	summary    models.TrainingSummary
}

// sample runs the first pass over srcs.
func sample(ctx context.Context, srcs []Source, cfg TrainConfig) (*sampler, error) {
	p, err := NewPipeline(cfg.Pipeline, nil)
	if err != nil {
		return nil, err
	}
	s := &sampler{
		cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x706f7274)), p: p,
		idents: map[string]*trainStats{}, keys: map[string]*trainStats{},
		byKey: cfg.Pipeline.Identity != ingest.IdentityAPIKey,
		from:  int64(math.MaxInt64), to: int64(math.MinInt64),
		rates:   limits.NewLearner(limits.Config{}),
		largest: map[string]int64{},
	}
	p.observe = s.observe
	p.table.OnEvict = func(c *Client, _ bool) { s.keep(c) }
	if p.camps != nil {
		s.camps = campaign.NewTrainer(p.camps.cfg.MaxEndpoints)
		p.camps.learn = s.camps
		s.fragments = newFragmentCounts()
	}
	p.collect = s.collect
	s.summary = models.TrainingSummary{Identity: cfg.Pipeline.Identity.String(), MinEvents: cfg.Pipeline.Policy.MinEvents}
	for _, src := range srcs {
		s.summary.Inputs = append(s.summary.Inputs, src.Name())
	}
	stats, err := runAll(ctx, srcs, p, 1, cfg.Progress)
	if err != nil {
		return nil, err
	}
	s.summary.Events, s.summary.Malformed, s.summary.Late = stats.Parsed, stats.Malformed, stats.Late
	p.table.Each(s.keep)
	s.summary.Clients = p.Stats().Features.Seen
	s.summary.Samples = len(s.samples)
	if len(s.samples) < 64 {
		return nil, fmt.Errorf("detector: only %d clients' judgements to learn from (a client needs %d events to be judged); give a longer recording or lower --min-events",
			len(s.samples), cfg.Pipeline.Policy.MinEvents)
	}
	return s, nil
}

// observe feeds every record to the per-endpoint limits, and notes its
// client's largest request.
func (s *sampler) observe(c *Client, rec *ingest.Record) {
	if rec.ReqBytes > 0 {
		if v, ok := s.largest[c.Key()]; !ok || rec.ReqBytes > v {
			s.largest[c.Key()] = rec.ReqBytes
		}
	}
	s.tmpl = features.Template(s.tmpl[:0], rec.Path)
	if s.fragments != nil {
		s.fragments.observe(c.Key(), rec, s.p.table.LastMarker())
	}
	switch {
	case len(rec.APIKey) > 0:
		s.rates.Observe(rec.TS, rec.APIKey, rec.Method, s.tmpl, true)
	case len(rec.User) > 0:
		s.rates.Observe(rec.TS, rec.User, rec.Method, s.tmpl, true)
	default:
		s.rates.Observe(rec.TS, rec.ClientIP, rec.Method, s.tmpl, false)
	}
}

// keep files a client's statistics when it leaves the table or the pass
// ends.
func (s *sampler) keep(c *Client) {
	t := c.Ext.train
	if t == nil {
		return
	}
	s.clientHigh = append(s.clientHigh, t.high)
	s.clientKeys = append(s.clientKeys, c.Key())
	if s.byKey && t.apiKey != "" {
		k := s.keys[t.apiKey]
		if k == nil {
			k = newTrainStats()
			s.keys[t.apiKey] = k
		}
		k.merge(t)
		k.clients++
	}
	if int(c.Events()) >= s.cfg.IdentityMinEvents {
		if old := s.idents[c.Key()]; old == nil || old.judgements < t.judgements {
			s.idents[c.Key()] = t
		}
	} else {
		s.volPeaks = append(s.volPeaks, math.Expm1(t.high[features.Volume]))
	}
}

func newTrainStats() *trainStats {
	t := &trainStats{lastMinute: -1}
	for i := range t.high {
		t.high[i] = math.Inf(-1)
	}
	return t
}

// collect updates a client's statistics at a judgement point and offers
// its features to the reservoir of samples.
func (s *sampler) collect(c *Client, v *features.Vector, rec *ingest.Record) {
	ts := rec.TS
	s.from, s.to = min(s.from, ts), max(s.to, ts)
	t := c.Ext.train
	if t == nil {
		t = newTrainStats()
		c.Ext.train = t
	}
	t.judgements++
	if s.byKey && string(rec.APIKey) != t.apiKey {
		t.apiKey = string(rec.APIKey)
	}
	if m := ts / int64(time.Minute); m != t.lastMinute {
		t.minutes++
		t.lastMinute = m
	}
	var pt models.Point
	models.Transform(v, &pt)
	for i := range pt {
		t.high[i] = max(t.high[i], pt[i])
		t.sum[i] += pt[i]
	}
	per := uint32(s.cfg.SamplesPerClient)
	if t.judgements > per && s.rng.Uint32N(t.judgements) >= per {
		return
	}
	s.seen++
	if len(s.samples) < s.cfg.MaxSamples {
		s.samples = append(s.samples, *v)
	} else if j := s.rng.Int64N(s.seen); j < int64(s.cfg.MaxSamples) {
		s.samples[j] = *v
	}
}

// fit fits the model on what the first pass kept: the forest, the
// identities, the volume limit, the markers' weights and the features'
// tails (the threshold is calibrated by the second pass).
func (s *sampler) fit() (*models.Model, error) {
	cfg := s.cfg
	cfg.Model.Forest.Seed = cfg.Seed
	samples := s.samples
	m, err := models.Fit(samples, cfg.Model)
	if err != nil {
		return nil, err
	}
	// Attacks hidden in the recording teach the forest that their corner is
	// populated, which masks the same attacks later. Set aside the samples
	// the first model already finds past the minimum threshold and fit
	// again on the rest.
	if clean := m.Clean(samples); len(clean) >= 64 && len(clean) < len(samples) {
		s.summary.Excluded = len(samples) - len(clean)
		samples = clean
		if m, err = models.Fit(samples, cfg.Model); err != nil {
			return nil, err
		}
	}
	s.fitIdentities(m)
	m.SetVolumeLimit(s.volumePeaks(m), cfg.Model)
	m.SetMarkerWeights(s.p.table.MarkerClients(), s.summary.Events)
	m.FitFeatureTails(s.clientHigh)
	m.LargeSize = models.LargeSize(slices.Collect(maps.Values(s.largest)), s.summary.Clients)
	if s.camps != nil {
		m.Campaigns = s.camps.Norms()
		m.SetMarkerEndpoints(s.fragments.endpoints(m.Campaigns))
	}
	m.Limits = s.rates.Table()
	s.summary.From, s.summary.To = time.Unix(0, s.from).UTC(), time.Unix(0, s.to).UTC()
	return m, nil
}

// fitIdentities gives the recurring clients, and the recurring API keys,
// baselines of their own.
func (s *sampler) fitIdentities(m *models.Model) {
	cfg := s.cfg
	spanMin := float64(s.to-s.from) / float64(time.Minute)
	m.Identities, s.summary.IdentitiesWithheld = selectIdentities(m, s.idents, spanMin, cfg)
	s.summary.Identities = len(m.Identities)
	if !s.byKey {
		return
	}
	// A key that one client address used is already judged through that
	// address's baseline; a key becomes an identity of its own when it
	// recurs, whichever addresses it came from.
	for k, t := range s.keys {
		switch {
		case t.clients > models.SharedKeyClients:
			m.SharedKeys = append(m.SharedKeys, k)
			delete(s.keys, k)
		case t.judgements < uint32(cfg.IdentityMinEvents):
			delete(s.keys, k)
		}
	}
	slices.Sort(m.SharedKeys)
	var withheld int
	m.KeyIdentities, withheld = selectIdentities(m, s.keys, spanMin, cfg)
	s.summary.IdentitiesWithheld += withheld
	s.summary.KeyIdentities = len(m.KeyIdentities)
}

// volumePeaks returns the peaks the volume limit is calibrated on: every
// client's but the heavy hitters' that have a baseline of their own, since
// it judges the clients that lack one. A heavy hitter's usual two-minute
// volume is past what nine clients in ten ever reach; an ordinary
// client's usual volume is far below its own peak.
func (s *sampler) volumePeaks(m *models.Model) []float64 {
	volPeaks := s.volPeaks
	allVol := slices.Clone(volPeaks)
	for _, t := range s.idents {
		allVol = append(allVol, math.Expm1(t.high[features.Volume]))
	}
	heavy := math.Inf(1)
	if len(allVol) > 0 {
		slices.Sort(allVol)
		heavy = math.Log1p(allVol[int(0.9*float64(len(allVol)-1))])
	}
	for k, t := range s.idents {
		if b := m.Identities[k]; b == nil || b.Typical[features.Volume] <= heavy {
			volPeaks = append(volPeaks, math.Expm1(t.high[features.Volume]))
		}
	}
	return volPeaks
}

// calibrateOn is training's second pass: it replays srcs through m,
// measuring every signal of every judged client, to calibrate the tails
// and the threshold. It reports how many clients it found to be members
// of campaigns.
//
// Campaigns run in the second pass as they do online, on the norms the
// first pass learned, and their members are left out of the tails of
// refused requests (failureTails), refitted from high (the first pass's
// peaks of the clients keys name) without theirs: sixty stuffing
// addresses that each fail a login a minute are each mild, but together
// they are the top few percent of those tails, which then call a brute
// forcer's share and count of failed logins ordinary. A flood's members
// count too, and recurring clients are members here like any other (see
// outOfCampaigns): on a bank's recordings, the addresses of a flood on the
// login refused 429 put the top 2 % of refused_10m past 100 refusals, and
// a brute forcer's 26 failed logins in three minutes were ordinary. The
// other tails keep them: the tails of volume are what lets a new partner
// keep its pace. (Leaving the members out of every tail, on 33 sites of
// the traffic models, blocked new crawlers and partners.)
func calibrateOn(ctx context.Context, srcs []Source, cfg TrainConfig, m *models.Model, high []models.Point, keys []string) (map[string]bool, error) {
	p2, err := NewPipeline(calibrationConfig(cfg.Pipeline), m)
	if err != nil {
		return nil, err
	}
	members := map[string]bool{}
	var peaks []models.SignalPeaks
	isCleared := make(map[string]bool, len(cfg.Cleared))
	found := make(map[string]models.SignalPeaks, len(cfg.Cleared))
	for _, c := range cfg.Cleared {
		isCleared[c.Key] = true
	}
	p2.calibrating = func(c *Client, v *features.Vector, payload float64, early bool) {
		ps := c.Ext.peaks
		if ps == nil {
			ps = &peakStats{}
			c.Ext.peaks = ps
		}
		var pt models.Point
		models.Transform(v, &pt)
		ps.high[models.SignalPayload] = max(ps.high[models.SignalPayload], payload)
		ps.high[models.SignalLarge] = max(ps.high[models.SignalLarge], math.Log1p(c.Large()))
		if early {
			// Only the signals an early judgement reads: the others
			// are not judged on one to three events, and a client
			// that never sends more counts as zero in them.
			i := features.ReqBytesTotal
			ps.high[i] = max(ps.high[i], pt[i])
			return
		}
		for i, x := range pt {
			ps.high[i] = max(ps.high[i], x)
		}
		ps.high[models.SignalForest] = max(ps.high[models.SignalForest], m.Forest.Score(pt[:]))
	}
	done := func(c *Client) {
		ps := c.Ext.peaks
		if ps == nil {
			return
		}
		if ps.member {
			members[c.Key()] = true
		}
		peaks = append(peaks, ps.high)
		if isCleared[c.Key()] {
			p := found[c.Key()] // a client evicted and seen again
			for i := range p {
				p[i] = max(p[i], ps.high[i])
			}
			found[c.Key()] = p
		}
		m.Identities[c.Key()].NotePeaks(&ps.high)
		if ps.apiKey != "" {
			m.KeyIdentities[ps.apiKey].NotePeaks(&ps.high)
		}
	}
	p2.collect = func(c *Client, _ *features.Vector, rec *ingest.Record) {
		if c.Ext.peaks == nil {
			c.Ext.peaks = &peakStats{}
		}
		if len(rec.APIKey) > 0 && string(rec.APIKey) != c.Ext.peaks.apiKey {
			c.Ext.peaks.apiKey = string(rec.APIKey)
		}
	}
	p2.table.OnEvict = func(c *Client, _ bool) { done(c) }
	if _, err := runAll(ctx, srcs, p2, 2, cfg.Progress); err != nil {
		return nil, err
	}
	p2.table.Each(done)
	refitWithout(m, members, high, keys)
	m.Calibrate(peaks, cfg.Model)
	applyCleared(m, cfg.Cleared, found, len(isCleared))
	return members, nil
}

// calibrationConfig returns the pipeline configuration training's second
// pass runs with: cfg, with campaigns found at half the factor the
// detector departs at (at least campaign.MinFactor). There a member is
// blocked nowhere, only left out of the refusal tails, and a campaign
// missed stays in them; a training day whose campaign coincides with a
// crowd on the same endpoint (a one-time-code spray during a surge of
// sign-ins) lifts the line past the campaign. (Of the factor 3, 2 and
// 1.5, on 84 sites of the twelve traffic models, 1.5 found one brute
// forcer and two key sprayers more, blocked one normal client fewer and
// changed nothing else.)
func calibrationConfig(cfg Config) Config {
	f := cfg.Campaign.WithDefaults().Factor
	cfg.Campaign.Factor = max(f/2, campaign.MinFactor)
	return cfg
}

// applyCleared widens m's tails for the clients operators cleared: found
// holds the peaks of those the recording had, the others count by the
// reasons of their decisions.
func applyCleared(m *models.Model, cleared []ClearedClient, found map[string]models.SignalPeaks, distinct int) {
	if len(cleared) == 0 {
		return
	}
	var others []models.SignalPeaks
	for _, c := range cleared {
		if _, ok := found[c.Key]; !ok {
			others = append(others, models.ReasonPeaks(c.Reasons))
		}
	}
	m.ApplyFeedback(found, others, distinct)
}

// failureTails are the tails refitted without training's campaign members
// (see calibrateOn): the share and the counts of refused requests.
var failureTails = [...]int{features.AuthFailRatio, features.RefusedCount, features.RefusedLong, features.RefusedPaths}

// refitWithout fits m's failureTails again on the peaks high of the
// clients keys name, but members' (see calibrateOn).
func refitWithout(m *models.Model, members map[string]bool, high []models.Point, keys []string) {
	if len(members) == 0 {
		return
	}
	kept := make([]models.Point, 0, len(high))
	for i, h := range high {
		if !members[keys[i]] {
			kept = append(kept, h)
		}
	}
	for _, i := range failureTails {
		m.RefitTail(i, kept)
	}
}

// selectIdentities returns the baselines of the clients in idents that
// recurred through the training data, and how many recurring clients were
// refused one because their history shows guessing (see guessed).
func selectIdentities(m *models.Model, idents map[string]*trainStats, spanMin float64, cfg TrainConfig) (map[string]*models.IdentityBaseline, int) {
	needMinutes := uint32(math.Max(identityMinMinutes, math.Ceil(cfg.IdentityMinCoverage*spanMin)))
	out := map[string]*models.IdentityBaseline{}
	type cand struct {
		key string
		t   *trainStats
	}
	var cands []cand
	withheld := 0
	for k, t := range idents {
		if t.minutes < needMinutes {
			continue
		}
		if guessed(&m.Population, &t.high) {
			withheld++
			continue
		}
		cands = append(cands, cand{k, t})
	}
	if len(cands) > cfg.MaxIdentities {
		// Keep the most judged clients.
		slices.SortFunc(cands, func(a, b cand) int { return cmp.Compare(b.t.judgements, a.t.judgements) })
		cands = cands[:cfg.MaxIdentities]
	}
	for _, c := range cands {
		b := &models.IdentityBaseline{High: c.t.high, Events: int64(c.t.judgements)}
		for i := range b.Typical {
			b.Typical[i] = c.t.sum[i] / float64(c.t.judgements)
		}
		out[c.key] = b
	}
	return out, withheld
}

// guessFeatures are the ratios that count only what guessing does: failed
// credentials on writes or with changing keys, refusals and missing paths
// on paths new to the client, payload markers, WAF matches.
var guessFeatures = [...]int{features.AuthFailRatio, features.NotFoundRatio, features.PayloadMarks, features.WAFRatio}

// guessZ is the robust z-score of a guess feature, at some point of a
// client's training history, past which the client gets no baseline of its
// own: about 40 % of its recent requests failing as guesses do, or a
// quarter carrying payload markers. A baseline would excuse the same
// attack when the client comes back; a heavy integration, a crawler or a
// busy office never gets there.
const guessZ = 8

// guessed reports whether a client whose highest model-space features in
// training were high guessed, judged against the population.
func guessed(pop *models.Baseline, high *models.Point) bool {
	for _, f := range guessFeatures {
		if pop.Z(f, high[f]) >= guessZ {
			return true
		}
	}
	return false
}
