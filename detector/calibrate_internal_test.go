package detector

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
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

// When a flood is confirmed, its candidates that lag behind the pace of
// all of them are not joined (people polling the page it hammers); the
// client whose request confirmed it is joined whatever its pace, and a
// failures campaign's candidates are all joined. While training calibrates
// nobody is held to a pace.
func TestConfirmedFloodHoldsCandidatesToItsPace(t *testing.T) {
	p, err := NewPipeline(Config{}, &models.Model{})
	if err != nil {
		t.Fatal(err)
	}
	clients := func() (flood []*Client, fans []*Client) {
		add := func(ip string, n int, every time.Duration) *Client {
			var c *Client
			for i := range n {
				c = p.table.Observe([]byte(ip), "ip", &ingest.Record{TS: int64(i) * int64(every), ClientIP: []byte(ip), Method: []byte("GET"), Path: []byte("/availability"), Status: 200})
			}
			c.Ext.camp.Seq = 7
			return c
		}
		for i := range 10 {
			flood = append(flood, add(fmt.Sprintf("198.51.100.%d", i), 60, 400*time.Millisecond)) // 2.5 a second
		}
		for i := range 3 {
			fans = append(fans, add(fmt.Sprintf("203.0.113.%d", i), 12, 5*time.Second)) // 0.2 a second
		}
		return flood, fans
	}
	flood, fans := clients()
	cp := &campaign.Campaign{Channel: campaign.ChannelRepeaters, Seq: 7}
	joined := p.holdToPace(cp, append(slices.Clone(flood), fans...), fans[0])
	if len(joined) != len(flood)+1 || cp.Members != len(flood)+1 {
		t.Errorf("%d joined (%d members), want the %d flood addresses and the confirming fan", len(joined), cp.Members, len(flood))
	}
	for _, f := range fans[1:] {
		if slices.Contains(joined, f) || f.Ext.camp.Seq != 0 {
			t.Errorf("a fan at 0.2 requests a second joined a flood at 2.5 (seq %d)", f.Ext.camp.Seq)
		}
	}
	fails := &campaign.Campaign{Channel: campaign.ChannelFailures, Seq: 7}
	if n := len(p.holdToPace(fails, append(slices.Clone(flood), fans...), nil)); n != len(flood)+len(fans) {
		t.Errorf("%d of %d candidates of a failures campaign joined, want all", n, len(flood)+len(fans))
	}
	p.calibrating = func(*Client, *features.Vector, float64, bool) {}
	flood, fans = clients()
	cal := &campaign.Campaign{Channel: campaign.ChannelRepeaters, Seq: 7}
	if n := len(p.holdToPace(cal, append(slices.Clone(flood), fans...), nil)); n != len(flood)+len(fans) {
		t.Errorf("calibrating: %d of %d candidates of a flood joined, want all", n, len(flood)+len(fans))
	}
}
