package blocklist

import (
	"os/exec"
	"strings"
	"testing"
)

// forbidden are the dependencies a gateway or a decision service that
// checks blocks must not carry: the detector, its models and features,
// Kafka, Redis, Prometheus and the WAF.
var forbidden = []string{
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

// maxPackages caps what `go list -deps ./blocklist` lists, the standard
// library included: the check is the decision package, the view and a
// few of the standard library's packages (fmt and log/slog the largest).
// net/http alone would bring about 185, which is why the HTTP side lives
// in blocklist/httpcheck.
const maxPackages = 80

// TestDependenciesStayThin keeps the check light: blocklist lists at most
// maxPackages packages and none of the forbidden ones, and
// blocklist/httpcheck, which needs net/http, none of the forbidden ones
// either.
func TestDependenciesStayThin(t *testing.T) {
	t.Run("blocklist", func(t *testing.T) {
		all := depsOf(t, ".")
		t.Logf("go list -deps ./blocklist: %d packages: %s", len(all), strings.Join(all, " "))
		if len(all) > maxPackages {
			t.Errorf("blocklist depends on %d packages, the standard library included; keep it at %d or fewer: "+
				"what needs net/http or another large package belongs in blocklist/httpcheck", len(all), maxPackages)
		}
	})
	t.Run("blocklist/httpcheck", func(t *testing.T) {
		all := depsOf(t, "./httpcheck")
		t.Logf("go list -deps ./blocklist/httpcheck: %d packages", len(all))
	})
}

// depsOf returns what `go list -deps` lists for pkg, and fails t for each
// forbidden package among them.
func depsOf(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	all := strings.Fields(string(out))
	for _, path := range all {
		for _, f := range forbidden {
			if path == f || strings.HasPrefix(path, f) && (strings.HasSuffix(f, "/") || strings.HasPrefix(path, f+"/")) {
				t.Errorf("%s depends on %s", pkg, path)
			}
		}
	}
	return all
}
