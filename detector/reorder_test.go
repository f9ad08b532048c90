package detector_test

import (
	"bufio"
	"context"
	"encoding/json"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// shuffled writes the lines of the recording at path displaced by up to
// jitter of event time, as a log merged from several servers is: each line
// moves as if its time were later by an amount that depends on its time
// only, so lines with the same time keep their order.
func shuffled(t *testing.T, path string, jitter time.Duration) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type line struct {
		key  int64
		text string
	}
	var lines []line
	var p ingest.JSONParser
	var rec ingest.Record
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if err := p.Parse(sc.Bytes(), &rec); err != nil {
			t.Fatalf("fixture line %q: %v", sc.Text(), err)
		}
		h := fnv.New64a()
		h.Write([]byte(strconv.FormatInt(rec.TS, 10)))
		lines = append(lines, line{rec.TS + int64(h.Sum64()%uint64(jitter)), sc.Text()})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(lines, func(a, b line) int { return int(a.key - b.key) })
	out := filepath.Join(t.TempDir(), "shuffled.jsonl")
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		bw.WriteString(l.text + "\n")
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

func scoreSources(t *testing.T, srcs []Source, m *models.Model) ([]string, ScoreResult) {
	t.Helper()
	var ds []string
	res, err := Score(context.Background(), srcs, Config{}, m, func(d *decision.Decision) error {
		b, err := json.Marshal(d)
		ds = append(ds, string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ds, res
}

func TestAnUnsortedRecordingIsScoredInEventTime(t *testing.T) {
	_, day2, m := trainedFixture(t)
	want, sorted := scoreSources(t, []Source{&FileSource{Path: day2.path}}, m)
	if len(want) == 0 || sorted.Input.Late != 0 {
		t.Fatalf("the sorted recording gave %d decisions and %d late records; the fixture should give decisions and no late records",
			len(want), sorted.Input.Late)
	}
	unsorted := shuffled(t, day2.path, 5*time.Second)

	t.Run("re-ordered within 10 s, it gives the decisions of the sorted recording", func(t *testing.T) {
		src := &FileSource{Path: unsorted, Reader: ingest.ReaderConfig{Reorder: ingest.ReorderConfig{Lateness: 10 * time.Second}}}
		got, res := scoreSources(t, []Source{src}, m)
		if res.Input.Late != 0 || res.Input.Parsed != sorted.Input.Parsed {
			t.Errorf("Input = %+v; want no late records and the %d events of the sorted recording", res.Input, sorted.Input.Parsed)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d decisions differ from the %d of the sorted recording; first got %q, want %q",
				len(got), len(want), first(got), first(want))
		}
	})
	t.Run("without re-ordering, every record is applied and the ones that go back in time are counted", func(t *testing.T) {
		_, res := scoreSources(t, []Source{&FileSource{Path: unsorted}}, m)
		if res.Input.Parsed != sorted.Input.Parsed || res.Input.Late == 0 || res.Stats.Events != sorted.Stats.Events {
			t.Errorf("Input = %+v, %d events processed; want all %d events, some of them late",
				res.Input, res.Stats.Events, sorted.Stats.Events)
		}
	})
}

func TestRecordsOfALaterInputThatGoBackInTimeAreLate(t *testing.T) {
	day1, day2, m := trainedFixture(t)
	re := ingest.ReaderConfig{Reorder: ingest.ReorderConfig{Lateness: 10 * time.Second}}
	_, res := scoreSources(t, []Source{&FileSource{Path: day2.path, Reader: re}, &FileSource{Path: day1.path, Reader: re}}, m)
	if res.Input.Late == 0 || res.Input.Late >= res.Input.Parsed {
		t.Fatalf("day 1 read after day 2: %d of %d records late; want all of day 1's", res.Input.Late, res.Input.Parsed)
	}
	_, d2 := scoreSources(t, []Source{&FileSource{Path: day2.path}}, m)
	if wantLate := res.Input.Parsed - d2.Input.Parsed; res.Input.Late != wantLate {
		t.Fatalf("%d records late, want the %d of day 1", res.Input.Late, wantLate)
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
