package campaign

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
)

func TestNetworks(t *testing.T) {
	tests := []struct {
		name   string
		ip     string
		same   string // an address in the same network
		other  string // an address in another network
		wantOK bool
	}{
		{"two IPv4 addresses in one /24 share it", "203.0.113.7", "203.0.113.250", "203.0.114.7", true},
		{"two IPv6 addresses in one /64 share it", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1", true},
		{"a compressed and a full IPv6 address are one address", "2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0002", "2001:db9::1", true},
		{"an IPv4-mapped tail parses", "::ffff:192.0.2.1", "::ffff:192.0.2.9", "::1", true},
		{"an API key is no address", "key-123", "", "", false},
		{"an octet past 255 is no address", "203.0.113.256", "", "", false},
		{"two gaps are no address", "2001::db8::1", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, ok := networks([]byte(tt.ip))
			if ok != tt.wantOK {
				t.Fatalf("networks(%q) ok = %v, want %v", tt.ip, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if b, _, _ := networks([]byte(tt.same)); b != a {
				t.Errorf("%s and %s are in different networks", tt.ip, tt.same)
			}
			if c, _, _ := networks([]byte(tt.other)); c == a {
				t.Errorf("%s and %s are in one network", tt.ip, tt.other)
			}
		})
	}
}

func TestParseIPAgreesWithNetip(t *testing.T) {
	for _, s := range []string{"1.2.3.4", "255.255.255.255", "::", "::1", "fe80::1:2", "2001:db8:0:0:1:0:0:1", "1::", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4"} {
		var got [16]byte
		if _, ok := parseIP([]byte(s), &got); !ok {
			t.Errorf("parseIP(%q) failed", s)
			continue
		}
		if want := netip.MustParseAddr(s).As16(); got != want {
			t.Errorf("parseIP(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"", "1.2.3", "1.2.3.4.5", "1:2:3:4:5:6:7:8:9", ":1", "1:", "12345::", "g::1", "1:2:3:4:5:6:7:1.2.3.4"} {
		var got [16]byte
		if _, ok := parseIP([]byte(s), &got); ok {
			t.Errorf("parseIP(%q) succeeded, want a failure", s)
		}
	}
}

func TestLRU(t *testing.T) {
	t.Run("a full table evicts the entry touched longest ago", func(t *testing.T) {
		l := newLRU[int](3, int64(time.Hour))
		for k := uint64(1); k <= 3; k++ {
			v, _ := l.get(k, int64(k))
			*v = int(k)
		}
		l.get(1, 4) // 2 is now the oldest
		l.get(4, 5)
		if l.peek(2) != nil || l.peek(1) == nil || l.len() != 3 || l.evicted != 1 {
			t.Errorf("after adding a 4th entry: 1 kept %v, 2 kept %v, len %d, evicted %d", l.peek(1) != nil, l.peek(2) != nil, l.len(), l.evicted)
		}
	})
	t.Run("an idle entry is evicted and a new one starts from zero", func(t *testing.T) {
		l := newLRU[int](10, 10)
		v, _ := l.get(1, 0)
		*v = 7
		l.get(2, 100)
		if l.peek(1) != nil {
			t.Error("an entry idle for longer than the idle timeout was kept")
		}
		v, isNew := l.get(1, 101)
		if !isNew || *v != 0 {
			t.Errorf("a re-added entry is new %v with value %d, want new and 0", isNew, *v)
		}
	})
}

func TestMember(t *testing.T) {
	sec := int64(time.Second)
	login := EndpointKey([]byte("POST"), []byte("/login"))
	page := EndpointKey([]byte("GET"), []byte("/"))
	t.Run("a second failure on one template within the gap marks a failing address once", func(t *testing.T) {
		var m Member
		var n int
		for i := range 5 {
			if m.observe(int64(i)*60*sec, login, 1, refused).FailingAddr {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d failing-address signals, want 1", n)
		}
	})
	t.Run("failures further apart than the gap are no run", func(t *testing.T) {
		var m Member
		m.observe(0, page, 9, served)
		for i := range 3 {
			if m.observe(int64(i+1)*int64(failGap+time.Second), login, 1, refused).FailingAddr {
				t.Fatal("failures minutes apart made a failing address")
			}
		}
	})
	t.Run("an address that opens with a failure fails at once, a visitor at its second", func(t *testing.T) {
		var direct, visitor Member
		if !direct.observe(0, login, 1, refused).FailingAddr {
			t.Error("an address whose first request failed on the login is not failing")
		}
		if direct.observe(10*sec, login, 1, refused).FailingAddr {
			t.Error("an address counted at its first failure was counted again at its second")
		}
		visitor.observe(0, page, 9, served)
		if visitor.observe(5*sec, login, 1, refused).FailingAddr {
			t.Error("a visitor that read a page and then mistyped once is failing")
		}
		if !visitor.observe(10*sec, login, 1, refused).FailingAddr {
			t.Error("a visitor's second failure in a run does not make it failing")
		}
	})
	t.Run("a client trying keys fails in one run across templates", func(t *testing.T) {
		me := EndpointKey([]byte("GET"), []byte("/me"))
		orders := EndpointKey([]byte("GET"), []byte("/orders"))
		c := &Campaign{Endpoint: orders, Channel: ChannelFailures, Start: 0}
		for _, trying := range []bool{true, false} {
			m := Member{Trying: trying}
			m.observe(0, page, 9, served) // not an address that opens with its guesses
			var said int
			for i, k := range []uint64{me, orders, me, orders, me, orders} {
				if m.observe(int64(i+1)*10*sec, k, uint32(i), refused).FailingAddr {
					said++
				}
			}
			if trying && (said != 1 || !m.failing(c)) {
				t.Errorf("a sprayer with a new key each call, refused on two endpoints in turn: %d failing-address signals, failing %v; want 1 and failing", said, m.failing(c))
			}
			if !trying && (said != 0 || m.failing(c)) {
				t.Errorf("a client with one key refused on two endpoints in turn: %d failing-address signals, failing %v; want none and not failing", said, m.failing(c))
			}
		}
	})
	t.Run("a client that got in after failing is not failing until it fails again", func(t *testing.T) {
		c := &Campaign{Endpoint: login, Channel: ChannelFailures, Start: 0}
		var m Member
		m.observe(0, page, 9, served)
		m.observe(sec, login, 1, refused)
		m.observe(2*sec, login, 1, refused)
		if !m.failing(c) {
			t.Fatal("a visitor failing twice on the login of a pending campaign is not failing")
		}
		if sig := m.observe(3*sec, login, 1, served); !sig.Recovered || sig.Direct {
			t.Errorf("getting in after two failures said %+v, want Recovered, not Direct", sig)
		}
		if m.failing(c) {
			t.Error("a client whose latest login succeeded is failing")
		}
		if sig := m.observe(4*sec, login, 1, refused); sig.FailingAddr || !sig.Again || !m.failing(c) {
			t.Errorf("a client failing again after it got in said %+v and is failing %v, want Again (not counted twice), and failing", sig, m.failing(c))
		}
	})
	t.Run("a 5xx between failures is neither getting in nor a failure", func(t *testing.T) {
		for status, want := range map[int]result{401: refused, 404: refused, 503: neither, 500: neither, 200: served, 302: served} {
			if got := resultOf([]byte("POST"), status); got != want {
				t.Errorf("resultOf(POST, %d) = %d, want %d", status, got, want)
			}
		}
		for method, want := range map[string]result{"DELETE": neither, "GET": refused, "PUT": refused} {
			if got := resultOf([]byte(method), 404); got != want {
				t.Errorf("resultOf(%s, 404) = %d, want %d: a DELETE answered 404 finds what it deletes gone", method, got, want)
			}
		}
		var m Member
		m.observe(0, login, 11, refused)
		if sig := m.observe(sec, login, 12, neither); sig.Recovered {
			t.Error("a 503 after a failure says the client got in")
		}
		if m.passed || m.fails != 1 {
			t.Errorf("after a failure and a 503: passed %v, %d failures; want false, 1", m.passed, m.fails)
		}
		m.observe(2*sec, login, 13, refused)
		if m.fails != 2 {
			t.Errorf("%d failures in the run after failure, 503, failure; want 2", m.fails)
		}
	})
	t.Run("where addresses that open with a failure get in, one failure is not enough", func(t *testing.T) {
		gql := EndpointKey([]byte("POST"), []byte("/graphql"))
		var m Member
		if sig := m.observe(0, gql, 1, refused); !sig.FailingAddr || !sig.Direct {
			t.Fatalf("an address opening with a failure said %+v, want FailingAddr and Direct", sig)
		}
		guessing := &Campaign{Endpoint: gql, Channel: ChannelFailures, Start: 0}
		renewing := &Campaign{Endpoint: gql, Channel: ChannelFailures, Start: 0, recovering: true}
		if !m.failing(guessing) || m.failing(renewing) {
			t.Errorf("after one failure: failing %v where addresses guess, %v where they renew tokens; want true, false", m.failing(guessing), m.failing(renewing))
		}
		m.observe(sec, gql, 1, refused)
		if !m.failing(renewing) {
			t.Error("a second failure in the run is not failing where addresses renew tokens")
		}
		var phone Member
		phone.observe(0, gql, 1, refused)
		phone.observe(sec/2, EndpointKey([]byte("POST"), []byte("/oauth/token")), 2, served)
		if sig := phone.observe(sec, gql, 1, served); !sig.Recovered || !sig.Direct {
			t.Errorf("a phone renewing its token said %+v, want Recovered and Direct", sig)
		}
	})
	t.Run("a poller refused once on what it was served is not failing at once", func(t *testing.T) {
		balances := EndpointKey([]byte("GET"), []byte("/v1/accounts/balances"))
		c := &Campaign{Endpoint: balances, Channel: ChannelFailures, Start: 0}
		var app, sprayer Member
		app.observe(0, balances, 1, served)
		app.observe(20*sec, balances, 1, served)
		app.observe(40*sec, balances, 1, refused) // its token expired
		if app.failing(c) {
			t.Error("an app polling its balances, served twice and then refused once, is failing")
		}
		app.observe(41*sec, balances, 1, refused)
		if !app.failing(c) {
			t.Error("a second failure in the run of an app served before is not failing")
		}
		for i := range 2 {
			sprayer.observe(int64(i)*sec, balances, 1, refused)
		}
		if !sprayer.failing(c) {
			t.Error("an address refused on its every request there is not failing")
		}
		// A write endpoint's page read before does not count: a stuffer
		// loads the login form, then fails at its first attempt.
		form, post := EndpointKey([]byte("GET"), []byte("/login")), EndpointKey([]byte("POST"), []byte("/login"))
		var stuffer Member
		stuffer.observe(0, form, 2, served)
		stuffer.observe(sec, post, 2, refused)
		if !stuffer.failing(&Campaign{Endpoint: post, Channel: ChannelFailures, Start: 0}) {
			t.Error("a stuffer that loaded the login form and failed once is not failing")
		}
	})
	t.Run("a third failure makes a new client a member only when failures are a third of its requests", func(t *testing.T) {
		c := &Campaign{Endpoint: login, Channel: ChannelFailures, Start: 60 * sec}
		var tester, user Member
		ts := int64(0)
		for _, k := range []uint64{page, page, page} { // a card tester browses a little first
			tester.observe(ts, k, 9, served)
			ts += sec
		}
		for range 9 { // a user browses a while
			user.observe(ts, page, 9, served)
			ts += sec
		}
		for range 3 {
			tester.observe(ts, login, 1, refused)
			user.observe(ts, login, 1, refused)
			ts += 10 * sec
		}
		if !tester.failing(c) {
			t.Error("a client with 3 failures in 6 requests is not failing")
		}
		if user.failing(c) {
			t.Error("a client with 3 failures in 12 requests is failing")
		}
	})
	t.Run("a fourth failure in a run makes a client that browsed a while failing, unless the failures are conflicts", func(t *testing.T) {
		// Through a Tracker, which notes the status of each failure.
		tr := NewTracker(Config{}, nil)
		do := func(m *Member, ts int64, method, path string, status int) {
			rec := ingest.Record{TS: ts, ClientIP: []byte("198.51.100.7"), Method: []byte(method), Path: []byte(path), Status: status}
			tr.Observe(&rec, m, false)
		}
		var tester, fan Member
		ts := int64(0)
		for i := range 12 { // a dozen pages read first; a fan polls a queue
			do(&tester, ts, "GET", fmt.Sprintf("/news/%d", i), 200)
			do(&fan, ts, "GET", "/queue/status?t=1", 200)
			ts += 5 * sec
		}
		c := &Campaign{Endpoint: EndpointKey([]byte("POST"), []byte("/pay")), Channel: ChannelFailures, Start: 0, Established: ts}
		for i := range 4 {
			do(&tester, ts, "POST", "/pay", 402)
			do(&fan, ts, "POST", "/pay", 409) // the seat went to someone else
			if i == 2 && tester.failing(c) {
				t.Error("a client with 3 failures in 15 requests is failing")
			}
			ts += 20 * sec
		}
		if !tester.failing(c) {
			t.Error("a client declined 4 times in a row after reading a dozen pages is not failing")
		}
		if fan.failing(c) {
			t.Error("a fan who lost 4 seats in a row to other fans (409) is failing")
		}
	})
	t.Run("a second failure counts while a campaign is pending, and once established only if its members browsed first", func(t *testing.T) {
		var browser Member
		ts := int64(0)
		for range 3 { // a product, a cart, a checkout
			browser.observe(ts, page, 9, served)
			ts += sec
		}
		for range 2 {
			browser.observe(ts, login, 1, refused)
			ts += 20 * sec
		}
		var direct Member
		direct.observe(ts, login, 1, refused)
		pending := &Campaign{Endpoint: login, Channel: ChannelFailures, Start: 0}
		if !browser.failing(pending) {
			t.Error("a new client failing twice in 5 requests is not a candidate of a pending campaign")
		}
		stuffing := &Campaign{Endpoint: login, Channel: ChannelFailures, Start: 0, Established: ts}
		for range 8 {
			stuffing.Join(&direct)
		}
		if browser.failing(stuffing) {
			t.Error("a campaign whose members went straight to the endpoint takes a client that browsed and failed twice")
		}
		cardtest := &Campaign{Endpoint: login, Channel: ChannelFailures, Start: 0, Established: ts}
		for range 8 {
			cardtest.Join(&browser)
		}
		if cardtest.Browsing != 8 || !browser.failing(cardtest) {
			t.Errorf("browsing members %d; a client failing twice like them is failing: %v; want 8, true", cardtest.Browsing, browser.failing(cardtest))
		}
	})
	t.Run("a new client repeating a URL an established flood hammers joins it before it is a repeater", func(t *testing.T) {
		const flooded, own = 9, 21
		var member Member
		for i := range repeatHits {
			member.observe(int64(i)*sec, page, flooded, served)
		}
		c := &Campaign{Endpoint: page, Channel: ChannelRepeaters, Start: 0, Established: 10 * sec, urls: [8]uint32{flooded | 1}}
		c.Join(&member)
		var joiner, poller, elsewhere Member
		for i := range joinHits {
			ts := 20*sec + int64(i)*2*sec
			joiner.observe(ts, page, flooded, served)
			poller.observe(ts, page, own, served)
			elsewhere.observe(ts, page, flooded, served)
		}
		elsewhere.observe(30*sec, page, own, served)
		if joiner.repeating() {
			t.Fatal("the joiner is a repeater already; the test needs one that is not")
		}
		if !c.Acts(&joiner, &Event{Endpoint: page, URL: flooded | 1}) {
			t.Error("a new client sending the flood's URL 4 times in 6 s does not join the established campaign")
		}
		if c.Acts(&poller, &Event{Endpoint: page, URL: own | 1}) {
			t.Error("a new client polling a URL of its own joins the flood")
		}
		if c.Acts(&elsewhere, &Event{Endpoint: page, URL: own | 1}) {
			t.Error("a client joins with a request to a URL the flood does not hammer")
		}
		pending := &Campaign{Endpoint: page, Channel: ChannelRepeaters, Start: 0, urls: c.urls}
		pending.Join(&member)
		pending.Established = 0
		if pending.Acts(&joiner, &Event{Endpoint: page, URL: flooded | 1}) {
			t.Error("a client joins a campaign not yet established before it is a repeater")
		}
	})
	t.Run("a repeater acts within a flood on a URL it hammers, not with now and then a request to the flooded page", func(t *testing.T) {
		track := EndpointKey([]byte("GET"), []byte("/orders/7/track"))
		const tracked, flooded = 31, 9
		var poller, member Member
		for i := range repeatHits {
			poller.observe(int64(i)*2*sec, track, tracked, served)
			member.observe(int64(i)*2*sec, page, flooded, served)
		}
		poller.observe(13*sec, page, flooded, served)
		c := &Campaign{Endpoint: page, Channel: ChannelRepeaters, Start: 0, Established: 20 * sec, urls: [8]uint32{flooded | 1}}
		if !poller.repeating() {
			t.Fatal("the poller is no repeater; the test needs one")
		}
		if c.Acts(&poller, &Event{Endpoint: page, URL: flooded | 1}) {
			t.Error("an app polling its order joins a flood with one request to the flooded page")
		}
		// A fan polling its own place in a queue, who then looks at the
		// event the flood hammers three times in a minute.
		for _, ts := range []int64{30, 52, 71} {
			poller.observe(ts*sec, page, flooded, served)
		}
		if c.Acts(&poller, &Event{Endpoint: page, URL: flooded | 1}) {
			t.Error("a repeater of its own URL joins a flood with a request a few times a minute to the flooded page")
		}
		if !c.Acts(&member, &Event{Endpoint: page, URL: flooded | 1}) {
			t.Error("a repeater of the flooded page does not act within the flood")
		}
	})
	t.Run("a repeater counts on an endpoint where another repeats the same URL, not on its own URL", func(t *testing.T) {
		var e endpoint
		c := Campaign{Endpoint: page, Channel: ChannelRepeaters, Established: sec}
		for i := range uint32(3 * nHammered) {
			e.share(100 + 2*i | 1)
		}
		if e.sharedURLs(&c.urls); c.urls != [8]uint32{} {
			t.Fatalf("pollers each on a URL of their own share URLs %v", c.urls)
		}
		e.share(9)
		if e.sharedURLs(&c.urls); c.hammers(9) {
			t.Error("a URL one address repeats counts as shared")
		}
		e.share(9)
		for i := range uint32(3 * nHammered) {
			e.share(1000 + 2*i | 1)
		}
		e.sharedURLs(&c.urls)
		if !c.hammers(9) || c.hammers(101) || c.hammers(0) {
			t.Errorf("campaign URLs %v: want the one two addresses repeat, kept past pollers of their own URLs", c.urls)
		}
		var flooder, poller Member
		for i := range repeatHits {
			flooder.observe(int64(i)*sec, page, 9, served)
			poller.observe(int64(i)*sec, page, 101, served)
		}
		if !flooder.repeating() || !poller.repeating() {
			t.Fatal("the test needs two repeaters")
		}
		if !c.Acts(&flooder, &Event{Endpoint: page, URL: 9}) || !c.Shared(&flooder, 5*sec) {
			t.Error("a repeater of the URL many repeat is not a member")
		}
		if c.Acts(&poller, &Event{Endpoint: page, URL: 101}) || c.Shared(&poller, 5*sec) {
			t.Error("a repeater of a URL of its own is a member")
		}
	})
	t.Run("a client hammering one URL within 30 s is a repeater, one polling it is not", func(t *testing.T) {
		var fast, slow Member
		var f, s bool
		for i := range 6 {
			f = fast.observe(int64(i)*2*sec, page, 9, served).Repeater || f
			s = slow.observe(int64(i)*20*sec, page, 9, served).Repeater || s
		}
		if !f || s {
			t.Errorf("fast repeater %v, slow poller %v; want true, false", f, s)
		}
	})
	t.Run("a flood over the URLs of several endpoints is said at each, a user reloading two pages once", func(t *testing.T) {
		// Both send 6 requests or more to each of their URLs within
		// 45 s: the flood 2.5 a second over four pages of four
		// endpoints, the user reloading a page and a poll every 2 s, at
		// a person's pace.
		eps := [4]uint64{page, page + 2, page + 4, page + 6}
		var flood, user Member
		var f, u int
		for i := range 40 {
			if flood.observe(int64(i)*400*1e6, eps[i%4], uint32(16+2*(i%4)), served).Repeater {
				f++
			}
		}
		for i := range 12 {
			if user.observe(int64(i)*2*sec, eps[i%2], uint32(16+2*(i%2)), served).Repeater {
				u++
			}
		}
		if f != 4 || u != 1 {
			t.Errorf("the flood said %d times, the user %d; want 4 and 1", f, u)
		}
	})
	t.Run("a client spreading 10 requests over 4 URLs within 45 s is a repeater, a visitor reading a fifth page is not", func(t *testing.T) {
		var flood, visitor Member
		var f, v bool
		for i := range 10 {
			f = flood.observe(int64(i)*3*sec, page, uint32(16+2*(i%4)), served).Repeater || f
			v = visitor.observe(int64(i)*3*sec, page, uint32(16+2*(i%5)), served).Repeater || v
		}
		if !f || v {
			t.Errorf("flood over 4 URLs a repeater %v, visitor over 5 URLs %v; want true, false", f, v)
		}
	})
	t.Run("a flood that mixes one-off URLs into its pages repeats them, a reader of many pages does not", func(t *testing.T) {
		// The flood opens with four one-off URLs (a poll whose query
		// changes), then hammers two pages with every fourth request a
		// one-off: the one-offs give up their slots to the pages.
		var flood, reader Member
		url := uint32(1000)
		for i := range 40 {
			ts := int64(i) * sec
			if i < 4 || i%4 == 0 {
				url += 2
				flood.observe(ts, page, url, served)
			} else {
				flood.observe(ts, page, uint32(16+2*(i%2)), served)
			}
			// A reader repeats its favourite page as often, but
			// reads a new one every other request.
			if i%2 == 0 {
				reader.observe(ts, page, 16, served)
			} else {
				reader.observe(ts, page, uint32(2000+2*i), served)
			}
		}
		if !flood.repeating() {
			t.Errorf("a flood on two pages with a quarter of one-offs is not repeating (misses %d of %d)", flood.misses, flood.n)
		}
		if reader.repeater && reader.repeating() {
			t.Errorf("a reader with half its requests on new pages is repeating (misses %d of %d)", reader.misses, reader.n)
		}
	})
	t.Run("a visitor reading pages before signing in is not concentrated on the login", func(t *testing.T) {
		var m Member
		m.observe(0, page, 1, served)
		m.observe(sec, EndpointKey([]byte("GET"), []byte("/api/session")), 2, served)
		m.observe(2*sec, EndpointKey([]byte("GET"), []byte("/login")), 3, served)
		m.observe(3*sec, login, 4, refused)
		if m.concentrated(login) {
			t.Error("a visitor with half its requests on /login counts as concentrated")
		}
		var s Member
		s.observe(0, EndpointKey([]byte("GET"), []byte("/login")), 3, served)
		s.observe(sec, login, 4, refused)
		if !s.concentrated(login) {
			t.Error("a client sending everything to /login is not concentrated")
		}
	})
}

func TestTrainerNormsAreRobust(t *testing.T) {
	tr := NewTrainer(100)
	key := EndpointKey([]byte("POST"), []byte("/login"))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	// 30 minutes: 2 failing addresses a minute, and 60 in 18 of them (an
	// attack in 60 % of the minutes, as a campaign that runs through most
	// of a short training recording).
	for m := range 30 {
		n := 2
		if m%10 < 6 {
			n = 60
		}
		for i := range n {
			ev := Event{Endpoint: key, Failed: true, Signals: Signals{FailingAddr: true}}
			tr.Observe(t0+int64(m)*int64(time.Minute)+int64(i)*int64(time.Second)/2, &ev, []byte("POST"), []byte("/login"), 100, "")
		}
	}
	n := tr.Norms()
	if n.Minutes != 30 || len(n.Endpoints) != 1 {
		t.Fatalf("norms over %d minutes of %d endpoints, want 30 and 1", n.Minutes, len(n.Endpoints))
	}
	e := n.Endpoints[0]
	if e.Endpoint != "POST /login" {
		t.Errorf("endpoint named %q", e.Endpoint)
	}
	if e.FailAddrs.Q50 < 50 || e.FailAddrs.Limit > 7 || e.FailAddrs.Q99 < 60 {
		t.Errorf("failing addresses q50 %v, limit %v, q99 %v; want the attack's 60 or so, at most 7 (the attack minutes left out), at least 60", e.FailAddrs.Q50, e.FailAddrs.Limit, e.FailAddrs.Q99)
	}
	if e.Requests.Limit < 60 {
		t.Errorf("requests limit %v: the request counts' limit rests on the median (the attack's 60 or so)", e.Requests.Limit)
	}
}

// TestAddressLimitSeesACampaignThroughMostOfTraining: failing addresses
// that run at 2 a minute for 4 of 20 minutes and 12 in the other 16 (a
// campaign through four fifths of a short recording) set the limit on the
// quiet minutes; counts that wander between 3 and 6 a minute (a busy
// login) keep their lower quartile. On a write endpoint a smaller step
// counts: 1 a minute stepping to 3 to 9.
func TestAddressLimitSeesACampaignThroughMostOfTraining(t *testing.T) {
	limit := func(per func(m int) int, step float64) float64 {
		var h histogram
		for m := range 20 {
			h.add(float64(per(m)))
		}
		return addrTailOf(&h, 20, step).Limit
	}
	if got := limit(func(m int) int { return map[bool]int{true: 2, false: 12}[m < 4] }, shiftFactor); got > 7 {
		t.Errorf("limit %.2f with 12 failing addresses in 16 of 20 minutes, want the quiet minutes' (2+3√2 = 6.2)", got)
	}
	if got := limit(func(m int) int { return 3 + m%4 }, shiftFactor); got < 8.1 || got > 8.3 {
		t.Errorf("limit %.2f with 3 to 6 failing addresses a minute, want the lower quartile's (3+3√3 = 8.2)", got)
	}
	// 1 a minute for 3 of 20 minutes, then 3 to 9 (stuffing that arrives
	// a few addresses a minute more than the users who mistype).
	slow := func(m int) int {
		if m < 3 {
			return 1
		}
		return 3 + 3*(m%3)
	}
	if got := limit(slow, writeFailStep); got > 4.1 {
		t.Errorf("limit %.2f on a write endpoint whose failing addresses step from 1 to 3-9 a minute, want the quiet minutes' (1+3 = 4)", got)
	}
	if got := limit(slow, shiftFactor); got < 8.1 || got > 8.3 {
		t.Errorf("limit %.2f on a read endpoint whose failing addresses step from 1 to 3-9 a minute, want the lower quartile's (8.2)", got)
	}
}

// TestTrainerLearnsWhereAddressesThatOpenWithAFailureGetIn checks
// EndpointNorm.Recovers: phones whose first call meets an expired token
// and that renew it at once, against code guessers that open with a
// failed redemption, hit once and guess on, through a Tracker as in
// training.
func TestTrainerLearnsWhereAddressesThatOpenWithAFailureGetIn(t *testing.T) {
	tk := NewTracker(Config{}.WithDefaults(), nil)
	tr := NewTrainer(100)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	members := make([]Member, 80)
	obs := func(ts int64, m *Member, ip, method, path string, status int) {
		rec := ingest.Record{TS: ts, ClientIP: []byte(ip), Method: []byte(method), Path: []byte(path), Status: status, UserAgent: []byte("Mozilla/5.0")}
		ev := tk.Observe(&rec, m, false)
		tr.Observe(ts, &ev, rec.Method, rec.Path, 0, ip)
	}
	for i := range 40 {
		ts, ip := t0+int64(i)*int64(time.Second), fmt.Sprintf("10.0.0.%d", i+1)
		obs(ts, &members[i], ip, "POST", "/graphql", 401)
		obs(ts+int64(time.Second)/4, &members[i], ip, "POST", "/oauth/token", 200)
		obs(ts+int64(time.Second)/2, &members[i], ip, "POST", "/graphql", 200)
		// A code guesser hits once in a while, and guesses on.
		ip = fmt.Sprintf("10.0.1.%d", i+1)
		for k := range 4 {
			status := 404
			if k == 1 {
				status = 200
			}
			obs(ts+int64(k)*int64(20*time.Second), &members[40+i], ip, "POST", "/redeem", status)
		}
	}
	got := map[string]float64{}
	for _, e := range tr.Norms().Endpoints {
		got[e.Endpoint] = e.Recovers
	}
	if got["POST /graphql"] < 0.9 || got["POST /redeem"] != 0 {
		t.Errorf("Recovers %v on POST /graphql, %v on POST /redeem; want about 1 and 0", got["POST /graphql"], got["POST /redeem"])
	}
}

// site simulates a small site in event time: browsers reading pages,
// some signing in (a tenth of them mistyping once), a payment endpoint.
type site struct {
	r     *rand.Rand
	t0    int64
	users int // new users a minute
}

type event struct {
	ts     int64
	ip     string
	method string
	path   string
	status int
	ua     string // "Mozilla/5.0" when empty
}

func (s *site) minute(m int, scale float64, out []event) []event {
	n := int(float64(s.users) * scale)
	base := s.t0 + int64(m)*int64(time.Minute)
	for u := range n {
		ip := fmt.Sprintf("10.%d.%d.%d", m%200, u/200, u%200+1)
		ts := base + s.r.Int64N(int64(time.Minute))
		add := func(method, path string, status int) {
			out = append(out, event{ts, ip, method, path, status, ""})
			ts += int64(2+s.r.IntN(20)) * int64(time.Second)
		}
		add("GET", "/", 200)
		for range 2 + s.r.IntN(4) {
			add("GET", fmt.Sprintf("/items/%d", s.r.IntN(1000)), 200)
		}
		if s.r.IntN(4) == 0 {
			add("GET", "/login", 200)
			if s.r.IntN(10) == 0 {
				add("POST", "/login", 401)
			}
			add("POST", "/login", 200)
		}
		if s.r.IntN(10) == 0 {
			add("POST", "/pay", 402-s.r.IntN(2)*202) // 402 or 200
		}
	}
	// Visitors from a carrier's message, straight to a parcel's tracking,
	// one in eight mistyping its number first.
	for u := range n / 3 {
		ip := fmt.Sprintf("10.%d.%d.%d", 200+m%50, u/200, u%200+1)
		ts := base + s.r.Int64N(int64(time.Minute))
		if s.r.IntN(8) == 0 {
			out = append(out, event{ts, ip, "GET", fmt.Sprintf("/track?n=%d", s.r.IntN(1e6)), 404, ""})
			ts += int64(5+s.r.IntN(10)) * int64(time.Second)
		}
		out = append(out, event{ts, ip, "GET", fmt.Sprintf("/track?n=%d", s.r.IntN(1e6)), 200, ""})
	}
	return out
}

func sortEvents(es []event) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].ts < es[j-1].ts; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// replay runs events through a Tracker the way the detector does, and
// returns the campaigns opened and the addresses that acted within one.
func replay(tr *Tracker, es []event, trainer *Trainer) (opened []*Campaign, acted map[string]*Campaign) {
	members := map[string]*Member{}
	acted = map[string]*Campaign{}
	var rec ingest.Record
	for _, e := range es {
		m := members[e.ip]
		if m == nil {
			m = &Member{}
			members[e.ip] = m
		}
		ua := cmp.Or(e.ua, "Mozilla/5.0")
		rec = ingest.Record{TS: e.ts, ClientIP: []byte(e.ip), Method: []byte(e.method), Path: []byte(e.path), Status: e.status, UserAgent: []byte(ua)}
		ev := tr.Observe(&rec, m, false)
		if trainer != nil {
			trainer.Observe(e.ts, &ev, rec.Method, rec.Path, 0, e.ip)
		}
		if ev.Opened {
			opened = append(opened, ev.Campaign)
		}
		if c := ev.Campaign; c != nil && c.Acts(m, &ev) {
			acted[e.ip] = c
		}
	}
	return opened, acted
}

func trained(t *testing.T, s *site, minutes int) *Norms {
	t.Helper()
	var es []event
	for m := range minutes {
		es = s.minute(m, 1, es)
	}
	sortEvents(es)
	tn := NewTrainer(DefaultMaxEndpoints)
	replay(NewTracker(Config{}, nil), es, tn)
	return tn.Norms()
}

// TestNormsWithoutLeaveTrainingCampaignsOut: a stuffing campaign failing
// five addresses a minute through all fifteen training minutes sets the
// login's usual minute (there is no quiet stretch for addrTailOf to see); counted again without its members, the
// login's limit is the users' own. A read endpoint keeps every address.
func TestNormsWithoutLeaveTrainingCampaignsOut(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixNano()
	login := EndpointKey([]byte("POST"), []byte("/login"))
	track := EndpointKey([]byte("GET"), []byte("/track"))
	tr := NewTrainer(DefaultMaxEndpoints)
	drop := map[string]bool{}
	for m := range 15 {
		for i := range 20 {
			ts := t0 + int64(m)*int64(time.Minute) + int64(i)*int64(time.Second)
			for _, k := range []uint64{login, track} {
				ev := Event{Endpoint: k}
				member := fmt.Sprintf("198.51.%d.%d", m, i)
				switch {
				case i < 5: // the campaign
					ev.FailingAddr = true
					drop[member] = true
				case i == 5 && m%4 == 0: // a user mistyping now and then
					ev.FailingAddr = true
				}
				method, path := []byte("POST"), []byte("/login")
				if k == track {
					method, path = []byte("GET"), []byte("/track")
				}
				tr.Observe(ts, &ev, method, path, 0, member)
			}
		}
	}
	limit := func(n *Norms, key uint64) float64 {
		for _, e := range n.Endpoints {
			if e.Key == key {
				return e.FailAddrs.Limit
			}
		}
		t.Fatalf("no norm for %x", key)
		return 0
	}
	with := tr.Norms()
	without := tr.NormsWithout(drop)
	if l := limit(with, login); l < 10 {
		t.Fatalf("login limit %v with the campaign; the test needs the campaign to set it", l)
	}
	if l := limit(without, login); l > 1 {
		t.Errorf("login limit %v without the campaign's members, want the users' own (1)", l)
	}
	if a, b := limit(with, track), limit(without, track); a != b {
		t.Errorf("a read endpoint's limit went from %v to %v; reads keep every address", a, b)
	}
	if limit(without, track) < 10 {
		t.Errorf("track limit %v; the same addresses failing there must still count", limit(without, track))
	}
}

func TestDepartures(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	const onsetMin = 6
	onset := t0 + onsetMin*int64(time.Minute)
	stuffing := func(r *rand.Rand, addrs int, method, path string, status int, es []event) []event {
		for a := range addrs {
			ip := fmt.Sprintf("198.51.%d.%d", a/250, a%250+1)
			ts := onset + r.Int64N(int64(20*time.Second))
			for ts < onset+int64(4*time.Minute) {
				es = append(es, event{ts, ip, method, path, status, ""})
				ts += int64(15+r.IntN(75)) * int64(time.Second)
			}
		}
		return es
	}
	// polling has addrs addresses, arriving over 20 s from the onset, send
	// req(a, i) (its method, path, status and user agent) for 3 minutes,
	// each gap to 2*gap after the previous one.
	polling := func(r *rand.Rand, addrs int, gap time.Duration, es []event, req func(a, i int) event) []event {
		for a := range addrs {
			ip := fmt.Sprintf("198.51.%d.%d", a/250, a%250+1)
			ts := onset + r.Int64N(int64(20*time.Second))
			for i := 0; ts < onset+int64(3*time.Minute); i++ {
				e := req(a, i)
				e.ts, e.ip = ts, ip
				es = append(es, e)
				ts += int64(gap) + r.Int64N(int64(gap))
			}
		}
		return es
	}
	tests := []struct {
		name string
		// scale is the normal traffic during the test, against training.
		scale  float64
		attack func(r *rand.Rand, es []event) []event
		// wantMembers is the least share of the attack's addresses that
		// must act within a campaign within 60 s of its onset; 0 wants
		// no campaign at all.
		addrs       int
		wantMembers float64
		// noMembers wants no address of the attack acting within a
		// campaign, whether one opens or not.
		noMembers bool
	}{
		{name: "a stuffing campaign over 60 addresses, one login each every 15-90 s, is found and its members act within 60 s",
			scale: 1, addrs: 60, wantMembers: 0.9,
			attack: func(r *rand.Rand, es []event) []event { return stuffing(r, 60, "POST", "/login", 401, es) }},
		{name: "card testing from 20 addresses on the payment endpoint is found",
			scale: 1, addrs: 20, wantMembers: 0.9,
			attack: func(r *rand.Rand, es []event) []event { return stuffing(r, 20, "POST", "/pay", 402, es) }},
		{name: "a stuffing campaign during a flash crowd of 3x normal traffic is still found",
			scale: 3, addrs: 60, wantMembers: 0.9,
			attack: func(r *rand.Rand, es []event) []event { return stuffing(r, 60, "POST", "/login", 401, es) }},
		{name: "a brute force throttled by the gateway (429 on its logins) from 60 addresses is found",
			scale: 1, addrs: 60, wantMembers: 0.9,
			attack: func(r *rand.Rand, es []event) []event { return stuffing(r, 60, "POST", "/login", 429, es) }},
		{name: "a crowd polling a waiting room too fast, a third refused 429 by the gateway, has no member",
			scale: 1, addrs: 60, noMembers: true,
			attack: func(r *rand.Rand, es []event) []event {
				return polling(r, 60, time.Second, es, func(a, i int) event {
					return event{method: "GET", path: fmt.Sprintf("/queue/status?ticket=%d", a), status: []int{200, 200, 429}[i%3]}
				})
			}},
		{name: "a partner's webhook senders on 40 addresses, throttled 429 together through a retry storm, have no member",
			scale: 1, addrs: 40, noMembers: true,
			attack: func(r *rand.Rand, es []event) []event {
				return polling(r, 40, 2*time.Second, es, func(_, i int) event {
					return event{method: "POST", path: "/hooks/carrier-events", status: []int{202, 429, 429}[i%3], ua: "3PL-Hub-Webhooks/1.1"}
				})
			}},
		{name: "a tracking rush, ten times the usual visitors to the tracking page for two minutes, mistyping as often, has no member",
			scale: 1, addrs: 200, noMembers: true,
			attack: func(r *rand.Rand, es []event) []event {
				for a := range 200 {
					ip := fmt.Sprintf("198.51.%d.%d", a/250, a%250+1)
					ts := onset + r.Int64N(int64(2*time.Minute))
					if r.IntN(8) == 0 {
						es = append(es, event{ts, ip, "GET", fmt.Sprintf("/track?n=%d", r.IntN(1e6)), 404, ""})
						ts += int64(5+r.IntN(10)) * int64(time.Second)
					}
					for range 3 {
						es = append(es, event{ts, ip, "GET", fmt.Sprintf("/track?n=%d", r.IntN(1e6)), 200, ""})
						ts += int64(5+r.IntN(10)) * int64(time.Second)
					}
				}
				return es
			}},
		{name: "a flash crowd of 4x normal traffic on usual pages is not a campaign",
			scale: 4, attack: func(_ *rand.Rand, es []event) []event { return es }},
		{name: "a NAT address with many users failing logins is not a campaign",
			scale: 1, attack: func(r *rand.Rand, es []event) []event {
				for i := range 300 {
					es = append(es, event{onset + int64(i)*int64(time.Second), "192.0.2.1", "POST", "/login", 401, ""})
				}
				return es
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
			norms := trained(t, s, 30)
			s.t0, s.r = t0, rand.New(rand.NewPCG(3, 4))
			var es []event
			for m := range 12 {
				sc := 1.0
				if m >= onsetMin-1 {
					sc = tt.scale
				}
				es = s.minute(m, sc, es)
			}
			es = tt.attack(rand.New(rand.NewPCG(5, 6)), es)
			sortEvents(es)
			opened, acted := replay(NewTracker(Config{}, norms), es, nil)
			attackers, early := 0, 0
			for ip, c := range acted {
				if ip[:7] == "198.51." {
					attackers++
					if c.Opened-onset <= int64(time.Minute) {
						early++
					}
				}
			}
			if tt.noMembers {
				for ip, c := range acted {
					if ip[:7] == "198.51." {
						t.Fatalf("%s acted within campaign %s (%s)", ip, c.ID, c.Reason())
					}
				}
				return
			}
			if tt.wantMembers == 0 {
				if len(opened) > 0 {
					t.Errorf("%d campaigns opened, first %s (%s)", len(opened), opened[0].ID, opened[0].Reason())
				}
				return
			}
			if len(opened) == 0 {
				t.Fatal("no campaign opened")
			}
			if share := float64(early) / float64(tt.addrs); share < tt.wantMembers {
				t.Errorf("%d of %d attacking addresses acted within a campaign opened within 60 s of the onset, want %.0f%%", early, tt.addrs, 100*tt.wantMembers)
			}
			for ip := range acted {
				if ip[:3] == "10." {
					t.Errorf("normal address %s acted within campaign %s", ip, acted[ip].ID)
				}
			}
		})
	}
}

func TestCampaignIDNamesWhatDefinesIt(t *testing.T) {
	a := &Tracker{cfg: Config{}.WithDefaults(), active: make([]*Campaign, 0, maxActive)}
	b := &Tracker{cfg: Config{}.WithDefaults(), active: make([]*Campaign, 0, maxActive)}
	rec := ingest.Record{Method: []byte("POST"), Path: []byte("/v2/auth/token")}
	key := EndpointKey(rec.Method, rec.Path)
	ts := time.Date(2026, 3, 3, 9, 4, 10, 0, time.UTC).UnixNano()
	// Two detectors on two partitions see the departure 5 s apart.
	ca := a.open(key, &rec, ChannelFailures, ts, 30, 9, 1)
	cb := b.open(key, &rec, ChannelFailures, ts+int64(5*time.Second), 31, 9, 1)
	if ca.ID != cb.ID || ca.ID != "failing_addresses-"+fmt.Sprintf("%08x", uint32(key^key>>32))+"-20260303T0903" {
		t.Errorf("ids %q and %q", ca.ID, cb.ID)
	}
	ca.Members = 58
	if got, want := ca.Reason(), "one of 58 addresses failing on POST /v2/auth/token since 09:03:10"; got != want {
		t.Errorf("reason %q, want %q", got, want)
	}
}

func TestMemoryBound(t *testing.T) {
	b := Config{}.WithDefaults().MemoryBound()
	if b <= 0 || b > 64<<20 {
		t.Errorf("memory bound at defaults %d bytes, want under 64 MiB", b)
	}
}

func BenchmarkObserve(b *testing.B) {
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC).UnixNano(), users: 60}
	norms := trained(&testing.T{}, s, 10)
	var es []event
	for m := range 10 {
		es = s.minute(m+10, 1, es)
	}
	sortEvents(es)
	recs := make([]ingest.Record, len(es))
	for i, e := range es {
		recs[i] = ingest.Record{TS: e.ts, ClientIP: []byte(e.ip), Method: []byte(e.method), Path: []byte(e.path), Status: e.status, UserAgent: []byte("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")}
	}
	tr := NewTracker(Config{}, norms)
	members := make([]Member, 4096)
	span := recs[len(recs)-1].TS - recs[0].TS + int64(time.Second)
	// Warm up: every aggregate exists.
	for i := range recs {
		tr.Observe(&recs[i], &members[i%len(members)], false)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i, lap := 0, int64(1)
	for b.Loop() {
		r := &recs[i]
		saved := r.TS
		r.TS += lap * span
		tr.Observe(r, &members[i%len(members)], false)
		r.TS = saved
		if i++; i == len(recs) {
			i, lap = 0, lap+1
		}
	}
}

func TestNormsLearnedFromNothingOpenNoCampaign(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	var es []event
	for a := range 60 {
		for i := range 6 {
			es = append(es, event{t0 + int64(3*time.Minute) + int64(i)*int64(20*time.Second) + int64(a)*int64(100*time.Millisecond),
				fmt.Sprintf("198.51.100.%d", a+1), "POST", "/login", 401, ""})
		}
	}
	es = append([]event{{t0, "10.0.0.1", "GET", "/", 200, ""}}, es...)
	for _, n := range []*Norms{nil, {}} {
		if opened, _ := replay(NewTracker(Config{}, n), es, nil); len(opened) > 0 {
			t.Errorf("norms %+v opened %d campaigns", n, len(opened))
		}
	}
	// The same events against learned norms do open one, so the test can
	// fail.
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
	if opened, _ := replay(NewTracker(Config{}, trained(t, s, 30)), es, nil); len(opened) == 0 {
		t.Error("learned norms opened no campaign either")
	}
}

func TestFailedCountsWhatTheClientWasRefused(t *testing.T) {
	for status, want := range map[int]bool{
		200: false, 201: false, 304: false,
		400: true, 401: true, 402: true, 403: true, 404: true, 409: true, 422: true, 429: true,
		405: false, 413: false, 500: false, 502: false, 503: false,
	} {
		if got := Failed(status); got != want {
			t.Errorf("Failed(%d) = %v, want %v", status, got, want)
		}
	}
}

// TestRefusedFloodLeavesServedRepeatersOut: an app whose phones post every
// call to one GraphQL URL, opening with a 401 when their token expired,
// and an unauthenticated flood on that URL, answered 401, during a wave of
// new phones signing in. The flood's addresses are members; the phones,
// served, repeat the URL as the flood does and are not.
func TestRefusedFloodLeavesServedRepeatersOut(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	const onsetMin = 6
	onset := t0 + onsetMin*int64(time.Minute)
	// phones adds n new phones a minute from minute from to minute to,
	// each posting to /graphql every 8-12 s for two minutes, its first
	// call refused (an expired token) and the others served.
	phones := func(r *rand.Rand, prefix string, from, to, n int, es []event) []event {
		for m := from; m < to; m++ {
			for p := range n {
				ip := fmt.Sprintf("%s.%d.%d", prefix, m+100, p+1)
				ts := t0 + int64(m)*int64(time.Minute) + r.Int64N(int64(time.Minute))
				status := 401
				for end := ts + int64(2*time.Minute); ts < end; ts += int64(8+r.IntN(5)) * int64(time.Second) {
					es = append(es, event{ts, ip, "POST", "/graphql", status, "Loomdesk-iOS/6.4.0 (iPhone15,3; iOS 18.2)"})
					status = 200
				}
			}
		}
		return es
	}
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
	var train []event
	for m := range 30 {
		train = s.minute(m, 1, train)
	}
	train = phones(rand.New(rand.NewPCG(7, 8)), "172.16", -60, -30, 3, train)
	sortEvents(train)
	tn := NewTrainer(DefaultMaxEndpoints)
	replay(NewTracker(Config{}, nil), train, tn)
	norms := tn.Norms()

	s.t0, s.r = t0, rand.New(rand.NewPCG(3, 4))
	var es []event
	for m := range 12 {
		es = s.minute(m, 1, es)
	}
	r := rand.New(rand.NewPCG(5, 6))
	es = phones(r, "172.16", 0, 12, 3, es)
	es = phones(r, "172.17", onsetMin-2, onsetMin+3, 15, es) // the morning's sign-ins
	for a := range 40 {
		ip := fmt.Sprintf("198.51.100.%d", a+1)
		ts := onset + r.Int64N(int64(20*time.Second))
		for end := ts + int64(90*time.Second); ts < end; ts += int64(200+r.IntN(400)) * int64(time.Millisecond) {
			es = append(es, event{ts, ip, "POST", "/graphql", 401, "Mozilla/5.0"})
		}
	}
	sortEvents(es)
	opened, acted := replay(NewTracker(Config{}, norms), es, nil)
	if len(opened) == 0 {
		t.Fatal("no campaign opened")
	}
	floodActed(t, acted, "172.", "the flood's 40 addresses", "a phone, served,")
}

// floodActed checks that 36 or more of a flood's 40 addresses
// (198.51.100.0/24) acted within a campaign, and no address whose
// prefix is others; flood and what say what each is, for the errors.
func floodActed(t *testing.T, acted map[string]*Campaign, others, flood, what string) {
	t.Helper()
	n := 0
	for ip, c := range acted {
		switch {
		case strings.HasPrefix(ip, "198.51.100."):
			n++
		case strings.HasPrefix(ip, others):
			t.Errorf("%s %s acted within campaign %s (%s)", what, ip, c.ID, c.Reason())
		}
	}
	if n < 36 {
		t.Errorf("%d of %s acted within a campaign, want 36 or more", n, flood)
	}
}

// TestTrackerWatchesBeforeCountingNewAddresses: a Tracker started while 20
// addresses were already polling one status URL every 5 s counts none of
// them as new repeaters; a distributed flood that begins a minute after it
// started is found, and so is one that begins 10 s after, its addresses
// first seen while the Tracker watches, at a flood's pace.
func TestTrackerWatchesBeforeCountingNewAddresses(t *testing.T) {
	for _, after := range []time.Duration{time.Minute, 10 * time.Second} {
		t0, norms, es, r := nextDay(t, 6)
		for a := range 20 {
			ip := fmt.Sprintf("172.16.0.%d", a+1)
			for ts := t0 + r.Int64N(int64(5*time.Second)); ts < t0+int64(6*time.Minute); ts += int64(5 * time.Second) {
				es = append(es, event{ts, ip, "GET", "/status", 200, ""})
			}
		}
		onset := t0 + int64(after)
		for a := range 40 {
			ip := fmt.Sprintf("198.51.100.%d", a+1)
			for ts := onset + r.Int64N(int64(20*time.Second)); ts < onset+int64(2*time.Minute); ts += int64(300+r.IntN(400)) * int64(time.Millisecond) {
				es = append(es, event{ts, ip, "GET", "/", 200, ""})
			}
		}
		sortEvents(es)
		_, acted := replay(NewTracker(Config{}, norms), es, nil)
		floodActed(t, acted, "172.16.", fmt.Sprintf("the 40 addresses of a flood that began %v after the Tracker started", after), "an address polling since before the Tracker started,")
	}
}

// TestOwnSessionsAreNoFlood: at a coin's listing, 60 new addresses, each
// a trader signed in as its own user (one of them a phone whose address
// moves inside its /64), poll the listed market's ticker every 2 s; none
// is a repeating address, and no campaign opens on them. A flood of 40
// addresses signed in as one account, hammering the same URL, is found.
func TestOwnSessionsAreNoFlood(t *testing.T) {
	t0, norms, es, r := nextDay(t, 10)
	users := map[string]string{}
	poll := func(ip, user string, from, until int64, every time.Duration) {
		users[ip] = user
		es = append(es, event{from, ip, "GET", "/me", 200, ""})
		for ts := from + r.Int64N(int64(every)); ts < until; ts += int64(every) {
			es = append(es, event{ts, ip, "GET", "/ticker?symbol=new", 200, ""})
		}
	}
	listing := t0 + int64(2*time.Minute)
	for a := range 60 {
		from := listing + r.Int64N(int64(time.Minute))
		poll(fmt.Sprintf("172.16.0.%d", a+1), fmt.Sprintf("trader%d", a), from, from+int64(3*time.Minute), 2*time.Second)
	}
	for k := range 4 { // a phone on IPv6 privacy addresses
		from := listing + int64(k)*int64(40*time.Second)
		poll(fmt.Sprintf("2001:db8:5:7:%x::1", k+1), "phone", from, from+int64(40*time.Second), 2*time.Second)
	}
	onset := t0 + int64(6*time.Minute)
	for a := range 40 {
		from := onset + r.Int64N(int64(20*time.Second))
		poll(fmt.Sprintf("198.51.100.%d", a+1), "bot", from, from+int64(2*time.Minute), 500*time.Millisecond)
	}
	sortEvents(es)
	opened, acted := replayAs(NewTracker(Config{}, norms), es, users)
	for _, c := range opened {
		if c.Opened < onset {
			t.Errorf("campaign %s opened at %v, before the flood: the traders' polls are taken for one", c.ID, time.Unix(0, c.Opened).UTC())
		}
	}
	floodActed(t, acted, "172.16.", "the 40 addresses of a flood signed in as one account", "a trader polling in its own session,")
	for ip, c := range acted {
		if strings.HasPrefix(ip, "2001:db8:") {
			t.Errorf("a phone moving inside its /64, %s, acted within campaign %s", ip, c.ID)
		}
	}
}

// replayAs is replay (without a Trainer) of events whose client at ip is
// signed in as users[ip] ("" for none).
func replayAs(tr *Tracker, es []event, users map[string]string) (opened []*Campaign, acted map[string]*Campaign) {
	members := map[string]*Member{}
	acted = map[string]*Campaign{}
	for _, e := range es {
		m := members[e.ip]
		if m == nil {
			m = &Member{}
			members[e.ip] = m
		}
		rec := ingest.Record{TS: e.ts, ClientIP: []byte(e.ip), Method: []byte(e.method), Path: []byte(e.path), Status: e.status,
			UserAgent: []byte(cmp.Or(e.ua, "Mozilla/5.0")), User: []byte(users[e.ip])}
		ev := tr.Observe(&rec, m, false)
		if ev.Opened {
			opened = append(opened, ev.Campaign)
		}
		if c := ev.Campaign; c != nil && c.Acts(m, &ev) {
			acted[e.ip] = c
		}
	}
	return opened, acted
}

// TestCacheBustingFloodRepeatsThePage: a flood that adds a random query to
// every request for the home page, which training asked for without one,
// repeats the page and is found; 20 visitors polling a price list since
// the Tracker started are no members of it. Where the
// page took queries in training (a search), the flood's URLs are its own.
func TestCacheBustingFloodRepeatsThePage(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
	norms := trained(t, s, 30)
	home := EndpointKey([]byte("GET"), []byte("/"))
	for i := range norms.Endpoints {
		if n := &norms.Endpoints[i]; n.Key == home && n.Bare < bareShare {
			t.Fatalf("the home page, never asked for with a query in training, has Bare %.2f", n.Bare)
		}
	}
	flood := func(path string) map[string]*Campaign {
		s.t0, s.r = t0, rand.New(rand.NewPCG(3, 4))
		var es []event
		for m := range 8 {
			es = s.minute(m, 1, es)
		}
		r := rand.New(rand.NewPCG(5, 6))
		for a := range 20 {
			ip := fmt.Sprintf("172.16.0.%d", a+1)
			for ts := t0 + r.Int64N(int64(5*time.Second)); ts < t0+int64(8*time.Minute); ts += int64(7 * time.Second) {
				es = append(es, event{ts, ip, "GET", "/prices", 200, ""})
			}
		}
		onset := t0 + int64(5*time.Minute)
		for a := range 40 {
			ip := fmt.Sprintf("198.51.100.%d", a+1)
			for ts := onset + r.Int64N(int64(20*time.Second)); ts < onset+int64(2*time.Minute); ts += int64(300+r.IntN(400)) * int64(time.Millisecond) {
				es = append(es, event{ts, ip, "GET", fmt.Sprintf("%s?v=%x", path, r.Uint32()), 200, ""})
			}
		}
		sortEvents(es)
		_, acted := replayAs(NewTracker(Config{}, norms), es, nil)
		return acted
	}
	floodActed(t, flood("/"), "172.16.", "the 40 addresses of a flood busting the home page's cache", "a visitor polling the price list,")
	for i := range norms.Endpoints {
		if norms.Endpoints[i].Key == home {
			norms.Endpoints[i].Bare = 0 // as if the home page took queries
		}
	}
	if acted := flood("/"); len(acted) > 0 {
		t.Errorf("%d addresses sending a new query each time to a page that takes queries acted within a campaign", len(acted))
	}
}

// nextDay returns the start t0 of a test day, norms trained on the half
// hour of the test site before it, the site's first minutes of that day,
// and a random source for what a test adds.
func nextDay(t *testing.T, minutes int) (t0 int64, norms *Norms, es []event, r *rand.Rand) {
	t.Helper()
	t0 = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
	norms = trained(t, s, 30)
	s.t0, s.r = t0, rand.New(rand.NewPCG(3, 4))
	for m := range minutes {
		es = s.minute(m, 1, es)
	}
	return t0, norms, es, rand.New(rand.NewPCG(5, 6))
}

// TestNewcomersRejectedInACrowdAreNoCampaign: at a coin's listing, 150
// newcomers a minute place an order, and one in six has two rejected
// before one goes through. The order endpoint's regulars (ten traders
// placing one every 3 s) keep its served requests within twice their
// usual minute, but its served addresses grow tenfold: the failing
// addresses grow with the crowd, and no campaign opens. The same failing
// addresses without the crowd they came in are one.
func TestNewcomersRejectedInACrowdAreNoCampaign(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	traders := func(es []event, from int64, minutes int, r *rand.Rand) []event {
		for a := range 10 {
			ip := fmt.Sprintf("192.0.2.%d", a+1)
			for ts := from + r.Int64N(int64(3*time.Second)); ts < from+int64(minutes)*int64(time.Minute); ts += int64(3 * time.Second) {
				status := 201
				if r.IntN(50) == 0 {
					status = 422
				}
				es = append(es, event{ts, ip, "POST", "/orders", status, ""})
			}
		}
		return es
	}
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
	var train []event
	for m := range 30 {
		train = s.minute(m, 1, train)
	}
	train = traders(train, s.t0, 30, rand.New(rand.NewPCG(7, 8)))
	sortEvents(train)
	tn := NewTrainer(DefaultMaxEndpoints)
	replay(NewTracker(Config{}, nil), train, tn)
	norms := tn.Norms()
	orders := EndpointKey([]byte("POST"), []byte("/orders"))
	listing := func(served bool) []*Campaign {
		s.t0, s.r = t0, rand.New(rand.NewPCG(3, 4))
		var es []event
		for m := range 9 {
			es = s.minute(m, 1, es)
		}
		r := rand.New(rand.NewPCG(5, 6))
		es = traders(es, t0, 9, r)
		for m := 5; m < 8; m++ {
			for a := range 150 {
				ip := fmt.Sprintf("100.64.%d.%d", m, a+1)
				ts := t0 + int64(m)*int64(time.Minute) + r.Int64N(int64(time.Minute))
				rejected := a%6 == 0
				if !rejected && !served {
					continue
				}
				es = append(es, event{ts, ip, "GET", "/", 200, ""})
				if rejected {
					es = append(es, event{ts + int64(4*time.Second), ip, "POST", "/orders", 422, ""},
						event{ts + int64(9*time.Second), ip, "POST", "/orders", 422, ""})
					ts += int64(10 * time.Second)
				}
				es = append(es, event{ts + int64(5*time.Second), ip, "POST", "/orders", 201, ""})
			}
		}
		sortEvents(es)
		opened, _ := replay(NewTracker(Config{}, norms), es, nil)
		var on []*Campaign
		for _, c := range opened {
			if c.Endpoint == orders {
				on = append(on, c)
			}
		}
		return on
	}
	if on := listing(false); len(on) == 0 {
		t.Fatal("25 addresses a minute each with two orders rejected opened no campaign; the test needs them to")
	}
	if on := listing(true); len(on) > 0 {
		t.Errorf("a crowd of 150 newcomers a minute, one in six with two orders rejected, opened %d campaigns on the order endpoint (the first %s)", len(on), on[0].Reason())
	}
}

// TestAddrSketchCountsDistinctAddresses: the served addresses' count is
// within a few percent of the distinct addresses up to hundreds, repeats
// count once, the last full minute counts until the current one passes
// it, and a quiet minute forgets.
func TestAddrSketchCountsDistinctAddresses(t *testing.T) {
	for _, n := range []int{1, 10, 100, 400} {
		var s addrSketch
		for i := range n {
			h := hashNet(keyAddr, fmt.Appendf(nil, "203.0.%d.%d", i/250, i%250))
			s.add(7, h)
			s.add(7, h) // a second request of the same address
		}
		got := s.count(7)
		if tol := max(1, 0.1*float64(n)); got < float64(n)-tol || got > float64(n)+tol {
			t.Errorf("%d distinct addresses counted as %.1f", n, got)
		}
		if next := s.count(8); next != got {
			t.Errorf("at the next minute, before any address, the count is %.1f, want the last full minute's %.1f", next, got)
		}
		s.add(8, hashNet(keyAddr, []byte("198.51.100.1")))
		if c := s.count(8); c != got {
			t.Errorf("one address into the next minute, the count is %.1f, want the last full minute's %.1f", c, got)
		}
		if c := s.count(10); c != 0 {
			t.Errorf("after a quiet minute, the count is %.1f, want 0", c)
		}
	}
}

// TestTrainerLearnsServedAddresses: an endpoint served to 40 addresses a
// minute, three requests each, for two minutes and to 400 for two more,
// has a usual minute of about 40 served addresses (not 120 requests);
// asking again (NormsWithout after Norms, as training does) learns the
// same, without the last minute twice, and the site as a whole keeps no
// count of its own.
func TestTrainerLearnsServedAddresses(t *testing.T) {
	tr := NewTrainer(100)
	key := EndpointKey([]byte("POST"), []byte("/orders"))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	for m := range 4 {
		n := 40
		if m >= 2 {
			n = 400
		}
		for i := range 3 * n {
			ip := fmt.Appendf(nil, "198.51.%d.%d", m, i%n)
			ev := Event{Endpoint: key, Served: hashNet(keyAddr, ip) | 1}
			tr.Observe(t0+int64(m)*int64(time.Minute)+int64(i)*int64(time.Minute)/int64(3*n), &ev, []byte("POST"), []byte("/orders"), 100, string(ip))
		}
	}
	first := tr.Norms()
	again := tr.NormsWithout(map[string]bool{"203.0.113.9": true})
	for _, n := range []*Norms{first, again} {
		got := n.Endpoints[0].ServedAddrs
		if got.Q50 < 40 || got.Q50 > 50 || got.Q99 < 300 { // buckets 12 % wide, quantiles rounding up
			t.Errorf("served addresses q50 %.1f, q99 %.1f; want about 40, and the last minute's hundreds at the top", got.Q50, got.Q99)
		}
		if n.Site.ServedAddrs.Q99 != 0 {
			t.Errorf("the site keeps served addresses %+v; only endpoints do", n.Site.ServedAddrs)
		}
	}
	if a, b := first.Endpoints[0].ServedAddrs, again.Endpoints[0].ServedAddrs; a != b {
		t.Errorf("served addresses %+v, then %+v asked again", a, b)
	}
}

// TestAWaveOfExpiredSessionsIsNoCampaignToJoin: training saw no phone open
// with a failure on the documents endpoint; the next morning 40 phones
// whose tokens expired together each open with a 401 there, renew the
// token and are served a second later. Their failing addresses depart,
// but a phone's first 401 makes it no member: most addresses that opened
// with a failure got in. The same 40 failing again instead of getting in
// are members at their first failure.
func TestAWaveOfExpiredSessionsIsNoCampaignToJoin(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	phones := func(es []event, from int64, n int, r *rand.Rand, wave, recover bool) []event {
		for p := range n {
			ip := fmt.Sprintf("2001:db8:%x::1", p+1)
			doc := fmt.Sprintf("/docs/%d", 100+p)
			ts := from + r.Int64N(int64(time.Minute))
			if wave {
				es = append(es, event{ts, ip, "GET", doc, 401, "Docs-iOS/5.8"})
				if !recover {
					es = append(es, event{ts + int64(20*time.Second), ip, "GET", doc, 401, "Docs-iOS/5.8"})
					continue
				}
				es = append(es, event{ts + int64(time.Second)/4, ip, "POST", "/oauth/token", 200, "Docs-iOS/5.8"})
				ts += int64(time.Second) / 2
			}
			es = append(es, event{ts, ip, "GET", doc, 200, "Docs-iOS/5.8"})
		}
		return es
	}
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
	var train []event
	r := rand.New(rand.NewPCG(7, 8))
	for m := range 30 {
		train = s.minute(m, 1, train)
		train = phones(train, s.t0+int64(m)*int64(time.Minute), 20, r, false, false)
	}
	sortEvents(train)
	tn := NewTrainer(DefaultMaxEndpoints)
	replay(NewTracker(Config{}, nil), train, tn)
	norms := tn.Norms()
	docs := EndpointKey([]byte("GET"), []byte("/docs/1"))
	morning := func(recover bool) (opened int, acted int) {
		s.t0, s.r = t0, rand.New(rand.NewPCG(3, 4))
		r := rand.New(rand.NewPCG(5, 6))
		var es []event
		for m := range 9 {
			es = s.minute(m, 1, es)
			es = phones(es, t0+int64(m)*int64(time.Minute), 20, r, false, false)
		}
		es = phones(es, t0+5*int64(time.Minute), 40, r, true, recover)
		sortEvents(es)
		on, members := replay(NewTracker(Config{}, norms), es, nil)
		for _, c := range on {
			if c.Endpoint == docs {
				opened++
			}
		}
		for _, c := range members {
			if c.Endpoint == docs {
				acted++
			}
		}
		return opened, acted
	}
	if opened, acted := morning(false); opened == 0 || acted < 20 {
		t.Fatalf("40 phones failing twice on the documents endpoint opened %d campaigns there with %d members; the test needs one with most of them", opened, acted)
	}
	if opened, acted := morning(true); acted > 0 {
		t.Errorf("40 phones renewing their expired tokens: %d campaigns on the documents endpoint, %d of them members; want none", opened, acted)
	}
}

// TestASessionThatMovedIsNoAddressOpeningWithGuesses: while card testers
// fail on the payment endpoint from new addresses, a signed-in customer's
// phone whose address changed between the cart and the payment opens its
// new address with a declined payment. It is no member at that first
// failure; an address whose user was never served is, and so is one whose
// login was refused naming a customer who was: a refused credential names
// a user the client only claims.
func TestASessionThatMovedIsNoAddressOpeningWithGuesses(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	s := &site{r: rand.New(rand.NewPCG(1, 2)), t0: t0 - int64(time.Hour), users: 60}
	norms := trained(t, s, 30)
	s.t0, s.r = t0, rand.New(rand.NewPCG(3, 4))
	var es []event
	for m := range 9 {
		es = s.minute(m, 1, es)
	}
	users := map[string]string{}
	at := func(sec int) int64 { return t0 + int64(sec)*int64(time.Second) }
	for a := range 40 {
		ip, stuffer := fmt.Sprintf("203.0.113.%d", a+1), fmt.Sprintf("203.0.114.%d", a+1)
		for k := range 4 {
			es = append(es, event{at(300 + a*3 + k*15), ip, "POST", "/pay", 402, ""},
				event{at(300 + a*3 + k*15), stuffer, "POST", "/login", 401, ""})
		}
	}
	// The customer's phone: the cart at one address, the payment at the next.
	users["2001:db8:1:1::a"], users["2001:db8:1:1::b"] = "u1", "u1"
	es = append(es, event{at(400), "2001:db8:1:1::a", "GET", "/cart", 200, ""},
		event{at(410), "2001:db8:1:1::b", "POST", "/pay", 402, ""})
	// A stranger's first payment, and a login naming the customer.
	users["198.51.100.7"], users["198.51.100.8"] = "u2", "u1"
	es = append(es, event{at(411), "198.51.100.7", "POST", "/pay", 402, ""},
		event{at(412), "198.51.100.8", "POST", "/login", 401, ""})
	sortEvents(es)
	_, acted := replayAs(NewTracker(Config{}, norms), es, users)
	pay := EndpointKey([]byte("POST"), []byte("/pay"))
	if c := acted["203.0.113.20"]; c == nil || c.Endpoint != pay {
		t.Fatalf("a card tester is no member of a campaign on /pay (%v); the test needs one", c)
	}
	if c := acted["2001:db8:1:1::b"]; c != nil {
		t.Errorf("the customer's phone, declined once at its new address, is a member of %s", c.Reason())
	}
	if acted["198.51.100.7"] == nil {
		t.Error("an address whose user was never served, opening with a declined payment, is no member")
	}
	if c := acted["198.51.100.8"]; c == nil || c.Endpoint != EndpointKey([]byte("POST"), []byte("/login")) {
		t.Errorf("an address opening with a refused login that names a customer served lately is no member of the stuffing (%v)", c)
	}
}

// A repeaters campaign's members keep a flood's pace; a person polling the
// page it hammers repeats it at a fraction of that, and does not keep up.
// Before minPaced members joined, and in a failures campaign, pace is not
// asked.
func TestKeepsPace(t *testing.T) {
	flood := &Campaign{Channel: ChannelRepeaters}
	for i := range minPaced - 1 {
		flood.NotePace(2 + float64(i%3)) // 2 to 4 requests a second
	}
	if !flood.KeepsPace(0.1) {
		t.Errorf("pace asked after %d members, before %d", flood.paced, minPaced)
	}
	flood.NotePace(3)
	for _, tt := range []struct {
		pace float64
		want bool
	}{{0.2, false}, {0.5, false}, {1, true}, {3, true}, {40, true}} {
		if got := flood.KeepsPace(tt.pace); got != tt.want {
			t.Errorf("a client at %.1f req/s keeps the pace of members at 2-4: %v, want %v", tt.pace, got, tt.want)
		}
	}
	flood.NotePace(0) // no pace: not counted
	if flood.paced != minPaced {
		t.Errorf("%d paces counted, want %d", flood.paced, minPaced)
	}
	failures := &Campaign{Channel: ChannelFailures}
	for range 2 * minPaced {
		failures.NotePace(3)
	}
	if !failures.KeepsPace(0.01) || failures.paced != 0 {
		t.Error("pace counted or asked in a failures campaign: a card tester's pace is a customer's")
	}
}

// readKey says of an endpoint key what features.IsRead says of its method.
func TestReadKeyAgreesWithIsRead(t *testing.T) {
	for _, m := range []string{"GET", "get", "HEAD", "head", "OPTIONS", "options", "", "POST", "PUT", "PATCH", "DELETE", "post", "GETX"} {
		if got, want := readKey(EndpointKey([]byte(m), []byte("/v1/things/42"))), features.IsRead([]byte(m)); got != want {
			t.Errorf("readKey of a %q endpoint = %v, features.IsRead = %v", m, got, want)
		}
	}
}

// TestRetrying: a run of at most two credential refusals that claimed
// one same user is a person retrying; a third, a second user, another
// refusal or no user at all is not.
func TestRetrying(t *testing.T) {
	login := EndpointKey([]byte("POST"), []byte("/login"))
	const sec = int64(time.Second)
	run := func(claims ...uint8) *Member {
		var m Member
		for i, c := range claims {
			m.observeClaim(int64(i)*sec, login, 1, refused, c)
		}
		return &m
	}
	a, b := claimOf(401, []byte("pt-1")), claimOf(401, []byte("pt-2"))
	if a == 0 || claimOf(402, []byte("pt-1")) != 0 || claimOf(401, nil) != 0 {
		t.Fatalf("claimOf: %d for a 401 naming a user, %d for a 402, %d for no user", a, claimOf(402, []byte("pt-1")), claimOf(401, nil))
	}
	for _, tt := range []struct {
		name   string
		claims []uint8
		want   bool
	}{
		{"one refusal claiming a user", []uint8{a}, true},
		{"two claiming the same user", []uint8{a, a}, true},
		{"a third", []uint8{a, a, a}, false},
		{"two users", []uint8{a, b}, false},
		{"a refusal naming no user first", []uint8{0, a}, false},
		{"another refusal between", []uint8{a, 0}, false},
	} {
		if got := run(tt.claims...).Retrying(); got != tt.want {
			t.Errorf("%s: Retrying() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A credential refused (401) at the address it was served at lately is
// the credential expiring: a household's two devices renewing their keys
// after an outage make no run of failures of their address. Keys never
// served there, a user served at another address, and a 403 to a served
// user (what it asked is refused, not who it is) still count.
func TestARefusedCredentialServedHereIsNoGuess(t *testing.T) {
	tr := NewTracker(Config{}, nil)
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	members := map[string]*Member{}
	send := func(sec int, ip, method, path string, status int, key, user string) Event {
		m := members[ip]
		if m == nil {
			m = &Member{}
			members[ip] = m
		}
		rec := ingest.Record{TS: t0 + int64(sec)*int64(time.Second), ClientIP: []byte(ip), Method: []byte(method), Path: []byte(path),
			Status: status, UserAgent: []byte("device/1.0"), APIKey: []byte(key), User: []byte(user)}
		return tr.Observe(&rec, m, false)
	}
	for i := range 16 {
		send(i, "192.0.2.10", "POST", "/report", 200, []string{"dk_1", "dk_2"}[i%2], "")
		send(i, "192.0.2.20", "POST", "/report", 200, "dk_3", "")
		send(i, "192.0.2.30", "GET", "/feed", 200, "", []string{"u1", "u2"}[i%2])
		send(i, "192.0.2.40", "GET", "/feed", 200, "", "u3")
	}
	failing := func(what string, evs ...Event) {
		t.Helper()
		for _, ev := range evs {
			if ev.FailingAddr {
				return
			}
		}
		t.Errorf("%s: no failing address", what)
	}
	if a, b := send(100, "192.0.2.10", "POST", "/report", 401, "dk_1", ""), send(101, "192.0.2.10", "POST", "/report", 401, "dk_2", ""); a.FailingAddr || b.FailingAddr {
		t.Error("a home's two devices refused the keys they were served with are a failing address")
	}
	if a, b := send(100, "192.0.2.30", "GET", "/feed", 401, "", "u1"), send(101, "192.0.2.30", "GET", "/feed", 401, "", "u2"); a.FailingAddr || b.FailingAddr {
		t.Error("two people's expired sessions at their own address are a failing address")
	}
	// A third device's key, served at the address between two others'
	// requests, is noted when the key changes (the caller says so).
	home := &Member{}
	prev := ""
	for i, key := range []string{"dk_a", "dk_a", "dk_b", "dk_a", "dk_c", "dk_a"} {
		rec := ingest.Record{TS: t0 + int64(i)*int64(time.Second), ClientIP: []byte("192.0.2.50"), Method: []byte("POST"), Path: []byte("/report"),
			Status: 200, UserAgent: []byte("device/1.0"), APIKey: []byte(key)}
		tr.ObserveHashed(&rec, features.TemplateHash(rec.Path), features.PathHash(rec.Path), false, prev != "" && key != prev, home, false)
		prev = key
	}
	members["192.0.2.50"] = home
	if a, b := send(100, "192.0.2.50", "POST", "/report", 401, "dk_b", ""), send(101, "192.0.2.50", "POST", "/report", 401, "dk_c", ""); a.FailingAddr || b.FailingAddr {
		t.Error("two devices whose keys were served between another's requests are a failing address")
	}
	failing("keys never served at the address", send(100, "192.0.2.20", "POST", "/report", 401, "dk_8", ""), send(101, "192.0.2.20", "POST", "/report", 401, "dk_9", ""))
	failing("a user served at another address", send(100, "192.0.2.40", "GET", "/feed", 401, "", "u1"), send(101, "192.0.2.40", "GET", "/feed", 401, "", "u2"))
	failing("403s to a served user", send(102, "192.0.2.30", "GET", "/feed", 403, "", "u1"), send(103, "192.0.2.30", "GET", "/feed", 403, "", "u2"))
}

// A read refused 401 that presented no credential, in a log that names
// keys or users, is a client asking before it signed in: no failing
// address at its first, as a guess with a key is, but one when it keeps
// asking (runFails), as a flood refused for want of a key does.
// In a log that names no credential at all, nothing tells it from a
// guess, and it counts as one.
func TestAnAnonymousReadRefusedIsNoGuess(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	send := func(tr *Tracker, m *Member, sec int, ip, method, key string, status int) Event {
		rec := ingest.Record{TS: t0 + int64(sec)*int64(time.Second), ClientIP: []byte(ip), Method: []byte(method), Path: []byte("/-/whoami"),
			Status: status, UserAgent: []byte("npm/10.8.2"), APIKey: []byte(key)}
		return tr.Observe(&rec, m, false)
	}
	// failingAt returns at which of n refused requests the client became
	// a failing address, 0 for none.
	failingAt := func(tr *Tracker, ip, method, key string, n int) int {
		m := &Member{}
		for i := range n {
			if send(tr, m, 100+i, ip, method, key, 401).FailingAddr {
				return i + 1
			}
		}
		return 0
	}
	logged := NewTracker(Config{}, nil)
	send(logged, &Member{}, 0, "192.0.2.1", "GET", "tok_ok", 200)
	for _, c := range []struct {
		name, ip, method, key string
		want                  int
	}{
		{"a developer's whoami without a token", "192.0.2.10", "GET", "", runFails},
		{"a stolen token tried", "192.0.2.20", "GET", "tok_stolen", 1},
		{"a write without a token", "192.0.2.30", "POST", "", 1},
	} {
		if got := failingAt(logged, c.ip, c.method, c.key, 6); got != c.want {
			t.Errorf("%s: failing address at its refusal %d, want %d", c.name, got, c.want)
		}
	}
	m := &Member{}
	for i := range 2 {
		send(logged, m, 200+i, "192.0.2.40", "GET", "", 401)
	}
	c := &Campaign{Endpoint: endpointKey([]byte("GET"), features.TemplateHash([]byte("/-/whoami"))), Channel: ChannelFailures, Start: t0}
	if m.failing(c) {
		t.Error("a client refused twice without a token is a member of a failures campaign")
	}
	if got := failingAt(NewTracker(Config{}, nil), "192.0.2.50", "GET", "", 6); got != 1 {
		t.Errorf("in a log that names no credential, an address opening with refusals is a failing address at its refusal %d, want 1", got)
	}
}

// A query parameter whose name training did not see three clients send
// on an endpoint is no part of the URL a request repeats there: a cache
// buster added to an API's own query makes every request of a flood the
// same URL, while the parameters the endpoint takes still tell one
// client's URL from another's. An endpoint that took more than maxParams
// names keeps every parameter.
func TestUnknownParametersAreNoPartOfTheURL(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	tr := NewTrainer(100)
	observe := getsInto(tr)
	for i := range 600 {
		ts := t0 + int64(i)*int64(time.Second)
		observe(ts, fmt.Sprintf("/api/feed?profile=%d&limit=20", i%40), fmt.Sprintf("10.0.0.%d", i%10))
		observe(ts, fmt.Sprintf("/api/search?f%d=1", i%20), fmt.Sprintf("10.0.1.%d", i%10))
		if i%5 == 0 {
			observe(ts, fmt.Sprintf("/api/feed?profile=1&_=%d", i), fmt.Sprintf("10.0.2.%d", i%2))
		}
	}
	norms := tr.Norms()
	feed := EndpointKey([]byte("GET"), []byte("/api/feed"))
	search := EndpointKey([]byte("GET"), []byte("/api/search"))
	for _, n := range norms.Endpoints {
		switch n.Key {
		case feed:
			if want := []uint32{paramHash([]byte("profile")), paramHash([]byte("limit"))}; len(n.Params) != 2 || !slices.Contains(n.Params, want[0]) || !slices.Contains(n.Params, want[1]) {
				t.Errorf("the feed's parameters are %v; want profile and limit, not the buster two clients sent", n.Params)
			}
		case search:
			if len(n.Params) != 0 {
				t.Errorf("a search that took 20 names keeps %d of them; want none (it takes any)", len(n.Params))
			}
		}
	}
	k := NewTracker(Config{}, norms)
	url := func(path string) uint32 { return urlAt(k, t0, path) }
	if url("/api/feed?_=123") != url("/api/feed?_=456") {
		t.Error("two requests that differ by a cache buster alone are two URLs")
	}
	if a, b := url("/api/feed?profile=1&_=1"), url("/api/feed?limit=20&profile=1&_=2"); a != url("/api/feed?profile=1&_=9") || b != features.PathHash([]byte("/api/feed?limit=20&profile=1")) {
		t.Error("a busted request is not its URL without the buster")
	}
	if url("/api/feed?profile=1") == url("/api/feed?profile=2") {
		t.Error("two profiles' feeds are one URL")
	}
	if url("/api/search?f1=1&x=2") == url("/api/search?f1=1&x=3") {
		t.Error("an endpoint that takes any parameter lost one")
	}
}

// getsInto returns a function that folds a GET of path at ts, from
// client, into tr.
func getsInto(tr *Trainer) func(ts int64, path, client string) {
	return func(ts int64, path, client string) {
		ev := Event{Endpoint: EndpointKey([]byte("GET"), []byte(path))}
		tr.Observe(ts, &ev, []byte("GET"), []byte(path), 0, client)
	}
}

// urlAt returns the URL (see Tracker.urlOf) that a GET of path at ts
// repeats for k.
func urlAt(k *Tracker, ts int64, path string) uint32 {
	key := EndpointKey([]byte("GET"), []byte(path))
	return k.urlOf(k.endpoint(key, ts), []byte(path), features.PathHash([]byte(path)))
}

// A cache buster that a flood of a hundred addresses sent for a few
// minutes of the training day is no parameter of the endpoints it hit:
// parameters are names sent throughout the day, not by many clients at
// once. On an endpoint whose every name came from the flood, any query is
// the buster.
func TestAFloodsBusterInTrainingIsNoParameter(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	tr := NewTrainer(100)
	observe := getsInto(tr)
	for i := range 900 { // 15 minutes
		ts := t0 + int64(i)*int64(time.Second)
		observe(ts, fmt.Sprintf("/api/slots?clinic=%d", i%7), fmt.Sprintf("10.0.0.%d", i%10))
		if i%120 == 0 {
			observe(ts, "/status", "10.0.1.1")
		}
		if i >= 300 && i < 540 { // minutes 5 to 8: the flood
			for a := range 5 {
				client := fmt.Sprintf("10.9.%d.%d", i%20, a)
				observe(ts, fmt.Sprintf("/api/slots?clinic=1&_=%d%d", i, a), client)
				observe(ts, fmt.Sprintf("/status?_=%d%d", i, a), client)
			}
		}
	}
	norms := tr.Norms()
	k := NewTracker(Config{}, norms)
	url := func(path string) uint32 { return urlAt(k, t0, path) }
	if url("/api/slots?clinic=1&_=1") != url("/api/slots?clinic=1&_=2") {
		t.Error("the flood's buster, sent by 100 addresses for 4 of 15 minutes, is a parameter of the slots")
	}
	if url("/api/slots?clinic=1&_=1") == url("/api/slots?clinic=2&_=1") {
		t.Error("two clinics' slots are one URL")
	}
	if url("/status?_=1") != url("/status?_=2") {
		t.Error("on an endpoint whose only name came from the flood, two busted requests are two URLs")
	}
}

// A lone flood the gateway throttles (reads answered 429) while it
// alternates between two pages is refused for its pace: it is no failing
// address, once or at every change of page, and opens no campaign of
// failures there; a distributed flood busting the home page's cache then
// finds its repeaters campaign.
func TestAThrottledFloodIsNoFailingAddress(t *testing.T) {
	t0, norms, es, r := nextDay(t, 8)
	onset := t0 + int64(2*time.Minute)
	i := 0
	for ts := onset; ts < onset+int64(4*time.Minute); ts += int64(100 * time.Millisecond) {
		path := []string{"/", "/items/1"}[i/2%2] // two on one page, two on the other
		es = append(es, event{ts, "203.0.113.9", "GET", path, 429, ""})
		i++
	}
	flood := onset + int64(2*time.Minute)
	for a := range 40 {
		ip := fmt.Sprintf("198.51.100.%d", a+1)
		for ts := flood + r.Int64N(int64(20*time.Second)); ts < flood+int64(2*time.Minute); ts += int64(300+r.IntN(400)) * int64(time.Millisecond) {
			es = append(es, event{ts, ip, "GET", fmt.Sprintf("/?v=%x", r.Uint32()), 200, ""})
		}
	}
	sortEvents(es)
	tr := NewTracker(Config{}, norms)
	opened, acted := replay(tr, es, nil)
	for _, c := range opened {
		if c.Channel == ChannelFailures {
			t.Errorf("a campaign of failures opened on %s", c.Label)
		}
	}
	floodActed(t, acted, "203.0.113.", "the 40 addresses of a flood busting the home page's cache", "the throttled flood,")
}

// Once a campaign has cohortMin members, an address of a family (IPv4 or
// IPv6) fewer than one in cohortShare of them have is not one of them;
// before that, and where both families are its own, any fits.
func TestFitsTheCampaignsAddressFamily(t *testing.T) {
	t0 := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC).UnixNano()
	tr := NewTracker(Config{}, nil)
	member := func(ip string) *Member {
		m := &Member{}
		rec := ingest.Record{TS: t0, ClientIP: []byte(ip), Method: []byte("GET"), Path: []byte("/"), Status: 200, UserAgent: []byte("Mozilla/5.0")}
		tr.Observe(&rec, m, false)
		return m
	}
	v4, v6 := member("198.51.100.7"), member("2001:db8:1:2::7")
	if v4.v6() || !v6.v6() {
		t.Fatalf("v6() of an IPv4 member %v, of an IPv6 one %v", v4.v6(), v6.v6())
	}
	c := &Campaign{Channel: ChannelRepeaters}
	for i := range cohortMin - 1 {
		c.Join(member(fmt.Sprintf("198.51.100.%d", i+10)))
	}
	if !c.Fits(v6) {
		t.Errorf("with %d members, all IPv4, an IPv6 address does not fit; want any to fit before cohortMin", c.Members)
	}
	c.Join(member("198.51.100.200"))
	if !c.Fits(v4) || c.Fits(v6) {
		t.Errorf("with %d IPv4 members, an IPv4 address fits %v and an IPv6 one %v; want true and false", c.Members, c.Fits(v4), c.Fits(v6))
	}
	c.Join(member("2001:db8:9::1"))
	c.Join(member("2001:db8:9::2"))
	if !c.Fits(v6) || !c.Fits(v4) {
		t.Errorf("with %d members, %d of them IPv6, an IPv6 address fits %v, an IPv4 one %v; want both", c.Members, c.V6, c.Fits(v6), c.Fits(v4))
	}
}

// Devices retrying through an outage, every request answered 503 and each
// after a longer wait, repeat one URL from many new addresses as a flood
// does; they are no repeaters until the site answers them. A flood that
// overloads the site, answered 503 now and then and served in between, is
// still found.
func TestRetriesThroughAnOutageAreNoFlood(t *testing.T) {
	t0, norms, es, r := nextDay(t, 8)
	outage := t0 + int64(3*time.Minute)
	for d := range 60 {
		ip := fmt.Sprintf("203.0.%d.%d", 113+d/200, d%200+1)
		ts, wait := outage+r.Int64N(int64(20*time.Second)), 500*time.Millisecond
		for ts < outage+int64(3*time.Minute) {
			es = append(es, event{ts, ip, "POST", "/device/telemetry", 503, "LumioPlug/3.1"})
			ts += int64(wait)
			wait = min(2*wait, 30*time.Second)
		}
	}
	for a := range 40 {
		ip := fmt.Sprintf("198.51.100.%d", a+1)
		for ts := outage + r.Int64N(int64(20*time.Second)); ts < outage+int64(2*time.Minute); ts += int64(300+r.IntN(400)) * int64(time.Millisecond) {
			es = append(es, event{ts, ip, "GET", "/", []int{200, 503, 503}[r.IntN(3)], ""})
		}
	}
	sortEvents(es)
	opened, acted := replay(NewTracker(Config{}, norms), es, nil)
	for _, c := range opened {
		if c.Label == "POST /device/telemetry" {
			t.Errorf("a campaign opened on %s (%s)", c.Label, c.Reason())
		}
	}
	floodActed(t, acted, "203.0.", "the 40 addresses of a flood on an overloaded home page", "a device retrying through the outage,")
}
