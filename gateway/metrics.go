package gateway

import "github.com/prometheus/client_golang/prometheus"

// metrics are the gateway's; no label holds a client identity.
type metrics struct {
	requests    *prometheus.CounterVec
	blocked     *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	// authFailLimited counts requests refused for too many failed
	// authentications.
	authFailLimited *prometheus.CounterVec
	limits          *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	logDropped      prometheus.Counter
	logSent         prometheus.Counter
	upstreamErr     *prometheus.CounterVec
	failMode        *prometheus.GaugeVec
	// tunnelsClosed counts WebSocket tunnels closed because their client
	// became blocked.
	tunnelsClosed *prometheus.CounterVec
	// checks counts blocklist checks by result; the three children are
	// resolved once, so the data path does no label lookup.
	checks                                      *prometheus.CounterVec
	checkAllowed, checkBlocked, checkFailClosed prometheus.Counter
	// actions counts the requests of decisions other than a block, by
	// route, action enforced and result (passed or refused).
	actions *prometheus.CounterVec

	// wouldRefuse and learnedRefused count the requests past a learned
	// limit (learned.go), in log and in enforce mode; their labels are
	// the limits' method and path template, from the config or the file
	// it names, never from requests.
	wouldRefuse, learnedRefused *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_requests_total",
			Help: "Requests by route and status code; route is \"none\" when no route matched or the request was refused before matching."}, []string{"route", "code"}),
		blocked: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_blocked_total",
			Help: "Requests refused by the blocklist check, by reason: blocked (a decision) or fail_closed (a stale view with fail mode closed)."}, []string{"route", "reason"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_rate_limited_total",
			Help: "Requests refused by the route's per-client rate limit."}, []string{"route"}),
		authFailLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_auth_failures_limited_total",
			Help: "Requests refused with 429 because their client failed to authenticate on the route too often (auth_failures)."}, []string{"route"}),
		wouldRefuse: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_ratelimit_would_refuse_total",
			Help: "Requests past a learned per-endpoint limit in log mode (rate_limits.mode log): let through, counted by the limit's method, path template and class of client (anonymous or keyed)."}, []string{"method", "path", "class"}),
		learnedRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_ratelimit_learned_refused_total",
			Help: "Requests refused with 429 by a learned per-endpoint limit (rate_limits.mode enforce), by the limit's method, path template and class of client."}, []string{"method", "path", "class"}),
		limits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_limit_rejections_total",
			Help: "Requests refused by an input limit: body, url or header."}, []string{"limit"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "portcullis_gateway_request_duration_seconds",
			Help: "Time from receiving a request to the end of its response.", Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12)}, []string{"route"}),
		logDropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "portcullis_gateway_access_log_dropped_total",
			Help: "Access-log records dropped: the buffer was full or the sink failed."}),
		logSent: prometheus.NewCounter(prometheus.CounterOpts{Name: "portcullis_gateway_access_log_sent_total",
			Help: "Access-log records the sink accepted."}),
		upstreamErr: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_upstream_errors_total",
			Help: "Proxied requests that failed at the upstream (unreachable, timed out, broken response)."}, []string{"route"}),
		failMode: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "portcullis_gateway_route_fail_mode",
			Help: "1 for each route's blocklist fail mode (open or closed), applied when the check's view is stale."}, []string{"route", "mode"}),
		tunnelsClosed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_tunnels_closed_total",
			Help: "WebSocket tunnels closed because their client became blocked while they were open."}, []string{"route"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_blocklist_checks_total",
			Help: "Requests the blocklist check let through (allowed) or refused: blocked (a decision), throttled (a throttle decision's rate passed), challenged (a challenge served), or fail_closed (a stale view with fail mode closed)."}, []string{"result"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_blocklist_actions_total",
			Help: "Requests of clients under a decision other than a block, by route, action enforced (throttle, challenge, log) and result: passed, or refused (429 past a throttle's rate, or the challenge page)."}, []string{"route", "action", "result"}),
	}
	m.checkAllowed = m.checks.WithLabelValues("allowed")
	m.checkBlocked = m.checks.WithLabelValues("blocked")
	m.checkFailClosed = m.checks.WithLabelValues("fail_closed")
	return m
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.requests, m.blocked, m.rateLimited, m.limits, m.duration, m.logDropped, m.logSent, m.upstreamErr, m.checks, m.failMode, m.tunnelsClosed, m.authFailLimited, m.actions, m.wouldRefuse, m.learnedRefused}
}
