package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// newcomers brings the day's legitimate heavy clients that no earlier day
// had: a tool a course just connected, a department's new sync job, a
// lab class behind a new campus address.
func (w *world) newcomers() {
	r := Sub(w.r)
	for i, k := range r.Perm(3)[:1+r.IntN(3)] {
		nr := Sub(r)
		switch k {
		case 0:
			w.newTool(nr, w.freshIP(false, i))
		case 1:
			w.newSync(nr, w.freshIP(true, i))
		default:
			w.newLab(nr, w.freshIP(true, i))
		}
	}
}

// freshIP is the address of the day's i-th newcomer: in the site's cloud
// net kept for them, or in the campus nets from third octet 240 up. Odd
// multipliers spread the days over the space without two days meeting.
func (w *world) freshIP(campus bool, i int) string {
	n := w.seed*4 + uint64(i)
	if campus {
		h := n * 2897 % 4096
		return w.s.campus + strconv.FormatUint(240+h>>8, 10) + "." + strconv.FormatUint(h&255, 10)
	}
	h := n * 40503 % 65536
	return w.s.freshNet + strconv.FormatUint(h>>8, 10) + "." + strconv.FormatUint(h&255, 10)
}

func (w *world) newcomer(r *rand.Rand, ip, profile, ua, key string) *actor {
	c := w.l.Client(ip, KindNormal)
	c.Profile, c.Heavy = profile, true
	a := w.actor(r, c, ua)
	if key != "" {
		a.key, a.hdr = key, int64(150+len(ua)+r.IntN(150))
		w.keyed[key] = true
	}
	return a
}

// newTool is an LTI tool an instructor connected today.
func (w *world) newTool(r *rand.Rand, ip string) {
	name := Pick(r, []string{"Annotato", "QuizForge", "CodeJudge", "LabNotebook", "PeerMark", "SimuLab"})
	a := w.newcomer(r, ip, "new-lti", name+"-LTI/"+strconv.Itoa(1+r.IntN(3))+"."+strconv.Itoa(r.IntN(10)), "lti_"+Hex(r, 16)+Hex(r, 8))
	w.ltiTool(a, Sec(Uniform(r, 0, 0.4)*w.secs), LogUniform(r, 2, 12))
}

// ltiTool is a tool working through the LTI services from from on: it
// takes a token, then syncs a course's roster and gradebook columns and
// posts scores back, in bursts of around rate a second.
func (w *world) ltiTool(a *actor, from int64, rate float64) {
	r := a.r
	course := "/api/lti/v1/courses/" + w.s.course(r)
	a.write(from, "POST", "/api/lti/v1/oauth2/token", 200, 0.6, 1.3)
	page := 0
	bursts(r, from+Sec(1), w.W, 60, 15, func(from, to int64) {
		Poisson(r, rate*LogUniform(r, 0.4, 2.5), from, to, func(t int64) {
			switch x := r.Float64(); {
			case x < 0.35:
				page++
				a.get(t, course+"/names_and_roles?page="+strconv.Itoa(page%40+1)+"&limit=100", 200, 45)
			case x < 0.6:
				a.get(t, course+"/line_items?per_page=100", 200, 12)
			default:
				st := either(r, 0.03, 200, 422)
				a.write(t, "POST", course+"/line_items/"+strconv.Itoa(700+r.IntN(40))+"/scores", st, 0.6, 0.4)
			}
		})
	})
}

// newSync is a department's new job copying its courses' enrollments and
// analytics into its own reporting, from a campus server.
func (w *world) newSync(r *rand.Rand, ip string) {
	ua := Pick(r, []string{"python-requests/2.32.3", "PowerShell/7.4.6", "curl/8.9.1", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"})
	a := w.newcomer(r, ip, "new-sync", ua, "dept_"+Hex(r, 16)+Hex(r, 16))
	acct := "/api/v2/accounts/" + strconv.Itoa(10+r.IntN(90))
	gap := 1 / LogUniform(r, 1, 6)
	t := Sec(Uniform(r, 0, 0.4) * w.secs)
	for p := 1; t < w.W; p++ {
		t = a.get(t, acct+"/courses?per_page=100&page="+strconv.Itoa(p), 200, 120) + Sec(Uniform(r, 0, gap))
		c := "/api/v2/courses/" + w.s.course(r)
		for k := range 1 + r.IntN(6) {
			t = a.get(t, c+"/enrollments?per_page=100&page="+strconv.Itoa(k+1), 200, 110) + Sec(Uniform(r, 0, gap))
		}
		t = a.get(t, c+"/analytics/student_summaries?per_page=100", either(r, 0.1, 200, 403), 80) + Sec(Uniform(r, 0, gap))
	}
}

// newLab is a lab class on machines behind one new campus address, which
// the gateway does not know: everyone signs in within a minute or two,
// opens the course and the handout, and works.
func (w *world) newLab(r *rand.Rand, ip string) {
	ua := examUA(r) // one image on every machine
	c := w.newcomer(r, ip, "new-lab", ua, "").c
	course := w.s.course(r)
	start := Sec(Uniform(r, 0, 0.4) * w.secs)
	for range 150 + r.IntN(100) {
		sr := Sub(r)
		a := w.actor(sr, c, ua)
		t := a.signIn(start+Sec(LogNormal(sr, 50, 0.6)), w.s.username(sr), "/courses/"+course)
		t = a.get(t, "/courses/"+course, 200, 45)
		t = w.download(a, t+think(sr, 10), "/courses/"+course+"/files/")
		w.pages(a, t, t+Sec(LogNormal(sr, 600, 0.5)))
	}
}
