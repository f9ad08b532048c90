package trafficgen

import (
	"math/rand/v2"
	"strconv"
)

// Profiles of normal clients, as written to the labels.
const (
	ProfileBrowser     = "browser"
	ProfileMobile      = "mobile"
	ProfileScript      = "script"
	ProfilePartner     = "partner"
	ProfileHealthcheck = "healthcheck"
	ProfileCrawler     = "crawler"
	ProfileOffice      = "office"
)

// person is a regular user of the site: one address, one device.
type person struct {
	profile string
	ip      string
	ua      string
	user    string // login name
	uid     string // id in paths such as /api/v1/users/{uid}/orders
	key     string // API key of an app install or a script
	account bool   // has an account and logs in
	typo    bool   // tends to mistype the password
	power   float64
	cached  bool    // the browser has the site's assets cached
	period  float64 // mobile sync or script polling period, seconds
	mode    int     // script mode: poller, cron job, by hand, broken
	hdr     int
}

var firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki", "zoe", "liam", "noah", "emma", "ava", "sofia", "mia", "lucas", "mateo", "leon", "hana", "amir", "priya", "chen", "wei", "fatima", "omar", "ines", "jonas", "lena", "marta", "pablo", "sven", "anna", "marco", "giulia", "tomas", "kenji", "aiko", "ravi", "arjun", "nora", "elif", "mehmet", "olga", "dmitri", "kwame", "ama", "thabo", "lucia"}

var lastNames = []string{"smith", "jones", "garcia", "muller", "rossi", "dubois", "nguyen", "kim", "tanaka", "silva", "kowalski", "novak", "jensen", "hansen", "ivanova", "ahmed", "khan", "patel", "singh", "lopez", "martin", "bernard", "schmidt", "weber", "fischer", "costa", "santos", "oliveira", "mensah", "okafor", "brown", "wilson", "taylor", "clark", "lewis", "walker", "young", "hall", "allen", "wright"}

var mailDomains = []string{"example.com", "example.org", "example.net", "mail.example", "inbox.example"}

// userName draws a login name.
func userName(r *rand.Rand) string {
	f, l := pick(r, firstNames), pick(r, lastNames)
	switch r.IntN(7) {
	case 0:
		return f
	case 1:
		return f + "." + l
	case 2:
		return f[:1] + l + strconv.Itoa(r.IntN(100))
	case 3:
		return f + "_" + l + strconv.Itoa(70+r.IntN(40))
	default:
		return f + "." + l + "@" + pick(r, mailDomains)
	}
}

// apiKey draws an API key.
func apiKey(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := []byte("key_")
	for range 12 {
		b = append(b, hex[r.IntN(16)])
	}
	return string(b)
}

// uuidString draws a version 4 UUID.
func uuidString(r *rand.Rand) string {
	a := actor{r: r}
	a.addUUID()
	return string(a.path)
}

// userID draws the id of a user on the site.
func (s *site) userID(r *rand.Rand) string {
	if s.userUUID {
		return uuidString(r)
	}
	return strconv.Itoa(1 + r.IntN(s.users))
}

// newPerson draws a regular user: a browser, a mobile app install or a
// developer's script.
func newPerson(r *rand.Rand, s *site, book *addressBook) *person {
	p := &person{power: lognorm{1, 0.5}.draw(r)}
	switch weighted(r, []float64{0.64, 0.29, 0.07}) {
	case 0:
		p.profile = ProfileBrowser
		p.ua = pick(r, browserAgents)
		p.account = chance(r, 0.7)
		p.cached = chance(r, 0.6)
		p.hdr = 450 + r.IntN(900) // cookies vary a lot
		p.ip = book.take(func() string { return consumerIP(r, s.regions, s.v6Share, false) })
	case 1:
		p.profile = ProfileMobile
		p.ua = mobileAgent(r, s.brand, s.appVersions[weighted(r, []float64{0.6, 0.25, 0.1, 0.05})])
		p.account = true
		p.key = apiKey(r)
		p.period = pick(r, []float64{30, 60, 60, 120, 300})
		p.hdr = 260 + r.IntN(120)
		p.ip = book.take(func() string { return consumerIP(r, s.regions, s.v6Share*2, true) })
	default:
		p.profile = ProfileScript
		p.ua = pick(r, toolAgents)
		p.account = true
		p.key = apiKey(r)
		p.mode = weighted(r, []float64{0.38, 0.3, 0.27, 0.05})
		p.period = clamp(lognorm{20, 0.9}.draw(r), 2, 180)
		p.hdr = 180 + r.IntN(150)
		if chance(r, 0.5) {
			p.ip = book.take(func() string { return v4From(r, blocksCloud) })
		} else {
			p.ip = book.take(func() string { return consumerIP(r, s.regions, s.v6Share, false) })
		}
	}
	p.typo = chance(r, 0.1)
	p.user = userName(r)
	p.uid = s.userID(r)
	return p
}

// partner is a recurring heavy integration of the site.
type partner struct {
	ip, ua, key, company string
	rate                 float64 // mean requests per second
	postShare            float64
	batchEvery           float64 // seconds between bulk syncs, 0 for none
	batchSize            int
}

var companies = []string{"AcmeLogistics", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Gringotts", "Oceanic", "Massive", "Aperture"}

func newPartner(r *rand.Rand, book *addressBook) *partner {
	p := &partner{company: pick(r, companies)}
	p.ua = partnerAgent(r, p.company)
	p.key = apiKey(r)
	p.rate = logUniform(r, 2, 30)
	p.postShare = uniform(r, 0.45, 0.8)
	if chance(r, 0.45) {
		p.batchEvery = pick(r, []float64{60, 120, 300})
		p.batchSize = 40 + r.IntN(260)
	}
	p.ip = book.take(func() string { return v4From(r, blocksCloud) })
	return p
}

// checker is a recurring health check of the site.
type checker struct {
	ip, ua string
	paths  []string
	period float64
	head   bool
}

func newChecker(r *rand.Rand, s *site, book *addressBook) *checker {
	m := pick(r, monitors)
	c := &checker{ua: m.agent, period: pick(r, []float64{1, 2, 5, 5, 10, 10, 15, 30}), head: chance(r, 0.15)}
	c.paths = []string{pick(r, s.health)}
	if chance(r, 0.3) {
		c.paths = append(c.paths, "/", pick(r, s.health))
	}
	c.ip = book.take(func() string { return m.ip(r) })
	return c
}

// spider is a recurring search or SEO crawler of the site.
type spider struct {
	ip, ua string
	rate   float64
	images bool
}

func newSpider(r *rand.Rand, book *addressBook) *spider {
	c := pick(r, crawlers)
	return &spider{ua: c.agent, rate: logUniform(r, 0.3, 4), images: chance(r, 0.4), ip: book.take(func() string { return c.ip(r) })}
}

// office is a recurring company network: many users behind one address.
type office struct {
	ip    string
	staff []*person
}

func newOffice(r *rand.Rand, s *site, book *addressBook) *office {
	o := &office{ip: book.take(func() string {
		if chance(r, 0.15) {
			return v4From(r, blocksDoc)
		}
		return consumerIP(r, s.regions, 0, false)
	})}
	// A managed fleet runs a few browser builds.
	var fleet []string
	for range 1 + r.IntN(4) {
		fleet = append(fleet, pick(r, browserAgents[:16]))
	}
	hdr := 500 + r.IntN(600)
	n := int(logUniform(r, 20, 200))
	for range n {
		p := &person{profile: ProfileBrowser, account: true, cached: chance(r, 0.9), power: lognorm{1.2, 0.4}.draw(r), hdr: hdr + r.IntN(200)}
		p.ua = pick(r, fleet)
		if chance(r, 0.1) {
			p.ua = pick(r, browserAgents) // a personal phone on the office Wi-Fi
		}
		p.user = userName(r)
		p.uid = s.userID(r)
		p.typo = chance(r, 0.1)
		p.ip = o.ip
		o.staff = append(o.staff, p)
	}
	return o
}
