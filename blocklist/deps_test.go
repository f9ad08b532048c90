package blocklist

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesStayThin keeps the check light: a gateway or a decision
// service that imports blocklist must not carry the detector, its models
// or features, Kafka, Redis or the WAF. The standard library is counted
// apart, since net/http alone brings about 185 of its packages, which
// every gateway carries anyway.
func TestDependenciesStayThin(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := []string{
		"gonum.org/",
		"github.com/portcullis/portcullis/models",
		"github.com/portcullis/portcullis/features",
		"github.com/portcullis/portcullis/detector",
		"github.com/portcullis/portcullis/ingest",
		"github.com/segmentio/kafka-go",
		"github.com/corazawaf/",
		"github.com/redis/go-redis",
		"github.com/prometheus/",
	}
	var all, outside []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		all = append(all, path)
		if std != "true" {
			outside = append(outside, path)
		}
		for _, f := range forbidden {
			if path == f || strings.HasPrefix(path, f) && (strings.HasSuffix(f, "/") || strings.HasPrefix(path, f+"/")) {
				t.Errorf("blocklist depends on %s", path)
			}
		}
	}
	t.Logf("go list -deps ./blocklist: %d packages, %d outside the standard library: %s", len(all), len(outside), strings.Join(outside, " "))
	const maxPackages = 80
	if len(outside) > maxPackages {
		t.Errorf("blocklist depends on %d packages outside the standard library; keep it at %d or fewer", len(outside), maxPackages)
	}
	if len(all) > 200 {
		t.Errorf("blocklist depends on %d packages; net/http and the standard library it needs are about 185", len(all))
	}
}
