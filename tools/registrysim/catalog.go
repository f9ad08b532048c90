package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// pkg is one package (or container image) the registry serves.
type pkg struct {
	name     string
	versions []string // oldest first; the last is latest
	size     int64    // bytes of a tarball (or of a layer of an image)
	meta     int64    // bytes of the metadata document
	layers   int      // blobs of an image; 1 for a package
	org      string   // the private scope it sits in, if any
	cdn      bool     // its files are served by the CDN, behind a 302
}

func (p *pkg) latest() string { return p.versions[len(p.versions)-1] }

// catalog holds an ecosystem's public packages by popularity, which
// follows a power law: a few packages take most of the downloads.
type catalog struct {
	pkgs []*pkg
	cum  []float64
}

func (c *catalog) draw(r *rand.Rand) *pkg {
	x := r.Float64() * c.cum[len(c.cum)-1]
	return c.pkgs[sort.SearchFloat64s(c.cum, x)]
}

// top draws among the n most popular packages.
func (c *catalog) top(r *rand.Rand, n int) *pkg { return c.pkgs[r.IntN(min(n, len(c.pkgs)))] }

// deps draws the n distinct packages of one dependency tree, popular ones
// most often, as real trees share their common libraries.
func (c *catalog) deps(r *rand.Rand, n int) []*pkg {
	n = min(n, len(c.pkgs)/2)
	seen := make(map[*pkg]bool, n)
	out := make([]*pkg, 0, n)
	for len(out) < n {
		p := c.draw(r)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func newCatalog(r *rand.Rand, eco string, n int) *catalog {
	c := &catalog{}
	seen := map[string]bool{}
	sum := 0.
	for len(c.pkgs) < n {
		name := packageName(r, eco)
		if seen[name] {
			continue
		}
		seen[name] = true
		c.pkgs = append(c.pkgs, newPkg(r, eco, name, ""))
		sum += 1 / math.Pow(float64(len(c.pkgs)), 1.05)
		c.cum = append(c.cum, sum)
	}
	return c
}

func newPkg(r *rand.Rand, eco, name, org string) *pkg {
	p := &pkg{name: name, org: org, layers: 1}
	major, minor, patch := r.IntN(8), r.IntN(12), 0
	for range 2 + r.IntN(40) {
		switch x := r.Float64(); {
		case x < 0.05:
			major, minor, patch = major+1, 0, 0
		case x < 0.3:
			minor, patch = minor+1, 0
		default:
			patch++
		}
		p.versions = append(p.versions, fmt.Sprintf("%d.%d.%d", major, minor, patch))
	}
	p.size = int64(min(4e7, LogNormal(r, 45e3, 1.4)))
	p.meta = int64(1500 + len(p.versions)*int(LogUniform(r, 600, 4000)))
	if eco == "oci" {
		p.layers = 2 + r.IntN(9)
		p.size = int64(LogNormal(r, 8e6, 1.2))
		p.meta = int64(Uniform(r, 900, 3500))
		p.versions = imageTags(r)
	}
	return p
}

func imageTags(r *rand.Rand) []string {
	v := fmt.Sprintf("%d.%d", 1+r.IntN(20), r.IntN(30))
	return []string{v + "-alpine", v + "-slim", v, "latest"}
}

var (
	stems = []string{"glob", "json", "parse", "cache", "queue", "router", "logger", "color", "date", "uuid",
		"retry", "env", "config", "schema", "fetch", "stream", "yaml", "semver", "mime", "path", "crypto",
		"hash", "time", "format", "table", "prompt", "spinner", "args", "watch", "bundle", "lint", "mock",
		"http", "socket", "query", "state", "store", "form", "icon", "chart", "grid", "auth", "jwt", "cookie",
		"cors", "proxy", "image", "zip", "tar", "diff", "merge", "deep", "clone", "equal", "debounce",
		"throttle", "event", "emitter", "promise", "async", "worker", "pool", "signal", "locale", "markdown",
		"html", "css", "svg", "font", "toml", "ansi", "glob", "minimatch", "resolve", "inflight", "once"}
	leads = map[string][]string{
		"npm": {"fast", "tiny", "micro", "easy", "simple", "node", "ts", "eslint-plugin", "babel-plugin",
			"vite-plugin", "react", "vue", "svelte", "postcss", "rollup", "is", "get", "to", "p", "safe"},
		"pypi": {"py", "python", "django", "flask", "pytest", "types", "aio", "sphinx", "fast", "simple"},
		"oci":  {"library", "bitnami", "grafana", "hashicorp", "envoyproxy", "apache", "cimg", "node", "python"},
	}
	suffixes = []string{"", "", "", "", "-js", "-utils", "2", "-core", "-cli", "-lite", "x"}
)

// packageName makes up a name as its ecosystem spells them.
func packageName(r *rand.Rand, eco string) string {
	lead := Pick(r, leads[eco])
	if eco == "oci" {
		return lead + "/" + Pick(r, stems) + Pick(r, []string{"", "-server", "-agent", "-exporter"})
	}
	parts := []string{Pick(r, stems)}
	switch x := r.Float64(); {
	case x < 0.4:
		parts = append([]string{lead}, parts...)
	case x < 0.6:
		parts = append(parts, Pick(r, stems))
	}
	name := strings.Join(parts, "-") + Pick(r, suffixes)
	if eco == "npm" && Chance(r, 0.12) {
		return "@" + Pick(r, stems) + "js/" + name
	}
	return name
}
