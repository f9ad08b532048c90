package limits

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Mode is how a proxy applies a learned limit: log counts would-be
// refusals and refuses nothing; enforce refuses.
type Mode string

// Modes.
const (
	ModeLog     Mode = "log"
	ModeEnforce Mode = "enforce"
)

// ParseMode reads "log" or "enforce".
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case ModeLog, ModeEnforce:
		return Mode(s), nil
	}
	return "", fmt.Errorf("limits: mode %q is not log or enforce", s)
}

// Safe splits limits into those whose method and path can be written into
// a proxy's configuration as they are, and the number left out. Paths come
// from recorded logs, so anything but the characters of ordinary routes
// (letters, digits, "/._~-" and the "{id}" placeholder) keeps a limit out
// of a configuration file rather than being escaped into it.
func Safe(ls []Limit) (safe []Limit, skipped int) {
	for _, l := range ls {
		if safeMethod(l.Method) && safePath(l.Path) {
			safe = append(safe, l)
		} else {
			skipped++
		}
	}
	return safe, skipped
}

func safeMethod(m string) bool {
	if m == "" || len(m) > 16 {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func safePath(p string) bool {
	if !strings.HasPrefix(p, "/") || len(p) > 512 {
		return false
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "{id}" {
			continue
		}
		for _, c := range seg {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '~':
			default:
				return false
			}
		}
	}
	return true
}

// regex returns an anchored regular expression matching the paths of a
// template (safe paths only), with or without a query.
func regex(path string) string {
	var b strings.Builder
	b.WriteString("^")
	for _, seg := range strings.Split(path[1:], "/") {
		b.WriteString("/")
		if seg == "{id}" {
			b.WriteString("[^/]+")
			continue
		}
		b.WriteString(strings.ReplaceAll(seg, ".", `\.`))
	}
	b.WriteString("$")
	return b.String()
}

// WriteText prints the limits for a person, one line each, with the
// confidence and the advice to start in log mode when it is low.
func WriteText(w io.Writer, t *Table, ls []Limit) error {
	fmt.Fprintf(w, "learned from %d requests, %s to %s", t.Events, t.From.Format("2006-01-02 15:04:05"), t.To.Format("2006-01-02 15:04:05"))
	if t.Sparse > 0 {
		fmt.Fprintf(w, "; %d endpoints with fewer than %d clients have no limit", t.Sparse, MinClients)
	}
	if t.Dropped > 0 {
		fmt.Fprintf(w, " (%d not counted: endpoint or client cap reached)", t.Dropped)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tCLIENTS\tRPS\tBURST\tCONFIDENCE\tFROM")
	for _, l := range ls {
		conf := string(l.Confidence)
		if l.LogFirst() {
			conf += ": start in log mode"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s %d\t%g\t%d\t%s\t%s\n", printable(l.Method), printable(l.Path), l.Class, l.Clients, l.RPS, l.Burst, conf, l.From)
	}
	return tw.Flush()
}

// printable escapes what a terminal would act on.
func printable(s string) string {
	if safePath(s) || safeMethod(s) {
		return s
	}
	q := fmt.Sprintf("%q", s)
	return q[1 : len(q)-1]
}

// WriteGateway writes the limits as the reference gateway's rate_limits
// section.
func WriteGateway(w io.Writer, ls []Limit, mode Mode) error {
	ls, skipped := Safe(ls)
	fmt.Fprintf(w, "# Per-endpoint limits learned by portcullis train; %d left out for paths no route can match.\n", skipped)
	fmt.Fprintf(w, "rate_limits:\n  mode: %s\n  endpoints:\n", mode)
	for _, l := range ls {
		fmt.Fprintf(w, "    - {method: %s, path: %q, class: %s, rps: %g, burst: %d, clients: %d, confidence: %s}\n",
			l.Method, l.Path, l.Class, l.RPS, l.Burst, l.Clients, l.Confidence)
	}
	return nil
}

// WriteNginx writes an nginx snippet with two parts: zones and maps for
// the http {} context, and one location per path for the server {}
// context. Each zone limits one method and class of one path, keyed by
// the client address (anonymous) or the Authorization header (keyed), so
// other methods and classes are not counted against it. In log mode the
// locations carry limit_req_dry_run: nginx logs and counts, refuses
// nothing. upstream is the proxy_pass target of the locations.
func WriteNginx(w io.Writer, ls []Limit, mode Mode, upstream string) error {
	ls, skipped := Safe(ls)
	byPath := map[string][]int{}
	var paths []string
	for i, l := range ls {
		if byPath[l.Path] == nil {
			paths = append(paths, l.Path)
		}
		byPath[l.Path] = append(byPath[l.Path], i)
	}
	sort.Strings(paths)
	fmt.Fprintf(w, "# Per-endpoint limits learned by portcullis train; %d left out for paths no location can match.\n", skipped)
	fmt.Fprintln(w, "# --- http {} context ---")
	for i, l := range ls {
		key := "$binary_remote_addr"
		if l.Class == "keyed" {
			key = "$http_authorization$http_x_api_key"
		}
		fmt.Fprintf(w, "map $request_method $portcullis_ep%d { %s %s; default \"\"; }\n", i, l.Method, key)
		rate, unit := l.RPS, "r/s"
		if rate < 1 {
			rate, unit = rate*60, "r/m"
		}
		fmt.Fprintf(w, "limit_req_zone $portcullis_ep%d zone=portcullis_ep%d:1m rate=%d%s;\n", i, i, max(1, int(rate+0.5)), unit)
	}
	fmt.Fprintln(w, "# --- server {} context ---")
	for _, p := range paths {
		fmt.Fprintf(w, "location ~ %s {\n", regex(p))
		for _, i := range byPath[p] {
			fmt.Fprintf(w, "    limit_req zone=portcullis_ep%d burst=%d nodelay;\n", i, ls[i].Burst)
		}
		if mode == ModeLog {
			fmt.Fprintln(w, "    limit_req_dry_run on;")
		}
		fmt.Fprintln(w, "    limit_req_status 429;")
		fmt.Fprintf(w, "    proxy_pass %s;\n}\n", upstream)
	}
	return nil
}

// WriteEnvoy writes an Envoy route configuration (envoy.config.route.v3,
// YAML) whose routes carry a per-route local rate limit with one token
// bucket per client address (a wildcard remote_address descriptor). In
// log mode the filter is enabled but not enforced: Envoy counts would-be
// refusals in its stats and refuses nothing. The HTTP connection manager
// needs the envoy.filters.http.local_ratelimit filter before the router.
func WriteEnvoy(w io.Writer, ls []Limit, mode Mode, cluster string) error {
	ls, skipped := Safe(ls)
	enforced := 100
	if mode == ModeLog {
		enforced = 0
	}
	fmt.Fprintf(w, "# Per-endpoint limits learned by portcullis train; %d left out for paths no route can match.\n", skipped)
	fmt.Fprintln(w, "# Anonymous clients' limits only: Envoy's local limit keys by address.")
	fmt.Fprintln(w, "name: portcullis_learned")
	fmt.Fprintln(w, "virtual_hosts:")
	fmt.Fprintln(w, "- name: learned")
	fmt.Fprintln(w, "  domains: [\"*\"]")
	fmt.Fprintln(w, "  routes:")
	for i, l := range ls {
		if l.Class != "anonymous" {
			continue
		}
		fill := 1
		tokens := max(1, int(l.RPS+0.5))
		if l.RPS < 1 {
			fill, tokens = max(1, int(1/l.RPS+0.5)), 1
		}
		fmt.Fprintf(w, `  - match:
      safe_regex: {regex: '%s'}
      headers: [{name: ":method", string_match: {exact: %s}}]
    route: {cluster: %s}
    typed_per_filter_config:
      envoy.filters.http.local_ratelimit:
        "@type": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
        stat_prefix: portcullis_ep%d
        token_bucket: {max_tokens: 1000000, tokens_per_fill: 1000000, fill_interval: 1s}
        filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}, runtime_key: portcullis_ep%d_enabled}
        filter_enforced: {default_value: {numerator: %d, denominator: HUNDRED}, runtime_key: portcullis_ep%d_enforced}
        rate_limits: [{actions: [{remote_address: {}}]}]
        descriptors:
        - entries: [{key: remote_address}]
          token_bucket: {max_tokens: %d, tokens_per_fill: %d, fill_interval: %ds}
        max_dynamic_descriptors: 10000
`, regex(l.Path), l.Method, cluster, i, i, enforced, i, l.Burst, tokens, fill)
	}
	fmt.Fprintf(w, "  - match: {prefix: \"/\"}\n    route: {cluster: %s}\n", cluster)
	return nil
}
