package limits

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Table is what a Learner learned, as stored in a model file.
type Table struct {
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Events  int64     `json:"events"`
	Dropped int64     `json:"dropped,omitempty"`
	// Sparse counts the endpoints left out for having fewer than
	// MinClients clients.
	Sparse    int        `json:"sparse_endpoints,omitempty"`
	Endpoints []Endpoint `json:"endpoints"`
}

// Endpoint is one method and path template with the peaks of its
// anonymous and keyed clients (nil when it had none of the class).
type Endpoint struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	Anonymous *Peaks `json:"anonymous,omitempty"`
	Keyed     *Peaks `json:"keyed,omitempty"`
}

func (e Endpoint) clients() int {
	n := 0
	if e.Anonymous != nil {
		n += e.Anonymous.Clients
	}
	if e.Keyed != nil {
		n += e.Keyed.Clients
	}
	return n
}

// Peaks is the distribution over clients of each client's peak request
// count in ShortWindow and in LongWindow.
type Peaks struct {
	Clients int       `json:"clients"`
	Short   Quantiles `json:"peak_10s"`
	Long    Quantiles `json:"peak_60s"`
}

// Quantiles of a distribution over clients.
type Quantiles struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// Confidence of a recommendation, from the number of clients behind it.
type Confidence string

// Confidences.
const (
	High   Confidence = "high"   // 1,000 clients or more
	Medium Confidence = "medium" // 100 to 999
	Low    Confidence = "low"    // fewer than 100: start in log mode
)

func confidence(clients int) Confidence {
	switch {
	case clients >= 1000:
		return High
	case clients >= 100:
		return Medium
	}
	return Low
}

// Headroom multiplies the observed peak a limit is set from, so that a
// normal client busier than any seen in training still passes.
const Headroom = 2.0

// Floors of a recommendation: a limit learned from quiet traffic (a few
// requests a minute per client) must still let a person click quickly.
const (
	MinRPS   = 0.2 // 12 a minute
	MinBurst = 10
)

// MinClients is how many clients an endpoint and class needs for a limit:
// with fewer, a peak says more about one client than about the endpoint.
const MinClients = 5

// Limit is a recommended token bucket for one class of clients of one
// endpoint: RPS tokens a second, up to Burst.
type Limit struct {
	Method     string     `json:"method"`
	Path       string     `json:"path"`
	Class      string     `json:"class"` // "anonymous" or "keyed"
	RPS        float64    `json:"rps"`
	Burst      int        `json:"burst"`
	Clients    int        `json:"clients"`
	Confidence Confidence `json:"confidence"`
	// From says which figure the limit was set from, for the operator.
	From string `json:"from"`
}

// LogFirst says the limit should start in log mode: too few clients stand
// behind it to enforce it blind.
func (l Limit) LogFirst() bool { return l.Confidence == Low }

// Recommend returns a limit per endpoint and class. The figure is the 99th
// percentile of the clients' peaks with 100 clients or more (so that a
// handful of attackers in the recording does not set the limit), the
// highest peak below that; times Headroom, and no lower than MinRPS and
// MinBurst. Endpoints with fewer than MinClients clients of a class get
// no limit for it. The sustained rate comes from
// the 60 s peak and the burst from the 10 s peak: a client at the figure
// in both windows passes a bucket of that rate and burst even when it
// bunches its requests into a few seconds.
func (t *Table) Recommend() []Limit {
	var out []Limit
	for _, e := range t.Endpoints {
		for _, c := range []struct {
			name string
			p    *Peaks
		}{{"anonymous", e.Anonymous}, {"keyed", e.Keyed}} {
			if c.p == nil || c.p.Clients < MinClients {
				continue
			}
			short, long, from := c.p.Short.Max, c.p.Long.Max, "max"
			if c.p.Clients >= 100 {
				short, long, from = c.p.Short.P99, c.p.Long.P99, "p99"
			}
			rps := Headroom * long / LongWindow.Seconds()
			out = append(out, Limit{
				Method: e.Method, Path: e.Path, Class: c.name,
				RPS:        roundUp(max(rps, MinRPS)),
				Burst:      max(MinBurst, int(math.Ceil(Headroom*short))),
				Clients:    c.p.Clients,
				Confidence: confidence(c.p.Clients),
				From:       fmt.Sprintf("%s of %d clients' peaks: %.0f in 10 s, %.0f in 60 s", from, c.p.Clients, short, long),
			})
		}
	}
	return out
}

// roundUp rounds a rate up to two significant digits.
func roundUp(x float64) float64 {
	e := int(math.Floor(math.Log10(x))) - 1
	p := math.Pow(10, float64(-e))
	r := math.Ceil(x*p-1e-9) / p // divide by a power of ten: no 1.2000000000000002
	v, _ := strconv.ParseFloat(strconv.FormatFloat(r, 'g', 2, 64), 64)
	return v
}
