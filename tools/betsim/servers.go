package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// server is a recurring machine client of the site: a partner's feed
// poller, an affiliate's tracker, a payment provider's webhook sender, a
// regulator's client, a crawler or a monitor. Its address, key and pace
// belong to the site, so it comes back every day.
type server struct {
	c        *Client
	key, ua  string
	rate     float64 // requests a second on an ordinary day
	provider string  // payment provider or partner name in paths
}

// shop is one NAT many users share every day: a betting shop's terminals
// or the operator's trading office.
type shop struct {
	c     *Client
	id    string
	users []string
}

// drawServers registers the partners, affiliates, webhook senders and
// integrity clients of the site.
func (s *site) drawServers(l *Log, r *rand.Rand) {
	feedUAs := []string{"OddsBridge-Feed/3.2 (+https://oddsbridge.io/bot)", "Go-http-client/2.0", "python-requests/2.32.3", "Apache-HttpClient/4.5.14 (Java/17.0.9)", "okhttp/4.12.0", "SportsDataHub-Poller/1.9"}
	for range 3 + r.IntN(5) {
		key, ua, n := "pk_live_"+Hex(r, 16), Pick(r, feedUAs), 1+r.IntN(3)
		rate := LogUniform(r, 2, 14) / float64(n)
		for range n {
			s.addServer(l, r, "odds-feed", cloud, &server{key: key, ua: ua, rate: rate})
		}
	}
	for range 1 + r.IntN(2) {
		s.addServer(l, r, "data-partner", cloud, &server{key: "dp_" + Hex(r, 16), ua: Pick(r, feedUAs), rate: LogUniform(r, 0.8, 4)})
	}
	for range 3 + r.IntN(7) {
		s.addServer(l, r, "affiliate", cloud, &server{key: "aff_" + Hex(r, 12), ua: Pick(r, []string{"AffTrack/2.1", "curl/8.5.0", "Mozilla/5.0 (compatible; PostAffiliatePro)", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"}), rate: LogUniform(r, 0.5, 3)})
	}
	provider := Pick(r, []string{"adyen", "paysafe", "trustly", "worldpay", "nuvei"})
	for range 2 + r.IntN(4) {
		s.addServer(l, r, "payment-webhook", cloud, &server{provider: provider, ua: provider + "-webhooks/1.0", rate: LogUniform(r, 0.5, 2)})
	}
	for range 1 + r.IntN(2) {
		s.addServer(l, r, "integrity-monitor", cloud, &server{key: "reg_" + Hex(r, 16), ua: Pick(r, []string{"IBIA-Monitor/5.1", "GamblingCommission-Audit/2.0", "SportradarIntegrity/3.4"}), rate: LogUniform(r, 0.6, 2.5)})
	}
}

// addServer registers sv under one of prefixes as a heavy normal client.
func (s *site) addServer(l *Log, r *rand.Rand, profile string, prefixes []string, sv *server) {
	sv.c = l.Client(l.V4(r, prefixes), KindNormal)
	sv.c.Profile = profile
	sv.c.Heavy = true
	s.servers = append(s.servers, sv)
}

// drawVenues registers the shops' and offices' NATs, the crawlers and the
// uptime monitors.
func (s *site) drawVenues(l *Log, r *rand.Rand) {
	for i := range 4 + r.IntN(20) {
		sh := &shop{id: "shop" + itoa(100+i*7+r.IntN(7))}
		for t := range 3 + r.IntN(10) {
			sh.users = append(sh.users, sh.id+"-t"+itoa(t+1))
		}
		sh.c = s.venueClient(l, r, "betting-shop")
		s.shops = append(s.shops, sh)
	}
	for range 1 + r.IntN(2) {
		sh := &shop{id: "office"}
		for range 8 + r.IntN(30) {
			sh.users = append(sh.users, "staff."+userName(r))
		}
		sh.c = s.venueClient(l, r, "office-nat")
		s.offices = append(s.offices, sh)
	}
	bots := []struct{ net, ua string }{
		{"66.249.", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
		{"157.55.", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
		{"17.241.", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)"},
	}
	for range 3 + r.IntN(6) {
		b := Pick(r, bots)
		sv := &server{ua: b.ua, rate: LogUniform(r, 0.05, 1.2)}
		sv.c = l.Client(l.V4(r, []string{b.net}), KindNormal)
		sv.c.Profile, sv.c.Heavy = "crawler", sv.rate > 0.5
		s.crawlers = append(s.crawlers, sv)
	}
	for range 4 + r.IntN(8) {
		sv := &server{ua: Pick(r, []string{"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "StatusCake_Pagespeed_Indexer", "Datadog/Synthetics"}), rate: 1 / Uniform(r, 10, 60)}
		sv.c = l.Client(l.V4(r, cloud), KindNormal)
		sv.c.Profile = "uptime-monitor"
		s.monitors = append(s.monitors, sv)
	}
}

// venueClient registers a shop's or office's NAT in the home country.
func (s *site) venueClient(l *Log, r *rand.Rand, profile string) *Client {
	c := l.Client(l.V4(r, s.home.isp), KindNormal)
	c.Profile, c.Heavy = profile, true
	return c
}
