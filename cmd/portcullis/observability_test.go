package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	jsonata "github.com/xiatechs/jsonata-go"
	"go.yaml.in/yaml/v3"

	"github.com/portcullis/portcullis/deploy"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/portcullis/portcullis/internal/promtest"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"

	"github.com/portcullis/portcullis/httpreplay"
)

// observedStack is a detector and a gateway on generated traffic, scraped by a
// real prometheus that runs the shipped config and alert rules.
type observedStack struct {
	prom                  *promtest.Server
	detectAdmin, gwAdmin  string
	redisAddr, keyPrefix  string
	adminToken            string // the detector's review API token
	trafficStart, settled time.Time
}

// startObservedStack starts kfake, redis-server, an echoing upstream, the
// detector and the gateway (as portcullis detect and portcullis gateway),
// and prometheus with deploy/prometheus/prometheus.yml, its targets
// pointed at the two admin listeners, scraping every second. It then
// drives generated traffic (normal clients and attackers) through the
// gateway, plus a brute-forcer sure to be blocked and a few malformed
// messages, and returns once Prometheus holds blocks and their
// propagation, and traffic has run for at least minTraffic. Everything
// stops when the test ends.
func startObservedStack(t *testing.T, minTraffic time.Duration) *observedStack {
	p := shared(t)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "access"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	s := &observedStack{redisAddr: redistest.Start(t), keyPrefix: "obs:"}
	upstream := httptest.NewServer(http.HandlerFunc(httpreplay.EchoHandler))
	t.Cleanup(upstream.Close)

	dir := t.TempDir()
	s.adminToken = "obs-review-token-0123456789"
	tokenFile := filepath.Join(dir, "admin.token")
	writeFile(t, tokenFile, []byte(s.adminToken+"\n"))
	detectCfg := filepath.Join(dir, "detect.yaml")
	writeFile(t, detectCfg, []byte(fmt.Sprintf(`model: %s
kafka: {brokers: [%s], topic: access, group: obs, start: earliest, max_wait: 200ms, heartbeat_interval: 300ms, session_timeout: 6s}
redis: {addrs: [%s], key_prefix: %q}
admin: {listen: "127.0.0.1:0", token_file: %s}
batch: {flush_interval: 50ms}
`, p.path("m.pcm"), brokers, s.redisAddr, s.keyPrefix, tokenFile)))
	gwCfg := filepath.Join(dir, "gateway.yaml")
	writeFile(t, gwCfg, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
trusted_proxies: [127.0.0.1]
api_key_header: X-API-Key
user_header: X-User
routes:
  - {name: api, path_prefix: /, upstreams: [%s]}
access_log: {enabled: true}
blocklist:
  redis: {addrs: [%s], key_prefix: %q}
  fail_mode: open
  max_staleness: 10s
kafka: {brokers: [%s], topic: access, batch_timeout: 5ms}
rate_limits: {learned: %s, mode: log}
`, upstream.URL, s.redisAddr, s.keyPrefix, brokers, p.path("m.pcm"))))

	s.detectAdmin = startDetect(t, detectCfg, nil).Addr()
	gw := startGateway(t, gwCfg, nil, false)
	gwListen := gw.Addr()
	s.gwAdmin = gw.AdminAddr()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	waitFor(t, "the gateway and the detector to listen", 15*time.Second, func() bool {
		return strings.Contains(httpGet(t, "http://"+s.gwAdmin+"/healthz"), "{") &&
			strings.Contains(httpGet(t, "http://"+s.detectAdmin+"/healthz"), "ok")
	})

	s.prom = promtest.Start(t, prometheusConfig(t, map[string]string{
		"portcullis-detector": s.detectAdmin,
		"portcullis-gateway":  s.gwAdmin,
	}))

	// Traffic: generated clients, a tenth of them attackers,
	// in real time; a brute-forcer from the start; and malformed messages
	// written straight to the topic, as a broken producer would.
	s.trafficStart = time.Now()
	wg.Add(2)
	go func() {
		defer wg.Done()
		out, err := execute(ctx, "drive", "--gateway", "http://"+gwListen, "--clients", "150", "--minutes", "2",
			"--rounds", "1", "--seed", "7", "--attack-share", "0.1", "--workers", "16")
		if err != nil {
			t.Errorf("drive: %v\n%s", err, out.stderr)
		}
	}()
	go func() {
		defer wg.Done()
		client := &http.Client{Timeout: 5 * time.Second}
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+gwListen+"/login", strings.NewReader(`{"user":"admin","password":"guess"}`))
			req.Header.Set("X-Forwarded-For", "203.0.113.66")
			req.Header.Set("User-Agent", "python-requests/2.31.0")
			req.Header.Set(httpreplay.StatusHeader, "401")
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	w, err := kafka.NewProducer(kafka.Config{Brokers: cluster.ListenAddrs(), Topic: "access", BatchTimeout: 5 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range 5 {
		if err := w.Write(ctx, ingest.Message{Key: []byte("broken"), Value: []byte(fmt.Sprintf("not json %d", i))}); err != nil {
			t.Fatalf("writing malformed messages: %v", err)
		}
	}

	// Prometheus holds what every panel needs once blocks have been
	// stored and pushed, and a few more scrapes have followed.
	waitFor(t, "blocks and their propagation in Prometheus", 45*time.Second, func() bool {
		got, err := s.prom.Query(t.Context(), `sum(portcullis_gateway_blocklist_propagation_seconds_count) > 0 and sum(portcullis_detector_decisions_total{action="block"}) > 0`, time.Time{})
		return err == nil && len(got) == 1
	})
	time.Sleep(max(0, minTraffic-time.Since(s.trafficStart)))
	s.settled = time.Now()
	return s
}

// prometheusConfig returns deploy/prometheus/prometheus.yml with the
// targets of each job replaced by targets[job], a one-second scrape and
// evaluation interval, and the rules file read from this checkout. Jobs
// not in targets are dropped.
func prometheusConfig(t *testing.T, targets map[string]string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", deploy.PrometheusFile))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Global        map[string]any   `yaml:"global"`
		RuleFiles     []string         `yaml:"rule_files"`
		ScrapeConfigs []map[string]any `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Global["scrape_interval"], cfg.Global["evaluation_interval"] = "1s", "1s"
	if len(cfg.RuleFiles) != 1 || filepath.Base(cfg.RuleFiles[0]) != filepath.Base(deploy.RulesFile) {
		t.Fatalf("prometheus.yml loads rules %v; want only %s", cfg.RuleFiles, filepath.Base(deploy.RulesFile))
	}
	rules, _ := filepath.Abs(filepath.Join("..", "..", "deploy", deploy.RulesFile))
	cfg.RuleFiles = []string{rules}
	var kept []map[string]any
	found := map[string]bool{}
	for _, sc := range cfg.ScrapeConfigs {
		job, _ := sc["job_name"].(string)
		addr, ok := targets[job]
		if !ok {
			continue
		}
		found[job] = true
		sc["static_configs"] = []map[string]any{{"targets": []string{addr}}}
		kept = append(kept, sc)
	}
	for job := range targets {
		if !found[job] {
			t.Fatalf("prometheus.yml has no job %s", job)
		}
	}
	cfg.ScrapeConfigs = kept
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// dashboardVars are the values the test gives the dashboard's variables:
// the All values of job and instance, and Grafana's built-in intervals as
// Grafana would compute them for a one-second scrape over the test's
// minute.
func dashboardVars(d *deploy.Dashboard, rng time.Duration) map[string]string {
	vars := map[string]string{"__rate_interval": "10s", "__interval": "1s",
		"__range": strconv.Itoa(int(math.Ceil(rng.Seconds()))) + "s"}
	for _, v := range d.Templating.List {
		vars[v.Name] = v.AllValue
	}
	return vars
}

// TestDashboardAndAlertsAgainstPrometheus evaluates every query of the
// dashboard and every alert rule against a real prometheus that scrapes a
// detector and a gateway on generated traffic.
//
// Dashboard queries: each Prometheus target, with $job and $instance set
// to their All values and $__rate_interval and $__range to what Grafana
// would use, must parse and return at least one series with a number (not
// only NaN). A few panels are checked for what the traffic implies: the
// detector is ready, the breaker closed, blocks happened and reached the
// gateway (how fast is for benchmarks to say). The template variables' label_values
// queries must find both jobs.
//
// Alert rules: prometheus loads the shipped rules file and must report
// every rule healthy after evaluating it; an alert's expression is a
// condition, usually false on healthy traffic, so each comparison in it
// (see deploy.Conditions) has its sides evaluated apart, and every side
// that is not a number must return series: a misspelled metric or label
// returns nothing and fails. No alert may fire on this healthy run.
//
// The Infinity table reads the detector's review API, not Prometheus: its
// URL is fetched from this detector with the token, and its root selector
// must give rows with every column.
func TestDashboardAndAlertsAgainstPrometheus(t *testing.T) {
	traffic := 20 * time.Second
	if *dashboardPNG != "" {
		traffic = 100 * time.Second // longer lines for the picture
	}
	s := startObservedStack(t, traffic)
	ctx := t.Context()
	d, err := deploy.LoadDashboard()
	if err != nil {
		t.Fatal(err)
	}
	vars := dashboardVars(d, time.Since(s.trafficStart))

	t.Run("both targets are scraped", func(t *testing.T) {
		ts, err := s.prom.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range ts {
			if tg.Health != "up" {
				t.Errorf("target %s (%s) is %s: %s", tg.Labels["job"], tg.ScrapeURL, tg.Health, tg.LastError)
			}
		}
		if len(ts) != 2 {
			t.Errorf("%d targets; want the detector and the gateway", len(ts))
		}
	})

	t.Run("the template variables find the detector and the gateway", func(t *testing.T) {
		for _, v := range d.Templating.List {
			def := deploy.Expand(v.Definition, vars)
			sel, label, ok := parseLabelValues(def)
			if !ok {
				t.Errorf("variable %s: %q is not label_values(selector, label)", v.Name, def)
				continue
			}
			got, err := s.prom.LabelValues(ctx, sel, label)
			if err != nil || len(got) < 2 {
				t.Errorf("variable %s: label_values(%s, %s) = %v, %v; want the detector's and the gateway's", v.Name, sel, label, got, err)
			}
			t.Logf("variable %s: %v", v.Name, got)
		}
	})

	values := map[string]float64{} // panel title / legend -> first value
	t.Run("every dashboard query returns numbers", func(t *testing.T) {
		n := 0
		for _, p := range d.AllPanels() {
			for _, tg := range p.Targets {
				if tg.Datasource == nil || tg.Datasource.Type != "prometheus" {
					continue
				}
				n++
				expr := deploy.Expand(tg.Expr, vars)
				got, err := s.prom.Query(ctx, expr, s.settled)
				if err != nil {
					t.Errorf("%q %s: %v\n%s", p.Title, tg.RefID, err, expr)
					continue
				}
				if len(got) == 0 {
					t.Errorf("%q %s returned nothing\n%s", p.Title, tg.RefID, expr)
					continue
				}
				if !slices.ContainsFunc(got, func(x promtest.Sample) bool { return !math.IsNaN(x.Value) }) {
					t.Errorf("%q %s returned only NaN\n%s", p.Title, tg.RefID, expr)
					continue
				}
				values[p.Title+" "+tg.RefID] = got[0].Value
				t.Logf("%-55s %s: %d series, first %s = %.4g", p.Title, tg.RefID, len(got), labelsOf(got[0].Metric), got[0].Value)
			}
		}
		if n < 40 {
			t.Errorf("only %d Prometheus queries in the dashboard", n)
		}
	})

	t.Run("the panels say what the traffic implies", func(t *testing.T) {
		check := func(key string, ok func(float64) bool, want string) {
			t.Helper()
			v, found := values[key]
			if !found || !ok(v) {
				t.Errorf("%s = %v (found %v); want %s", key, v, found, want)
			}
		}
		check("Detector ready A", func(v float64) bool { return v == 1 }, "1")
		check("Safety breaker A", func(v float64) bool { return v == 0 }, "0 (closed)")
		check("Events per second A", func(v float64) bool { return v > 1 }, "events flowing")
		check("Blocks in the time range A", func(v float64) bool { return v >= 1 }, "at least one block")
		check("Active decisions A", func(v float64) bool { return v >= 1 }, "at least one active decision")
		// The panel must compute a propagation time; whether it meets the
		// 100 ms goal depends on the machine's load, which benchmarks
		// measure (BenchmarkOnlineDecisionDelay), not this test.
		check("Propagation p99 (goal 100 ms) A", func(v float64) bool { return v > 0 && v < 60 }, "a propagation time in seconds")
		check("Malformed share A", func(v float64) bool { return v >= 0 && v < 1 }, "a share")
		got, err := s.prom.Query(ctx, "sum(portcullis_detector_events_malformed_total)", s.settled)
		if err != nil || len(got) != 1 || got[0].Value != 5 {
			t.Errorf("malformed messages counted: %v, %v; want the 5 written", got, err)
		}
	})

	t.Run("every alert rule loads, evaluates, and reads series that exist", func(t *testing.T) {
		rules, err := deploy.LoadRules()
		if err != nil {
			t.Fatal(err)
		}
		var loaded []promtest.Rule
		testwait.Eventually(t, 10*time.Second, fmt.Sprintf("all %d alert rules loaded and healthy", len(rules)), func() (bool, string) {
			loaded, err = s.prom.Rules(ctx)
			if err == nil && len(loaded) == len(rules) && !slices.ContainsFunc(loaded, func(r promtest.Rule) bool { return r.Health != "ok" }) {
				return true, ""
			}
			return false, fmt.Sprintf("rules %+v, error %v\nprometheus log:\n%s", loaded, err, s.prom.Log())
		})
		for _, r := range loaded {
			if r.State == "firing" {
				t.Errorf("alert %s fires on a healthy run", r.Name)
			}
		}
		for _, r := range rules {
			if _, err := s.prom.Query(ctx, r.Expr, s.settled); err != nil {
				t.Errorf("%s: %v", r.Alert, err)
			}
			conds, err := deploy.Conditions(r.Expr)
			if err != nil {
				t.Errorf("%s: %v", r.Alert, err)
				continue
			}
			for _, c := range conds {
				for _, side := range []string{c.Left, c.Right} {
					if _, err := strconv.ParseFloat(side, 64); err == nil {
						continue
					}
					got, err := s.prom.Query(ctx, side, s.settled)
					switch {
					case err != nil:
						t.Errorf("%s: %s: %v", r.Alert, side, err)
					case len(got) == 0:
						t.Errorf("%s: %s returned nothing", r.Alert, side)
					default:
						t.Logf("%-32s %s %s: %d series, first %s = %.4g", r.Alert, c.Op, oneLine(side), len(got), labelsOf(got[0].Metric), got[0].Value)
					}
				}
			}
		}
	})

	t.Run("the flagged-clients table reads the live review API", func(t *testing.T) {
		var table *deploy.Target
		for _, p := range d.AllPanels() {
			for i, tg := range p.Targets {
				if tg.Datasource != nil && tg.Datasource.Type == "yesoreyeram-infinity-datasource" {
					table = &p.Targets[i]
				}
			}
		}
		if table == nil {
			t.Fatal("no panel reads the review API")
		}
		u, err := url.Parse(table.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.Host = s.detectAdmin // compose's detector:9464 is this test's detector
		req, _ := http.NewRequestWithContext(ctx, "GET", u.String(), nil)
		req.Header.Set("Authorization", "Bearer "+s.adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", u, resp.Status)
		}
		var doc any
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		e, err := jsonata.Compile(table.RootSelector)
		if err != nil {
			t.Fatalf("root selector: %v", err)
		}
		res, err := e.Eval(doc)
		if err != nil {
			t.Fatalf("root selector: %v", err)
		}
		rows, _ := res.([]any)
		if m, ok := res.(map[string]any); ok { // JSONata gives one object, not a list, for one row
			rows = []any{m}
		}
		if len(rows) == 0 {
			t.Fatalf("the table has no rows; the review API answered %v", doc)
		}
		for i, r := range rows {
			row, _ := r.(map[string]any)
			for _, c := range table.Columns {
				if _, ok := row[c.Selector]; !ok {
					t.Errorf("row %d has no %q for column %q: %v", i, c.Selector, c.Text, row)
				}
			}
		}
		t.Logf("%d flagged clients in the table; first %v", len(rows), rows[0])
	})

	if *dashboardPNG != "" {
		renderDashboard(t, s, d, vars, *dashboardPNG)
	}
}

// parseLabelValues reads Grafana's label_values(selector, label).
func parseLabelValues(q string) (selector, label string, ok bool) {
	inner, ok := strings.CutPrefix(strings.TrimSpace(q), "label_values(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return "", "", false
	}
	inner = strings.TrimSuffix(inner, ")")
	i := strings.LastIndexByte(inner, ',')
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(inner[:i]), strings.TrimSpace(inner[i+1:]), true
}

func labelsOf(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", k, m[k])
	}
	b.WriteByte('}')
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
