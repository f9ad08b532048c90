package detector_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// trainOn trains a model on the recording at path with seed 1.
func trainOn(t *testing.T, path string) *models.Model {
	t.Helper()
	m, err := Train(context.Background(), []Source{&FileSource{Path: path}}, TrainConfig{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// campaignDay writes one day of a small simulated site to dir: browsers
// reading pages, some signing in (a tenth mistyping once), a partner
// integration that recurs every day, and, when attack is set, a credential
// stuffing campaign of 60 addresses from minute 8, each trying one login
// every 15-90 s, and a retry storm of the partner's webhooks failing with
// 429. A carrier NAT address, whose users fail logins now and then, is
// there every day.
func campaignDay(t *testing.T, dir string, seed uint64, t0 time.Time, attack bool) (path string, onset time.Time) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	var recs []ingest.Record
	add := func(ts int64, ip, method, path string, status int) {
		recs = append(recs, ingest.Record{TS: ts, ClientIP: []byte(ip), Method: []byte(method), Path: []byte(path), Status: status,
			ReqBytes: 600, RespBytes: 2000, UserAgent: []byte("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")})
	}
	base := t0.UnixNano()
	const minutes = 16
	for m := range minutes {
		for u := range 80 {
			ip := fmt.Sprintf("10.%d.%d.%d", seed, m, u+1)
			ts := base + int64(m)*int64(time.Minute) + r.Int64N(int64(time.Minute))
			step := func() { ts += int64(2+r.IntN(15)) * int64(time.Second) }
			add(ts, ip, "GET", "/", 200)
			step()
			for range 3 + r.IntN(5) {
				add(ts, ip, "GET", fmt.Sprintf("/items/%d", r.IntN(5000)), 200)
				step()
			}
			if r.IntN(4) == 0 {
				add(ts, ip, "GET", "/login", 200)
				step()
				if r.IntN(10) == 0 {
					add(ts, ip, "POST", "/login", 401)
					step()
				}
				add(ts, ip, "POST", "/login", 200)
				step()
				add(ts, ip, "GET", "/account", 200)
			}
		}
	}
	// The partner: a webhook every 2 s all day.
	for ts := base; ts < base+minutes*int64(time.Minute); ts += int64(2 * time.Second) {
		add(ts, "192.0.2.10", "POST", "/hooks/orders", 200)
	}
	onset = t0.Add(8 * time.Minute)
	if attack {
		o := onset.UnixNano()
		for a := range 60 {
			ip := fmt.Sprintf("198.51.100.%d", a+1)
			for ts := o + r.Int64N(int64(20*time.Second)); ts < o+int64(5*time.Minute); ts += int64(15+r.IntN(75)) * int64(time.Second) {
				add(ts, ip, "POST", "/login", 401)
			}
		}
		for i := range 200 {
			add(o+int64(i)*int64(200*time.Millisecond), "192.0.2.10", "POST", "/hooks/orders", 429)
		}
	}
	// A carrier NAT address: many users browsing all day, some signing in,
	// one login in eight failing.
	for ts := base; ts < base+minutes*int64(time.Minute); ts += int64(time.Second) {
		switch i := ts / int64(time.Second); {
		case i%16 == 0:
			add(ts, "203.0.113.9", "POST", "/login", 401)
		case i%2 == 0:
			add(ts, "203.0.113.9", "POST", "/login", 200)
		default:
			add(ts, "203.0.113.9", "GET", fmt.Sprintf("/items/%d", r.IntN(5000)), 200)
		}
	}
	slices.SortStableFunc(recs, func(a, b ingest.Record) int { return int(a.TS - b.TS) })
	path = filepath.Join(dir, fmt.Sprintf("day%d.jsonl", seed))
	var buf []byte
	for i := range recs {
		buf = recs[i].AppendJSON(buf)
		buf = append(buf, '\n')
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, onset
}

func TestCampaignsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	day1, _ := campaignDay(t, dir, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), false)
	day2, onset := campaignDay(t, dir, 2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), true)
	m := trainOn(t, day1)
	if m.Campaigns == nil || len(m.Campaigns.Endpoints) == 0 {
		t.Fatal("the model learned no endpoint norms")
	}
	if m.Identity("192.0.2.10", nil) == nil {
		t.Fatal("the partner got no baseline of its own; the retry storm case needs one")
	}
	ds, res := score(t, day2, Config{}, m)

	t.Run("a stuffing campaign over 60 addresses is found and 90 % of them are blocked within 60 s", func(t *testing.T) {
		early := 0
		for _, d := range ds {
			if strings.HasPrefix(d.Client, "198.51.100.") && d.Rule == decision.RuleCampaign && d.TS.Sub(onset) <= time.Minute {
				early++
			}
		}
		if early < 54 {
			t.Errorf("%d of 60 stuffing addresses blocked as campaign members within 60 s of the onset, want 54", early)
		}
		if len(res.Campaigns) != 1 || res.Campaigns[0].Endpoint != "POST /login" {
			t.Fatalf("campaigns %+v, want one on POST /login", res.Campaigns)
		}
	})
	t.Run("every member decision names the campaign and says what it is", func(t *testing.T) {
		for _, d := range ds {
			if d.Rule != decision.RuleCampaign {
				continue
			}
			if d.Campaign != res.Campaigns[0].ID || !strings.Contains(d.CampaignReason, "addresses failing on POST /login since 09:0") {
				t.Fatalf("decision %+v does not name campaign %s with its reason", d, res.Campaigns[0].ID)
			}
		}
	})
	t.Run("ordinary users, the NAT address and the partner's retry storm are not members", func(t *testing.T) {
		for _, d := range ds {
			if d.Rule == decision.RuleCampaign && !strings.HasPrefix(d.Client, "198.51.100.") {
				t.Errorf("%s blocked as a member of %s", d.Client, d.Campaign)
			}
		}
	})
	t.Run("without the attack nothing is a campaign", func(t *testing.T) {
		_, res := score(t, day1, Config{}, m)
		if len(res.Campaigns) != 0 {
			t.Errorf("campaigns on the training day: %+v", res.Campaigns)
		}
	})
	t.Run("a model without norms finds no campaign", func(t *testing.T) {
		m2 := *m
		m2.Campaigns = nil
		ds, _ := score(t, day2, Config{}, &m2)
		for _, d := range ds {
			if d.Rule == decision.RuleCampaign {
				t.Fatalf("campaign decision %+v from a model without norms", d)
			}
		}
	})
}

// When a site stops taking the keys of its integrations (an outage, a
// rotation), many addresses fail together on one endpoint, each with the
// key it always sends: that is the site's doing, not a campaign, and none
// of them is blocked as a member. The same addresses failing without keys
// are (TestCampaignsEndToEnd), and so are they presenting a new key on
// every request: they are trying keys.
func TestIntegrationsFailingWithTheirKeysAreNoCampaign(t *testing.T) {
	dir := t.TempDir()
	day1, _ := campaignDay(t, dir, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), false)
	day2, _ := campaignDay(t, dir, 2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), true)
	b, err := os.ReadFile(day2)
	if err != nil {
		t.Fatal(err)
	}
	m := trainOn(t, day1)
	for _, tt := range []struct {
		name string
		key  func(ip []byte, n int) string
		want func(members int) bool
		what string
	}{
		{"one key each", func(ip []byte, _ int) string { return "pk_live_" + string(ip) }, func(n int) bool { return n == 0 }, "0"},
		{"a new key on every request", func(ip []byte, n int) string { return fmt.Sprintf("pk_live_%s_%d", ip, n) }, func(n int) bool { return n >= 54 }, "54 or more"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out []byte
			sent := map[string]int{}
			for line := range bytes.Lines(b) {
				if i := bytes.Index(line, []byte(`"client_ip":"198.51.100.`)); i >= 0 {
					ip := line[i+len(`"client_ip":"`):]
					ip = ip[:bytes.IndexByte(ip, '"')]
					sent[string(ip)]++
					line = append(bytes.TrimSuffix(bytes.TrimSpace(line), []byte("}")), []byte(`,"api_key":"`+tt.key(ip, sent[string(ip)])+`"}`+"\n")...)
				}
				out = append(out, line...)
			}
			keyed := filepath.Join(dir, "keyed.jsonl")
			if err := os.WriteFile(keyed, out, 0o644); err != nil {
				t.Fatal(err)
			}
			ds, _ := score(t, keyed, Config{}, m)
			members := 0
			for _, d := range ds {
				if strings.HasPrefix(d.Client, "198.51.100.") && d.Rule == decision.RuleCampaign {
					members++
				}
			}
			if !tt.want(members) {
				t.Errorf("%d of 60 addresses failing logins with %s blocked as campaign members, want %s", members, tt.name, tt.what)
			}
		})
	}
}

// A stuffing campaign in the training recording is found there by the
// model's own campaign detection, and its sixty addresses are left out of
// the failed-login tail: each of them is mild, but together they are the
// top few percent of auth_fail_ratio, and a tail fitted with them calls a
// brute forcer's share of failed logins ordinary.
func TestCampaignMembersInTrainingAreLeftOutOfTheFailureTail(t *testing.T) {
	dir := t.TempDir()
	clean, _ := campaignDay(t, dir, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), false)
	attacked, _ := campaignDay(t, dir, 2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), true)
	mc := trainOn(t, clean)
	ma := trainOn(t, attacked)
	if n := ma.Training.CampaignMembers; n < 40 || n > 60 {
		t.Errorf("%d training clients found to be campaign members, want most of the 60 stuffers and no one else", n)
	}
	if n := mc.Training.CampaignMembers; n != 0 {
		t.Errorf("%d campaign members on a day without a campaign, want 0", n)
	}
	tail := func(m *models.Model) float64 { return m.Tails[features.AuthFailRatio].Surprise(0.6) }
	// On this small site (about 1,300 clients) the 60 stuffers are
	// nearly 5 % of the clients: with them, a share of 0.6 failed logins
	// is about one client in 1,600; without them, one in millions.
	if c, a := tail(mc), tail(ma); a < c-1 {
		t.Errorf("auth_fail_ratio 0.6: surprise %.2f trained on the day with the campaign, %.2f on the day without; the members fattened the tail", a, c)
	}
	// Nor do they make a brute forcer's count of failed logins ordinary.
	count := func(m *models.Model) float64 { return m.Tails[features.RefusedCount].Surprise(math.Log1p(8)) }
	if c, a := count(mc), count(ma); a < c-1 {
		t.Errorf("refused_2m 8: surprise %.2f trained on the day with the campaign, %.2f on the day without; the members fattened the tail", a, c)
	}
}

// An address that several signed-in people use (an office, a carrier NAT)
// is a crowd of real sessions: when it also fails logins like the
// stuffing campaign's addresses, it is not one of them. The campaign's
// own addresses still are.
func TestSharedAddressesAreNoCampaignMembers(t *testing.T) {
	dir := t.TempDir()
	day1, _ := campaignDay(t, dir, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), false)
	day2, onset := campaignDay(t, dir, 2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), true)
	// The office: from shortly before the campaign, five staff signing in
	// again and again behind one address, one login in three failing,
	// most of its requests on the login like a stuffer's.
	const office = "198.51.100.200"
	var extra []ingest.Record
	ua := []byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0")
	start := onset.Add(-20 * time.Second).UnixNano()
	for ts, i := start, 0; ts < onset.Add(5*time.Minute).UnixNano(); ts, i = ts+int64(4*time.Second), i+1 {
		r := ingest.Record{TS: ts, ClientIP: []byte(office), Method: []byte("POST"), Path: []byte("/login"), Status: 200,
			User: []byte(fmt.Sprintf("staff%d", i%5)), UserAgent: ua}
		switch i % 3 {
		case 1:
			r.Status, r.User = 401, nil
		case 2:
			r.Method, r.Path = []byte("GET"), []byte("/account")
		}
		extra = append(extra, r)
	}
	day2 = withRecords(t, day2, extra)
	m := trainOn(t, day1)
	ds, _ := score(t, day2, Config{}, m)
	members := 0
	for _, d := range ds {
		if d.Rule != decision.RuleCampaign {
			continue
		}
		if d.Client == office {
			t.Errorf("the office, five people signed in, blocked as a member of %s", d.Campaign)
		}
		if strings.HasPrefix(d.Client, "198.51.100.") {
			members++
		}
	}
	if members < 54 {
		t.Errorf("%d of 60 stuffing addresses blocked as members, want 54 or more", members)
	}
}

// TestCustomersWhoGotInAreNoCampaignMembers: customers who mistyped their
// password twice as a stuffing campaign began, and got in before it was
// confirmed, are not blocked with its addresses (found while it was
// pending, they are checked again when it is confirmed).
func TestCustomersWhoGotInAreNoCampaignMembers(t *testing.T) {
	dir := t.TempDir()
	day1, _ := campaignDay(t, dir, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), false)
	day2, onset := campaignDay(t, dir, 2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), true)
	ua := []byte("Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) Mobile/15E148")
	var extra []ingest.Record
	gotIn := map[string]time.Time{} // when each customer's login succeeded
	for c := range 16 {
		ip := fmt.Sprintf("203.0.114.%d", c+1)
		at := onset.Add(time.Duration(c-12) * time.Second)
		for i, st := range []int{200, 401, 401, 200, 200, 200} {
			ts := at.Add(time.Duration(i) * 2 * time.Second)
			r := ingest.Record{TS: ts.UnixNano(), ClientIP: []byte(ip), Method: []byte("POST"), Path: []byte("/login"), Status: st, UserAgent: ua}
			if i == 0 || i > 3 {
				r.Method, r.Path = []byte("GET"), []byte(fmt.Sprintf("/items/%d", 100*c+i))
			}
			if i == 3 {
				gotIn[ip] = ts
			}
			extra = append(extra, r)
		}
	}
	day2 = withRecords(t, day2, extra)
	m := trainOn(t, day1)
	ds, _ := score(t, day2, Config{}, m)
	var confirmed time.Time
	members := 0
	for _, d := range ds {
		if d.Rule != decision.RuleCampaign {
			continue
		}
		if confirmed.IsZero() || d.TS.Before(confirmed) {
			confirmed = d.TS
		}
		if strings.HasPrefix(d.Client, "198.51.100.") {
			members++
		}
	}
	if members < 54 {
		t.Errorf("%d of 60 stuffing addresses blocked as members, want 54 or more", members)
	}
	before := 0
	for _, at := range gotIn {
		if at.Before(confirmed) {
			before++
		}
	}
	if before < 4 {
		t.Fatalf("%d customers got in before the campaign was confirmed at %v; the test needs 4 or more", before, confirmed)
	}
	for _, d := range ds {
		if at, ok := gotIn[d.Client]; ok && d.Rule == decision.RuleCampaign && at.Before(confirmed) {
			t.Errorf("%s, a customer who got in at %v after two mistyped passwords, blocked as a member of %s confirmed at %v", d.Client, at, d.Campaign, confirmed)
		}
	}
}

// TestPeopleRetryingTheirOwnPasswordAreNotBlocked: while a stuffing
// campaign runs on the login, app users whose first request is the login
// mistype their password twice, each refusal claiming their own user, and
// get in at the third try: they are not blocked as its members. Addresses
// that fail twice claiming two users are, however they came.
func TestPeopleRetryingTheirOwnPasswordAreNotBlocked(t *testing.T) {
	var extra []ingest.Record
	login := func(ts time.Time, ip, user string, status int) {
		extra = append(extra, ingest.Record{TS: ts.UnixNano(), ClientIP: []byte(ip), Method: []byte("POST"), Path: []byte("/login"),
			Status: status, User: []byte(user), UserAgent: []byte("Clinic/4.2 (iPhone; iOS 18.2)")})
	}
	dir := t.TempDir()
	day1, _ := campaignDay(t, dir, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), false)
	day2, onset := campaignDay(t, dir, 2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), true)
	for c := range 16 {
		at := onset.Add(90*time.Second + time.Duration(c)*3*time.Second)
		person := fmt.Sprintf("203.0.114.%d", c+1)
		user := fmt.Sprintf("pt-%04d", c)
		login(at, person, user, 401)
		login(at.Add(4*time.Second), person, user, 401)
		login(at.Add(9*time.Second), person, user, 200)
		guesser := fmt.Sprintf("203.0.115.%d", c+1)
		login(at, guesser, fmt.Sprintf("victim-%d", 2*c), 401)
		login(at.Add(4*time.Second), guesser, fmt.Sprintf("victim-%d", 2*c+1), 401)
	}
	day2 = withRecords(t, day2, extra)
	m := trainOn(t, day1)
	ds, _ := score(t, day2, Config{}, m)
	guessers := 0
	for _, d := range ds {
		switch {
		case d.Rule != decision.RuleCampaign:
		case strings.HasPrefix(d.Client, "203.0.114."):
			t.Errorf("%s, a person who mistyped their own password twice and got in, blocked as a member of %s", d.Client, d.Campaign)
		case strings.HasPrefix(d.Client, "203.0.115."):
			guessers++
		}
	}
	if guessers < 12 {
		t.Errorf("%d of 16 addresses failing twice on two users blocked as members, want 12 or more", guessers)
	}
}

// withRecords writes a copy of the recording at path with extra records
// merged in event-time order and returns the copy's path.
func withRecords(t *testing.T, path string, extra []ingest.Record) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p ingest.JSONParser
	var recs []ingest.Record
	for line := range bytes.Lines(data) {
		var r ingest.Record
		if err := p.Parse(bytes.TrimSpace(line), &r); err != nil {
			t.Fatal(err)
		}
		// Parse aliases its scratch space: keep a copy of each record.
		recs = append(recs, ingest.Record{TS: r.TS, ClientIP: bytes.Clone(r.ClientIP), Method: bytes.Clone(r.Method), Path: bytes.Clone(r.Path),
			Status: r.Status, ReqBytes: r.ReqBytes, RespBytes: r.RespBytes, UserAgent: bytes.Clone(r.UserAgent), User: bytes.Clone(r.User), APIKey: bytes.Clone(r.APIKey)})
	}
	recs = append(recs, extra...)
	slices.SortStableFunc(recs, func(a, b ingest.Record) int { return int(a.TS - b.TS) })
	var buf []byte
	for i := range recs {
		buf = recs[i].AppendJSON(buf)
		buf = append(buf, '\n')
	}
	out := path + ".merged.jsonl"
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// Readers who reload a page every few seconds while a flood hammers it
// revalidate their cache: most of their reloads are answered 304. They
// are no members of the flood's repeaters campaign, whose addresses are
// served in full; answered 200 instead, at that pace, they would be.
func TestReadersReloadingAPageAreNoFloodMembers(t *testing.T) {
	dir := t.TempDir()
	day1, _ := campaignDay(t, dir, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), false)
	day2, _ := campaignDay(t, dir, 2, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), false)
	m := trainOn(t, day1)
	base, err := os.ReadFile(day2)
	if err != nil {
		t.Fatal(err)
	}
	onset := time.Date(2026, 3, 3, 9, 8, 0, 0, time.UTC)
	line := func(buf []byte, ts time.Time, ip string, status int) []byte {
		return fmt.Appendf(buf, `{"ts":%q,"client_ip":%q,"method":"GET","path":"/items/77","status":%d,"req_bytes":600,"resp_bytes":2000,"user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}`+"\n",
			ts.Format(time.RFC3339Nano), ip, status)
	}
	blocked := func(reload int) (readers, flood int) {
		buf := slices.Clone(base)
		for a := range 40 {
			from := onset.Add(time.Duration(a) * 700 * time.Millisecond)
			for i := range 60 {
				buf = line(buf, from.Add(time.Duration(i)*2*time.Second), fmt.Sprintf("198.51.101.%d", a+1), 200)
			}
			for i := range 40 {
				status := reload
				if i == 0 {
					status = 200
				}
				buf = line(buf, from.Add(time.Duration(i)*3*time.Second+time.Second), fmt.Sprintf("10.9.0.%d", a+1), status)
			}
		}
		path := filepath.Join(dir, fmt.Sprintf("reload%d.jsonl", reload))
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		ds, _ := score(t, path, Config{}, m)
		for _, d := range ds {
			switch {
			case d.Rule != decision.RuleCampaign:
			case strings.HasPrefix(d.Client, "10.9.0."):
				readers++
			case strings.HasPrefix(d.Client, "198.51.101."):
				flood++
			}
		}
		return readers, flood
	}
	readers, flood := blocked(304)
	if flood < 30 {
		t.Fatalf("%d of 40 flood addresses blocked as campaign members; the test needs the campaign", flood)
	}
	if readers > 0 {
		t.Errorf("%d of 40 readers revalidating the page were blocked as members of the flood", readers)
	}
	if readers, _ := blocked(200); readers == 0 {
		t.Error("readers served in full at that pace were not members either: the test cannot tell the 304s from their pace")
	}
}
