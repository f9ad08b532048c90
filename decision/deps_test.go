package decision

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesStayLight keeps decision a leaf that the thinnest check
// can import: the standard library only, and none of its hashing (the id
// of an API key is decision/apikey's, apart), which brings about thirty
// packages of its own.
func TestDependenciesStayLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		switch {
		case path == "github.com/portcullis/portcullis/decision":
		case std != "true":
			t.Errorf("decision depends on %s, outside the standard library", path)
		case strings.HasPrefix(path, "crypto/"):
			t.Errorf("decision depends on %s; hashing belongs in decision/apikey", path)
		}
	}
}
