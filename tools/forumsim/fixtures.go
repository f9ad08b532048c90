package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A bot is one of the site's fixtures: a crawler, a federated peer, a feed
// service or reader, an archiver, a moderation bot, a monitor or a link
// preview fetcher, with the addresses, user agents and token it comes
// with every day.
type bot struct {
	clients []*Client
	uas     []string // it sends the first most often
	key     string
	user    string
	rate    float64  // requests a second on a typical day, all its addresses together
	follows []string // feeds a reader fetches, boards a moderation bot watches
	every   float64  // seconds between fetches of one feed, or polls of one board
}

// ua draws the user agent of one request.
func (b *bot) ua(r *rand.Rand) string {
	if len(b.uas) == 1 || Chance(r, 0.8) {
		return b.uas[0]
	}
	return Pick(r, b.uas[1:])
}

// fixture registers a bot at n addresses under the prefixes (IPv4, or
// IPv6 nets when they end in a colon); heavy marks a machine always far
// busier than a person, the others are labelled heavy on days they are.
func (s *site) fixture(l *Log, r *rand.Rand, profile string, n int, prefixes []string, heavy bool, uas ...string) *bot {
	b := &bot{uas: uas}
	for range n {
		var ip string
		if p := Pick(r, prefixes); p[len(p)-1] == ':' {
			ip = l.V6In(r, V6Net(r, []string{p}))
		} else {
			ip = l.V4(r, []string{p})
		}
		c := l.Client(ip, KindNormal)
		c.Profile, c.Heavy = profile, heavy
		b.clients = append(b.clients, c)
	}
	return b
}

var peerSoftware = []func(r *rand.Rand, host string) string{
	func(r *rand.Rand, h string) string { return fmt.Sprintf("Lemmy/0.19.%d; +https://%s", 3+r.IntN(5), h) },
	func(r *rand.Rand, h string) string {
		return fmt.Sprintf("Mbin/1.%d.0 (+https://%s/agent)", 5+r.IntN(3), h)
	},
	func(r *rand.Rand, h string) string {
		return fmt.Sprintf("Mastodon/4.%d.%d (http.rb/5.2.0; +https://%s/)", 2+r.IntN(2), r.IntN(12), h)
	},
	func(r *rand.Rand, h string) string {
		return fmt.Sprintf("Misskey/2024.%d.0 (https://%s)", 3+r.IntN(8), h)
	},
	func(r *rand.Rand, h string) string {
		return fmt.Sprintf("Akkoma 3.%d.0; https://%s <admin@%s>", 11+r.IntN(3), h, h)
	},
	func(r *rand.Rand, h string) string { return fmt.Sprintf("PieFed/1.%d; +https://%s", r.IntN(4), h) },
}

// fixtures draws the site's machines. They draw from r only, in a fixed
// order, so that every day of the site finds them at the same addresses
// with the same user agents and tokens.
func (s *site) fixtures(l *Log, r *rand.Rand) {
	scale := LogUniform(r, 0.5, 2)
	crawler := func(n int, prefixes []string, rate float64, uas ...string) {
		b := s.fixture(l, r, "crawler", n, prefixes, true, uas...)
		b.rate = rate * scale
		s.crawlers = append(s.crawlers, b)
	}
	crawler(6+r.IntN(9), []string{"66.249.64.", "66.249.66.", "66.249.68.", "66.249.70.", "66.249.79."}, Uniform(r, 2, 6),
		"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.141 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Googlebot-Image/1.0")
	crawler(4+r.IntN(5), []string{"157.55.39.", "40.77.167.", "207.46.13."}, Uniform(r, 0.5, 2),
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36")
	crawler(2+r.IntN(3), []string{"17.241.", "17.22."}, Uniform(r, 0.2, 1),
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)")
	if Chance(r, 0.6) {
		crawler(2+r.IntN(3), []string{"5.255.", "213.180."}, Uniform(r, 0.1, 0.6), "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)")
	}
	if Chance(r, 0.5) {
		crawler(1+r.IntN(2), []string{"20.191.45.", "40.88.21."}, Uniform(r, 0.05, 0.3), "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)")
	}
	if Chance(r, 0.5) {
		crawler(3+r.IntN(4), []string{"20.171.206.", "20.171.207.", "52.230.152."}, Uniform(r, 0.3, 1.5), "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)")
	}
	if Chance(r, 0.4) {
		crawler(2+r.IntN(3), []string{"114.119.13.", "114.119.14."}, Uniform(r, 0.1, 0.5), "Mozilla/5.0 (compatible;PetalBot;+https://webmaster.petalsearch.com/site/petalbot)")
	}

	// Federated servers: a few big instances deliver activities all day
	// long, many small ones now and then.
	for i := range 5 + r.IntN(16) {
		host := Pick(r, []string{"lemmy.", "kbin.", "social.", "fedi.", "mbin.", "", "forum."}) +
			Pick(r, []string{"world", "ml", "sh", "zone", "dbzer0", "blahaj", "feddit", "sopuli", "beehaw", "midwest", "programming", "slrpnk", "lemm", "infosec", "hexbear", "tchncs"}) +
			Pick(r, []string{".org", ".social", ".xyz", ".net", ".de", ".zone", ".dev", ".world", ".nl", ".pub"})
		rate := LogUniform(r, 0.01, 8)
		if i < 2 {
			rate = LogUniform(r, 1.5, 10)
		}
		b := s.fixture(l, r, "federation", 1+r.IntN(3), append(cloudV4[:8:8], cloudV6...), rate >= 0.3, Pick(r, peerSoftware)(r, host))
		b.rate = rate * scale
		s.peers = append(s.peers, b)
	}

	// Feed services fetch thousands of people's subscriptions; feed
	// readers at home follow a handful.
	services := []struct {
		ua    string
		cloud []string
	}{
		{"Feedly/1.0 (+http://www.feedly.com/fetcher.html; %d subscribers; like FeedFetcher-Google)", []string{"52.", "54."}},
		{"Mozilla/5.0 (compatible; Inoreader/1.0; +https://www.inoreader.com; %d subscribers)", []string{"95.216.", "135.181."}},
		{"NewsBlur Feed Fetcher - %d subscribers - https://www.newsblur.com/site/8123/hearth (Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15)", []string{"159.89.", "143.198."}},
		{"Mozilla/5.0 (compatible; theoldreader.com; %d subscribers)", []string{"45.79."}},
	}
	for i, sv := range services {
		if i > 0 && !Chance(r, 0.7) {
			continue
		}
		b := s.fixture(l, r, "feed-service", 1+r.IntN(4), sv.cloud, true, fmt.Sprintf(sv.ua, 20+r.IntN(4000)))
		b.follows, b.every = s.feedPaths(r, 30+r.IntN(300)), Uniform(r, 300, 1800)
		s.feeds = append(s.feeds, b)
	}
	readers := []struct {
		ua     string
		server bool // runs on a rented server as often as at home
	}{
		{"Miniflux/2.1.%d (+https://miniflux.app)", true},
		{"FreshRSS/1.24.%d (Linux; https://freshrss.org)", true},
		{"Tiny Tiny RSS/24.%02d (https://tt-rss.org/)", true},
		{"NetNewsWire (RSS Reader; https://netnewswire.com/) %d", false},
		{"Feeder/2.%d (Android)", false},
	}
	for range 10 + r.IntN(25) {
		rd := Pick(r, readers)
		prefixes := s.region.home
		if rd.server && Chance(r, 0.6) {
			prefixes = cloudV4
		}
		b := s.fixture(l, r, "feed-reader", 1, prefixes, false, fmt.Sprintf(rd.ua, 1+r.IntN(12)))
		b.follows, b.every = s.feedPaths(r, 1+r.IntN(6)), Uniform(r, 600, 3600)
		s.readers = append(s.readers, b)
	}

	// Archivers: the web archive's crawler, and a service that keeps
	// every thread and comment by reading the API with its own token.
	b := s.fixture(l, r, "archive", 2+r.IntN(3), []string{"207.241.225.", "207.241.229.", "207.241.232."}, true,
		fmt.Sprintf("Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot) Zeno/1.0.%d warc/v0.8", r.IntN(40)))
	b.rate = Uniform(r, 0.4, 2) * scale
	s.archivers = append(s.archivers, b)
	b = s.fixture(l, r, "archive", 1, cloudV4[7:], true, fmt.Sprintf("threadkeeper/3.%d (+https://threadkeeper.org/about)", r.IntN(9)))
	b.key, b.rate, b.every = "ak_"+Hex(r, 16), Uniform(r, 0.8, 2.5), Uniform(r, 1, 3)
	s.archivers = append(s.archivers, b)

	// Moderation bots that board moderators run on a small server or a
	// machine at home, each with its own token and account.
	for range 2 + r.IntN(5) {
		board := s.boards[r.IntN(len(s.boards))].name
		prefixes := cloudV4
		if Chance(r, 0.3) {
			prefixes = s.region.home
		}
		b := s.fixture(l, r, "modbot", 1, prefixes, true,
			Pick(r, []string{
				fmt.Sprintf("python:hearth-%s-modbot:v1.%d (by u/%s)", board, r.IntN(9), name(1+r.IntN(s.users))),
				fmt.Sprintf("HearthGuard/2.%d (+https://github.com/hearthguard/hearthguard)", r.IntN(6)),
				fmt.Sprintf("automod-%s/0.%d Go-http-client/2.0", board, 3+r.IntN(7)),
			}))
		b.key, b.user, b.follows, b.every = "mb_"+Hex(r, 16)+Hex(r, 4), board+"-helper", []string{board}, Uniform(r, 8, 30)
		if Chance(r, 0.4) {
			b.follows = append(b.follows, s.boards[r.IntN(len(s.boards))].name)
		}
		s.modbots = append(s.modbots, b)
	}

	// Uptime monitors, a probe pool each.
	b = s.fixture(l, r, "monitor", 3+r.IntN(3), []string{"216.144.248.", "69.162.124.", "63.143.42."}, false, "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)")
	b.every = Pick(r, []float64{60, 300})
	s.monitors = append(s.monitors, b)
	b = s.fixture(l, r, "monitor", 2+r.IntN(2), []string{"178.255.152.", "5.172.196.", "185.180.12."}, false, "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)")
	b.every = Pick(r, []float64{60, 120})
	s.monitors = append(s.monitors, b)

	// Link-preview fetchers of chat and social apps.
	for _, p := range []struct {
		ua       string
		prefixes []string
	}{
		{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", []string{"3.", "54."}},
		{"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", []string{"35.", "34."}},
		{"TelegramBot (like TwitterBot)", []string{"149.154.161.", "149.154.167."}},
		{"Twitterbot/1.0", []string{"199.16.157.", "199.59.150."}},
		{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", []string{"69.171.", "173.252.", "31.13."}},
	} {
		b := s.fixture(l, r, "link-preview", 2+r.IntN(6), p.prefixes, false, p.ua)
		b.rate = LogUniform(r, 0.005, 0.05) * scale
		s.previewers = append(s.previewers, b)
	}
}

// feedPaths draws the feeds a reader follows: boards, users, the front
// page, a saved search.
func (s *site) feedPaths(r *rand.Rand, n int) []string {
	var ps []string
	for range n {
		switch r.IntN(6) {
		case 0, 1, 2:
			ps = append(ps, "/c/"+s.board(r).name+"/.rss")
		case 3:
			ps = append(ps, "/c/"+s.board(r).name+"/top.rss?t=day")
		case 4:
			ps = append(ps, "/u/"+name(s.user(r))+"/.rss")
		default:
			ps = append(ps, Pick(r, []string{"/feeds/hot.atom", "/feeds/new.atom", "/search.rss?q=" + url.QueryEscape(s.board(r).words[0])}))
		}
	}
	return ps
}
