package review_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
	"github.com/portcullis/portcullis/review"
)

// response is what a request to the rig got back.
type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

func (r response) errorText(t *testing.T) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	r.json(t, &e)
	return e.Error
}

// call sends a request with auth as the Authorization header (none if
// empty) and body as JSON (none if empty).
func (r *rig) call(t *testing.T, method, path, auth, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, r.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := r.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

// as calls with the right token.
func (r *rig) as(t *testing.T, method, path, body string) response {
	t.Helper()
	return r.call(t, method, path, "Bearer "+testToken, body)
}

func (r *rig) blocked(t *testing.T, client string) bool {
	t.Helper()
	d, err := r.store.Get(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	return d != nil
}

func TestReviewAPIWantsTheToken(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, nil)
	r.block(t, testDecision("203.0.113.7", time.Minute, 0.8, "error_ratio"))
	tests := []struct {
		name, method, path, auth, body string
		code                           int
		challenge                      string
	}{
		{name: "a list without a token is refused with a bearer challenge", method: "GET", path: "/api/v1/decisions",
			code: 401, challenge: `Bearer realm="portcullis"`},
		{name: "a list with a wrong token is refused as an invalid token", method: "GET", path: "/api/v1/decisions",
			auth: "Bearer wrong-token-0123456789", code: 401, challenge: `error="invalid_token"`},
		{name: "a token that is a prefix of the right one is refused", method: "GET", path: "/api/v1/decisions",
			auth: "Bearer " + testToken[:len(testToken)-1], code: 401, challenge: `error="invalid_token"`},
		{name: "the right token sent as basic credentials is refused", method: "GET", path: "/api/v1/decisions",
			auth: "Basic " + testToken, code: 401, challenge: "Bearer"},
		{name: "an unblock without a token is refused", method: "POST", path: "/api/v1/decisions/203.0.113.7/unblock",
			code: 401, challenge: "Bearer"},
		{name: "an allowlist entry without a token is refused", method: "POST", path: "/api/v1/allowlist",
			body: `{"entry":"203.0.113.0/24"}`, code: 401, challenge: "Bearer"},
		{name: "an unknown API path without a token is refused, not described", method: "GET", path: "/api/v2/things",
			code: 401, challenge: "Bearer"},
		{name: "the right token with a lower-case scheme is accepted", method: "GET", path: "/api/v1/decisions",
			auth: "bearer " + testToken, code: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := r.call(t, tt.method, tt.path, tt.auth, tt.body)
			if res.code != tt.code {
				t.Fatalf("status %d, want %d: %s", res.code, tt.code, res.body)
			}
			if tt.code == 401 {
				if got := res.header.Get("WWW-Authenticate"); !strings.Contains(got, tt.challenge) {
					t.Errorf("WWW-Authenticate %q, want it to hold %q", got, tt.challenge)
				}
				if res.errorText(t) == "" {
					t.Error("no error message")
				}
			}
		})
	}
	if !r.blocked(t, "203.0.113.7") {
		t.Error("a refused unblock unblocked the client")
	}
	if es, _ := r.store.Allowlist(context.Background()); len(es) != 0 {
		t.Errorf("a refused allow changed the allowlist: %v", es)
	}
	if n := r.requests(t, "/api/v1/decisions", "401"); n != 4 {
		t.Errorf("counted %v refused lists, want 4", n)
	}
	t.Run("the page's files hold no data and are served without a token, under a strict policy", func(t *testing.T) {
		for _, p := range []string{"/review/", "/review/app.js", "/review/style.css"} {
			res := r.call(t, "GET", p, "", "")
			if res.code != 200 || !strings.Contains(res.header.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("%s: status %d, CSP %q", p, res.code, res.header.Get("Content-Security-Policy"))
			}
			if strings.Contains(string(res.body), "203.0.113.7") {
				t.Errorf("%s holds a client", p)
			}
		}
		if res := r.call(t, "GET", "/review", "", ""); res.code != 200 || !strings.Contains(string(res.body), "<title>") {
			t.Errorf("/review did not lead to the page: %d", res.code)
		}
	})
}

// requests returns portcullis_review_requests_total of route and code.
func (r *rig) requests(t *testing.T, route, code string) float64 {
	t.Helper()
	mfs, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "portcullis_review_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestReviewAPIRefusesBadInput(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, nil)
	r.block(t, testDecision("203.0.113.7", time.Minute, 0.8, "error_ratio"))
	if err := r.store.Allow(context.Background(), "198.51.100.0/24"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path, body string
		code                     int
		says                     string
	}{
		{"an unknown action is refused", "GET", "/api/v1/decisions?action=ban", "", 400, `unknown action "ban"`},
		{"an unknown reason is refused with the feature names", "GET", "/api/v1/decisions?reason=speed", "", 400, "error_ratio"},
		{"a since that is neither a time nor a duration is refused", "GET", "/api/v1/decisions?since=yesterday", "", 400, "RFC 3339"},
		{"a negative since is refused", "GET", "/api/v1/decisions?since=-5m", "", 400, "positive duration"},
		{"a client filter with a bad CIDR is refused", "GET", "/api/v1/decisions?client=10.0.0.0/33", "", 400, "not a CIDR prefix"},
		{"a client filter with a space is refused", "GET", "/api/v1/decisions?client=" + url.QueryEscape("10.0 .1"), "", 400, "space"},
		{"a limit of zero is refused", "GET", "/api/v1/decisions?limit=0", "", 400, "limit"},
		{"a limit that is not a number is refused", "GET", "/api/v1/decisions?limit=ten", "", 400, "whole number"},
		{"a limit over the maximum is refused", "GET", "/api/v1/decisions?limit=100000", "", 400, "from 1 to 500"},
		{"a cursor the API did not give is refused", "GET", "/api/v1/decisions?cursor=abc", "", 400, "cursor"},
		{"an unknown parameter is refused", "GET", "/api/v1/decisions?clinet=1", "", 400, `unknown parameter "clinet"`},
		{"a parameter given twice is refused", "GET", "/api/v1/decisions?limit=1&limit=2", "", 400, "once"},
		{"a client that is not blocked is not found", "GET", "/api/v1/decisions/192.0.2.1", "", 404, "not blocked"},
		{"an empty client is refused", "GET", "/api/v1/decisions/", "", 400, "empty"},
		{"unblocking a client that is not blocked is not found", "POST", "/api/v1/decisions/192.0.2.1/unblock", "", 404, "not blocked"},
		{"unblocking a client with a control character is refused", "POST", "/api/v1/decisions/a%07b/unblock", "", 400, "control"},
		{"an allowlist body that is not JSON is refused", "POST", "/api/v1/allowlist", "entry=1.2.3.4", 400, "not the JSON"},
		{"an allowlist body with an unknown field is refused", "POST", "/api/v1/allowlist", `{"entry":"1.2.3.4","ttl":5}`, 400, "unknown field"},
		{"an allowlist body with two objects is refused", "POST", "/api/v1/allowlist", `{"entry":"1.2.3.4"}{}`, 400, "one object"},
		{"an allowlist entry with a bad CIDR is refused", "POST", "/api/v1/allowlist", `{"entry":"10.0.0.0/99"}`, 400, "not a CIDR prefix"},
		{"an empty allowlist entry is refused", "POST", "/api/v1/allowlist", `{"entry":" "}`, 400, "empty"},
		{"an oversized allowlist body is refused", "POST", "/api/v1/allowlist", `{"entry":"` + strings.Repeat("a", 5000) + `"}`, 400, "not the JSON"},
		{"removing an entry that is not on the allowlist is not found", "DELETE", "/api/v1/allowlist/10.0.0.0/8", "", 404, "not on the allowlist"},
		{"an unknown endpoint is not found", "GET", "/api/v1/clients", "", 404, "no such endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := r.as(t, tt.method, tt.path, tt.body)
			if res.code != tt.code {
				t.Fatalf("status %d, want %d: %s", res.code, tt.code, res.body)
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if msg := res.errorText(t); !strings.Contains(msg, tt.says) {
				t.Errorf("error %q does not say %q", msg, tt.says)
			}
		})
	}
	t.Run("an allowlist body sent as a form is refused as the wrong media type", func(t *testing.T) {
		req, _ := http.NewRequest("POST", r.srv.URL+"/api/v1/allowlist", strings.NewReader(`{"entry":"1.2.3.4"}`))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := r.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("status %d, want 415", res.StatusCode)
		}
	})
	if !r.blocked(t, "203.0.113.7") {
		t.Error("bad input changed the blocklist")
	}
}

// item is a list item as a client of the API reads it.
type item struct {
	decision.Decision
	Expires       time.Time `json:"expires"`
	TTLLeftSec    int64     `json:"ttl_left_s"`
	SinceOnsetSec int64     `json:"since_onset_s"`
}

type page struct {
	Items      []item `json:"items"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor"`
	Version    uint64 `json:"version"`
}

func clientsOf(p page) []string {
	var cs []string
	for _, it := range p.Items {
		cs = append(cs, it.Client)
	}
	return cs
}

func TestReviewAPIListsFiltersAndPages(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, nil)
	r.block(t,
		testDecision("203.0.113.1", 50*time.Minute, 0.7, "error_ratio", "rate"),
		testDecision("203.0.113.2", 40*time.Minute, 0.8, "auth_fail_ratio"),
		testDecision("198.51.100.3", 30*time.Minute, 0.9, "rate"),
		testDecision("key_scraper", 20*time.Minute, 0.75, "id_sweep", "path_novelty"),
		testDecision("203.0.113.5", 10*time.Minute, 0.95, "payload_marks"),
	)
	manual := testDecision("192.0.2.9", 5*time.Minute, 0, "manual: ticket 42")
	manual.Model = "manual"
	r.block(t, manual)
	list := func(t *testing.T, query string) page {
		t.Helper()
		res := r.as(t, "GET", "/api/v1/decisions"+query, "")
		if res.code != 200 {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		var p page
		res.json(t, &p)
		return p
	}
	t.Run("every active decision comes newest first in the decisions shape, with the TTL left", func(t *testing.T) {
		res := r.as(t, "GET", "/api/v1/decisions", "")
		var raw struct {
			Items []map[string]any `json:"items"`
		}
		res.json(t, &raw)
		for _, f := range []string{"client", "scope", "ts", "action", "score", "threshold", "ttl_s", "model", "reasons", "ttl_left_s", "expires", "since_onset_s"} {
			if _, ok := raw.Items[0][f]; !ok {
				t.Errorf("an item lacks %q: %v", f, raw.Items[0])
			}
		}
		p := list(t, "")
		want := []string{"192.0.2.9", "203.0.113.5", "key_scraper", "198.51.100.3", "203.0.113.2", "203.0.113.1"}
		if got := clientsOf(p); !slices.Equal(got, want) || p.Total != 6 || p.NextCursor != "" || p.Version == 0 {
			t.Fatalf("list = %v (total %d, cursor %q, version %d), want %v", got, p.Total, p.NextCursor, p.Version, want)
		}
		it := p.Items[1]
		if it.TTLLeftSec < 590 || it.TTLLeftSec > 600 || it.SinceOnsetSec < 599 || it.SinceOnsetSec > 610 || it.Reasons[0].Feature != "payload_marks" {
			t.Errorf("item = %+v; want ~600 s left, ~600 s since onset, reason payload_marks", it)
		}
	})
	tests := []struct {
		name, query string
		want        []string
	}{
		{"a reason keeps the decisions any of whose reasons is that feature", "?reason=rate", []string{"198.51.100.3", "203.0.113.1"}},
		{"the manual reason keeps blocks added by hand", "?reason=manual", []string{"192.0.2.9"}},
		{"a duration since keeps the recent decisions", "?since=25m", []string{"192.0.2.9", "203.0.113.5", "key_scraper"}},
		{"an RFC 3339 since keeps the decisions at or after it", "?since=" + url.QueryEscape(time.Now().Add(-35*time.Minute).Format(time.RFC3339)),
			[]string{"192.0.2.9", "203.0.113.5", "key_scraper", "198.51.100.3"}},
		{"a client prefix keeps the identities that start with it", "?client=203.0.113.", []string{"203.0.113.5", "203.0.113.2", "203.0.113.1"}},
		{"a CIDR client keeps the addresses in it", "?client=" + url.QueryEscape("198.51.0.0/16"), []string{"198.51.100.3"}},
		{"the block action keeps enforced decisions", "?action=block", []string{"192.0.2.9", "203.0.113.5", "key_scraper", "198.51.100.3", "203.0.113.2", "203.0.113.1"}},
		{"the simulated action keeps none outside a dry run", "?action=simulated", nil},
		{"filters combine", "?client=203.&reason=error_ratio&since=2h", []string{"203.0.113.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := list(t, tt.query)
			if got := clientsOf(p); !slices.Equal(got, tt.want) || p.Total != len(tt.want) {
				t.Errorf("list%s = %v (total %d), want %v", tt.query, got, p.Total, tt.want)
			}
		})
	}
	t.Run("pages of a limit follow their cursors through every match once, in order", func(t *testing.T) {
		all := clientsOf(list(t, ""))
		var got []string
		q := "?limit=4"
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("more pages than decisions")
			}
			p := list(t, q)
			if len(p.Items) > 4 || p.Total != 6 {
				t.Fatalf("page of %d items, total %d", len(p.Items), p.Total)
			}
			got = append(got, clientsOf(p)...)
			if p.NextCursor == "" {
				break
			}
			q = "?limit=4&cursor=" + url.QueryEscape(p.NextCursor)
		}
		if !slices.Equal(got, all) {
			t.Errorf("pages gave %v, want %v", got, all)
		}
	})
	t.Run("a cursor past a decision removed meanwhile still continues after it", func(t *testing.T) {
		p := list(t, "?limit=2")
		if err := r.svc.Unblock(context.Background(), p.Items[1].Client); err != nil {
			t.Fatal(err)
		}
		next := list(t, "?limit=2&cursor="+url.QueryEscape(p.NextCursor))
		if got := clientsOf(next); !slices.Equal(got, []string{"key_scraper", "198.51.100.3"}) {
			t.Errorf("next page = %v", got)
		}
	})
}

func TestReviewAPIDryRun(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, func(c *redisstore.Config) { c.DryRun = true })
	d := testDecision("203.0.113.7", time.Minute, 0.8, "error_ratio")
	d.Simulated = true
	r.block(t, d)
	var p page
	r.as(t, "GET", "/api/v1/decisions?action=simulated", "").json(t, &p)
	if got := clientsOf(p); !slices.Equal(got, []string{"203.0.113.7"}) || !p.Items[0].Simulated {
		t.Errorf("simulated decisions = %+v", p.Items)
	}
	r.as(t, "GET", "/api/v1/decisions?action=block", "").json(t, &p)
	if len(p.Items) != 0 {
		t.Errorf("enforced decisions in a dry run: %v", clientsOf(p))
	}
}

func TestReviewAPIShowsAClientWithReasonsAndHistory(t *testing.T) {
	tr := realData(t)
	addr := redistest.Start(t)
	r := newRig(t, addr, tr.history, nil)
	r.block(t, tr.decisions...)
	for _, d := range tr.decisions[:3] {
		res := r.as(t, "GET", "/api/v1/decisions/"+url.PathEscape(d.Client), "")
		if res.code != 200 {
			t.Fatalf("%s: status %d: %s", d.Client, res.code, res.body)
		}
		var got struct {
			item
			History []detector.Judgement `json:"history"`
		}
		res.json(t, &got)
		if got.Client != d.Client || !got.TS.Equal(d.TS) || !slices.Equal(got.Reasons, d.Reasons) || got.TTLLeftSec < 500 {
			t.Errorf("%s: got %+v, want the decision %+v", d.Client, got.item, d)
		}
		i := slices.IndexFunc(got.History, func(j detector.Judgement) bool { return j.Decided && j.TS.Equal(d.TS) })
		if i < 0 {
			t.Fatalf("%s: no decided judgement at %v in the history %+v", d.Client, d.TS, got.History)
		}
		j := got.History[i]
		_, isFeature := j.Features[d.Reasons[0].Feature] // or a signal such as payload_evidence
		if j.Score != d.Score || len(j.Features) == 0 || isFeature && j.Features[d.Reasons[0].Feature] == 0 || !slices.Equal(j.Reasons, d.Reasons) && d.Rule == "" {
			t.Errorf("%s: decided judgement %+v does not match the decision's score and reasons", d.Client, j)
		}
	}
	t.Run("a client of an IPv6 /64 is reached with its slash escaped", func(t *testing.T) {
		d := testDecision("2001:db8:1:2::/64", time.Minute, 0.8, "rate")
		d.Scope = "ipv6_64"
		r.block(t, d)
		path := "/api/v1/decisions/" + url.PathEscape(d.Client)
		if res := r.as(t, "GET", path, ""); res.code != 200 {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		var got struct {
			History []detector.Judgement `json:"history"`
		}
		r.as(t, "GET", path, "").json(t, &got)
		if got.History == nil || len(got.History) != 0 {
			t.Errorf("a client blocked by hand has history %v; want an empty list", got.History)
		}
		if res := r.as(t, "POST", path+"/unblock", ""); res.code != 200 || r.blocked(t, d.Client) {
			t.Errorf("unblock: status %d: %s", res.code, res.body)
		}
	})
}

func TestReviewAPIUnblocksInRedis(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, nil)
	r.block(t, testDecision("203.0.113.7", time.Minute, 0.8, "error_ratio"), testDecision("203.0.113.8", time.Minute, 0.8, "rate"))
	changes, err := r.store.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	res := r.as(t, "POST", "/api/v1/decisions/203.0.113.7/unblock", "")
	if res.code != 200 || !strings.Contains(string(res.body), `"unblocked":true`) {
		t.Fatalf("status %d: %s", res.code, res.body)
	}
	if r.blocked(t, "203.0.113.7") {
		t.Error("203.0.113.7 is still blocked in Redis")
	}
	if !r.blocked(t, "203.0.113.8") {
		t.Error("203.0.113.8 was unblocked too")
	}
	if c := testwait.Recv(t, changes, 5*time.Second, "the unblock pushed to the gateways"); c.Op != blocklist.OpRemove || c.Client != "203.0.113.7" {
		t.Errorf("gateways were told %+v", c)
	}
	if res := r.as(t, "POST", "/api/v1/decisions/203.0.113.7/unblock", ""); res.code != 404 {
		t.Errorf("a second unblock: status %d, want 404", res.code)
	}
}

func TestReviewAPIAllowlist(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, nil)
	r.block(t, testDecision("203.0.113.7", time.Minute, 0.8, "error_ratio"), testDecision("198.51.100.1", time.Minute, 0.8, "rate"))
	entries := func(t *testing.T) []string {
		t.Helper()
		var b struct {
			Entries []string `json:"entries"`
		}
		r.as(t, "GET", "/api/v1/allowlist", "").json(t, &b)
		return b.Entries
	}
	if es := entries(t); es == nil || len(es) != 0 {
		t.Errorf("allowlist = %#v; want an empty list", es)
	}
	t.Run("allowing a prefix lists it and lifts the blocks it covers", func(t *testing.T) {
		res := r.as(t, "POST", "/api/v1/allowlist", `{"entry":" 203.0.113.0/24 "}`)
		if res.code != 200 || !strings.Contains(string(res.body), `"entry":"203.0.113.0/24"`) {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		if es := entries(t); !slices.Equal(es, []string{"203.0.113.0/24"}) {
			t.Errorf("allowlist = %v", es)
		}
		if r.blocked(t, "203.0.113.7") || !r.blocked(t, "198.51.100.1") {
			t.Error("the allowlisted client is still blocked, or the other one was unblocked")
		}
		out, err := r.store.Apply(context.Background(), []*decision.Decision{testDecision("203.0.113.9", 0, 0.9, "rate")})
		if err != nil || out[0].Result != blocklist.RefusedAllowlisted {
			t.Errorf("a new block inside the prefix: %v, %v", out, err)
		}
	})
	t.Run("allowing an API key lifts its block", func(t *testing.T) {
		r.block(t, testDecision("key_partner", time.Minute, 0.8, "rate"))
		if res := r.as(t, "POST", "/api/v1/allowlist", `{"entry":"key_partner"}`); res.code != 200 || r.blocked(t, "key_partner") {
			t.Errorf("status %d: %s", res.code, res.body)
		}
	})
	t.Run("removing a prefix, slash and all, lets blocks in it land again", func(t *testing.T) {
		res := r.as(t, "DELETE", "/api/v1/allowlist/203.0.113.0/24", "")
		if res.code != 200 || !strings.Contains(string(res.body), `"removed":true`) {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		if es := entries(t); !slices.Equal(es, []string{"key_partner"}) {
			t.Errorf("allowlist = %v", es)
		}
		r.block(t, testDecision("203.0.113.9", 0, 0.9, "rate"))
	})
	t.Run("an entry of every address needs force, and is then warned about", func(t *testing.T) {
		for _, e := range []string{"0.0.0.0/0", "::/0"} {
			res := r.as(t, "POST", "/api/v1/allowlist", `{"entry":"`+e+`"}`)
			if res.code != 400 || !strings.Contains(string(res.body), "every block") {
				t.Errorf("%s without force: status %d: %s", e, res.code, res.body)
			}
		}
		if es := entries(t); slices.Contains(es, "0.0.0.0/0") {
			t.Fatalf("allowlist = %v", es)
		}
		if res := r.as(t, "POST", "/api/v1/allowlist", `{"entry":"0.0.0.0/0","force":true}`); res.code != 200 {
			t.Fatalf("with force: status %d: %s", res.code, res.body)
		}
		var b struct {
			Warnings []string `json:"warnings"`
		}
		r.as(t, "GET", "/api/v1/allowlist", "").json(t, &b)
		if len(b.Warnings) != 1 || !strings.HasPrefix(b.Warnings[0], "0.0.0.0/0 covers every address") {
			t.Errorf("warnings %q", b.Warnings)
		}
		r.as(t, "DELETE", "/api/v1/allowlist/0.0.0.0/0", "")
	})
	t.Run("removing an escaped prefix works as well", func(t *testing.T) {
		r.as(t, "POST", "/api/v1/allowlist", `{"entry":"2001:db8::/32"}`)
		if res := r.as(t, "DELETE", "/api/v1/allowlist/"+url.PathEscape("2001:db8::/32"), ""); res.code != 200 {
			t.Errorf("status %d: %s", res.code, res.body)
		}
	})
}

func TestReviewAPIWhenRedisIsDown(t *testing.T) {
	srv := redistest.StartServer(t)
	r := newRig(t, srv.Addr(), nil, func(c *redisstore.Config) { c.Timeout = 200 * time.Millisecond })
	srv.Stop()
	res := r.as(t, "GET", "/api/v1/decisions", "")
	if res.code != http.StatusServiceUnavailable || !strings.Contains(res.errorText(t), "try again") {
		t.Errorf("status %d: %s", res.code, res.body)
	}
	if strings.Contains(string(res.body), srv.Addr()) {
		t.Errorf("the error shows the Redis address: %s", res.body)
	}
}

func TestLoadToken(t *testing.T) {
	dir := t.TempDir()
	file := func(content string) string {
		p := dir + "/" + strings.ReplaceAll(t.Name(), "/", "_")
		if err := writeFile(p, content); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == review.TokenEnv {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name  string
		file  func() string
		env   string
		want  string
		isErr string
	}{
		{name: "the token comes from the environment", file: func() string { return "" }, env: "  tok-0123456789abcdef\n", want: "tok-0123456789abcdef"},
		{name: "the token comes from a file, without its final newline", file: func() string { return file("tok-0123456789abcdef\n") }, want: "tok-0123456789abcdef"},
		{name: "no token turns the review API off", file: func() string { return "" }, isErr: "turn on the review API"},
		{name: "a token in both places is refused", file: func() string { return file("tok-0123456789abcdef") }, env: "tok-0123456789abcdef", isErr: "keep one"},
		{name: "a short token is refused with how to make one", file: func() string { return "" }, env: "short", isErr: "openssl rand"},
		{name: "a token file that cannot be read is an error", file: func() string { return dir + "/missing" }, isErr: "admin.token_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := review.LoadToken(tt.file(), env(tt.env))
			if tt.isErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.isErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.isErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("LoadToken = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestReviewAPILimitsWrongTokens(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, nil)
	for i := range 10 {
		if res := r.call(t, "GET", "/api/v1/decisions", "Bearer wrong-token-0123456789", ""); res.code != 401 {
			t.Fatalf("wrong token %d: status %d, want 401", i+1, res.code)
		}
	}
	res := r.as(t, "GET", "/api/v1/decisions", "")
	if res.code != 429 || res.header.Get("Retry-After") == "" || !strings.Contains(res.errorText(t), "too many wrong tokens") {
		t.Fatalf("after 10 wrong tokens the right one got %d (Retry-After %q): %s; want 429, so a guess cannot tell right from wrong",
			res.code, res.header.Get("Retry-After"), res.body)
	}
	if n := r.requests(t, "/api/v1/decisions", "429"); n != 1 {
		t.Errorf("counted %v refused for too many wrong tokens, want 1", n)
	}
}
