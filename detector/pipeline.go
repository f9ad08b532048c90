package detector

import (
	"errors"
	"math"
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// Config is the configuration of a Pipeline.
type Config struct {
	// Identity chooses what names a client: ip, api_key, user or ipv6_64.
	Identity ingest.Identity `yaml:"-"`
	Features features.Config `yaml:"features"`
	Policy   PolicyConfig    `yaml:"policy"`
	Campaign campaign.Config `yaml:"campaign"`
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	c.Features = c.Features.WithDefaults()
	c.Policy = c.Policy.WithDefaults()
	c.Campaign = c.Campaign.WithDefaults()
	return c
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	return errors.Join(c.Features.Validate(), c.Policy.Validate(), c.Campaign.Validate())
}

// clientState is what the pipeline keeps per client next to its features.
// Its small fields come first, so that they share one word.
type clientState struct {
	checked bool
	allowed bool
	// mild is the strictness (actionRank) of the client's active decision
	// whose action is milder than a block, until mildUntil: such a client
	// is judged on, and decided about again only when its action grows
	// stricter.
	mild      uint8
	judgedN   uint32
	ident     *models.IdentityBaseline
	mildUntil int64

	judgedTS     int64
	blockedUntil int64
	// prevScore is the score of the previous judgement (compared with the
	// threshold only: a float32 is exact enough, and leaves room for
	// paceSince), paceSince the event time, in Unix seconds, of the first
	// judgement of the client's current streak past the threshold for its
	// pace alone (see burst); 0 for none.
	prevScore float32
	paceSince uint32

	train *trainStats // only while training
	peaks *peakStats  // only while calibrating
	camp  campaign.Member
}

// Client is the per-client state a Pipeline keeps.
type Client = features.Client[clientState]

// Stats counts what a Pipeline did.
type Stats struct {
	Events    int64 // events processed
	Judged    int64 // judgements (a client with enough events, at a judgement point)
	Early     int64 // of them, early judgements (see Pipeline.early)
	Scored    int64 // judgements that passed the evidence gate and were scored by the forest
	Decisions int64
	// Blocked counts events from clients while a decision about them was
	// active: requests the gateway refuses (or, in dry run, would have).
	Blocked  int64
	Allowed  int64 // events from allowlisted clients
	Features features.Stats
}

// Pipeline runs records through features, the model and the policy. It is
// not safe for concurrent use; one Pipeline owns its clients.
type Pipeline struct {
	cfg   Config
	ttl   int64
	every int64
	model *models.Model
	allow *decision.Allowlist
	table *features.Table[clientState]
	camps *campaigns // nil when disabled

	key []byte
	// newKey is the model's NewKeyBaseline: what a client whose requests
	// carry an API key training never saw is excused.
	newKey *models.IdentityBaseline
	// shared are the model's shared keys (models.Model.SharedKeys), and
	// plain the copy of a record that carried one, without it.
	shared map[string]struct{}
	plain  ingest.Record
	// roam are the Roaming baselines of the recurring keys clients sent
	// so far (see identity), at most one per key of the model.
	roam  map[string]*models.IdentityBaseline
	vec   features.Vector
	res   models.Result
	stats Stats

	// calibrating, when set, replaces judging: it is called at every
	// judgement point with the payload evidence, and early set for an
	// early judgement (see Pipeline.early). Training's second pass uses it
	// to measure every signal and calibrate the model's tails.
	calibrating func(c *Client, v *features.Vector, payload float64, early bool)
	// observe, if set, is called with every record and its client, once
	// the record is folded into the client's features (training).
	observe func(c *Client, rec *ingest.Record)
	// collect, if set, is called at every judgement point (training).
	collect func(c *Client, v *features.Vector, rec *ingest.Record)

	// OnJudge, if set, is called after every judgement the model made, with
	// the client, its features, the result and whether it blocked the
	// client. It must not keep v or r.
	OnJudge func(c *Client, ts int64, v *features.Vector, r *models.Result, blocked bool)
}

// NewPipeline returns a Pipeline judging with m. m may be nil only for
// internal training passes.
func NewPipeline(cfg Config, m *models.Model) (*Pipeline, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	allow, err := decision.ParseAllowlist(cfg.Policy.Allow)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{
		cfg:   cfg,
		ttl:   int64(cfg.Policy.TTL),
		every: int64(cfg.Policy.JudgeInterval),
		model: m,
		allow: allow,
		table: features.NewTable[clientState](cfg.Features),
		camps: newCampaigns(cfg.Campaign, m),
		key:   make([]byte, 0, 64),
	}
	if m != nil {
		p.table.SetMarkerWeights(m.MarkerWeightsByIndex())
		p.table.SetEndpointMarkerWeights(m.EndpointMarkerWeights())
		p.table.SetLargeSize(m.LargeSize)
		p.newKey = m.NewKeyBaseline()
		p.shared = m.SharedKeySet()
	}
	return p, nil
}

// Model returns the model in use.
func (p *Pipeline) Model() *models.Model { return p.model }

// SetModel swaps the model, keeping every client's state.
func (p *Pipeline) SetModel(m *models.Model) {
	p.model = m
	p.table.SetMarkerWeights(m.MarkerWeightsByIndex())
	p.table.SetEndpointMarkerWeights(m.EndpointMarkerWeights())
	p.table.SetLargeSize(m.LargeSize)
	p.newKey = m.NewKeyBaseline()
	p.shared = m.SharedKeySet()
	p.roam = nil
	if p.camps != nil {
		p.camps.tr.SetNorms(campaignNorms(m))
	}
	p.table.Each(func(c *Client) { c.Ext.checked = false })
}

// Stats returns counters of the pipeline's work.
func (p *Pipeline) Stats() Stats {
	s := p.stats
	s.Features = p.table.Stats()
	return s
}

// Process folds one record into its client's state and judges the client
// when it is due. It returns a decision.Decision when the client is to be blocked,
// and nil otherwise. rec is not kept.
func (p *Pipeline) Process(rec *ingest.Record) *decision.Decision {
	sent := rec.APIKey // what the allowlist is asked about
	if p.shared != nil && len(rec.APIKey) > 0 {
		if _, ok := p.shared[string(rec.APIKey)]; ok {
			// An application's own key, not a client's: judged as if
			// the request carried none.
			p.plain = *rec
			p.plain.APIKey = nil
			rec = &p.plain
		}
	}
	c := p.client(rec, sent)
	if d := p.campaignEvent(c, rec); d != nil {
		return d
	}
	due := p.due(c, rec)
	early := !due && p.early(c, rec)
	if !due && !early {
		return nil
	}
	s := &c.Ext
	c.Vector(&p.vec)
	p.stats.Judged++
	if early {
		p.stats.Early++
	} else if p.collect != nil {
		p.collect(c, &p.vec, rec)
	}
	if p.model == nil {
		return nil
	}
	payload := models.PayloadEvidence(c.Payload())
	if p.calibrating != nil {
		p.calibrating(c, &p.vec, payload, early)
		return nil
	}
	ident := s.ident
	if ident == nil && p.newKey != nil && models.Keyed(c.Keyed()) {
		ident = p.newKey
	}
	if early {
		p.model.JudgeEarly(&p.vec, payload, c.Large(), ident, &p.res)
	} else {
		p.model.Judge(&p.vec, payload, c.Large(), ident, &p.res)
		// Most clients never reach the volume limit: spare them
		// counting URLs and reading their user agent.
		if p.model.Volume.Reached(&p.vec) {
			p.model.CheckVolume(&p.vec, c.Keyed(), features.SelfNamed(rec.UserAgent), c.URLs(), c.Throttled(), p.crowd(rec.TS), &p.res)
		}
	}
	if p.res.Scored {
		p.stats.Scored++
	}
	// A block needs two judgements in a row at or above the threshold:
	// one burst of a normal client's first requests can look like anything
	// once, an attack keeps looking like itself. A judgement ten times
	// rarer than the threshold needs only one.
	held := p.burst(c, rec.TS)
	block := blocks(float64(s.prevScore), &p.res, p.model.Threshold) && !held
	s.prevScore = float32(p.res.Score)
	if p.OnJudge != nil {
		p.OnJudge(c, rec.TS, &p.vec, &p.res, block)
	}
	if !block {
		return nil
	}
	return p.act(c, rec.TS)
}

// client folds rec into its client's state and returns the client, with
// its allowlisting and baseline looked up on its first event; sent is the
// API key the request carried, a shared one included, which the allowlist
// is asked about as the operator wrote it.
func (p *Pipeline) client(rec *ingest.Record, sent []byte) *Client {
	key, scope := p.cfg.Identity.Key(p.key[:0], rec)
	p.key = key
	c := p.table.Observe(key, scope, rec)
	if p.observe != nil {
		p.observe(c, rec)
	}
	p.stats.Events++
	if s := &c.Ext; !s.checked {
		s.checked = true
		s.allowed = p.allow.Allows(c.Key(), rec.ClientIP, sent, rec.User)
		s.ident = nil
		if p.model != nil {
			s.ident = p.identity(c.Key(), rec.APIKey)
		}
	}
	return c
}

// identity returns the model's Identity of the client named key whose
// requests carry apiKey: its own baseline with its key's (roaming).
func (p *Pipeline) identity(key string, apiKey []byte) *models.IdentityBaseline {
	return p.model.Identities[key].WithKey(p.roaming(apiKey))
}

// roaming returns the Roaming baseline of the API key apiKey, nil when the
// key did not recur through training, keeping it for the next client that
// sends the key.
func (p *Pipeline) roaming(apiKey []byte) *models.IdentityBaseline {
	if b := p.roam[string(apiKey)]; b != nil {
		return b
	}
	kb := p.model.KeyIdentity(apiKey)
	if kb == nil {
		return nil
	}
	if p.roam == nil {
		p.roam = map[string]*models.IdentityBaseline{}
	}
	b := kb.Roaming()
	p.roam[string(apiKey)] = b
	return b
}

// due says whether c is to be judged at rec: not allowlisted, not blocked,
// with MinEvents events, and at MinEvents, each time its count doubles (so
// a fast client is judged often while it ramps up), and then every
// JudgeInterval. It notes the judgement.
func (p *Pipeline) due(c *Client, rec *ingest.Record) bool {
	s := &c.Ext
	if s.allowed {
		p.stats.Allowed++
		return false
	}
	if rec.TS < s.blockedUntil {
		p.stats.Blocked++
		return false
	}
	n := c.Events()
	if n < uint32(p.cfg.Policy.MinEvents) {
		return false
	}
	if s.judgedN != 0 && n < 2*s.judgedN && rec.TS-s.judgedTS < p.every {
		return false
	}
	s.judgedN, s.judgedTS = n, rec.TS
	return true
}

// early says whether c, too new to be due (fewer than MinEvents events),
// is to be judged early at rec on the evidence one request can carry (see
// models.JudgeEarly): it has sent a payload marker or a large request, and
// is neither allowlisted nor blocked. Such a client is judged at each of
// its first three events, and then each time its count doubles, so that a
// high MinEvents does not make every event a judgement.
func (p *Pipeline) early(c *Client, rec *ingest.Record) bool {
	s := &c.Ext
	n := c.Events()
	if n >= uint32(p.cfg.Policy.MinEvents) || n > 3 && n&(n-1) != 0 || s.allowed || rec.TS < s.blockedUntil {
		return false
	}
	_, marked, _ := c.Payload()
	return marked > 0 || c.Large() > 0
}

// act decides about c, judged past the threshold at ts, with the action the
// policy takes that far past it.
func (p *Pipeline) act(c *Client, ts int64) *decision.Decision {
	s := &c.Ext
	action := p.cfg.Policy.ActionFor(p.res.Score - p.model.Threshold)
	if action == decision.ActionBlock {
		s.blockedUntil = ts + p.ttl
	} else {
		// A milder action leaves the client judged, so that it is blocked
		// once it scores far enough past the threshold; it is decided
		// about again only when its action grows stricter.
		r := actionRank(action)
		if ts < s.mildUntil && r <= s.mild {
			return nil
		}
		s.mild, s.mildUntil = r, ts+p.ttl
	}
	p.stats.Decisions++
	return p.decision(c, ts, action)
}

func (p *Pipeline) decision(c *Client, ts int64, action string) *decision.Decision {
	d := &decision.Decision{
		Client:    c.Key(),
		Scope:     c.Scope(),
		TS:        time.Unix(0, ts).UTC(),
		Action:    action,
		Score:     round(p.res.Score, 4),
		Threshold: round(p.model.Threshold, 4),
		TTLSec:    p.ttl / int64(time.Second),
		Model:     p.model.ID,
		Origin:    decision.OriginDetector,
		Events:    c.Events(),
		Known:     p.res.Known,
		Simulated: p.cfg.Policy.DryRun,
		Reasons:   make([]decision.Reason, 0, p.res.NReasons),
	}
	if limited(d.Action) {
		d.Limit = p.cfg.Policy.throttleRate(p.model.Volume.Peak)
	}
	if p.res.OverVolume && p.res.Score < p.model.Threshold {
		d.Rule = decision.RuleVolume
	}
	for i, r := range p.res.Reasons[:p.res.NReasons] {
		x := reasonOf(&r)
		if i == 0 && p.res.OverVolume {
			x.Limit = round(p.res.VolumeLimit, 2)
		}
		d.Reasons = append(d.Reasons, x)
	}
	return d
}

// reasonOf turns a model's reason into a decision's.
func reasonOf(r *models.Reason) decision.Reason {
	name := models.SignalName(r.Signal)
	return decision.Reason{Feature: name, Value: round(r.Value, 4), Unit: unitOf(name), Typical: round(r.Typical, 4),
		Surprise: round(r.Surprise, 2), Beyond: r.Beyond}
}

// unitOf returns the unit of the feature named name, or "" for a signal
// that is not a feature or has no unit.
func unitOf(name string) string {
	for _, s := range features.Specs() {
		if s.Name == name {
			return s.Unit
		}
	}
	return ""
}

func round(x float64, digits int) float64 {
	s := math.Pow10(digits)
	return math.Round(x*s) / s
}

// strongMargin is how far past the threshold one judgement must score to
// block without waiting for a second: half a decimal digit, about three
// times rarer than the threshold, so the first burst of a normal client
// does not reach it and a slow attacker whose every request is blatant is
// refused at its first judgement. (Of 1, 0.5, 0.25 and 0 on the 36 eval
// sites, 0.5 took injection probes from 1.6 s to 0.4 s at the median and
// uploads from 35.6 s to 33.2 s with no normal client more, as on 48 other
// sites of the twelve traffic models; 0.25 and 0 blocked one and two more.)
const strongMargin = 0.5

// burstFor is how long a signed-in person's pace alone must stay past
// the threshold before it blocks.
const burstFor = 15 * time.Second

// burst says the latest judgement (p.res) of c, at ts, is past the
// threshold for c's pace alone, c is served as a signed-in user (see
// features.Client.Signed), and it has not been so for burstFor yet: a
// person's browser downloading all of a course's files sends tens of
// requests a second for a few seconds, and stops; a flood keeps on. The
// streak ends when the judgement falls a digit under the threshold. (On
// the learning platform's sites, such students, 200 requests in 9 s,
// were 23 of 27 normal clients blocked; 15 s was chosen over 10 s on the
// 66 sites of make eval, the students' bursts being the only ones it
// spared; see docs/judging.md for the cost to floods.)
func (p *Pipeline) burst(c *Client, ts int64) bool {
	s, r, threshold := &c.Ext, &p.res, p.model.Threshold
	if r.Score < threshold-1 {
		s.paceSince = 0
	}
	paced := r.Score >= threshold && !r.OverVolume && r.NReasons > 0 && r.Reasons[0].Signal == features.Rate &&
		(r.NReasons < 2 || r.Reasons[1].Surprise < threshold)
	if !paced || !c.Signed() {
		return false
	}
	sec := uint32(ts / int64(time.Second))
	if s.paceSince == 0 {
		s.paceSince = sec
	}
	// Whole seconds: the streak began up to one before paceSince's.
	return time.Duration(sec-s.paceSince)*time.Second <= burstFor
}

// blocks says whether judgement r, after one that scored prev, blocks the
// client: past the volume limit, or confirmed past the threshold. It is
// the one place that decides a block; Process passes its answer to OnJudge,
// so what a history calls decided is what was.
func blocks(prev float64, r *models.Result, threshold float64) bool {
	return r.OverVolume || min(prev, r.Score) >= threshold || r.Score >= threshold+strongMargin
}
