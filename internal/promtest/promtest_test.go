package promtest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

func TestAServerScrapesAndAnswersQueries(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "# TYPE promtest_things_total counter\npromtest_things_total{kind=\"a\"} 3")
	}), ReadHeaderTimeout: time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	s := Start(t, []byte(fmt.Sprintf("global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: things\n    static_configs: [{targets: [%q]}]\n", ln.Addr())))
	ctx := t.Context()
	testwait.Eventually(t, 20*time.Second, "the scraped sample", func() (bool, string) {
		got, err := s.Query(ctx, `promtest_things_total{job="things"}`, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return len(got) == 1 && got[0].Value == 3 && got[0].Metric["kind"] == "a", fmt.Sprintf("%v\nprometheus log:\n%s", got, s.Log())
	})
	t.Run("a scalar comes back as one sample", func(t *testing.T) {
		got, err := s.Query(ctx, "1 + 1", time.Time{})
		if err != nil || len(got) != 1 || got[0].Value != 2 {
			t.Errorf("1 + 1 = %v, %v", got, err)
		}
	})
	t.Run("a query that does not parse is an API error", func(t *testing.T) {
		_, err := s.Query(ctx, "sum(", time.Time{})
		var ae *APIError
		if !errors.As(err, &ae) || ae.Type != "bad_data" {
			t.Errorf("err = %v; want a bad_data API error", err)
		}
	})
	t.Run("label values and targets", func(t *testing.T) {
		jobs, err := s.LabelValues(ctx, "up", "job")
		if err != nil || strings.Join(jobs, ",") != "things" {
			t.Errorf("jobs = %v, %v", jobs, err)
		}
		ts, err := s.Targets(ctx)
		if err != nil || len(ts) != 1 || ts[0].Health != "up" {
			t.Errorf("targets = %+v, %v", ts, err)
		}
	})
	t.Run("a range query returns points", func(t *testing.T) {
		end := time.Now()
		got, err := s.QueryRange(ctx, "promtest_things_total", end.Add(-5*time.Second), end, time.Second)
		if err != nil || len(got) != 1 || len(got[0].Samples) == 0 {
			t.Errorf("range = %+v, %v", got, err)
		}
	})
}
