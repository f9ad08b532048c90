package kafka

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyThisPackageImportsTheKafkaClient keeps the Kafka client's types
// in one place: every other package of the module, tests included, sees
// messages as ingest.Message and reaches Kafka through this package.
func TestOnlyThisPackageImportsTheKafkaClient(t *testing.T) {
	const self = "github.com/portcullis/portcullis/ingest/kafka"
	out, err := exec.Command("go", "list", "-f",
		`{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}`,
		"github.com/portcullis/portcullis/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := 0
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, "github.com/segmentio/kafka-go") && fields[0] != self {
				t.Errorf("%s imports %s: use package ingest/kafka and ingest.Message instead", fields[0], imp)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list listed %d packages; want the whole module\n%s", seen, out)
	}
}
