// Package deploy holds what runs portcullis beside its binary: the Grafana
// dashboard and its provisioning, the Prometheus configuration and alert
// rules, and the configs that docker-compose.yaml mounts. It sits after
// the data flow: it watches the detector and the gateways through their
// /metrics and the detector's review API.
//
// The Go code reads those files back, so that tests can check them:
// promtool checks and unit-tests the rules, the dashboard's structure is
// validated, and cmd/portcullis evaluates every dashboard and alert query
// against a real Prometheus scraping a running detector and gateway.
package deploy

import (
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed grafana prometheus compose
var files embed.FS

// Paths of the files, relative to this folder (and to FS).
const (
	DashboardFile   = "grafana/dashboards/portcullis.json"
	DatasourcesFile = "grafana/provisioning/datasources/portcullis.yaml"
	ProvidersFile   = "grafana/provisioning/dashboards/portcullis.yaml"
	PrometheusFile  = "prometheus/prometheus.yml"
	RulesFile       = "prometheus/rules/portcullis.rules.yml"
	RulesTestFile   = "prometheus/rules/portcullis.rules.test.yml"
)

// Dashboard is the part of a Grafana dashboard that the checks read.
type Dashboard struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []Variable `json:"list"`
	} `json:"templating"`
	Panels []Panel `json:"panels"`
}

// Variable is a template variable.
type Variable struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Datasource *DatasourceRef `json:"datasource"`
	Definition string         `json:"definition"`
	AllValue   string         `json:"allValue"`
	Multi      bool           `json:"multi"`
	IncludeAll bool           `json:"includeAll"`
}

// DatasourceRef names a datasource by type and uid.
type DatasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Panel is a dashboard panel; a row holds Panels of its own only when it
// is collapsed.
type Panel struct {
	ID          int            `json:"id"`
	Type        string         `json:"type"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Datasource  *DatasourceRef `json:"datasource"`
	GridPos     GridPos        `json:"gridPos"`
	Targets     []Target       `json:"targets"`
	Panels      []Panel        `json:"panels"`
	FieldConfig struct {
		Defaults FieldDefaults `json:"defaults"`
	} `json:"fieldConfig"`
}

// FieldDefaults is how a panel shows values: the part a rendering of the
// dashboard outside Grafana reads.
type FieldDefaults struct {
	Unit       string   `json:"unit"`
	Decimals   *int     `json:"decimals"`
	Min        *float64 `json:"min"`
	Max        *float64 `json:"max"`
	Thresholds struct {
		Steps []struct {
			Color string   `json:"color"`
			Value *float64 `json:"value"` // nil: the base step
		} `json:"steps"`
	} `json:"thresholds"`
	Mappings []struct {
		Type    string `json:"type"`
		Options map[string]struct {
			Text  string `json:"text"`
			Color string `json:"color"`
		} `json:"options"`
	} `json:"mappings"`
	Custom struct {
		FillOpacity     float64 `json:"fillOpacity"`
		ThresholdsStyle struct {
			Mode string `json:"mode"`
		} `json:"thresholdsStyle"`
	} `json:"custom"`
}

// GridPos is where a panel sits, on a grid 24 columns wide.
type GridPos struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// Target is a panel's query: a PromQL Expr for Prometheus, or a URL with
// a JSONata RootSelector and Columns for the Infinity datasource.
type Target struct {
	RefID        string         `json:"refId"`
	Datasource   *DatasourceRef `json:"datasource"`
	Expr         string         `json:"expr"`
	LegendFormat string         `json:"legendFormat"`
	Instant      bool           `json:"instant"`
	Format       string         `json:"format"`
	Type         string         `json:"type"`
	Source       string         `json:"source"`
	Parser       string         `json:"parser"`
	URL          string         `json:"url"`
	RootSelector string         `json:"root_selector"`
	Columns      []Column       `json:"columns"`
}

// Column is a column of an Infinity table.
type Column struct {
	Selector string `json:"selector"`
	Text     string `json:"text"`
	Type     string `json:"type"`
}

// LoadDashboard reads the portcullis dashboard.
func LoadDashboard() (*Dashboard, error) {
	data, err := files.ReadFile(DashboardFile)
	if err != nil {
		return nil, err
	}
	var d Dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("deploy: %s: %w", DashboardFile, err)
	}
	return &d, nil
}

// AllPanels returns the panels, those of collapsed rows included, in
// order. The caller owns the slice.
func (d *Dashboard) AllPanels() []Panel {
	var out []Panel
	for _, p := range d.Panels {
		out = append(out, p)
		out = append(out, p.Panels...)
	}
	return out
}

// Expand replaces the dashboard's template variables in expr with the
// values in vars (by name, without the $), and Grafana's built-ins such as
// $__rate_interval and $__range with the durations given under those
// names.
func Expand(expr string, vars map[string]string) string {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	// Longest first: the replacer tries its pairs in order, and $__range
	// must not match the start of $__range_s, nor $job of $jobs.
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	pairs := make([]string, 0, 4*len(names))
	for _, n := range names {
		pairs = append(pairs, "${"+n+"}", vars[n], "$"+n, vars[n])
	}
	return strings.NewReplacer(pairs...).Replace(expr)
}

// Datasource is a provisioned Grafana datasource.
type Datasource struct {
	Name     string         `yaml:"name"`
	UID      string         `yaml:"uid"`
	Type     string         `yaml:"type"`
	URL      string         `yaml:"url"`
	JSONData map[string]any `yaml:"jsonData"`
}

// LoadDatasources reads the provisioned datasources.
func LoadDatasources() ([]Datasource, error) {
	var doc struct {
		APIVersion  int          `yaml:"apiVersion"`
		Datasources []Datasource `yaml:"datasources"`
	}
	if err := decodeYAML(DatasourcesFile, &doc); err != nil {
		return nil, err
	}
	return doc.Datasources, nil
}

// Rule is an alerting or recording rule.
type Rule struct {
	Group       string            `yaml:"-"`
	Alert       string            `yaml:"alert"`
	Record      string            `yaml:"record"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// LoadRules reads the alert rules, in file order.
func LoadRules() ([]Rule, error) {
	var doc struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []Rule `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := decodeYAML(RulesFile, &doc); err != nil {
		return nil, err
	}
	var out []Rule
	for _, g := range doc.Groups {
		for _, r := range g.Rules {
			r.Group = g.Name
			out = append(out, r)
		}
	}
	return out, nil
}

func decodeYAML(name string, v any) error {
	data, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		return fmt.Errorf("deploy: %s: %w", name, err)
	}
	return nil
}

// Condition is one comparison in an alert expression: Left Op Right.
type Condition struct {
	Left, Op, Right string
}

// Conditions splits an alert expression written as the rules file asks
// (one comparison, or comparisons joined by and, or, unless, each
// perhaps in parentheses) into its comparisons, so that a check can
// evaluate the series under each threshold. It reports an error for an
// expression outside that form. It reads PromQL only as far as brackets,
// strings and the operators at the top level.
func Conditions(expr string) ([]Condition, error) {
	var out []Condition
	for _, part := range splitTop(expr, isSetOp, false) {
		part = unwrap(part)
		sides := splitTop(part, isComparison, true)
		if len(sides) != 2 {
			if inner := unwrap(part); inner != part {
				sub, err := Conditions(inner)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			}
			return nil, fmt.Errorf("deploy: %q is not one comparison", strings.TrimSpace(part))
		}
		op, right := cutOp(sides[1])
		out = append(out, Condition{Left: strings.TrimSpace(sides[0]), Op: op, Right: strings.TrimSpace(right)})
	}
	return out, nil
}

// operator matchers for splitTop: they return the length of the operator
// at s[i:], or 0.
func isSetOp(s string, i int) int {
	for _, op := range []string{"and", "or", "unless"} {
		if strings.HasPrefix(s[i:], op) && (i == 0 || !isIdent(s[i-1])) &&
			(i+len(op) == len(s) || !isIdent(s[i+len(op)])) {
			return len(op)
		}
	}
	return 0
}

func isComparison(s string, i int) int {
	for _, op := range []string{"==", "!=", ">=", "<=", ">", "<"} {
		if strings.HasPrefix(s[i:], op) {
			// "=~" and "!~" only appear in matchers, inside braces.
			return len(op)
		}
	}
	return 0
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// walkTop calls visit with each index of s outside quoted strings and the
// bracket depth after the byte there; visit returns the index to go on
// from, or -1 to stop.
func walkTop(s string, visit func(i, depth int) int) {
	depth := 0
	var quote byte
	for i := 0; i >= 0 && i < len(s); {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			i++
			continue
		case c == '"' || c == '\'' || c == '`':
			quote = c
			i++
			continue
		case isOpen(c):
			depth++
		case isClose(c):
			depth--
		}
		i = visit(i, depth)
	}
}

func isOpen(c byte) bool  { return c == '(' || c == '[' || c == '{' }
func isClose(c byte) bool { return c == ')' || c == ']' || c == '}' }

// splitTop splits s at the operators that match outside brackets and
// strings. With keep, each operator stays at the start of the part after
// it (see cutOp); else it is dropped.
func splitTop(s string, match func(string, int) int, keep bool) []string {
	var parts []string
	start := 0
	walkTop(s, func(i, depth int) int {
		if depth != 0 || isOpen(s[i]) || isClose(s[i]) {
			return i + 1
		}
		n := match(s, i)
		if n <= 0 {
			return i + 1
		}
		parts = append(parts, s[start:i])
		start = i + n
		if keep {
			start = i
		}
		return i + n
	})
	return append(parts, s[start:])
}

// cutOp takes the comparison operator, and a bool modifier, off the start
// of s.
func cutOp(s string) (op, rest string) {
	s = strings.TrimSpace(s)
	n := isComparison(s, 0)
	op, rest = s[:n], strings.TrimSpace(s[n:])
	if r, ok := strings.CutPrefix(rest, "bool"); ok && (r == "" || !isIdent(r[0])) {
		op, rest = op+" bool", r
	}
	return op, rest
}

// unwrap removes parentheses that enclose all of s.
func unwrap(s string) string {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' && closes(s) == len(s)-1 {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// closes returns the index of the bracket that closes s[0].
func closes(s string) int {
	end := -1
	walkTop(s, func(i, depth int) int {
		if depth == 0 && isClose(s[i]) {
			end = i
			return -1
		}
		return i + 1
	})
	return end
}
