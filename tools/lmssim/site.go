package main

import (
	"math/rand/v2"
	"strconv"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// region is where students live and proxies rent lines: home broadband,
// the phone networks' carrier NAT, and IPv6 at home and on phones.
type region struct {
	res, carrier, v6, v6m []string
}

var regions = []*region{
	{[]string{"73.", "98.", "24.", "67.", "71.", "108.", "174."}, []string{"172.56.", "172.58.", "166.205.", "107.77."}, []string{"2601:", "2600:1700:"}, []string{"2607:fb90:", "2600:387:"}},
	{[]string{"86.", "81.", "90.", "82.", "2.", "31."}, []string{"148.252.", "92.40.", "213.205."}, []string{"2a00:23c4:", "2a02:c7c:"}, []string{"2a01:4b00:"}},
	{[]string{"84.", "91.", "79.", "93.", "87."}, []string{"80.187.", "109.40.", "176.2."}, []string{"2a02:8109:", "2003:e3:"}, []string{"2a01:599:"}},
	{[]string{"77.", "83.", "62.", "94."}, []string{"31.20.", "143.178."}, []string{"2a02:a46:", "2001:1c00:"}, []string{"2a02:a440:"}},
	{[]string{"101.", "120.", "121.", "110."}, []string{"1.128.", "49.180."}, []string{"2001:8003:", "2403:4800:"}, []string{"2001:8004:"}},
	{[]string{"106.", "117.", "122.", "59."}, []string{"49.36.", "157.32."}, []string{"2401:4900:"}, []string{"2409:4060:"}},
	{[]string{"70.", "99.", "142.", "184."}, []string{"174.88."}, []string{"2607:fea8:"}, []string{"2605:8d80:"}},
	{[]string{"177.", "179.", "189.", "191."}, []string{"187.64."}, []string{"2804:14c:"}, []string{"2804:18:"}},
}

// campusNets are universities' own /16s. The third octets from 240 up are
// where each day's new campus clients are put, so nothing else draws there.
var campusNets = []string{"128.32.", "129.67.", "130.88.", "131.111.", "134.226.", "137.222.", "141.20.", "144.32.", "152.78.", "155.198.", "160.36.", "171.64."}

// hostingNets are rented servers and VPN exits; freshClouds, kept apart
// from every other pool, the cloud nets the day's new integrations run in.
var (
	hostingNets = []string{"159.65.", "167.99.", "45.77.", "51.15.", "95.216.", "5.188.", "185.220.", "103.152.", "193.42.", "64.227.", "139.59.", "194.26."}
	freshClouds = []string{"18.190.", "35.171.", "44.201.", "54.166.", "13.58.", "3.134."}
	domains     = []string{"northfield.edu", "uni-halden.de", "kestrel.ac.uk", "marlow.edu.au", "rivervale.edu", "ostberg.se", "tilbury.ac.nz", "lakemont.ca"}
	products    = []string{"Campus", "Learnly", "Coursebook", "StudyHub", "Lectern"}
)

// The lone attack kinds, in the order a site's mix lists them.
const (
	kFlood = iota
	kScan
	kBrute
	kInject
	kUpload
	kEnum
	nLone
)

var loneKinds = [nLone]string{"flood", "scan", "bruteforce", "injection", "upload", "enumeration"}

// mix is how a site is attacked: the weights of each lone kind's variants,
// the chance of a second attacker of the kind, and campaign sizes.
type mix struct {
	w      [nLone][]float64
	second [nLone]float64
	size   [4][2]float64 // members of stuffing, ddos, scraping, codespray
	again  float64       // a second stuffing campaign
}

// site is one university: everything that stays from one day to the next.
type site struct {
	id                 uint64
	size               float64
	home               []*region
	homeW              []float64
	campus             string   // the university's /16, "128.32."
	offices            []string // campus nets of staff desktops
	nats, eduroam      []string
	freshNet           string
	domain, product    string
	userStyle          int
	courses            []int
	examMin            float64 // minute the exam opens
	examCode           bool
	questions          int     // in the exam
	examShare          float64 // of students online, taking the exam
	campusExam         float64 // of exam takers, sitting it in a hall
	proctored          float64 // of exam takers, with the proctoring extension
	exam2              bool    // another exam is already running
	deadline           float64 // of the window
	assignment         int
	uploadMB, chunkMB  float64 // the largest file sent whole; the parts of a resumable upload
	videos             bool
	saml               bool
	mfa                int // 0 none, 1 code, 2 push
	failStatus         int
	logLoginUser       bool
	ipRate, ipBurst    float64
	keyRate, keyBurst  float64
	appKey, proctorKey string
	appUA              []string
	proctorUA          string
	feeds              []string // course calendar feed URLs, shared among students
	fixtures           []*fixture
	mix                mix
}

func newSite(id uint64) *site {
	r := rand.New(rand.NewPCG(id, 0x756e6976))
	s := &site{id: id, size: LogUniform(r, 0.9, 1.4)}
	s.drawPlaces(r)
	s.drawPlatform(r)
	s.drawFixtures(r, New(time.Time{}, time.Minute))
	s.mix = drawMix(r)
	return s
}

func (s *site) drawPlaces(r *rand.Rand) {
	perm := r.Perm(len(regions))
	for i, k := range perm[:1+r.IntN(3)] {
		weight := 1.0
		if i > 0 {
			weight = Uniform(r, 0.03, 0.2) // students from abroad
		}
		s.home = append(s.home, regions[k])
		s.homeW = append(s.homeW, weight)
	}
	s.campus = Pick(r, campusNets)
	for i := range 200 {
		s.offices = append(s.offices, s.campus+strconv.Itoa(i)+".")
	}
	s.freshNet = Pick(r, freshClouds)
	s.domain, s.product = Pick(r, domains), Pick(r, products)
	s.userStyle = r.IntN(3)
}

func (s *site) drawPlatform(r *rand.Rand) {
	base := 1000 + r.IntN(80000)
	for range 40 + r.IntN(90) {
		s.courses = append(s.courses, base+r.IntN(6000))
	}
	s.examMin = Uniform(r, 2, 5.5)
	s.examCode = Chance(r, 0.6)
	s.questions = 15 + r.IntN(46)
	s.examShare = Uniform(r, 0.22, 0.4)
	s.campusExam = Uniform(r, 0.35, 0.85)
	s.proctored = Uniform(r, 0.4, 0.95)
	s.exam2 = Chance(r, 0.6)
	s.deadline = Uniform(r, 0.55, 1.05)
	s.assignment = 200000 + r.IntN(700000)
	s.uploadMB = Pick(r, []float64{25, 50, 100})
	s.chunkMB = Pick(r, []float64{5, 8, 16, 32})
	s.videos = Chance(r, 0.7)
	s.saml = Chance(r, 0.6)
	s.mfa = Weighted(r, []float64{1, 3, 2})
	s.failStatus = Pick(r, []int{200, 401, 401})
	s.logLoginUser = Chance(r, 0.5)
	s.ipRate, s.ipBurst = LogUniform(r, 6, 20), LogUniform(r, 30, 100)
	s.keyRate, s.keyBurst = LogUniform(r, 10, 40), LogUniform(r, 50, 300)
	s.appKey = "mob_" + Hex(r, 16) + Hex(r, 8)
	s.proctorKey = "pk_live_" + Hex(r, 16)
	v := 6 + r.IntN(4)
	for i := range 3 {
		ver := strconv.Itoa(v) + "." + strconv.Itoa(10+r.IntN(8)-i*3) + "." + strconv.Itoa(r.IntN(4))
		s.appUA = append(s.appUA,
			s.product+"/"+ver+" (edu."+s.product+".student; iOS 27."+strconv.Itoa(r.IntN(3))+"; Scale/3.00)",
			"okhttp/4.12.0 "+s.product+"/"+ver+" (Android "+strconv.Itoa(14+r.IntN(3))+")")
	}
	s.proctorUA = Pick(r, []string{"ProctorLens", "ExamSentinel", "Invigilo", "HonorWatch"}) + "-Extension/" +
		strconv.Itoa(3+r.IntN(4)) + "." + strconv.Itoa(r.IntN(12)) + " (Chrome Extension)"
	for range 10 + r.IntN(30) {
		s.feeds = append(s.feeds, "/feeds/calendar.ics?token="+Hex(r, 16)+Hex(r, 16)+"&course="+strconv.Itoa(Pick(r, s.courses)))
	}
}

func drawMix(r *rand.Rand) mix {
	var m mix
	for k, n := range [nLone]int{4, 4, 4, 4, 3, 4} {
		for range n {
			m.w[k] = append(m.w[k], LogUniform(r, 0.15, 5))
		}
		m.second[k] = Uniform(r, 0.1, 0.6)
	}
	for i := range m.size {
		lo := Uniform(r, 20, 55)
		m.size[i] = [2]float64{lo, Uniform(r, lo+10, 150)}
	}
	m.again = Uniform(r, 0, 0.35)
	return m
}

var (
	givenNames  = []string{"anna", "ben", "chloe", "david", "emma", "farid", "grace", "hugo", "isla", "jonas", "kira", "liam", "maya", "noah", "olga", "priya", "quinn", "rosa", "sam", "tariq", "uma", "victor", "wen", "yusuf", "zoe"}
	familyNames = []string{"smith", "garcia", "muller", "nguyen", "kowalski", "okafor", "rossi", "tanaka", "dubois", "jensen", "patel", "silva", "kim", "brown", "novak", "haddad", "ivanova", "obrien", "larsen", "moreau"}
)

// username is an account name as this university writes them.
func (s *site) username(r *rand.Rand) string {
	switch s.userStyle {
	case 0:
		return string(rune('a'+r.IntN(26))) + string(rune('a'+r.IntN(26))) + strconv.Itoa(100+r.IntN(9900))
	case 1:
		return Pick(r, givenNames) + "." + Pick(r, familyNames) + strconv.Itoa(r.IntN(30)) + "@" + s.domain
	}
	return "s" + strconv.Itoa(2100000+r.IntN(800000))
}

// course is one of the site's courses.
func (s *site) course(r *rand.Rand) string { return strconv.Itoa(Pick(r, s.courses)) }
