package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is what -site fixes: the game and its backend (title, engine,
// route prefix, client builds, modes, timers), the country its players
// connect from and how they split over PC, consoles, the companion app and
// the web store, the gateway's limits, and the machines, campuses and
// internet cafés that reach the backend every day.
type site struct {
	region *region
	game   string // the title, as its clients name themselves
	code   string // its short name, in keys, codes and paths
	api    string // prefix of the game API's routes
	engine string // the engine's part of the PC client's user agent

	build, prevBuild, nextBuild string // live build, the one before, today's patch
	season                      int
	modes                       []mode
	modeW                       []float64

	platW          []float64 // weights of PC, PlayStation, Xbox, Switch among players
	steamShare     float64   // of PC players who start the game from Steam, not the launcher
	companionShare float64   // of the day's people on the companion app
	webShare       float64   // of the day's people on the web store
	presencePoll   bool      // the client polls friends' presence rather than holding a socket
	heartbeat      float64   // seconds between session heartbeats
	mmPoll         float64   // seconds between matchmaking ticket polls
	tokenTTL       float64   // seconds an access token lasts
	twoFA          float64   // of password logins that ask for a code
	homeNAT        float64   // of broadband homes behind their ISP's carrier-grade NAT
	mobileNAT      float64   // of phones behind carrier NAT v4
	v6Share        float64   // of homes reaching the backend over IPv6
	roomShare      float64   // of PC players on a campus network or in an internet café

	users, userBase int    // the player pool and its first account id
	items           []item // cosmetics sold for the game's currency
	packs           []item // currency packs sold for money
	regionTag       string // the game's server region, in queue and leaderboard calls
	uploadLimit     int64  // bytes the replay and map uploads accept
	limits          limits
	assets          []asset // what a browser loads with the web store

	partners []partner
	rooms    []room // campus networks and internet cafés
}

// limits are the gateway's token buckets (rate a second, burst): per
// address on logins, per account (or address without one) on creating
// matchmaking tickets, payments and code redemption.
type limits struct {
	login, ticket, pay, redeem [2]float64
}

// mode is one of the game's queues.
type mode struct {
	name   string
	queue  float64 // median seconds to find a match on an ordinary minute
	match  float64 // median minutes a match lasts
	ranked bool
}

type item struct {
	sku, slug string
	price     int // in the game's currency, or in cents for packs
}

type asset struct {
	path string
	kb   float64
}

// room is an address many PC players share every day: a campus network
// or an internet café.
type room struct {
	profile, ip string
}

// partner is one address of a machine that calls the backend every day.
type partner struct {
	profile string
	ip      string
	key     string
	ua      string
	rate    float64 // its requests a second on an ordinary minute
}

var (
	titles   = []string{"Emberfront", "Riftbound", "Hollowpoint", "Starfall Legends", "Skyreach Arena", "Ironvale Tactics", "Vanguard Drift", "Duskborne"}
	engines  = []string{"UnrealEngine/5.4.4-35576357+++UE5+Release-5.4", "UnrealEngine/5.3.2-29314046+++UE5+Release-5.3", "UnityPlayer/2022.3.45f1 (UnityWebRequest/1.0, libcurl/8.5.0-DEV)", "UnityPlayer/6000.0.23f1 (UnityWebRequest/1.0, libcurl/8.9.1-DEV)", "libcurl/8.10.1 Schannel"}
	allModes = []mode{
		{"ranked-5v5", 95, 32, true}, {"casual-5v5", 35, 28, false}, {"squads-br", 40, 19, false},
		{"duos-br", 30, 17, false}, {"arena-3v3", 50, 11, true}, {"duel-1v1", 25, 8, true},
		{"coop-raid", 80, 24, false}, {"quickplay", 20, 12, false},
	}
	cosmetics = []string{"Ashen Wraith", "Neon Ronin", "Frostbite Vanguard", "Solar Drake", "Midnight Fox", "Crimson Oath", "Tidecaller", "Voidwalker", "Gilded Lancer", "Circuit Breaker", "Wildfire", "Obsidian Crown", "Paper Tiger", "Storm Herald", "Lucky Cat", "Glacier Knight"}
	kinds     = []string{"skin", "emote", "spray", "banner", "weapon-wrap", "bundle", "glider", "finisher"}
)

// newSite builds the game of -site n.
func newSite(n uint64) *site {
	r := rand.New(rand.NewPCG(n, 0x67616d6573))
	s := &site{region: &regions[r.IntN(len(regions))]}
	s.game = Pick(r, titles)
	s.code = strings.ToLower(strings.ReplaceAll(s.game, " ", ""))
	s.api = Pick(r, []string{"/v1", "/v2", "/api/v1", "/api/v2"})
	s.engine = Pick(r, engines)
	major, minor := 1+r.IntN(3), 10+r.IntN(40)
	cl := 180000 + r.IntN(700000)
	s.prevBuild = fmt.Sprintf("%d.%d.%d.%d", major, minor-1, r.IntN(3), cl-9000-r.IntN(4000))
	s.build = fmt.Sprintf("%d.%d.%d.%d", major, minor, r.IntN(3), cl)
	s.nextBuild = fmt.Sprintf("%d.%d.0.%d", major, minor+1, cl+6000+r.IntN(4000))
	s.season = 3 + r.IntN(20)
	for _, m := range pickN(r, allModes, 3+r.IntN(3)) {
		s.modes = append(s.modes, m)
		s.modeW = append(s.modeW, LogUniform(r, 0.2, 1))
	}
	s.platW = []float64{Uniform(r, 0.3, 0.7), Uniform(r, 0.1, 0.35), Uniform(r, 0.05, 0.25), Uniform(r, 0, 0.12)}
	s.steamShare = Uniform(r, 0.2, 0.8)
	s.companionShare = Uniform(r, 0.08, 0.25)
	s.webShare = Uniform(r, 0.04, 0.12)
	s.presencePoll = Chance(r, 0.6)
	s.heartbeat = Pick(r, []float64{20, 30, 45, 60})
	s.mmPoll = Pick(r, []float64{3, 4, 5, 8})
	s.tokenTTL = Pick(r, []float64{600, 900, 1800, 3600})
	s.twoFA = Uniform(r, 0.05, 0.4)
	s.homeNAT = s.region.cgnat * Uniform(r, 0.7, 1.3)
	s.mobileNAT = Uniform(r, 0.2, 0.6)
	s.v6Share = s.region.v6 * Uniform(r, 0.6, 1.4)
	s.roomShare = s.region.rooms * Uniform(r, 0.6, 1.4)
	s.users = 200000 + r.IntN(4000000)
	s.userBase = 10000000 + r.IntN(80000000)
	s.regionTag = Pick(r, s.region.tags)
	s.uploadLimit = int64(Pick(r, []int{8, 16, 32})) << 20
	s.limits = limits{
		login:  [2]float64{Uniform(r, 0.2, 0.5), float64(6 + r.IntN(10))},
		ticket: [2]float64{Uniform(r, 0.1, 0.3), float64(4 + r.IntN(5))},
		pay:    [2]float64{Uniform(r, 0.05, 0.15), float64(3 + r.IntN(3))},
		redeem: [2]float64{Uniform(r, 0.05, 0.2), float64(3 + r.IntN(5))},
	}
	s.newCatalog(r)
	draw := New(time.Time{}, 0) // only keeps the site's addresses apart
	s.partners = s.newPartners(r, draw)
	s.rooms = s.newRooms(r, draw)
	return s
}

// newCatalog draws the store: cosmetics for the game's currency, currency
// packs for money, and the web store's assets.
func (s *site) newCatalog(r *rand.Rand) {
	for i := range 30 + r.IntN(50) {
		name := Pick(r, cosmetics)
		k := Pick(r, kinds)
		s.items = append(s.items, item{
			sku:   fmt.Sprintf("%s-%d", strings.ToUpper(k[:2]), 10000+i*17+r.IntN(15)),
			slug:  slug(name) + "-" + k,
			price: Pick(r, []int{300, 500, 800, 1200, 1500, 2000, 2800}),
		})
	}
	for i, cents := range []int{499, 999, 1999, 3999, 9999} {
		s.packs = append(s.packs, item{sku: fmt.Sprintf("PACK-%d", i+1), slug: strconv.Itoa(cents/10*10) + "-coins", price: cents})
	}
	h := func() string { return Hex(r, 10) }
	s.assets = []asset{
		{"/assets/app." + h() + ".js", 520}, {"/assets/vendor." + h() + ".js", 910},
		{"/assets/store." + h() + ".css", 120}, {"/assets/fonts/display.woff2", 70},
		{"/assets/img/logo.svg", 8}, {"/favicon.ico", 12},
		{"/assets/img/hero-season-" + strconv.Itoa(s.season) + ".webp", 420},
	}
}

// newPartners draws the machines that call the backend every day: the
// fleet of dedicated game servers, the anti-cheat vendor's uploaders, the
// stat sites and the stream-overlay service with their API keys, the
// CDN's origin checks, uptime probes and the payment and platform
// webhooks. Their addresses are the same every day.
func (s *site) newPartners(r *rand.Rand, draw *Log) []partner {
	key := func(kind string) string { return apikey.ID(s.code + "_" + kind + "_" + Hex(r, 16) + Hex(r, 16)) }
	var ps []partner
	fleet, srvKey := Pick(r, cloudNets), key("srv")
	srvUA := Pick(r, []string{s.game + "Server/" + s.build + " (Linux; x86_64)", "", "libcurl/8.5.0"})
	for range 4 + r.IntN(9) {
		ps = append(ps, partner{profile: "game-server", ip: draw.V4(r, []string{fleet}), key: srvKey, ua: srvUA, rate: Uniform(r, 0.6, 2.5)})
	}
	acKey, acUA := key("ac"), Pick(r, []string{"Bastion-AC-Uploader/4.2.1", "Sentrygrid/2.9 (telemetry)", "Go-http-client/2.0"})
	for range 1 + r.IntN(3) {
		ps = append(ps, partner{profile: "anticheat", ip: draw.V4(r, cloudNets), key: acKey, ua: acUA, rate: Uniform(r, 0.5, 2)})
	}
	for range 1 + r.IntN(3) {
		k, ua, rate := key("pub"), Pick(r, statUAs), LogUniform(r, 1, 6)
		for range 1 + r.IntN(2) {
			ps = append(ps, partner{profile: "stats-partner", ip: draw.V4(r, cloudNets), key: k, ua: ua, rate: rate})
		}
	}
	ps = append(ps, partner{profile: "stream-overlay", ip: draw.V4(r, cloudNets), key: key("pub"), ua: Pick(r, []string{"OverlayKit/1.14 (+https://overlaykit.example)", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "axios/1.7.9"}), rate: Uniform(r, 1, 5)})
	edge := Pick(r, cdnNets)
	for range 6 + r.IntN(10) {
		ps = append(ps, partner{profile: "cdn-check", ip: draw.V4(r, []string{edge}), ua: Pick(r, []string{"", "cdn-origin-healthcheck/1.0"}), rate: Uniform(r, 0.05, 0.2)})
	}
	probe := Pick(r, []string{"Datadog/Synthetics", "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "Checkly/1.0 (https://www.checklyhq.com)"})
	for range 2 + r.IntN(3) {
		ps = append(ps, partner{profile: "monitor", ip: draw.V4(r, cloudNets), ua: probe, rate: Uniform(r, 0.1, 0.3)})
	}
	psp := Pick(r, []string{"Stripe/1.0 (+https://stripe.com/docs/webhooks)", "Adyen HttpClient 1.0", "Xsolla-Webhooks/2.0"})
	for range 2 + r.IntN(2) {
		ps = append(ps, partner{profile: "payment-webhook", ip: draw.V4(r, cloudNets), ua: psp})
	}
	for range 1 + r.IntN(2) {
		ps = append(ps, partner{profile: "platform-webhook", ip: draw.V4(r, cloudNets), ua: "PlatformNotify/3.1", rate: Uniform(r, 0.02, 0.1)})
	}
	return ps
}

// newRooms draws the campus networks and internet cafés whose players
// reach the backend from one address every day: a few campuses, and as
// many cafés as they are common in the country.
func (s *site) newRooms(r *rand.Rand, draw *Log) []room {
	var rooms []room
	for range 1 + r.IntN(2) + int(s.region.rooms*10) {
		rooms = append(rooms, room{"campus-nat", draw.V4(r, s.region.campus)})
	}
	for range r.IntN(2) + int(s.region.rooms*40) {
		rooms = append(rooms, room{"internet-cafe", draw.V4(r, s.region.home)})
	}
	return rooms
}

// user returns the account id of one of the site's players.
func (s *site) user(r *rand.Rand) string { return strconv.Itoa(s.userBase + r.IntN(s.users)) }

// mode draws the queue a player picks.
func (s *site) mode(r *rand.Rand) *mode { return &s.modes[Weighted(r, s.modeW)] }

// item draws a cosmetic, the featured ones most often.
func (s *site) item(r *rand.Rand) *item {
	return &s.items[min(len(s.items)-1, int(r.ExpFloat64()*8))]
}

// Platforms of a player.
const (
	pc = iota
	playstation
	xbox
	nswitch
)

// clientUA returns the user agent the game client sends on platform at
// build.
func (s *site) clientUA(r *rand.Rand, plat int, build string) string {
	g := strings.ReplaceAll(s.game, " ", "")
	switch plat {
	case playstation:
		fw := Pick(r, []string{"10.40", "10.20", "9.60"})
		return fmt.Sprintf("%s/%s (PlayStation 5; %s) libhttp/%s", g, build, fw, fw)
	case xbox:
		return fmt.Sprintf("%s/%s (Xbox; %s; 10.0.%s) XboxServicesAPI/2024.06.20240610.1", g, build, Pick(r, []string{"Xbox Series X", "Xbox Series S", "Xbox One"}), Pick(r, []string{"26100.2029", "25398.4909"}))
	case nswitch:
		return fmt.Sprintf("%s/%s (Nintendo Switch; 19.0.1) NintendoSDK/19.3.0", g, build)
	}
	if Chance(r, 0.06) {
		return fmt.Sprintf("%s/%s (Linux 6.5.0-valve22; SteamOS 3.6) %s", g, build, s.engine)
	}
	return fmt.Sprintf("%s/%s (Windows %s; x64) %s", g, build, Pick(r, []string{"10.0.19045", "10.0.22631", "10.0.26100"}), s.engine)
}

// launcherUA returns the user agent of the studio's PC launcher.
func (s *site) launcherUA(r *rand.Rand) string {
	return fmt.Sprintf("%sLauncher/2.%d.%d (Windows NT 10.0; Win64; x64) Chrome/126.0.6478.234 CEF/126.2.18", strings.ReplaceAll(s.game, " ", ""), 14+r.IntN(3), r.IntN(9))
}

// companionUA returns the user agent of the companion app on a phone.
func (s *site) companionUA(r *rand.Rand) string {
	g := strings.ReplaceAll(s.game, " ", "")
	v := fmt.Sprintf("3.%d.%d", 8+r.IntN(3), r.IntN(5))
	if Chance(r, 0.5) {
		return fmt.Sprintf("%sCompanion/%s (iPhone; iOS %s; Scale/3.00) Alamofire/5.9.1", g, v, Pick(r, []string{"18.2.1", "18.3", "17.6.1", "18.1"}))
	}
	return fmt.Sprintf("%sCompanion/%s (Linux; Android %d; %s) okhttp/4.12.0", g, v, 12+r.IntN(4), Pick(r, []string{"Pixel 8", "SM-S921B", "SM-A546B", "moto g84 5G", "23049PCD8G", "CPH2581"}))
}

// platformName is how the manifest and config calls name a platform.
func platformName(plat int) string {
	return []string{"win64", "ps5", "xsx", "switch"}[plat]
}

// pickN returns n distinct elements of xs in random order.
func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	out := append([]T(nil), xs...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(n, len(out))]
}

func slug(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "-")) }
