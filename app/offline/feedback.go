package offline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
)

// feedbackVerdict is the part of an operator's verdict (one line of
// "portcullis feedback export") that training reads.
type feedbackVerdict struct {
	Kind     string             `json:"kind"`
	Label    string             `json:"label"`
	Client   string             `json:"client"`
	Decision *decision.Decision `json:"decision"`
}

// labelBenign is the label of a verdict that says a block was wrong.
const labelBenign = "benign"

// Cleared is what training takes from operators' verdicts.
type Cleared struct {
	// Clients are the clients, in the training identity's scope, that
	// operators cleared after the detector blocked them, with the reasons
	// of the decisions lifted.
	Clients []detector.ClearedClient
	// Verdicts is how many verdicts were read; OtherScope how many cleared
	// clients of another scope than the training identity's were left out
	// (a model judges one kind of client).
	Verdicts, OtherScope int
}

// readFeedback reads the verdicts in files (JSON lines, as "portcullis
// feedback export" writes them) and returns the clients cleared in scope:
// benign verdicts that lift a decision the detector took. A line that is not
// a verdict is an error naming the file and line: a model trained on half
// its feedback would say it had all of it.
func readFeedback(files []string, scope string) (Cleared, error) {
	var c Cleared
	seen := map[string]bool{}
	for _, name := range files {
		if err := readFeedbackFile(name, scope, &c, seen); err != nil {
			return Cleared{}, err
		}
	}
	return c, nil
}

func readFeedbackFile(name, scope string, c *Cleared, seen map[string]bool) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("--feedback: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			var v feedbackVerdict
			if jerr := json.Unmarshal(b, &v); jerr != nil {
				return fmt.Errorf("--feedback %s line %d: not a verdict (%v); pass a file written by portcullis feedback export", name, line, jerr)
			}
			if v.Kind == "" || v.Label == "" {
				return fmt.Errorf("--feedback %s line %d: not a verdict (no kind or label); pass a file written by portcullis feedback export", name, line)
			}
			c.Verdicts++
			if v.Decision != nil {
				v.Decision.FillOrigin()
			}
			if v.Label == labelBenign && v.Decision != nil && !v.Decision.Manual() {
				switch {
				case v.Decision.Scope != scope:
					c.OtherScope++
				case !seen[v.Decision.Client]:
					seen[v.Decision.Client] = true
					c.Clients = append(c.Clients, detector.ClearedClient{Key: v.Decision.Client, Reasons: v.Decision.Reasons})
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("--feedback %s: %w", name, err)
		}
	}
}
