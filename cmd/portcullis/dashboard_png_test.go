package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/deploy"
	"github.com/portcullis/portcullis/internal/browsertest"
	"github.com/portcullis/portcullis/internal/promtest"
)

// dashboardPNG, when set, makes TestDashboardAndAlertsAgainstPrometheus
// draw the dashboard from its data into a PNG, for the README:
//
//	make dashboard   (go test ./cmd/portcullis -run TestDashboardAndAlertsAgainstPrometheus -dashboard-png $PWD/docs/dashboard.png)
//
// No Grafana runs here, so the page is an approximation: the dashboard's
// grid, titles, units, thresholds and value mappings, with each panel's
// queries evaluated by the test's prometheus, laid out as HTML and SVG and
// captured with headless chromium. The flagged-clients table shows the
// blocklist's snapshot, which is what the review API serves.
var dashboardPNG = flag.String("dashboard-png", "", "render the dashboard from the live test's data into this PNG file")

// Grafana's dark theme and its classic palette.
var seriesColors = []string{"#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#705da0", "#37872d", "#fade2a"}

var namedColors = map[string]string{"green": "#73bf69", "red": "#f2495c", "orange": "#ff9830", "yellow": "#fade2a", "blue": "#5794f2", "purple": "#b877d9"}

func colorOf(name string) string {
	if c, ok := namedColors[name]; ok {
		return c
	}
	if strings.HasPrefix(name, "#") {
		return name
	}
	return "#ccccdc"
}

const (
	pageWidth = 1500 // CSS pixels
	rowHeight = 30   // Grafana's grid unit
	gap       = 8
)

func renderDashboard(t *testing.T, s *observedStack, d *deploy.Dashboard, vars map[string]string, path string) {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("rendering the dashboard needs chromium (apt-get install -y chromium): %v", err)
	}
	ctx := t.Context()
	end := s.settled
	start := s.trafficStart.Add(-5 * time.Second)
	colW := float64(pageWidth-2*gap) / 24

	var b strings.Builder
	bottom := 0
	for _, p := range d.AllPanels() {
		bottom = max(bottom, p.GridPos.Y+p.GridPos.H)
	}
	height := 70 + bottom*rowHeight + gap
	fmt.Fprintf(&b, `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px "DejaVu Sans",sans-serif;width:%dpx;height:%dpx;position:relative;overflow:hidden}
.hdr{position:absolute;left:%dpx;top:8px;right:%dpx;height:48px}
.hdr b{font-size:18px;color:#fff}.hdr span{margin-left:18px;color:#9fa7b3}
.p{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;box-sizing:border-box;overflow:hidden}
.p h3{margin:0;padding:5px 8px;font-size:12.5px;font-weight:500;color:#ccccdc;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.row{position:absolute;font-size:15px;font-weight:600;color:#fff;border-bottom:1px solid #2c3235;box-sizing:border-box;padding-top:6px}
.stat{display:flex;align-items:center;justify-content:center;font-size:30px;font-weight:600}
.leg{position:absolute;left:8px;right:8px;bottom:3px;font-size:10.5px;white-space:nowrap;overflow:hidden;color:#9fa7b3}
.leg i{display:inline-block;width:10px;height:3px;margin:0 4px 2px 10px;vertical-align:middle}
table{border-collapse:collapse;width:100%%;font-size:11px}th{color:#6e9fff;text-align:left;font-weight:500;border-bottom:1px solid #2c3235;padding:3px 8px}
td{padding:3px 8px;border-bottom:1px solid #202226;white-space:nowrap}
</style></head><body>
<div class="hdr"><b>portcullis</b><span>job = All &middot; instance = All &middot; %s to %s (%.0f s of generated traffic, scraped every second)</span><br>
<span style="margin-left:0;font-size:11px">Drawn from a test run's real Prometheus data by cmd/portcullis (go test -run TestDashboardAndAlertsAgainstPrometheus -dashboard-png); Grafana draws the same queries.</span></div>
`, pageWidth, height, gap, gap, start.Format("15:04:05"), end.Format("15:04:05"), end.Sub(s.trafficStart).Seconds())

	for _, p := range d.AllPanels() {
		g := p.GridPos
		left, top := float64(gap)+float64(g.X)*colW, 64+g.Y*rowHeight
		w, h := float64(g.W)*colW-gap, g.H*rowHeight-gap
		if p.Type == "row" {
			fmt.Fprintf(&b, `<div class="row" style="left:%.0fpx;top:%dpx;width:%.0fpx;height:%dpx">%s</div>`+"\n", left, top, w, rowHeight, html.EscapeString(p.Title))
			continue
		}
		fmt.Fprintf(&b, `<div class="p" style="left:%.0fpx;top:%dpx;width:%.0fpx;height:%dpx"><h3>%s</h3>`, left, top, w, h, html.EscapeString(p.Title))
		inner := panelBody{w: w - 2, h: float64(h) - 26}
		switch p.Type {
		case "timeseries":
			inner.timeseries(t, ctx, s.prom, p, vars, start, end)
		case "stat":
			inner.stat(t, ctx, s.prom, p, vars, end)
		case "bargauge":
			inner.bargauge(t, ctx, s.prom, p, vars, end)
		case "heatmap":
			inner.heatmap(t, ctx, s.prom, p, vars, start, end)
		case "table":
			inner.table(t, ctx, s)
		default:
			t.Fatalf("panel %q: no drawing for type %s", p.Title, p.Type)
		}
		b.WriteString(inner.String())
		b.WriteString("</div>\n")
	}
	b.WriteString("</body></html>\n")

	dir := t.TempDir()
	page := filepath.Join(dir, "dashboard.html")
	shot := filepath.Join(dir, "dashboard.png")
	writeFile(t, page, []byte(b.String()))
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--force-device-scale-factor=1", fmt.Sprintf("--window-size=%d,%d", pageWidth, height),
		"--screenshot="+shot, "file://"+page)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+browsertest.TempDir(t)) // its singleton socket
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(out, quantize(img, 256)); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	t.Logf("wrote %s: %dx%d, %d KB", path, img.Bounds().Dx(), img.Bounds().Dy(), fi.Size()/1024)
	if fi.Size() > 400<<10 {
		t.Errorf("%s is %d KB; keep it under 400 KB", path, fi.Size()/1024)
	}
}

// panelBody is the inside of a panel below its title, in CSS pixels.
type panelBody struct {
	strings.Builder
	w, h float64
}

var legendLabel = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

func legend(format string, m map[string]string) string {
	if format == "" || format == "__auto" {
		return labelsOf(m)
	}
	return legendLabel.ReplaceAllStringFunc(format, func(s string) string {
		return m[legendLabel.FindStringSubmatch(s)[1]]
	})
}

type drawn struct {
	name  string
	color string
	pts   []promtest.Point
}

func (pb *panelBody) timeseries(t *testing.T, ctx context.Context, prom *promtest.Server, p deploy.Panel, vars map[string]string, start, end time.Time) {
	var lines []drawn
	for _, tg := range p.Targets {
		series, err := prom.QueryRange(ctx, deploy.Expand(tg.Expr, vars), start, end, time.Second)
		if err != nil {
			t.Fatalf("panel %q: %v", p.Title, err)
		}
		slices.SortFunc(series, func(a, b promtest.Series) int {
			return cmp.Compare(legend(tg.LegendFormat, a.Metric), legend(tg.LegendFormat, b.Metric))
		})
		for _, sr := range series {
			lines = append(lines, drawn{name: legend(tg.LegendFormat, sr.Metric), pts: sr.Samples})
		}
	}
	for i := range lines {
		lines[i].color = seriesColors[i%len(seriesColors)]
		switch lines[i].name {
		case "blocked":
			lines[i].color = namedColors["red"]
		case "fail_closed":
			lines[i].color = namedColors["orange"]
		case "allowed":
			lines[i].color = namedColors["green"]
		}
	}
	def := p.FieldConfig.Defaults
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		for _, pt := range l.pts {
			if !math.IsNaN(pt.Value) && !math.IsInf(pt.Value, 0) {
				lo, hi = min(lo, pt.Value), max(hi, pt.Value)
			}
		}
	}
	var goal *float64
	if def.Custom.ThresholdsStyle.Mode != "" && len(def.Thresholds.Steps) > 1 {
		goal = def.Thresholds.Steps[1].Value
	}
	if goal != nil {
		hi = max(hi, *goal*1.1)
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	if def.Min != nil {
		lo = min(lo, *def.Min)
	}
	if def.Max != nil {
		hi = max(hi, *def.Max)
	}
	if hi <= lo {
		hi = lo + 1
	}
	plotL, plotR, plotT := 70.0, pb.w-8, 10.0
	plotB := pb.h - 30
	x := func(ts time.Time) float64 {
		return plotL + (plotR-plotL)*float64(ts.Sub(start))/float64(end.Sub(start))
	}
	y := func(v float64) float64 { return plotB - (plotB-plotT)*(v-lo)/(hi-lo) }
	fmt.Fprintf(pb, `<svg width="%.0f" height="%.0f" style="position:absolute;left:0;top:26px">`, pb.w, pb.h)
	for i := 0; i <= 3; i++ {
		v := lo + (hi-lo)*float64(i)/3
		fmt.Fprintf(pb, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#2c3235"/>`, plotL, plotR, y(v), y(v))
		fmt.Fprintf(pb, `<text x="%.0f" y="%.1f" fill="#8e8e8e" font-size="10" text-anchor="end">%s</text>`, plotL-4, y(v)+3, html.EscapeString(formatValue(v, def.Unit, nil)))
	}
	for _, ts := range []time.Time{start, start.Add(end.Sub(start) / 2), end} {
		fmt.Fprintf(pb, `<text x="%.1f" y="%.1f" fill="#8e8e8e" font-size="10" text-anchor="middle">%s</text>`, min(max(x(ts), plotL+30), plotR-20), plotB+13, ts.Format("15:04:05"))
	}
	if goal != nil {
		fmt.Fprintf(pb, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#f2495c" stroke-dasharray="4 3"/>`, plotL, plotR, y(*goal), y(*goal))
	}
	for _, l := range lines {
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				if def.Custom.FillOpacity > 0 {
					first, last := strings.Split(seg[0], ","), strings.Split(seg[len(seg)-1], ",")
					fmt.Fprintf(pb, `<polygon points="%s,%.1f %s %s,%.1f" fill="%s" fill-opacity="%.2f"/>`, first[0], y(max(lo, 0)), strings.Join(seg, " "), last[0], y(max(lo, 0)), l.color, def.Custom.FillOpacity/100)
				}
				fmt.Fprintf(pb, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`, strings.Join(seg, " "), l.color)
			}
			seg = seg[:0]
		}
		for _, pt := range l.pts {
			if math.IsNaN(pt.Value) || math.IsInf(pt.Value, 0) {
				continue // Grafana's spanNulls joins across gaps
			}
			seg = append(seg, fmt.Sprintf("%.1f,%.1f", x(pt.Time), y(pt.Value)))
		}
		flush()
	}
	pb.WriteString("</svg>")
	pb.WriteString(`<div class="leg">`)
	for _, l := range lines {
		fmt.Fprintf(pb, `<i style="background:%s"></i>%s`, l.color, html.EscapeString(l.name))
	}
	pb.WriteString("</div>")
}

func (pb *panelBody) stat(t *testing.T, ctx context.Context, prom *promtest.Server, p deploy.Panel, vars map[string]string, at time.Time) {
	def := p.FieldConfig.Defaults
	var parts []string
	color := "#ccccdc"
	for _, tg := range p.Targets {
		got, err := prom.Query(ctx, deploy.Expand(tg.Expr, vars), at)
		if err != nil || len(got) == 0 {
			t.Fatalf("panel %q: %v, %d series", p.Title, err, len(got))
		}
		v := got[0].Value
		text := formatValue(v, def.Unit, def.Decimals)
		c := thresholdColor(def, v)
		for _, m := range def.Mappings {
			if o, ok := m.Options[strconv.FormatFloat(v, 'f', -1, 64)]; ok {
				text, c = o.Text, colorOf(o.Color)
			}
		}
		if name := legend(tg.LegendFormat, got[0].Metric); len(p.Targets) > 1 || strings.Contains(tg.LegendFormat, "{{") {
			text = fmt.Sprintf(`%s <span style="font-size:13px;color:#9fa7b3">%s</span>`, html.EscapeString(text), html.EscapeString(name))
		} else {
			text = html.EscapeString(text)
		}
		parts = append(parts, text)
		color = c
	}
	fmt.Fprintf(pb, `<div class="stat" style="height:%.0fpx;color:%s">%s</div>`, pb.h, color, strings.Join(parts, `&nbsp;&nbsp;`))
}

func thresholdColor(def deploy.FieldDefaults, v float64) string {
	c := "#ccccdc"
	for _, s := range def.Thresholds.Steps {
		if s.Value == nil || v >= *s.Value {
			c = colorOf(s.Color)
		}
	}
	return c
}

func (pb *panelBody) bargauge(t *testing.T, ctx context.Context, prom *promtest.Server, p deploy.Panel, vars map[string]string, at time.Time) {
	tg := p.Targets[0]
	got, err := prom.Query(ctx, deploy.Expand(tg.Expr, vars), at)
	if err != nil {
		t.Fatalf("panel %q: %v", p.Title, err)
	}
	slices.SortStableFunc(got, func(a, b promtest.Sample) int { return cmp.Compare(b.Value, a.Value) })
	top := 0.0
	for _, x := range got {
		top = max(top, x.Value)
	}
	n := min(len(got), int(pb.h/19))
	for i, x := range got[:n] {
		frac := 0.0
		if top > 0 {
			frac = x.Value / top
		}
		fmt.Fprintf(pb, `<div style="position:absolute;left:8px;top:%.0fpx;width:120px;font-size:11px;text-align:right;color:#ccccdc">%s</div>`, 30+float64(i)*19, html.EscapeString(legend(tg.LegendFormat, x.Metric)))
		fmt.Fprintf(pb, `<div style="position:absolute;left:136px;top:%.0fpx;width:%.0fpx;height:14px;background:#22252b"></div>`, 30+float64(i)*19, pb.w-190)
		fmt.Fprintf(pb, `<div style="position:absolute;left:136px;top:%.0fpx;width:%.0fpx;height:14px;background:linear-gradient(90deg,#37872d,#73bf69)"></div>`, 30+float64(i)*19, (pb.w-190)*frac)
		fmt.Fprintf(pb, `<div style="position:absolute;right:8px;top:%.0fpx;font-size:11px;color:#73bf69">%s</div>`, 30+float64(i)*19, formatValue(x.Value, "short", p.FieldConfig.Defaults.Decimals))
	}
}

func (pb *panelBody) heatmap(t *testing.T, ctx context.Context, prom *promtest.Server, p deploy.Panel, vars map[string]string, start, end time.Time) {
	series, err := prom.QueryRange(ctx, deploy.Expand(p.Targets[0].Expr, vars), start, end, 2*time.Second)
	if err != nil {
		t.Fatalf("panel %q: %v", p.Title, err)
	}
	le := func(s promtest.Series) float64 {
		v, _ := strconv.ParseFloat(s.Metric["le"], 64)
		return v
	}
	slices.SortFunc(series, func(a, b promtest.Series) int { return cmp.Compare(le(a), le(b)) })
	// Buckets are cumulative: a cell is its bucket less the one below.
	steps := int(end.Sub(start)/(2*time.Second)) + 1
	cells := make([][]float64, len(series))
	top := 0.0
	for i, sr := range series {
		cells[i] = make([]float64, steps)
		for _, pt := range sr.Samples {
			j := int(pt.Time.Sub(start) / (2 * time.Second))
			if j >= 0 && j < steps && !math.IsNaN(pt.Value) {
				cells[i][j] = pt.Value
			}
		}
	}
	for i := len(cells) - 1; i > 0; i-- {
		for j := range cells[i] {
			cells[i][j] = max(0, cells[i][j]-cells[i-1][j])
			top = max(top, cells[i][j])
		}
	}
	for j := range cells[0] {
		top = max(top, cells[0][j])
	}
	plotL, plotT := 44.0, 30.0
	cw, ch := (pb.w-plotL-8)/float64(steps), (pb.h-16)/float64(len(series))
	fmt.Fprintf(pb, `<svg width="%.0f" height="%.0f" style="position:absolute;left:0;top:0">`, pb.w, pb.h+26)
	for i, sr := range series {
		yy := plotT + pb.h - 16 - float64(i+1)*ch
		if i%2 == 0 {
			name := sr.Metric["le"]
			if f, err := strconv.ParseFloat(name, 64); err == nil && !math.IsInf(f, 0) {
				name = strconv.FormatFloat(f, 'f', 2, 64)
			}
			fmt.Fprintf(pb, `<text x="%.0f" y="%.1f" fill="#8e8e8e" font-size="9.5" text-anchor="end">%s</text>`, plotL-4, yy+ch/2+3, name)
		}
		for j, v := range cells[i] {
			if v <= 0 || top == 0 {
				continue
			}
			a := math.Sqrt(v / top)
			fmt.Fprintf(pb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#ff780a" fill-opacity="%.2f"/>`, plotL+float64(j)*cw, yy, cw-0.5, ch-0.5, 0.1+0.9*a)
		}
	}
	pb.WriteString("</svg>")
}

func (pb *panelBody) table(t *testing.T, ctx context.Context, s *observedStack) {
	store, err := redisstore.New(redisstore.Config{Addrs: []string{s.redisAddr}, KeyPrefix: s.keyPrefix}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	snap, err := store.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, len(snap.Decisions))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(snap.Decisions[b].Score, snap.Decisions[a].Score) })
	pb.WriteString(`<table><tr><th>Client</th><th>Scope</th><th>Action</th><th>Score</th><th>Threshold</th><th>Why (feature, value, typical)</th><th>Decided at (event time)</th><th>TTL (s)</th><th>Left (s)</th></tr>`)
	for n, i := range idx {
		if n >= int(pb.h/20)-1 {
			break
		}
		d := snap.Decisions[i]
		var why []string
		for _, r := range d.Reasons {
			why = append(why, fmt.Sprintf("%s %s (typical %s)", r.Feature, strconv.FormatFloat(r.Value, 'g', 3, 64), strconv.FormatFloat(r.Typical, 'g', 3, 64)))
		}
		color := "#ccccdc" // as the dashboard's Score thresholds
		switch {
		case d.Score >= 0.8:
			color = namedColors["red"]
		case d.Score >= 0.6:
			color = namedColors["orange"]
		}
		fmt.Fprintf(pb, `<tr><td>%s</td><td>%s</td><td>%s</td><td style="color:%s">%.3f</td><td>%.3f</td><td>%s</td><td>%s</td><td>%d</td><td>%.0f</td></tr>`,
			html.EscapeString(d.Client), html.EscapeString(d.Scope), html.EscapeString(d.Action), color, d.Score, d.Threshold,
			html.EscapeString(strings.Join(why, ", ")), d.TS.Local().Format("15:04:05.000"), d.TTLSec, time.Until(snap.Expires[i]).Seconds())
	}
	pb.WriteString("</table>")
}

// formatValue writes v in unit as Grafana roughly would.
func formatValue(v float64, unit string, decimals *int) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	prec := func(def int) int {
		if decimals != nil {
			return *decimals
		}
		return def
	}
	short := func(v float64) string {
		a := math.Abs(v)
		switch {
		case a >= 1e6:
			return strconv.FormatFloat(v/1e6, 'f', 1, 64) + " M"
		case a >= 1e3:
			return strconv.FormatFloat(v/1e3, 'f', 1, 64) + " K"
		case a == math.Trunc(a):
			return strconv.FormatFloat(v, 'f', 0, 64)
		case a >= 10:
			return strconv.FormatFloat(v, 'f', prec(1), 64)
		}
		return strconv.FormatFloat(v, 'f', prec(2), 64)
	}
	switch unit {
	case "s":
		switch a := math.Abs(v); {
		case a == 0:
			return "0 s"
		case a < 1e-3:
			return strconv.FormatFloat(v*1e6, 'f', 0, 64) + " µs"
		case a < 1:
			return strconv.FormatFloat(v*1e3, 'f', prec(1), 64) + " ms"
		}
		return strconv.FormatFloat(v, 'f', prec(2), 64) + " s"
	case "percentunit":
		return strconv.FormatFloat(100*v, 'f', prec(1), 64) + "%"
	case "ops":
		return short(v) + " ops/s"
	case "reqps":
		return short(v) + " req/s"
	}
	if decimals != nil {
		return strconv.FormatFloat(v, 'f', *decimals, 64)
	}
	return short(v)
}

// quantize maps img to its n most frequent colors, each other color to the
// nearest of those, without dithering: the page is flat colors and
// anti-aliased text, which this keeps sharp at a third of the size.
func quantize(img image.Image, n int) *image.Paletted {
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colors := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colors = append(colors, c)
	}
	slices.SortFunc(colors, func(a, b color.RGBA) int {
		return cmp.Or(counts[b]-counts[a], cmp.Compare(a.R, b.R), cmp.Compare(a.G, b.G), cmp.Compare(a.B, b.B))
	})
	pal := make(color.Palette, 0, n)
	for _, c := range colors[:min(n, len(colors))] {
		pal = append(pal, c)
	}
	index := make(map[color.RGBA]uint8, len(colors))
	for _, c := range colors {
		index[c] = uint8(pal.Index(c))
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetColorIndex(x, y, index[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)])
		}
	}
	return out
}
