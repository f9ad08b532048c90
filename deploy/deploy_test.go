package deploy

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	jsonata "github.com/xiatechs/jsonata-go"
	"go.yaml.in/yaml/v3"
)

// promtool returns the path of promtool, failing the test when it is
// missing: the checks must run in CI.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is not installed (%v); install it with: apt-get install -y prometheus", err)
	}
	return p
}

func runPromtool(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(promtool(t), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestPromtoolChecksTheRulesAndTheConfig(t *testing.T) {
	out := runPromtool(t, ".", "check", "rules", RulesFile)
	rules, err := LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("SUCCESS: %d rules found", len(rules)); !strings.Contains(out, want) {
		t.Errorf("promtool check rules said %q; want %q", out, want)
	}

	// The config names the rules where the compose file mounts them; check
	// a copy that names them here.
	var cfg map[string]any
	data, err := os.ReadFile(PrometheusFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(RulesFile)
	cfg["rule_files"] = []string{abs}
	data, _ = yaml.Marshal(cfg)
	tmp := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	runPromtool(t, ".", "check", "config", tmp)
}

func TestPromtoolUnitTestsOfTheRulesPass(t *testing.T) {
	out := runPromtool(t, filepath.Dir(RulesTestFile), "test", "rules", filepath.Base(RulesTestFile))
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool test rules:\n%s", out)
	}
}

// TestEveryAlertIsTestedFiringAndSilent reads the unit tests: every alert
// must have a case where it fires and one where it must not.
func TestEveryAlertIsTestedFiringAndSilent(t *testing.T) {
	var doc struct {
		RuleFiles []string `yaml:"rule_files"`
		Tests     []struct {
			Name  string `yaml:"name"`
			Cases []struct {
				Alert string `yaml:"alertname"`
				Exp   []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	if err := decodeYAML(RulesTestFile, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.RuleFiles, []string{filepath.Base(RulesFile)}) {
		t.Errorf("the unit tests load %v; want %s", doc.RuleFiles, filepath.Base(RulesFile))
	}
	fires, silent := map[string]bool{}, map[string]bool{}
	for _, tc := range doc.Tests {
		for _, c := range tc.Cases {
			if len(c.Exp) > 0 {
				fires[c.Alert] = true
			} else {
				silent[c.Alert] = true
			}
		}
	}
	rules, err := LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Alert == "" {
			continue
		}
		if !fires[r.Alert] {
			t.Errorf("%s has no unit test where it fires", r.Alert)
		}
		if !silent[r.Alert] {
			t.Errorf("%s has no unit test where it must stay silent", r.Alert)
		}
	}
}

var metricName = regexp.MustCompile(`portcullis_[a-z0-9_]+`)

// TestEveryAlertIsAComparisonOfKnownMetrics checks what the rules file
// promises its readers and the live test: each alert reads as comparisons
// of series, with a severity, a summary and a description, and names only
// portcullis metrics the dashboard shows too.
func TestEveryAlertIsAComparisonOfKnownMetrics(t *testing.T) {
	rules, err := LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadDashboard()
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for _, p := range d.AllPanels() {
		for _, tg := range p.Targets {
			for _, m := range metricName.FindAllString(tg.Expr, -1) {
				shown[strings.TrimSuffix(strings.TrimSuffix(m, "_bucket"), "_count")] = true
			}
		}
	}
	names := map[string]bool{}
	for _, r := range rules {
		if r.Alert == "" {
			t.Errorf("rule %q is not an alert; the live test evaluates alerts only", r.Record)
			continue
		}
		if names[r.Alert] {
			t.Errorf("alert %s is defined twice", r.Alert)
		}
		names[r.Alert] = true
		if _, err := Conditions(r.Expr); err != nil {
			t.Errorf("%s: %v", r.Alert, err)
		}
		if s := r.Labels["severity"]; s != "page" && s != "warning" {
			t.Errorf("%s: severity %q; want page or warning", r.Alert, s)
		}
		if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
			t.Errorf("%s: a summary and a description are needed", r.Alert)
		}
		for _, m := range metricName.FindAllString(r.Expr, -1) {
			if !shown[strings.TrimSuffix(m, "_bucket")] {
				t.Errorf("%s reads %s, which no dashboard panel shows", r.Alert, m)
			}
		}
	}
}

func TestConditions(t *testing.T) {
	tests := []struct {
		name, expr string
		want       []Condition
	}{
		{"one comparison with a number", `max by (job) (x{a=~"b|c"}) > 0`,
			[]Condition{{`max by (job) (x{a=~"b|c"})`, ">", "0"}}},
		{"two comparisons joined by and, in parentheses", "(sum(x) > 1000)\nand\n(sum(deriv(x[10m])) > 0)",
			[]Condition{{"sum(x)", ">", "1000"}, {"sum(deriv(x[10m]))", ">", "0"}}},
		{"an expression on the right", `sum(rate(x[5m])) > 3 * sum(rate(x[1h])) + 0.05`,
			[]Condition{{"sum(rate(x[5m]))", ">", "3 * sum(rate(x[1h])) + 0.05"}}},
		{"operators inside strings and brackets are not split", `up{job="a>b", x!="or"} == 0`,
			[]Condition{{`up{job="a>b", x!="or"}`, "==", "0"}}},
		{"a bool modifier stays with the operator", `x >= bool 2`, []Condition{{"x", ">= bool", "2"}}},
		{"names that contain and or or are not split", `sum(operand_total) < sum(border_unless)`,
			[]Condition{{"sum(operand_total)", "<", "sum(border_unless)"}}},
		{"a comparison inside parentheses", `((x != 1))`, []Condition{{"x", "!=", "1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Conditions(tc.expr)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("Conditions(%q) = %q, %v; want %q", tc.expr, got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"sum(x)", "rate(x[5m])", "x > 1 > 2"} {
		if got, err := Conditions(bad); err == nil {
			t.Errorf("Conditions(%q) = %q; want an error", bad, got)
		}
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"job": "portcullis.*", "instance": ".+", "__rate_interval": "20s", "__range": "5m"}
	got := Expand(`rate(x{job=~"$job", instance=~"${instance}"}[$__rate_interval]) / increase(y[$__range])`, vars)
	want := `rate(x{job=~"portcullis.*", instance=~".+"}[20s]) / increase(y[5m])`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestTheDashboardIsWellFormed(t *testing.T) {
	d, err := LoadDashboard()
	if err != nil {
		t.Fatal(err)
	}
	dss, err := LoadDatasources()
	if err != nil {
		t.Fatal(err)
	}
	provisioned := map[string]string{} // uid -> type
	for _, ds := range dss {
		if ds.UID == "" || provisioned[ds.UID] != "" {
			t.Errorf("datasource %q: its uid %q is empty or not unique", ds.Name, ds.UID)
		}
		provisioned[ds.UID] = ds.Type
	}
	resolves := func(where string, ref *DatasourceRef) {
		t.Helper()
		switch {
		case ref == nil:
			t.Errorf("%s names no datasource", where)
		case provisioned[ref.UID] == "":
			t.Errorf("%s names datasource uid %q, which is not provisioned (%v)", where, ref.UID, provisioned)
		case provisioned[ref.UID] != ref.Type:
			t.Errorf("%s names datasource %q as type %q; it is provisioned as %q", where, ref.UID, ref.Type, provisioned[ref.UID])
		}
	}
	if d.UID == "" || d.Title == "" {
		t.Errorf("the dashboard needs a uid and a title (uid %q, title %q)", d.UID, d.Title)
	}

	vars := map[string]Variable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
		resolves("variable "+v.Name, v.Datasource)
	}
	for _, name := range []string{"job", "instance"} {
		v, ok := vars[name]
		if !ok || v.Type != "query" || !v.Multi || !v.IncludeAll || v.AllValue == "" || !strings.HasPrefix(v.Definition, "label_values(") {
			t.Errorf("variable %s = %+v; want a multi-value label_values query with an All value", name, v)
		}
	}

	ids := map[int]string{}
	var rows []string
	cells := map[[2]int]string{}
	for _, p := range d.AllPanels() {
		where := fmt.Sprintf("panel %d %q", p.ID, p.Title)
		if p.ID <= 0 || ids[p.ID] != "" {
			t.Errorf("%s: id not unique (also %q)", where, ids[p.ID])
		}
		ids[p.ID] = p.Title
		if p.Title == "" {
			t.Errorf("panel %d has no title", p.ID)
		}
		g := p.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 || g.Y < 0 {
			t.Errorf("%s: gridPos %+v is off the 24-column grid", where, g)
		}
		for x := g.X; x < g.X+g.W; x++ {
			for y := g.Y; y < g.Y+g.H; y++ {
				if other, ok := cells[[2]int{x, y}]; ok {
					t.Errorf("%s overlaps %s at (%d, %d)", where, other, x, y)
					x, y = g.X+g.W, g.Y+g.H
				}
				cells[[2]int{x, y}] = where
			}
		}
		if p.Type == "row" {
			rows = append(rows, p.Title)
			continue
		}
		if p.Description == "" {
			t.Errorf("%s has no description", where)
		}
		resolves(where, p.Datasource)
		if len(p.Targets) == 0 {
			t.Errorf("%s has no query", where)
		}
		refs := map[string]bool{}
		for _, tg := range p.Targets {
			tw := fmt.Sprintf("%s query %s", where, tg.RefID)
			if tg.RefID == "" || refs[tg.RefID] {
				t.Errorf("%s: refId empty or not unique", tw)
			}
			refs[tg.RefID] = true
			resolves(tw, tg.Datasource)
			if tg.Datasource == nil {
				continue
			}
			switch tg.Datasource.Type {
			case "prometheus":
				if strings.TrimSpace(tg.Expr) == "" {
					t.Errorf("%s has no expression", tw)
				}
				if metricName.MatchString(tg.Expr) && (!strings.Contains(tg.Expr, `job=~"$job"`) || !strings.Contains(tg.Expr, `instance=~"$instance"`)) {
					t.Errorf("%s ignores the job and instance variables: %s", tw, tg.Expr)
				}
			case "yesoreyeram-infinity-datasource":
				if tg.URL == "" || tg.RootSelector == "" || len(tg.Columns) == 0 || tg.Parser != "backend" || tg.Format != "table" {
					t.Errorf("%s: an Infinity query needs a url, a root selector, columns, the backend parser and table format: %+v", tw, tg)
				}
			default:
				t.Errorf("%s: datasource type %q is not one the dashboard provisions", tw, tg.Datasource.Type)
			}
		}
	}
	wantRows := []string{"Is the detector healthy?", "What is it blocking, and why?",
		"Is it hurting legitimate traffic?", "How fast does a block reach the gateway?"}
	if !slices.Equal(rows, wantRows) {
		t.Errorf("rows %q; want %q", rows, wantRows)
	}
}

// TestTheFlaggedClientsTableReadsTheReviewAPI runs the table's JSONata
// root selector, as the Infinity backend parser does, on a response of the
// review API, and checks every column finds its field.
func TestTheFlaggedClientsTableReadsTheReviewAPI(t *testing.T) {
	d, err := LoadDashboard()
	if err != nil {
		t.Fatal(err)
	}
	dss, err := LoadDatasources()
	if err != nil {
		t.Fatal(err)
	}
	var table *Target
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
	if err != nil || u.Path != "/api/v1/decisions" {
		t.Fatalf("the table reads %q; want the review API's /api/v1/decisions", table.URL)
	}
	for _, ds := range dss {
		if ds.Type != "yesoreyeram-infinity-datasource" {
			continue
		}
		hosts, _ := ds.JSONData["allowedHosts"].([]any)
		if !slices.Contains(hosts, any(u.Scheme+"://"+u.Host)) {
			t.Errorf("datasource %s allows %v, not the table's %s", ds.Name, hosts, u.Scheme+"://"+u.Host)
		}
		if ds.JSONData["auth_method"] != "bearerToken" {
			t.Errorf("datasource %s: auth_method %v; the review API wants a bearer token", ds.Name, ds.JSONData["auth_method"])
		}
	}

	const response = `{"items":[
	  {"client":"203.0.113.7","scope":"ip","action":"block","score":0.81,"threshold":0.62,"ttl_s":600,"ttl_left_s":512,
	   "ts":"2026-03-02T09:00:00.123Z","reasons":[{"feature":"error_ratio","value":0.97,"typical":0.02},{"feature":"rate","value":12.5,"typical":0.4}]},
	  {"client":"key_1a2b","scope":"api_key","action":"block","score":0.7,"threshold":0.62,"ttl_s":1200,"ttl_left_s":90,
	   "ts":"2026-03-02T09:01:00Z","reasons":[{"feature":"id_sweep","value":0.5,"typical":0}]}],
	 "total":2}`
	var doc any
	if err := json.Unmarshal([]byte(response), &doc); err != nil {
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
	rows, ok := res.([]any)
	if !ok || len(rows) != 2 {
		t.Fatalf("root selector gave %#v; want two rows", res)
	}
	for i, r := range rows {
		row, _ := r.(map[string]any)
		for _, c := range table.Columns {
			if _, ok := row[c.Selector]; !ok {
				t.Errorf("row %d has no %q for column %q: %v", i, c.Selector, c.Text, row)
			}
		}
	}
	first := rows[0].(map[string]any)
	if want := "error_ratio 0.97 (typical 0.02), rate 12.5 (typical 0.4)"; first["why"] != want {
		t.Errorf("why = %q; want %q", first["why"], want)
	}
	if first["client"] != "203.0.113.7" || first["ttl_left_s"] != 512.0 {
		t.Errorf("first row %v", first)
	}
}
