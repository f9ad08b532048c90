package main

import (
	"math/rand/v2"
	"strconv"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// fixture is one of the site's integrations or bots: the same addresses,
// key and user agent every day.
type fixture struct {
	profile string
	ua, key string
	ips     []string
	rate    float64 // requests a second, all its addresses together
	every   float64 // period of a scheduled job or check, s
	heavy   bool
	run     func(w *world, f *fixture, as []*actor)
}

func (s *site) drawFixtures(r *rand.Rand, scratch *Log) {
	ips := func(n int, nets ...string) []string {
		var out []string
		for range n {
			out = append(out, scratch.V4(r, nets))
		}
		return out
	}
	for i := range 3 + r.IntN(4) {
		s.nats = append(s.nats, scratch.V4(r, []string{s.campus + strconv.Itoa(220+i) + "."}))
	}
	s.eduroam = ips(1+r.IntN(3), s.campus+"230.")
	add := func(f *fixture) { s.fixtures = append(s.fixtures, f) }
	add(&fixture{profile: "lti-plagiarism", heavy: true, run: (*world).plagiarism,
		ua:  Pick(r, []string{"OriginalityBridge/3.4 (+https://originalitybridge.example/lti)", "Verifile-LTI-Agent/4.2", "PlagScan-Connector/2.8.1 (Java/21.0.3)"}),
		key: "lti_" + Hex(r, 16) + Hex(r, 8), ips: ips(2+r.IntN(3), "52.44.", "34.201.", "3.208."), rate: LogUniform(r, 6, 28)})
	sisNet := Pick(r, []string{s.campus + "2.", "20.84.", "13.92."})
	add(&fixture{profile: "sis-sync", heavy: true, run: (*world).sisSync, every: Pick(r, []float64{300, 300, 600}),
		ua:  Pick(r, []string{"Apache-HttpClient/4.5.14 (Java/17.0.9)", "EthosIntegration/1.12", "Workday-Integrations/2027.1"}),
		key: "sis_" + Hex(r, 16) + Hex(r, 16), ips: ips(1, sisNet), rate: LogUniform(r, 2, 9)})
	if Chance(r, 0.5) {
		add(&fixture{profile: "lti-courseware", heavy: true, run: (*world).courseware,
			ua:  Pick(r, []string{"Courseware-LTI/5.2 (+https://publisher.example/lti)", "MyLabConnect/3.0", "WebAssign-LTI/2.14"}),
			key: "lti_" + Hex(r, 16) + Hex(r, 8), ips: ips(1+r.IntN(2), "18.205.", "54.210."), rate: LogUniform(r, 1, 6)})
	}
	if Chance(r, 0.75) {
		add(&fixture{profile: "captioning", heavy: true, run: (*world).captioning, every: Uniform(r, 20, 40),
			ua:  Pick(r, []string{"CaptionFlow-Worker/2.3 (+https://captionflow.example)", "VerbitSync/5.1", "python-requests/2.32.3 captions-worker"}),
			key: "cap_" + Hex(r, 16), ips: ips(1+r.IntN(2), "35.186.", "104.196.")})
	}
	add(&fixture{profile: "proctor-backend", heavy: true, run: (*world).proctorBackend,
		ua:  "Go-http-client/2.0",
		key: "pk_srv_" + Hex(r, 16), ips: ips(1+r.IntN(2), "54.187.", "52.24."), rate: LogUniform(r, 0.3, 2)})
	add(&fixture{profile: "calendar-google", heavy: true, run: (*world).calendarService,
		ua: "Google-Calendar-Importer", ips: ips(2+r.IntN(3), "66.102.", "74.125."), rate: LogUniform(r, 1.5, 8)})
	if Chance(r, 0.8) {
		add(&fixture{profile: "calendar-microsoft", heavy: true, run: (*world).calendarService,
			ua: "Microsoft Exchange/15.20 (Windows NT 10.0; Win64; x64)", ips: ips(1+r.IntN(2), "40.94.", "52.96."), rate: LogUniform(r, 0.6, 4)})
	}
	add(&fixture{profile: "crawler-google", heavy: true, run: (*world).crawler,
		ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ips: ips(2, "66.249."), rate: LogUniform(r, 0.3, 2)})
	add(&fixture{profile: "crawler-bing", run: (*world).crawler,
		ua: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", ips: ips(1+r.IntN(2), "40.77.", "157.55."), rate: LogUniform(r, 0.05, 0.4)})
	if Chance(r, 0.6) {
		add(&fixture{profile: "crawler-seo", heavy: true, run: (*world).crawler,
			ua:  Pick(r, []string{"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)"}),
			ips: ips(1, "54.36.", "85.208."), rate: LogUniform(r, 0.5, 4)})
	}
	for _, m := range r.Perm(len(monitors))[:2+r.IntN(2)] {
		add(&fixture{profile: "monitor", run: (*world).monitor, ua: monitors[m][0],
			ips: ips(1+r.IntN(3), monitors[m][1:]...), every: Pick(r, []float64{30, 60, 60, 300})})
	}
}

// monitors are uptime checkers: their user agent and where they check from.
var monitors = [][]string{
	{"Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "216.144.", "69.162."},
	{"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "178.255.", "185.180."},
	{"StatusCake-Checker/3.1 (+https://www.statuscake.com/)", "136.243.", "162.55."},
	{"check_http/v2.3.3 (monitoring-plugins 2.3.3)", "10.250."},
}

// fixtureTraffic registers the site's integrations and bots and sends
// their day.
func (w *world) fixtureTraffic() {
	r := Sub(w.r)
	for _, f := range w.s.fixtures {
		fr := Sub(r)
		var as []*actor
		for _, ip := range f.ips {
			c := w.l.Client(ip, KindNormal)
			c.Profile, c.Heavy = f.profile, f.heavy
			if f.key != "" {
				w.exempt[ip], w.keyed[f.key] = true, true
			}
			a := w.actor(fr, c, f.ua)
			a.key, a.hdr = f.key, int64(150+len(f.ua)+fr.IntN(150))
			as = append(as, a)
		}
		f.run(w, f, as)
	}
}

// bursts calls f with the stretches of [from, to) a job works in: on for
// around on seconds, then idle for around off.
func bursts(r *rand.Rand, from, to int64, on, off float64, f func(a, b int64)) {
	for t := from; t < to; {
		end := t + think(r, on)
		f(t, min(end, to))
		t = end + think(r, off)
	}
}

// plagiarism is the plagiarism checker's LTI service: it takes a token,
// then fetches each new submission's files and posts its report back.
func (w *world) plagiarism(f *fixture, as []*actor) {
	for _, a := range as {
		r := a.r
		for t := -Sec(Uniform(r, 0, 300)); t < w.W; t += Sec(Uniform(r, 290, 300)) {
			a.write(t, "POST", "/api/lti/v1/oauth2/token", 200, 0.6, 1.3)
		}
		course, asg, page := w.s.course(r), strconv.Itoa(w.s.assignment+r.IntN(4000)), 1
		rate := f.rate / float64(len(as)) * Uniform(r, 0.6, 1.6)
		bursts(r, -Sec(Uniform(r, 0, 60)), w.W, 90, 20, func(from, to int64) {
			Poisson(r, rate*LogUniform(r, 0.4, 2.5), from, to, func(t int64) {
				sid := strconv.Itoa(3000000 + r.IntN(900000))
				switch x := r.Float64(); {
				case x < 0.05:
					a.get(t, "/api/lti/v1/courses/"+course+"/assignments/"+asg+"/submissions?page="+strconv.Itoa(page)+"&per_page=50", 200, 70)
					page++
				case x < 0.13:
					a.write(t, "POST", "/api/lti/v1/submissions/"+sid+"/originality_report", 201, 2.5, 0.7)
				case x < 0.96:
					a.get(t, "/api/lti/v1/submissions/"+sid+"/attachments/"+strconv.Itoa(8000000+r.IntN(900000)), 200, 1800)
				default: // withdrawn students, deleted files
					a.get(t, "/api/lti/v1/submissions/"+sid+"/attachments/"+strconv.Itoa(8000000+r.IntN(900000)), Pick(r, []int{403, 404, 404}), 0.3)
				}
			})
		})
	}
}

// courseware is a publisher's courseware, launched from courses as an
// LTI tool, syncing rosters and sending its homework scores back.
func (w *world) courseware(f *fixture, as []*actor) {
	for _, a := range as {
		w.ltiTool(a, -Sec(Uniform(a.r, 0, 300)), f.rate/float64(len(as)))
	}
}

// sisSync is the student information system's scheduled sync: it pages
// through the changed enrollments, pushes the users that changed, pulls
// the gradebooks with new grades, and now and then imports a CSV.
func (w *world) sisSync(f *fixture, as []*actor) {
	a := as[0]
	r := a.r
	offset := float64(w.s.id%7) * 37
	for run := offset - f.every; run < w.secs; run += f.every {
		t := Sec(run + Uniform(r, 0, 4))
		t = a.write(t, "POST", "/api/v2/oauth2/token", 200, 0.5, 1.1)
		since := w.l.Start().Add(time.Duration(Sec(run - f.every))).Format("2006-01-02T15:04:05Z")
		for p := range 5 + r.IntN(50) {
			t = a.get(t, "/api/v2/sis/enrollments?updated_since="+since+"&page="+strconv.Itoa(p+1)+"&per_page=100", 200, 160)
			t += Sec(Uniform(r, 0.02, 1/f.rate))
		}
		for range r.IntN(150) {
			st := either(r, 0.08, 200, 404, 409)
			t = a.write(t, "PUT", "/api/v2/sis/users/sis_user_id:"+strconv.Itoa(2100000+r.IntN(800000)), st, 0.9, 1.4)
			t += Sec(Uniform(r, 0.02, 1/f.rate))
		}
		for range r.IntN(10) {
			t = a.get(t, "/api/v2/courses/sis_course_id:"+w.s.course(r)+"/gradebook?format=json", 200, 900) + Sec(Uniform(r, 0.1, 2))
		}
		if Chance(r, 0.35) {
			id := strconv.Itoa(70000 + r.IntN(20000))
			t = a.write(t, "POST", "/api/v2/sis/imports?import_type=enrollments", 202, LogUniform(r, 300, 6000), 0.6)
			for range 2 + r.IntN(10) {
				t = a.get(t+Sec(Uniform(r, 2, 5)), "/api/v2/sis/imports/"+id, 200, 0.8)
			}
		}
	}
}
