package detector

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
)

func TestCampaignMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, nil, nil, nil)
	now := time.Now()
	m.decision(&decision.Decision{Action: decision.ActionBlock, Rule: decision.RuleCampaign, Campaign: "failing_addresses-1-x", TS: now,
		Reasons: []decision.Reason{{Feature: campaign.ChannelFailures.Feature()}}}, blocklist.Stored, now)
	m.decision(&decision.Decision{Action: decision.ActionBlock, TS: now, Reasons: []decision.Reason{{Feature: "rate"}}}, blocklist.Stored, now)
	// A member the breaker refused is not a member in force.
	m.decision(&decision.Decision{Action: decision.ActionBlock, Rule: decision.RuleCampaign, Campaign: "failing_addresses-1-x", TS: now,
		Reasons: []decision.Reason{{Feature: campaign.ChannelFailures.Feature()}}}, blocklist.RefusedBreaker, now)
	m.campaignStats(campaign.Stats{Established: 2})
	m.campaignStats(campaign.Stats{Established: 2}) // published again: no change
	m.campaignStats(campaign.Stats{Established: 3})
	if got := value(t, m.campaignMembers); got != 1 {
		t.Errorf("campaign members %v, want 1 (the other decision was a score)", got)
	}
	if got := value(t, m.campaigns); got != 3 {
		t.Errorf("campaigns %v, want 3", got)
	}
	if got := value(t, m.decisions.WithLabelValues(decision.ActionBlock, campaign.ChannelFailures.Feature(), "stored")); got != 1 {
		t.Errorf("stored decisions by the failing-addresses reason %v, want 1", got)
	}
	if got := value(t, m.decisions.WithLabelValues(decision.ActionBlock, campaign.ChannelFailures.Feature(), "refused_breaker")); got != 1 {
		t.Errorf("refused decisions by the failing-addresses reason %v, want 1", got)
	}
}

func value(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var out dto.Metric
	if err := c.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetCounter().GetValue()
}
