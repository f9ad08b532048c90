package simlog

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLogWritesSortedEventsAndLabelsOfClientsThatSentTraffic(t *testing.T) {
	start := time.Date(2026, 5, 12, 18, 0, 0, 0, time.UTC)
	l := New(start, time.Minute)
	n := l.Client("198.51.100.7", KindNormal)
	n.Heavy, n.Profile = true, "webhook"
	f := l.Client("203.0.113.9", "stuffing")
	f.Campaign = "stuffing-1"
	l.Client("192.0.2.1", KindNormal) // sends nothing inside the window
	for _, e := range []Event{
		{T: Sec(30), C: f, Method: "POST", Path: "/login", Status: 401, ReqBytes: 100, Attack: true},
		{T: Sec(2), C: n, Method: "POST", Path: "/hooks", Status: 200, ReqBytes: 900, RespBytes: 60, DurationMS: 12.345, UA: `Pay "notify"`},
		{T: Sec(10), C: f, Method: "GET", Path: "/login", Status: 200, ReqBytes: 300, Key: "k", User: "u"},
		{T: Sec(50), C: f, Method: "POST", Path: "/login", Status: 403, ReqBytes: 100, Attack: true},
	} {
		if !l.Add(e) {
			t.Fatalf("Add(%+v) = false inside the window", e)
		}
	}
	if l.Add(Event{T: Sec(60), C: l.Clients()[2]}) || l.Add(Event{T: -1, C: l.Clients()[2]}) {
		t.Error("Add took an event outside the window")
	}
	var ev, lab bytes.Buffer
	if err := l.WriteEvents(&ev); err != nil {
		t.Fatal(err)
	}
	if err := l.WriteLabels(&lab); err != nil {
		t.Fatal(err)
	}
	wantEv := `{"ts":"2026-05-12T18:00:02.000Z","client_ip":"198.51.100.7","method":"POST","path":"/hooks","status":200,"req_bytes":900,"resp_bytes":60,"duration_ms":12.35,"user_agent":"Pay \"notify\""}
{"ts":"2026-05-12T18:00:10.000Z","client_ip":"203.0.113.9","method":"GET","path":"/login","status":200,"req_bytes":300,"resp_bytes":0,"duration_ms":0,"user_agent":"","api_key":"k","user":"u"}
{"ts":"2026-05-12T18:00:30.000Z","client_ip":"203.0.113.9","method":"POST","path":"/login","status":401,"req_bytes":100,"resp_bytes":0,"duration_ms":0,"user_agent":""}
{"ts":"2026-05-12T18:00:50.000Z","client_ip":"203.0.113.9","method":"POST","path":"/login","status":403,"req_bytes":100,"resp_bytes":0,"duration_ms":0,"user_agent":""}
`
	if ev.String() != wantEv {
		t.Errorf("events =\n%s\nwant\n%s", ev.String(), wantEv)
	}
	// The onset is the first attack request, not the page view before it.
	wantLab := `{"client":"198.51.100.7","kind":"normal","onset":null,"end":null,"heavy":true,"profile":"webhook"}
{"client":"203.0.113.9","kind":"stuffing","onset":"2026-05-12T18:00:30.000Z","end":"2026-05-12T18:00:50.000Z","heavy":false,"campaign":"stuffing-1"}
`
	if lab.String() != wantLab {
		t.Errorf("labels =\n%s\nwant\n%s", lab.String(), wantLab)
	}
}

func TestAddressesAreUniqueAndInsideTheirPrefix(t *testing.T) {
	l := New(time.Unix(0, 0), time.Minute)
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for range 600 { // more than the 254 hosts of the /24: the draw must widen, never repeat
		ip := l.V4(r, []string{"10.1.2.", "10.1."})
		if seen[ip] || !strings.HasPrefix(ip, "10.1.") || strings.Count(ip, ".") != 3 {
			t.Fatalf("V4 drew %q (seen before: %v)", ip, seen[ip])
		}
		seen[ip] = true
	}
	net := V6Net(r, []string{"2a02:8109:"})
	if strings.Count(net, ":") != 4 || !strings.HasPrefix(net, "2a02:8109:") {
		t.Fatalf("V6Net = %q, want four groups and a colon", net)
	}
	for range 100 {
		ip := l.V6In(r, net)
		if seen[ip] || !strings.HasPrefix(ip, net) || strings.Count(ip, ":") != 7 {
			t.Fatalf("V6In drew %q", ip)
		}
		seen[ip] = true
	}
}

func TestRegisteringAnAddressTwicePanics(t *testing.T) {
	l := New(time.Unix(0, 0), time.Minute)
	l.Client("192.0.2.1", KindNormal)
	defer func() {
		if recover() == nil {
			t.Error("a second client at the same address did not panic")
		}
	}()
	l.Client("192.0.2.1", "flood")
}

func TestBucketsTakeABurstThenRefillAtTheirRate(t *testing.T) {
	b := NewBuckets(0.5, 3) // one every 2 s, 3 at once
	var got []bool
	for _, at := range []float64{0, 0, 0, 0, 1, 2.1, 2.2} {
		got = append(got, b.Take("a", Sec(at)))
	}
	want := []bool{true, true, true, false, false, true, false}
	if !slices.Equal(got, want) {
		t.Errorf("takes %v, want %v", got, want)
	}
	if !b.Take("b", Sec(2.2)) {
		t.Error("another key's bucket is empty")
	}
}

func TestWeightedDrawsInProportion(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var n [3]int
	for range 40000 {
		n[Weighted(r, []float64{1, 0, 3})]++
	}
	if n[1] != 0 || n[0] < 9000 || n[0] > 11000 || n[2] < 29000 || n[2] > 31000 {
		t.Errorf("draws %v of weights 1, 0, 3 over 40000; want about 10000, 0, 30000", n)
	}
}

func TestAttacksRunsEachKindOnceOrTwice(t *testing.T) {
	var got []string
	kind := func(name string) func(*rand.Rand) {
		return func(*rand.Rand) { got = append(got, name) }
	}
	Attacks(rand.New(rand.NewPCG(1, 2)),
		Attack{Run: kind("flood"), Second: 0},
		Attack{Run: kind("scan"), Second: 1},
		Attack{Run: kind("upload"), Second: 0},
	)
	if want := []string{"flood", "scan", "scan", "upload"}; !slices.Equal(got, want) {
		t.Errorf("attackers %v, want %v", got, want)
	}
}
