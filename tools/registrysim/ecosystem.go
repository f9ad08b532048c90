package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// ecosystem is one kind of package the registry serves: npm packages,
// Python distributions or container images. Each has its own paths, its
// own clients and its own way of fetching a dependency tree.
type ecosystem struct {
	name    string
	weight  float64 // share of installs, relative to the others
	cat     *catalog
	private []*pkg // packages of the site's private organisations
}

func newEcosystem(r *rand.Rand, name string, weight float64, s *site) *ecosystem {
	n := int(Uniform(r, 2500, 6000) * s.scale)
	if name != "npm" {
		n /= 3
	}
	e := &ecosystem{name: name, weight: weight, cat: newCatalog(r, name, n)}
	for _, p := range e.cat.pkgs {
		p.cdn = Chance(r, s.cdn)
	}
	for _, org := range s.orgs {
		for range 5 + r.IntN(25) {
			e.private = append(e.private, newPkg(r, name, privateName(r, name, org), org))
		}
	}
	return e
}

// privateName names a package of org as its developers would.
func privateName(r *rand.Rand, eco, org string) string {
	stem := Pick(r, stems) + Pick(r, []string{"", "-client", "-sdk", "-config", "-ui", "-service"})
	switch eco {
	case "pypi":
		return org + "-" + stem
	case "oci":
		return org + "/" + stem
	}
	return "@" + org + "/" + stem
}

// metaPath is where a client reads a package's metadata. npm clients
// escape the slash of a scoped name; the web UI and some tools do not.
func (e *ecosystem) metaPath(r *rand.Rand, p *pkg) string {
	switch e.name {
	case "pypi":
		if Chance(r, 0.15) {
			return "/pypi/" + p.name + "/json"
		}
		return "/simple/" + p.name + "/"
	case "oci":
		return "/v2/" + p.name + "/manifests/" + Pick(r, p.versions)
	}
	if strings.HasPrefix(p.name, "@") && Chance(r, 0.85) {
		return "/" + strings.Replace(p.name, "/", "%2f", 1)
	}
	return "/" + p.name
}

// versionPath is where a client reads the document of one version, as
// `npm view name@1.2.3` does.
func (e *ecosystem) versionPath(r *rand.Rand, p *pkg) string {
	v := Pick(r, p.versions)
	switch e.name {
	case "pypi":
		return "/pypi/" + p.name + "/" + v + "/json"
	case "oci":
		return "/v2/" + p.name + "/manifests/" + v
	}
	return "/" + strings.Replace(p.name, "/", "%2f", 1) + "/" + v
}

// filePath is where a client downloads version ver of p; for an image,
// layer i of it.
func (e *ecosystem) filePath(r *rand.Rand, p *pkg, ver string, i int) string {
	switch e.name {
	case "pypi":
		h := Hex(r, 16) + Hex(r, 16) + Hex(r, 16) + Hex(r, 12)
		file := strings.ReplaceAll(p.name, "-", "_") + "-" + ver + "-py3-none-any.whl"
		if Chance(r, 0.2) {
			file = p.name + "-" + ver + ".tar.gz"
		}
		return "/packages/" + h[:2] + "/" + h[2:4] + "/" + h[4:] + "/" + file
	case "oci":
		return "/v2/" + p.name + "/blobs/sha256:" + layerDigest(p, ver, i)
	}
	base := p.name[strings.LastIndex(p.name, "/")+1:]
	return "/" + p.name + "/-/" + base + "-" + ver + ".tgz"
}

// layerDigest is the same for the same layer of the same tag, as content
// addressing makes it.
func layerDigest(p *pkg, ver string, i int) string {
	h := uint64(14695981039346656037)
	for _, b := range []byte(fmt.Sprint(p.name, ver, i)) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	var sb strings.Builder
	for range 4 {
		fmt.Fprintf(&sb, "%016x", h)
		h = h*6364136223846793005 + 1442695040888963407
	}
	return sb.String()
}

// ua draws the user agent of a package manager of this ecosystem; ci
// names the CI service the job runs on, if any.
func (e *ecosystem) ua(r *rand.Rand, ci string) string {
	switch e.name {
	case "pypi":
		py := Pick(r, []string{"3.12.4", "3.11.9", "3.10.14", "3.13.0"})
		sys := Pick(r, []string{"Linux", "Darwin", "Windows"})
		if ci != "" {
			sys = "Linux"
		}
		inCI := "null"
		if ci != "" {
			inCI = "true"
		}
		return fmt.Sprintf(`pip/%s {"ci":%s,"implementation":{"name":"CPython","version":"%s"},"system":{"name":"%s"}}`,
			Pick(r, []string{"24.2", "24.0", "23.3.1", "25.0.1"}), inCI, py, sys)
	case "oci":
		v := Pick(r, []string{"27.1.1", "26.1.4", "25.0.5", "27.3.1"})
		return "docker/" + v + " go/go1.22.7 git-commit/a21b1a2 kernel/6.8.0-1014-azure os/linux arch/amd64 UpstreamClient(Docker-Client/" + v + " \\(linux\\))"
	}
	node := Pick(r, []string{"v20.17.0", "v22.9.0", "v18.20.4", "v20.11.1"})
	osArch := Pick(r, []string{"darwin arm64", "linux x64", "win32 x64", "darwin x64"})
	if ci != "" {
		osArch = "linux x64"
	}
	tail := ""
	if ci != "" {
		tail = " ci/" + ci
	}
	switch x := r.Float64(); {
	case x < 0.2:
		return "yarn/1.22.22 npm/? node/" + node + " " + osArch
	case x < 0.35:
		return "pnpm/9.12.1 npm/? node/" + node + " " + osArch
	}
	return "npm/" + Pick(r, []string{"10.8.2", "10.5.0", "9.8.1", "10.9.0"}) + " node/" + node + " " + osArch + " workspaces/false" + tail
}

// concurrency is how many requests the ecosystem's client keeps in
// flight: npm fetches in parallel, pip one file after another.
func (e *ecosystem) concurrency(r *rand.Rand) int {
	switch e.name {
	case "pypi":
		return 1 + r.IntN(2)
	case "oci":
		return 3
	}
	return 8 + r.IntN(9)
}

// treeSize draws how many packages one install of this ecosystem
// resolves, between lo and hi for npm; Python trees are smaller and an
// image pull fetches a handful of images.
func (e *ecosystem) treeSize(r *rand.Rand, lo, hi float64) int {
	switch e.name {
	case "pypi":
		return int(LogUniform(r, lo/5+3, hi/5+5))
	case "oci":
		return 1 + r.IntN(4)
	}
	return int(LogUniform(r, lo, hi))
}
