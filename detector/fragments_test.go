package detector_test

import (
	"bytes"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/portcullis/portcullis/models"
)

// searchersDay writes a day of a site whose search its users quote code
// into: 300 readers browse items and search now and then, and 40 of them
// search for template and SQL snippets, typing them into a search box
// that suggests as they type. extra is appended.
func searchersDay(t0 time.Time, extra func(buf *bytes.Buffer)) []byte {
	var buf bytes.Buffer
	line := func(ts time.Time, ip, path string) {
		fmt.Fprintf(&buf, `{"ts":%q,"client_ip":%q,"method":"GET","path":%q,"status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9}`+"\n",
			ts.Format(time.RFC3339Nano), ip, path)
	}
	snippets := []string{"{{ .Values.image }}", "select * from users", "<img src=x>", "${HOME}/.config"}
	for i := range 300 {
		ip := fmt.Sprintf("10.1.%d.%d", i/250, i%250)
		start := t0.Add(time.Duration(i) * 2 * time.Second)
		for j := range 30 {
			path := fmt.Sprintf("/items/%d", (i*31+j*7)%500)
			if j%6 == 0 {
				path = fmt.Sprintf("/search?q=word%d", i*5+j)
			}
			line(start.Add(time.Duration(j)*5*time.Second), ip, path)
		}
		if i%7 == 0 {
			q := snippets[i%len(snippets)]
			for k := range 3 {
				line(start.Add(151*time.Second+time.Duration(k)*time.Second), ip, "/search?q="+url.QueryEscape(q[:len(q)-k]))
			}
		}
	}
	if extra != nil {
		extra(&buf)
	}
	return buf.Bytes()
}

// TestFragmentsASitesUsersSearchForWeighLess trains on a site whose users
// search for code snippets: its search is a MarkerEndpoint, a reader
// searching three snippets the next day is not blocked (as it is with the
// endpoint's fragments weighed as across the site), and a prober sending
// payloads to the same search still is.
func TestFragmentsASitesUsersSearchForWeighLess(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := trainOnData(t, searchersDay(t0, nil))
	if len(m.MarkerEndpoints) != 1 || m.MarkerEndpoints[0].Endpoint != "GET /search" || m.MarkerEndpoints[0].Clients < 40 {
		t.Fatalf("marker endpoints %+v; want GET /search, with its 43 snippet searchers", m.MarkerEndpoints)
	}
	t1 := t0.Add(24 * time.Hour)
	day2 := searchersDay(t1, func(buf *bytes.Buffer) {
		for j := range 24 {
			path := fmt.Sprintf("/items/%d", j*13)
			switch j {
			case 8, 9, 14:
				path = "/search?q=" + url.QueryEscape([]string{"{{ .Values }}", "{{ .Values.tag }}", "select * from orders"}[j%3])
			}
			fmt.Fprintf(buf, `{"ts":%q,"client_ip":"10.7.0.1","method":"GET","path":%q,"status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9}`+"\n",
				t1.Add(time.Duration(j)*4*time.Second).Format(time.RFC3339Nano), path)
		}
		payloads := []string{"' or 1=1--", "' union select null--", "<script>alert(1)</script>", "../../etc/passwd", "${jndi:ldap://x}", "1; sleep(5)"}
		for j := range 30 {
			fmt.Fprintf(buf, `{"ts":%q,"client_ip":"10.8.0.1","method":"GET","path":%q,"status":200,"req_bytes":300,"resp_bytes":4000,"duration_ms":9}`+"\n",
				t1.Add(time.Duration(j)*2*time.Second).Format(time.RFC3339Nano), "/search?q="+url.QueryEscape(payloads[j%len(payloads)]))
		}
	})
	decided, _ := firstDecisions(t, m, day2)
	if d := decided["10.7.0.1"]; d != nil {
		t.Errorf("the reader searching three snippets was blocked: %+v", d.Reasons)
	}
	if decided["10.8.0.1"] == nil {
		t.Error("the prober sending payloads to the search was not blocked")
	}
	siteWide := *m
	siteWide.MarkerEndpoints = nil
	if decided, _ := firstDecisions(t, &siteWide, day2); decided["10.7.0.1"] == nil || decided["10.7.0.1"].Reasons[0].Feature != "payload_evidence" {
		t.Error("with the search's fragments weighed as across the site, the reader was not blocked either: the test cannot tell the weights apart")
	}
}

// TestFewClientsSendingFragmentsMakeNoMarkerEndpoint: an endpoint that a
// few probers sent fragments to in training, however many, keeps the
// site's weights.
func TestFewClientsSendingFragmentsMakeNoMarkerEndpoint(t *testing.T) {
	m := &models.Model{}
	m.SetMarkerEndpoints([]models.MarkerEndpoint{
		{Endpoint: "GET /search", Clients: models.MarkerCrowd - 1, Marked: 80, Requests: 20000},
		{Endpoint: "GET /static/{id}", Template: 7, Clients: 40, Marked: 150, Requests: 200},
		{Endpoint: "GET /q", Template: 9, Clients: 40, Marked: 100, Requests: 10000},
	})
	if len(m.MarkerEndpoints) != 1 || m.MarkerEndpoints[0].Endpoint != "GET /q" {
		t.Fatalf("marker endpoints %+v; want only GET /q (too few clients on /search, fragments in most requests to /static)", m.MarkerEndpoints)
	}
	if w := m.EndpointMarkerWeights()[9]; w < 1.99 || w > 2.0 {
		t.Errorf("GET /q's weight %v; want log10(10000/100.5), 2.00", w)
	}
}
