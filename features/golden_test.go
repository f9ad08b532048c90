package features

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/portcullis/portcullis/ingest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden pins the features of small hand-checked inputs: each
// testdata/NAME.jsonl is read through ingest, and the final vector of every
// client is compared with testdata/NAME.golden.
//
// hand.jsonl, checked by hand (ratios are k/(n+3), the refused ones of the
// requests the site answered, 5xx aside):
//   - 198.51.100.1: four GETs of one route one second apart: entropy 0,
//     novelty and every error ratio from counts decayed over 120 s;
//   - 203.0.113.9: three failed logins and one success at one instant:
//     rate 4/(10·(1-e^-1)) = 0.63 (a span under 10 s is read as 10 s),
//     auth_fail 3/7, write 4/7, entropy 0, refused_paths 0 (401s say the
//     credentials failed, not the path);
//   - 192.0.2.44: four probes at one instant, one answered 500: not_found
//     2/6, auth_fail 1/6, other_error 0, error 4/7, payload_marks 4/7 (each
//     path carries a marker), entropy 2 bits, refused_2m 3 (the two 404s
//     and the 403, all on new paths), marked_2m 4, refused_paths 3 (the
//     two 404s and the 403, on three paths).
//
// The shared sample ../testdata/logs/access.jsonl, which other packages read
// in every log format, is pinned the same way in access.features.golden
// beside it (see ../testdata/README.md for what was checked by hand).
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.jsonl")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	inputs = append(inputs, "../testdata/logs/access.jsonl")
	for _, in := range inputs {
		name := in[:len(in)-len(".jsonl")]
		golden := name + ".golden"
		if filepath.Dir(in) != "testdata" {
			golden = name + ".features.golden"
		}
		t.Run(filepath.Base(name), func(t *testing.T) {
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tb := NewTable[struct{}](Config{})
			r := ingest.NewReader(f, ingest.ReaderConfig{})
			var rec ingest.Record
			for r.Next(&rec) {
				tb.Observe(rec.ClientIP, "ip", &rec)
			}
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			var keys []string
			tb.Each(func(c *Client[struct{}]) { keys = append(keys, c.Key()) })
			sort.Strings(keys)
			var out bytes.Buffer
			for _, k := range keys {
				c := tb.Lookup([]byte(k))
				var v Vector
				c.Vector(&v)
				fmt.Fprintf(&out, "%s events=%d\n", k, c.Events())
				for i, s := range Specs() {
					fmt.Fprintf(&out, "  %-18s %.6g\n", s.Name, v[i])
				}
			}
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("features differ from %s (run go test -update after checking by hand):\n%s", golden, out.String())
			}
		})
	}
}
