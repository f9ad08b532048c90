package detector

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/models"
)

// Metrics are the online detector's Prometheus metrics. No metric carries a
// client identity as a label.
type Metrics struct {
	consumed, parsed, malformed, committed prometheus.Counter
	warmed                                 prometheus.Counter
	score                                  prometheus.Histogram
	decisions                              *prometheus.CounterVec
	storeErrors                            prometheus.Counter
	storeLatency                           prometheus.Histogram
	processingDelay                        prometheus.Histogram
	modelThreshold                         prometheus.Gauge
	modelInfo                              *prometheus.GaugeVec
	campaigns, campaignMembers             prometheus.Counter
	campaignsSeen                          int64
}

// NewMetrics registers the detector's metrics with reg. tracked and lag,
// when not nil, are read at scrape time.
func NewMetrics(reg prometheus.Registerer, tracked func() float64, lag func() float64, ready func() bool) *Metrics {
	m := &Metrics{
		consumed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portcullis_detector_events_consumed_total", Help: "Messages read from Kafka."}),
		parsed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portcullis_detector_events_parsed_total", Help: "Messages parsed into access-log records."}),
		malformed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portcullis_detector_events_malformed_total", Help: "Messages skipped because they could not be parsed."}),
		committed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portcullis_detector_events_committed_total", Help: "Messages whose offsets were committed after their decisions were stored."}),
		warmed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portcullis_detector_events_warmed_total", Help: "Messages read again from before a partition's committed offset to warm its clients' state (their decisions were stored before)."}),
		score: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portcullis_detector_score", Help: "Surprise (-log10 of the share of training clients as unusual) of judgements unusual enough to consult the forest.",
			Buckets: prometheus.LinearBuckets(1, 0.5, 16)}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portcullis_detector_decisions_total", Help: "Decisions taken, by action, by the signal that drove them, and by outcome: stored, simulated (dry run), or refused by the blocklist (refused_allowlisted, refused_breaker, refused_cap)."},
			[]string{"action", "reason", "outcome"}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portcullis_detector_store_errors_total", Help: "Failed attempts to store decisions (each is retried)."}),
		storeLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portcullis_detector_store_latency_seconds", Help: "Time to store a batch of decisions.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		processingDelay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portcullis_detector_processing_delay_seconds", Help: "From the event time of the event that triggered a decision to the decision stored.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}),
		modelThreshold: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "portcullis_detector_model_threshold", Help: "Threshold of the model in use."}),
		modelInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "portcullis_detector_model_info", Help: "1 for the model in use, by its id (one series at a time)."}, []string{"model"}),
	}
	m.campaigns = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "portcullis_detector_campaigns_total", Help: "Campaigns over many addresses confirmed (an endpoint's departure shared by enough clients)."})
	m.campaignMembers = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "portcullis_detector_campaign_members_total", Help: "Decisions stored that block a client as a member of a campaign."})
	reg.MustRegister(m.campaigns, m.campaignMembers)
	reg.MustRegister(m.consumed, m.parsed, m.malformed, m.committed, m.warmed, m.score, m.decisions,
		m.storeErrors, m.storeLatency, m.processingDelay, m.modelThreshold, m.modelInfo)
	if tracked != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_detector_clients_tracked", Help: "Clients whose state the detector holds."}, tracked))
	}
	if lag != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_detector_consumer_lag", Help: "Messages behind the end of the assigned partitions."}, lag))
	}
	if ready != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_detector_ready", Help: "1 when the detector consumes and its store answers."}, func() float64 {
			if ready() {
				return 1
			}
			return 0
		}))
	}
	// Reasons are signal names: a bounded label set, created up front so
	// dashboards see zeros rather than gaps.
	for _, s := range append(models.SignalNames(), campaign.Features()...) {
		for _, r := range outcomes {
			m.decisions.WithLabelValues(decision.ActionBlock, s, outcomeLabel(r))
		}
	}
	return m
}

func (m *Metrics) observeJudgement(_ *Client, _ int64, _ *features.Vector, r *models.Result, _ bool) {
	if r.Scored {
		m.score.Observe(r.Score)
	}
}

// outcomes are what the blocklist can do with a decision.
var outcomes = []blocklist.Result{blocklist.Stored, blocklist.Simulated, blocklist.RefusedAllowlisted, blocklist.RefusedBreaker, blocklist.RefusedCap}

// outcomeLabel names what became of a decision: stored, simulated, or
// refused_ and the refusal's reason.
func outcomeLabel(r blocklist.Result) string {
	switch r {
	case blocklist.Stored, blocklist.Simulated:
		return r.String()
	}
	return "refused_" + r.String()
}

// decision counts d by what the blocklist did with it (r), at time stored.
// Only decisions in force (or simulated) count as campaign members and
// toward the processing delay.
func (m *Metrics) decision(d *decision.Decision, r blocklist.Result, stored time.Time) {
	reason := "none"
	if len(d.Reasons) > 0 {
		reason = d.Reasons[0].Feature
	}
	m.decisions.WithLabelValues(d.Action, reason, outcomeLabel(r)).Inc()
	if r != blocklist.Stored && r != blocklist.Simulated {
		return
	}
	if d.Rule == decision.RuleCampaign {
		m.campaignMembers.Inc()
	}
	m.processingDelay.Observe(stored.Sub(d.TS).Seconds())
}

func (m *Metrics) setModel(model *models.Model) {
	m.modelThreshold.Set(model.Threshold)
	m.modelInfo.Reset()
	m.modelInfo.WithLabelValues(model.ID).Set(1)
}

// campaignStats brings the campaigns counter up to the pipeline's count.
func (m *Metrics) campaignStats(st campaign.Stats) {
	if d := st.Established - m.campaignsSeen; d > 0 {
		m.campaigns.Add(float64(d))
		m.campaignsSeen = st.Established
	}
}
