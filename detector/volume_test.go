package detector_test

import (
	"testing"
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
)

// TestVolumeLimitSparesSelfNamedServices sends the same steady stream
// past the volume limit to one URL from an anonymous address new to the
// model: with a browser's user agent, with one that names a service (a
// partner's webhook sender), with a browser's user agent that the site
// throttles to a pace under the limit (every other request of a stream at
// 1.5 times the limit answered 429). The first is blocked by the volume
// limit, the service and the throttled browser are not (a flood the site
// throttles but still serves past the limit is: TestVolumeLimitHeldToPace).
func TestVolumeLimitSparesSelfNamedServices(t *testing.T) {
	_, _, m := trainedFixture(t)
	if m.Volume.Requests == 0 {
		t.Fatal("the fixture's model has no volume limit")
	}
	// requests_2m is a count decayed over 2 minutes: a steady rate r
	// reaches 120 r. times is the multiple of the limit aimed at after 4
	// minutes; refused says which requests the site answers 429.
	run := func(ua string, times float64, refused func(i int) bool) []*decision.Decision {
		gap := time.Duration(float64(2*time.Minute) / (times * m.Volume.Requests))
		p, err := NewPipeline(Config{Campaign: campaign.Config{Disabled: true}}, m)
		if err != nil {
			t.Fatal(err)
		}
		var ds []*decision.Decision
		t0 := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
		for i, ts := 0, t0; ts.Before(t0.Add(4 * time.Minute)); i, ts = i+1, ts.Add(gap) {
			status := 200
			if refused(i) {
				status = 429
			}
			rec := ingest.Record{TS: ts.UnixNano(), ClientIP: []byte("203.0.113.77"), Method: []byte("GET"),
				Path: []byte("/"), Status: status, RespBytes: 2000, UserAgent: []byte(ua)}
			if d := p.Process(&rec); d != nil {
				ds = append(ds, d)
			}
		}
		return ds
	}
	const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	never := func(int) bool { return false }
	browser := run(chrome, 2, never)
	if len(browser) == 0 || browser[0].Rule != decision.RuleVolume {
		t.Fatalf("a browser past the volume limit on one URL got %+v, want a block by the volume limit", browser)
	}
	if service := run("Acme-Webhooks/2.1 (+https://acme.example/hooks)", 2, never); len(service) != 0 {
		t.Errorf("a service that names itself was blocked: %+v", service[0])
	}
	for _, d := range run(chrome, 1.5, func(i int) bool { return i%2 == 0 }) {
		if d.Rule == decision.RuleVolume {
			t.Errorf("a browser the site throttles to half its requests, under the limit, was blocked by the volume limit: %+v", d)
		}
	}

}
