package detector_test

import (
	"testing"
	"time"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
)

// TestVolumeLimitSparesSelfNamedServices sends the same steady stream, a
// little past the volume limit, to one URL from an anonymous address new to
// the model, once with a browser's user agent, once with one that names
// a service (a partner's webhook sender), and once with a browser's user
// agent whose every third request the site answers 429: the first browser
// is blocked by the volume limit, the service and the throttled browser
// are not.
func TestVolumeLimitSparesSelfNamedServices(t *testing.T) {
	_, _, m := trainedFixture(t)
	if m.Volume.Requests == 0 {
		t.Fatal("the fixture's model has no volume limit")
	}
	// requests_2m is a count decayed over 2 minutes: a steady rate r
	// reaches 120 r. Aim for twice the limit after 4 minutes.
	gap := time.Duration(float64(2*time.Minute) / (2 * m.Volume.Requests))
	run := func(ua string, every429 int) []*decision.Decision {
		p, err := NewPipeline(Config{Campaign: campaign.Config{Disabled: true}}, m)
		if err != nil {
			t.Fatal(err)
		}
		var ds []*decision.Decision
		t0 := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
		for i, ts := 0, t0; ts.Before(t0.Add(4 * time.Minute)); i, ts = i+1, ts.Add(gap) {
			status := 200
			if every429 > 0 && i%every429 == 0 {
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
	browser := run(chrome, 0)
	if len(browser) == 0 || browser[0].Rule != decision.RuleVolume {
		t.Fatalf("a browser past the volume limit on one URL got %+v, want a block by the volume limit", browser)
	}
	if service := run("Acme-Webhooks/2.1 (+https://acme.example/hooks)", 0); len(service) != 0 {
		t.Errorf("a service that names itself was blocked: %+v", service[0])
	}
	for _, d := range run(chrome, 3) {
		if d.Rule == decision.RuleVolume {
			t.Errorf("a browser the site throttles (every third request 429) was blocked by the volume limit: %+v", d)
		}
	}
}
