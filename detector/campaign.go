package detector

import (
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// campaigns is a Pipeline's campaign detection: the aggregates kept beside
// the client table, the trainer fed during the first pass of Train, and
// the decisions about members found when a campaign is confirmed, which
// Process cannot return at once.
type campaigns struct {
	cfg     campaign.Config
	tr      *campaign.Tracker
	learn   *campaign.Trainer
	pending []*decision.Decision
}

func newCampaigns(cfg campaign.Config, m *models.Model) *campaigns {
	if cfg.Disabled {
		return nil
	}
	cfg = cfg.WithDefaults()
	return &campaigns{cfg: cfg, tr: campaign.NewTracker(cfg, campaignNorms(m))}
}

func campaignNorms(m *models.Model) *campaign.Norms {
	if m == nil {
		return nil
	}
	return m.Campaigns
}

// campaignEvent folds rec into the campaign aggregates and returns a
// decision when the client acts within an established campaign. It runs
// for every event, after the client's allowlist and baseline are known.
func (p *Pipeline) campaignEvent(c *Client, rec *ingest.Record) *decision.Decision {
	k := p.camps
	if k == nil {
		return nil
	}
	s := &c.Ext
	tmpl, path := c.Latest()
	s.camp.Trying = len(rec.APIKey) > 0 && c.KeyChanges() >= 2
	ev := k.tr.ObserveHashed(rec, tmpl, path, c.Paced(), c.Rekeyed(), &s.camp, s.allowed || s.ident != nil)
	if k.learn != nil {
		k.learn.Observe(rec.TS, &ev, rec.Method, rec.Path, rec.ReqBytes, c.Key())
	}
	cp := ev.Campaign
	if cp == nil || p.model == nil {
		return nil
	}
	if ev.Opened {
		p.sweepCampaign(cp, rec.TS)
	}
	// A client already blocked on its own judgement is loud enough to need
	// no campaign; counting it would let a few such clients on one route
	// make a campaign of the next quiet client there. An address several
	// signed-in people use (features.Client.Shared) is a crowd of real
	// sessions, not one address of a campaign; each is still judged on its
	// own signals, per person.
	if p.outOfCampaigns(s) || rec.TS < s.blockedUntil || notOf(c, cp) || !cp.Acts(&s.camp, &ev) || p.lagging(c, cp) || p.unfit(c, cp) {
		return nil
	}
	if cp.Established == 0 {
		if s.camp.Seq != cp.Seq {
			s.camp.Seq = cp.Seq
			cp.Candidates = append(cp.Candidates, c.Key())
		}
		if len(cp.Candidates) < k.cfg.MinMembers {
			return nil
		}
		p.establish(cp, c, rec.TS)
	}
	if s.camp.Seq != cp.Seq || cp.Members == 0 {
		// A member that joins after the campaign was confirmed; the
		// candidates were counted when it was.
		s.camp.Seq = cp.Seq
		cp.Join(&s.camp)
		cp.NotePace(pace(c))
	}
	return p.member(c, cp, rec.TS)
}

// outOfCampaigns says the client whose state is s is kept out of
// campaigns: allowlisted, or judged against its own history from training.
// While training calibrates, a recurring client is a member like any
// other, so that its refusals leave the tails of refusals with the rest of
// its campaign's (see calibrateOn): addresses of a flood or of a payee
// lookup that recur through the training day have baselines of their own.
func (p *Pipeline) outOfCampaigns(s *clientState) bool {
	return s.allowed || s.ident != nil && p.calibrating == nil
}

// lagging says c falls behind the pace of the members of cp, a repeaters
// campaign (see campaign.Campaign.KeepsPace): a person polling the page a
// flood hammers, not one more address of the flood. While training
// calibrates it is not asked: a slow address of a flood in training is
// still one of it, left out of the refusal tails with the others.
func (p *Pipeline) lagging(c *Client, cp *campaign.Campaign) bool {
	return p.calibrating == nil && !cp.KeepsPace(pace(c))
}

// unfit says c's address is of a family (IPv4 or IPv6) that cp's members
// so far hardly have (see campaign.Campaign.Fits): one of the crowd
// beside the campaign. While training calibrates it is not asked, as
// lagging is not: every address of a campaign in training is left out of
// the tails, and so of the norms its departures are judged against.
func (p *Pipeline) unfit(c *Client, cp *campaign.Campaign) bool {
	return p.calibrating == nil && !cp.Fits(&c.Ext.camp)
}

// holdToPace joins the candidates keep of cp, just confirmed, and returns
// those it joined: all of them, but a flood's candidates that lag behind
// the pace of all of them (see lagging), as later members are held to it,
// since the people polling the page a flood hammers are found with its
// addresses. cur, the client whose request confirmed cp, is joined
// whatever its pace (the caller decides about it). It reuses keep.
func (p *Pipeline) holdToPace(cp *campaign.Campaign, keep []*Client, cur *Client) []*Client {
	for _, c := range keep {
		cp.NotePace(pace(c))
	}
	joined := keep[:0]
	for _, c := range keep {
		if c != cur && p.lagging(c, cp) {
			c.Ext.camp.Seq = 0 // counted if it acts again
			continue
		}
		cp.Join(&c.Ext.camp)
		joined = append(joined, c)
	}
	return joined
}

// pace returns the client's mean request rate since its first request,
// in requests a second.
func pace(c *Client) float64 {
	span := max(float64(c.Last()-c.First())/1e9, paceMinSpan)
	return float64(c.Events()) / span
}

// paceMinSpan is the least span pace divides by, in seconds.
const paceMinSpan = 5.0

// crowd returns by how much the site is busier than usual at ts, as the
// campaign aggregates see it (campaign.Tracker.Crowd), 1 without them.
func (p *Pipeline) crowd(ts int64) float64 {
	if p.camps == nil {
		return 1
	}
	return p.camps.tr.Crowd(ts)
}

// brokenKey says c is an integration by its API key (models.Keyed) that
// keeps to its key (at most one change among its last requests), and cp a
// campaign of failures: clients that present a key and fail together on
// one endpoint are integrations whose key the site stopped taking (an
// outage, a rotation), not guessers, who vary what they present. Each
// is still judged on its own signals. A client presenting another key on
// request after request is trying keys, and is no integration here (on a
// SaaS's recordings, a campaign spraying stolen tokens, one new key a
// request from each of 20 to 98 addresses, was left out whole).
func brokenKey(c *Client, cp *campaign.Campaign) bool {
	return cp.Channel == campaign.ChannelFailures && models.Keyed(c.Keyed()) && c.KeyChanges() <= 1
}

// notOf says c, whatever it shares with cp, is none of its addresses: an
// integration whose key the site stopped taking (brokenKey), an address
// several signed-in people use (features.Client.Shared), a person
// reloading a page (reloading). Both the members a campaign finds as it
// goes and those its sweep finds are held to it.
func notOf(c *Client, cp *campaign.Campaign) bool {
	return brokenKey(c, cp) || c.Shared() || reloading(c, cp)
}

// reloading says c revalidates what its cache holds (features.Client.
// Revalidating) and cp is a repeaters campaign: a person reloading the
// page a crowd or a flood is on, not one more address of a flood, which
// is served in full. Each is still judged on its own signals. On the
// forum model, readers of a viral thread reloading it every few seconds
// made a repeaters campaign of their own (88 blocked on two sites).
func reloading(c *Client, cp *campaign.Campaign) bool {
	return cp.Channel == campaign.ChannelRepeaters && c.Revalidating()
}

// sweepCampaign finds the clients that drove cp's departure before it was
// seen: a walk over the client table, once per campaign opened.
func (p *Pipeline) sweepCampaign(cp *campaign.Campaign, ts int64) {
	p.table.Each(func(c *Client) {
		s := &c.Ext
		if !s.checked || p.outOfCampaigns(s) || s.camp.Seq == cp.Seq || ts < s.blockedUntil || notOf(c, cp) {
			return
		}
		if cp.Shared(&s.camp, c.Last()) {
			s.camp.Seq = cp.Seq
			cp.Candidates = append(cp.Candidates, c.Key())
		}
	})
}

// establish confirms cp and blocks the candidates found so far but cur,
// which the caller decides about.
func (p *Pipeline) establish(cp *campaign.Campaign, cur *Client, ts int64) {
	// Candidates are checked as the pending campaign found them: one that
	// got in or moved on since is left to its own signals.
	keep := make([]*Client, 0, len(cp.Candidates))
	for _, key := range cp.Candidates {
		c := p.table.Lookup([]byte(key))
		if c == nil {
			continue // evicted since
		}
		if ts < c.Ext.blockedUntil {
			continue // blocked on its own judgement since it was found
		}
		if c != cur && !cp.Still(&c.Ext.camp) {
			// Got in, or moved on, since it was found: no longer its
			// candidate, so that it is counted if it acts again.
			c.Ext.camp.Seq = 0
			continue
		}
		keep = append(keep, c)
	}
	p.camps.tr.Establish(cp, ts)
	for _, c := range p.holdToPace(cp, keep, cur) {
		if c == cur {
			continue // the caller decides about it
		}
		if d := p.member(c, cp, ts); d != nil {
			p.camps.pending = append(p.camps.pending, d)
		}
	}
}

// member blocks c as a member of cp. While training calibrates, it
// returns nil instead, and marks c a member (see calibrateOn): a campaign
// is an attack whose members fatten the refusal signals' tails, a flood's
// as much as stuffing's where the flood writes and the site refuses it for
// its pace (429) or its credentials (401).
func (p *Pipeline) member(c *Client, cp *campaign.Campaign, ts int64) *decision.Decision {
	if p.calibrating == nil && c.Ext.camp.Retrying() {
		// A person retrying their own password: a member, blocked at
		// its next failure if it comes (campaign.Member.Retrying).
		return nil
	}
	if p.calibrating != nil {
		// Not blocked: a client calibration keeps goes on being
		// measured to its peak.
		if c.Ext.peaks == nil {
			c.Ext.peaks = &peakStats{}
		}
		c.Ext.peaks.member = true
		return nil
	}
	c.Ext.blockedUntil = ts + p.ttl
	p.stats.Decisions++
	d := &decision.Decision{
		Client:         c.Key(),
		Scope:          c.Scope(),
		TS:             time.Unix(0, ts).UTC(),
		Action:         p.cfg.Policy.campaignAction(),
		Threshold:      round(p.model.Threshold, 4),
		TTLSec:         p.ttl / int64(time.Second),
		Model:          p.model.ID,
		Origin:         decision.OriginCampaign,
		Events:         c.Events(),
		Simulated:      p.cfg.Policy.DryRun,
		Rule:           decision.RuleCampaign,
		Campaign:       cp.ID,
		CampaignReason: cp.Reason(),
		Reasons: []decision.Reason{{Feature: cp.Channel.Feature(), Value: round(cp.Value, 2),
			Typical: round(cp.Typical, 2), Limit: round(cp.Limit, 2)}},
	}
	if limited(d.Action) {
		d.Limit = p.cfg.Policy.throttleRate(p.model.Volume.Peak)
	}
	return d
}

// Pending appends to out the decisions about campaign members found when
// their campaign was confirmed, after the event Process returned for, and
// forgets them. Call it after every Process.
func (p *Pipeline) Pending(out []*decision.Decision) []*decision.Decision {
	if p.camps == nil || len(p.camps.pending) == 0 {
		return out
	}
	out = append(out, p.camps.pending...)
	clear(p.camps.pending)
	p.camps.pending = p.camps.pending[:0]
	return out
}

// Campaigns returns the campaigns confirmed so far.
func (p *Pipeline) Campaigns() []campaign.Summary {
	if p.camps == nil {
		return nil
	}
	return p.camps.tr.Summaries()
}

// CampaignStats returns counters of the campaign aggregates.
func (p *Pipeline) CampaignStats() campaign.Stats {
	if p.camps == nil {
		return campaign.Stats{}
	}
	return p.camps.tr.Stats()
}
