package trafficgen

import (
	"math/rand/v2"
	"strconv"
)

// site is everything that a Site number fixes: the API's shape, its
// catalogue, its gateway policy and its audience. It is read-only once made.
type site struct {
	brand       string
	appVersions []string // current native app versions, newest first
	regions     []float64
	v6Share     float64

	items, users, orders int // id ranges of the numeric resources
	itemStride           int
	orderUUID, userUUID  bool
	categories           []string
	extras               []extraResource
	assets               []asset
	helpPages            []string
	health               []string

	uploadLimit      int64   // bytes; larger uploads get 413
	loginOK          int     // 200 for a JSON login, 302 for a form post
	waf              bool    // a WAF answers most payloads with 403
	dotfiles403      bool    // the gateway denies /.* with 403
	rateLimit        float64 // per client requests per second, 0 for none
	rateBurst        float64
	loginPerMinute   float64 // login attempts per minute per client, 0 for none
	gatewayTimeoutMS float64
	pollSeconds      float64 // single-page app notification polling, 0 for none
	notFoundHTML     float64 // size of the HTML 404 page
	healthBytes      float64
	idor             float64 // share of other users' objects that leak (200)
}

// extraResource is a site-specific collection under /api/v1.
type extraResource struct {
	name string
	uuid bool
	n    int
}

// asset is a static file with its size in bytes.
type asset struct {
	path string
	size float64
}

var brands = []string{"Shoply", "Cartwheel", "Parcelo", "Tandem", "Lumen", "Harbor", "Nimbus", "Orchard", "Quarry", "Kestrel", "Marlow", "Juniper", "Basalt", "Copperleaf", "Driftwood", "Fjord"}

var categoryPool = []string{"electronics", "books", "home-garden", "toys", "sports", "fashion", "beauty", "grocery", "automotive", "pet-supplies", "office", "music", "video-games", "baby", "tools", "outdoor", "jewelry", "shoes", "health", "kitchen", "furniture", "computers", "phones", "cameras", "art-supplies", "crafts", "garden", "lighting", "bedding", "travel", "watches", "bags", "cycling", "camping", "fitness", "coffee-tea", "board-games", "stationery", "smart-home", "audio"}

var extraPool = []string{"invoices", "shipments", "messages", "projects", "documents", "tickets", "payments", "addresses", "wishlists", "stores", "subscriptions", "returns", "coupons", "reviews"}

var helpPool = []string{"shipping", "returns", "faq", "contact", "privacy", "terms", "payment-methods", "gift-cards", "size-guide", "warranty", "track-order", "accessibility"}

var healthPool = []string{"/healthz", "/health", "/api/v1/health", "/status", "/ping", "/readyz", "/api/v1/status"}

// newSite derives the site from its number.
func newSite(id int64) *site {
	r := siteRand(id, tagSite, 0)
	s := &site{brand: pick(r, brands)}
	major := 3 + r.IntN(4)
	minor := 5 + r.IntN(15)
	for i := range 4 {
		v := strconv.Itoa(major) + "." + strconv.Itoa(minor-i) + "." + strconv.Itoa(r.IntN(4))
		s.appVersions = append(s.appVersions, v)
	}
	// Audience: a home region plus a long tail elsewhere.
	s.regions = []float64{0.05, 0.05, 0.04, 0.02, 0.01, 0.03}
	s.regions[weighted(r, []float64{0.45, 0.4, 0.1, 0.05})] += 0.7 + 0.2*r.Float64()
	s.v6Share = uniform(r, 0.04, 0.18)

	s.items = int(logUniform(r, 4000, 250000))
	s.itemStride = 7919
	for s.items%s.itemStride == 0 {
		s.itemStride += 2
	}
	s.users = int(logUniform(r, 20000, 2000000))
	s.orders = int(logUniform(r, 50000, 5000000))
	s.orderUUID = chance(r, 0.5)
	s.userUUID = chance(r, 0.25)

	perm := r.Perm(len(categoryPool))
	for _, i := range perm[:8+r.IntN(len(categoryPool)-8)] {
		s.categories = append(s.categories, categoryPool[i])
	}
	perm = r.Perm(len(extraPool))
	for _, i := range perm[:3+r.IntN(4)] {
		s.extras = append(s.extras, extraResource{name: extraPool[i], uuid: chance(r, 0.4), n: int(logUniform(r, 2000, 3000000))})
	}
	perm = r.Perm(len(helpPool))
	for _, i := range perm[:5+r.IntN(6)] {
		s.helpPages = append(s.helpPages, helpPool[i])
	}
	s.health = []string{pick(r, healthPool)}
	if chance(r, 0.5) {
		s.health = append(s.health, pick(r, healthPool))
	}
	hash := func() string {
		b := make([]byte, 0, 8)
		for range 8 {
			b = append(b, "0123456789abcdef"[r.IntN(16)])
		}
		return string(b)
	}
	s.assets = []asset{
		{"/assets/runtime." + hash() + ".js", logUniform(r, 2000, 6000)},
		{"/assets/vendor." + hash() + ".js", logUniform(r, 350000, 1400000)},
		{"/assets/app." + hash() + ".js", logUniform(r, 150000, 900000)},
		{"/assets/main." + hash() + ".css", logUniform(r, 40000, 250000)},
		{"/assets/fonts/inter-var." + hash() + ".woff2", 98000},
		{"/assets/img/logo." + hash() + ".svg", logUniform(r, 2000, 9000)},
	}
	if chance(r, 0.5) {
		s.assets = append(s.assets, asset{"/assets/chunk-" + hash() + ".js", logUniform(r, 20000, 200000)})
	}

	s.uploadLimit = int64(pick(r, []int{10, 20, 25, 50, 100})) << 20
	s.loginOK = pick(r, []int{200, 200, 302})
	s.waf = chance(r, 0.55)
	s.dotfiles403 = chance(r, 0.5)
	if chance(r, 0.7) {
		s.rateLimit = pick(r, []float64{20, 30, 50, 100})
		s.rateBurst = 2 * s.rateLimit
	}
	if chance(r, 0.3) {
		s.loginPerMinute = pick(r, []float64{20, 30, 60})
	}
	s.gatewayTimeoutMS = pick(r, []float64{15000, 30000, 60000})
	if chance(r, 0.6) {
		s.pollSeconds = pick(r, []float64{15, 30, 60})
	}
	s.notFoundHTML = logUniform(r, 1500, 9000)
	s.healthBytes = float64(2 + r.IntN(120))
	s.idor = pick(r, []float64{0, 0, 0.05, 0.2})
	return s
}

// itemID maps a popularity rank to an item id, scattering the popular
// items over the id range.
func (s *site) itemID(rank uint64) int {
	return int((rank*uint64(s.itemStride)+17)%uint64(s.items)) + 1
}

// loginOKBytes is the size of a successful login's response.
func (s *site) loginOKBytes(r *rand.Rand) float64 {
	if s.loginOK == 302 {
		return 0
	}
	return uniform(r, 380, 520)
}
