package detector

import (
	"testing"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/models"
)

// While training calibrates, the members of every campaign, a flood's as
// well as stuffing's, and recurring clients among them, are marked so that
// calibrateOn leaves them out of the tails of refusals; online, a client
// judged against its own history stays out of campaigns and a member is
// blocked, not marked.
func TestCalibrationMarksEveryCampaignsMembers(t *testing.T) {
	p, err := NewPipeline(Config{}, &models.Model{})
	if err != nil {
		t.Fatal(err)
	}
	known := clientState{ident: &models.IdentityBaseline{}}
	allowed := clientState{allowed: true}
	if !p.outOfCampaigns(&known) || !p.outOfCampaigns(&allowed) {
		t.Error("online, a recurring or allowlisted client may join a campaign")
	}
	p.calibrating = func(*Client, *features.Vector, float64, bool) {}
	if p.outOfCampaigns(&known) {
		t.Error("while calibrating, a recurring client is kept out of campaigns: its refusals stay in the tails")
	}
	if !p.outOfCampaigns(&allowed) {
		t.Error("while calibrating, an allowlisted client may join a campaign")
	}
	for _, ch := range []campaign.Channel{campaign.ChannelFailures, campaign.ChannelRepeaters} {
		c := &Client{}
		if d := p.member(c, &campaign.Campaign{Channel: ch}, 1); d != nil {
			t.Errorf("channel %v: a decision while calibrating: %+v", ch, d)
		}
		if c.Ext.peaks == nil || !c.Ext.peaks.member {
			t.Errorf("channel %v: the member is not marked", ch)
		}
	}
}

// Training's second pass finds campaigns at half the detector's factor,
// never under the least factor a configuration may set.
func TestCalibrationConfigHalvesTheFactor(t *testing.T) {
	for _, tt := range []struct{ set, want float64 }{{0, 1.5}, {3, 1.5}, {5, 2.5}, {2, 1.5}} {
		var cfg Config
		cfg.Campaign.Factor = tt.set
		if got := calibrationConfig(cfg).Campaign.Factor; got != tt.want {
			t.Errorf("factor %v: calibration at %v, want %v", tt.set, got, tt.want)
		}
		if cfg.Campaign.Factor != tt.set {
			t.Errorf("calibrationConfig changed its argument's factor to %v", cfg.Campaign.Factor)
		}
	}
}
