package detect

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMalformedWatchWarnsOncePerEpisode(t *testing.T) {
	reg := prometheus.NewRegistry()
	consumed := prometheus.NewCounter(prometheus.CounterOpts{Name: consumedMetric, Help: "h"})
	malformed := prometheus.NewCounter(prometheus.CounterOpts{Name: malformedMetric, Help: "h"})
	reg.MustRegister(consumed, malformed)
	var logs bytes.Buffer
	w := &malformedWatch{gatherer: reg, maxPercent: 10, minMessages: 100,
		log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}

	steps := []struct {
		name                string
		consumed, malformed float64
		want                string // the line logged, "" for none
	}{
		{"a clean minute logs nothing", 1000, 5, ""},
		{"a minute over the limit warns", 1000, 400, `level=WARN msg="400 of 1000 access-log messages since the last check were malformed (40.0%, over max_malformed 10%)`},
		{"a second bad minute does not warn again", 1000, 900, ""},
		{"a quiet minute is not judged", 10, 10, ""},
		{"a clean minute says the input is good again", 1000, 0, `level=INFO msg="malformed access-log messages are back under max_malformed 10% (0.0% since the last check)"`},
		{"the next bad minute warns again", 200, 100, `level=WARN msg="100 of 200 access-log messages`},
	}
	for _, s := range steps {
		logs.Reset()
		consumed.Add(s.consumed)
		malformed.Add(s.malformed)
		w.check()
		got := strings.TrimSpace(logs.String())
		switch {
		case s.want == "" && got != "":
			t.Errorf("%s, but it logged %s", s.name, got)
		case s.want != "" && (!strings.Contains(got, s.want) || strings.Count(got, "\n") > 0):
			t.Errorf("%s: logged %q, want one line with %q", s.name, got, s.want)
		}
	}
}
