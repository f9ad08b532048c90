package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A community is one board of the site, with words its threads and
// searches are made of.
type community struct {
	name  string
	words []string
	code  bool // a programming or security board: searches hold code
}

var allCommunities = []community{
	{"programming", []string{"rust", "golang", "refactor", "monorepo", "compiler", "async", "borrow checker", "generics", "code review"}, true},
	{"databases", []string{"postgres", "index", "vacuum", "replication", "query planner", "sqlite", "deadlock", "migration"}, true},
	{"webdev", []string{"css grid", "react", "hydration", "htmx", "tailwind", "accessibility", "web components", "flexbox"}, true},
	{"netsec", []string{"cve", "xss", "sql injection", "bug bounty", "ctf", "phishing", "pentest", "waf bypass"}, true},
	{"linux", []string{"kernel", "systemd", "wayland", "arch", "nixos", "btrfs", "dotfiles", "pipewire"}, true},
	{"homelab", []string{"proxmox", "nas", "zfs", "vlan", "rack", "ups", "truenas", "tailscale"}, false},
	{"sourdough", []string{"starter", "hydration", "crumb", "levain", "banneton", "autolyse", "rye", "scoring"}, false},
	{"cycling", []string{"gravel", "cadence", "tubeless", "saddle", "commute", "groupset", "crit race", "bikepacking"}, false},
	{"woodworking", []string{"dovetail", "hand plane", "walnut", "finish", "table saw", "mortise", "epoxy", "chisel"}, false},
	{"gardening", []string{"tomatoes", "compost", "aphids", "raised bed", "perennials", "pruning", "seedlings", "mulch"}, false},
	{"personalfinance", []string{"index fund", "mortgage", "budget", "emergency fund", "roth", "credit score", "taxes", "pension"}, false},
	{"photography", []string{"lens", "aperture", "film", "lightroom", "bokeh", "street", "astro", "mirrorless"}, false},
	{"boardgames", []string{"gloomhaven", "wingspan", "solo mode", "sleeves", "kickstarter", "campaign", "insert", "expansion"}, false},
	{"formula1", []string{"qualifying", "undercut", "safety car", "tyre strategy", "monaco", "sprint", "pit stop", "drs"}, false},
	{"anime", []string{"season finale", "manga", "op", "dub", "isekai", "studio", "watch order", "spoilers"}, false},
	{"kpop", []string{"comeback", "fancam", "lightstick", "concert", "album", "choreography", "teaser", "tour"}, false},
	{"askhistorians", []string{"rome", "medieval", "byzantine", "ww1", "primary source", "ottoman", "bronze age", "trade"}, false},
	{"science", []string{"study", "peer review", "fusion", "jwst", "vaccine", "crispr", "climate", "exoplanet"}, false},
	{"worldnews", []string{"election", "summit", "sanctions", "ceasefire", "inflation", "protest", "treaty", "referendum"}, false},
	{"gamedev", []string{"godot", "unity", "shader", "pixel art", "devlog", "steam page", "netcode", "ecs"}, true},
	{"mechanicalkeyboards", []string{"switches", "keycaps", "gasket mount", "lube", "split", "qmk", "tactile", "group buy"}, false},
	{"diy", []string{"drywall", "tile", "plumbing", "wiring", "insulation", "deck", "grout", "stud finder"}, false},
	{"aww", []string{"kitten", "puppy", "rescue", "corgi", "capybara", "sleepy", "otter", "foster"}, false},
	{"cooking", []string{"ramen", "cast iron", "braise", "knife", "sous vide", "curry", "meal prep", "stock"}, false},
	{"languagelearning", []string{"anki", "immersion", "japanese", "german cases", "spanish", "pitch accent", "tutor", "grammar"}, false},
	{"selfhosted", []string{"docker compose", "nextcloud", "jellyfin", "reverse proxy", "backup", "matrix", "immich", "caddy"}, true},
	{"running", []string{"marathon", "tempo run", "shoes", "zone 2", "shin splints", "trail", "parkrun", "taper"}, false},
	{"movies", []string{"trailer", "director", "box office", "criterion", "sequel", "soundtrack", "review", "cinematography"}, false},
	{"fediverse", []string{"instance", "defederate", "activitypub", "moderation", "migration", "relay", "mastodon", "lemmy"}, true},
	{"askscience", []string{"gravity", "quantum", "evolution", "black hole", "immune", "entropy", "plate tectonics", "light"}, false},
}

// slugWords make thread slugs beyond the community's own words.
var slugWords = []string{
	"why", "does", "my", "how", "to", "is", "it", "worth", "first", "finally", "help", "question", "update", "after",
	"years", "best", "way", "new", "old", "vs", "guide", "anyone", "else", "this", "week", "thread", "weird",
	"broken", "fixed", "cheap", "budget", "advice", "beginner", "progress", "one", "year", "later", "what", "should",
}

var adjectives = []string{"quiet", "rusty", "lucky", "sleepy", "brave", "salty", "fuzzy", "wild", "tiny", "grumpy", "clever", "odd", "mellow", "spicy", "north", "lazy", "hollow", "bright", "misty", "rapid"}
var nouns = []string{"otter", "falcon", "badger", "teapot", "walrus", "pixel", "comet", "fern", "raven", "noodle", "panda", "kettle", "moose", "lantern", "gecko", "biscuit", "heron", "quokka", "cactus", "tuba"}

// mix is a splitmix64 step: it turns an id into stable pseudo-random bits,
// so that a thread's slug or a user's name is the same wherever it shows.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// A site is one community of communities: its boards, sizes and habits,
// its fixtures, and the attacks it draws. It is the same on every day.
type site struct {
	id          uint64
	host        string
	region      region   // where most of its people are
	elsewhere   []region // where the rest are
	boards      []community
	boardWeight []float64
	coding      float64 // share of searches that are pasted code, on its programming boards
	newest      int     // id of the newest thread
	hot         []int   // threads on the front page, most popular first
	users       int     // accounts; ids run 1..users
	newestNote  int     // id of the newest comment
	members     float64 // share of visitors signed in on the web
	apps        float64 // share of visitors in an app
	stream      float64 // share of members' tabs on the event stream rather than polling
	twoFactor   float64 // share of members with a second factor
	viral       float64 // chance a day has a viral thread
	imageLimit  int64   // largest image upload accepted
	videoLimit  int64   // largest video upload accepted
	deploy      string  // build hash of the site's assets

	crawlers, peers, feeds, readers, archivers, modbots, monitors, previewers []*bot

	second   float64              // chance of a second lone attacker of each kind
	variants map[string][]float64 // how often each variant of a lone attack comes here
	ringSize [2]int               // addresses of its vote rings
	campSize [2]int               // addresses of its other campaigns
}

// newSite draws the site numbered by r's seed: everything that recurs
// from day to day, including its fixtures, which it registers in l first
// so that they hold the same addresses on every day.
func newSite(l *Log, r *rand.Rand) *site {
	s := &site{id: r.Uint64()}
	s.host = Pick(r, []string{"hearth.social", "commons.hearth.net", "the-hearth.org", "hearth.community", "yard.hearth.io"})
	order := r.Perm(len(regions))
	s.region = regions[order[0]]
	for _, i := range order[1 : 2+r.IntN(3)] {
		s.elsewhere = append(s.elsewhere, regions[i])
	}
	n := 12 + r.IntN(14)
	for i, j := range r.Perm(len(allCommunities))[:n] {
		s.boards = append(s.boards, allCommunities[j])
		s.boardWeight = append(s.boardWeight, 1/math.Pow(float64(i+1), 0.9))
		if allCommunities[j].code {
			s.coding += 0.012
		}
	}
	s.newest = 3_000_000 + r.IntN(6_000_000)
	s.users = 400_000 + r.IntN(4_000_000)
	s.newestNote = 40_000_000 + r.IntN(200_000_000)
	seen := map[int]bool{}
	for len(s.hot) < 300 {
		id := s.newest - int(LogUniform(r, 1, 40_000))
		if !seen[id] {
			seen[id] = true
			s.hot = append(s.hot, id)
		}
	}
	s.members = Uniform(r, 0.25, 0.4)
	s.apps = Uniform(r, 0.12, 0.3)
	s.stream = Uniform(r, 0.1, 0.6)
	s.twoFactor = Uniform(r, 0.08, 0.3)
	s.viral = Pick(r, []float64{0.2, 0.5, 0.7, 0.9})
	s.imageLimit = int64(Pick(r, []float64{10, 20, 25})) << 20
	s.videoLimit = int64(Pick(r, []float64{100, 150, 250})) << 20
	s.deploy = Hex(r, 8)
	s.second = Uniform(r, 0.2, 0.8)
	s.variants = map[string][]float64{}
	for _, k := range []struct {
		kind string
		n    int
	}{{"flood", 5}, {"scan", 3}, {"bruteforce", 5}, {"injection", 5}, {"upload", 4}, {"enumeration", 5}} {
		// each site draws its own mix of the variants, and never sees some
		ws := make([]float64, k.n)
		for i := range ws {
			if i == 0 || !Chance(r, 0.35) {
				ws[i] = Uniform(r, 0.2, 1)
			}
		}
		r.Shuffle(len(ws), func(i, j int) { ws[i], ws[j] = ws[j], ws[i] })
		s.variants[k.kind] = ws
	}
	lo := 20 + r.IntN(30)
	s.campSize = [2]int{lo, lo + 30 + r.IntN(70)}
	lo = 22 + r.IntN(25)
	s.ringSize = [2]int{lo, lo + 10 + r.IntN(60)}
	s.fixtures(l, r)
	return s
}

// board draws a board by its popularity.
func (s *site) board(r *rand.Rand) community { return s.boards[Weighted(r, s.boardWeight)] }

// hotThread draws a front-page thread, the top ones far more often.
func (s *site) hotThread(r *rand.Rand) int {
	return s.hot[int(float64(len(s.hot))*math.Pow(r.Float64(), 2.6))]
}

// oldThread draws any thread, old ones too, as links from search engines
// and archives lead to them.
func (s *site) oldThread(r *rand.Rand) int {
	return max(1000, s.newest-int(LogUniform(r, 10, float64(s.newest))))
}

// comment draws a recent comment id.
func (s *site) comment(r *rand.Rand) int { return s.newestNote - int(LogUniform(r, 1, 3e6)) }

// user draws an account id, older accounts being the more active.
func (s *site) user(r *rand.Rand) int { return 1 + int(float64(s.users)*math.Pow(r.Float64(), 1.4)) }

// slug is the title part of a thread's address.
func (s *site) slug(id int) string {
	h := mix(uint64(id) ^ s.id)
	b := s.boards[h%uint64(len(s.boards))]
	var parts []string
	for i := range 2 + int(h>>8%4) {
		if i == 1 {
			parts = append(parts, strings.ReplaceAll(b.words[(h>>16)%uint64(len(b.words))], " ", "-"))
			continue
		}
		parts = append(parts, slugWords[(h>>uint(20+5*i))%uint64(len(slugWords))])
	}
	return strings.Join(parts, "-")
}

// threadPath is the page of thread id.
func (s *site) threadPath(id int) string { return "/t/" + strconv.Itoa(id) + "/" + s.slug(id) }

// name is the user name of account uid.
func name(uid int) string {
	h := mix(uint64(uid))
	a, n := adjectives[h%uint64(len(adjectives))], nouns[(h>>8)%uint64(len(nouns))]
	switch h >> 16 % 4 {
	case 0:
		return a + "_" + n
	case 1:
		return strings.ToUpper(a[:1]) + a[1:] + strings.ToUpper(n[:1]) + n[1:] + strconv.Itoa(int(h>>24%100))
	case 2:
		return n + "-" + a + "-" + strconv.Itoa(1960+int(h>>24%50))
	}
	return a + n + strconv.Itoa(int(h>>24%10000))
}

// avatar is the small picture of account uid.
func avatar(uid, px int) string {
	return "/media/avatars/" + strconv.FormatUint(mix(uint64(uid))%256, 16) + "/" + strconv.Itoa(uid) + "_" + strconv.Itoa(px) + ".webp"
}

// thumb is the listing picture of thread id.
func thumb(id int) string {
	return "/media/t/" + strconv.FormatUint(mix(uint64(id)^0xabc)>>16, 36) + "_140.webp"
}

// image is a picture inside thread id.
func image(id, i int) string {
	ext := []string{".jpeg", ".png", ".webp", ".gif"}[mix(uint64(id+i))%4]
	return "/media/i/" + strconv.FormatUint(mix(uint64(id*7+i)), 36) + ext
}
