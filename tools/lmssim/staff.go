package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// staff sends the instructors and teaching assistants: invigilators
// watching the exam live, graders working through submissions in the
// gradebook or one by one, and gradebook exports.
func (w *world) staff() {
	r := Sub(w.r)
	for i := range 3 + w.n/45 {
		sr := Sub(r)
		a := w.office(sr)
		a.user = w.s.username(sr)
		switch {
		case i < 2:
			w.invigilate(a, w.main)
		case i%5 == 0:
			w.export(a)
		case i%3 == 0:
			w.speedGrade(a)
		default:
			w.quickGrade(a)
		}
	}
}

// office is a staff member's browser: a desktop with its own campus
// address, or a laptop at home.
func (w *world) office(r *rand.Rand) *actor {
	if Chance(r, 0.65) {
		c := w.l.Client(w.l.V4(r, w.s.offices), KindNormal)
		c.Profile = "staff-office"
		return w.actor(r, c, examUA(r))
	}
	c, _ := w.home(r, false)
	c.Profile = "staff-home"
	return w.actor(r, c, browserUA(r))
}

// quickGrade enters grades straight into the gradebook, one cell every
// few seconds; students who withdrew answer 403, a dropped enrollment 404.
func (w *world) quickGrade(a *actor) {
	r := a.r
	c, asg := w.s.course(r), strconv.Itoa(w.s.assignment+r.IntN(3000))
	api := "/api/v2/courses/" + c
	t := Sec(Uniform(r, -0.3, 0.8) * w.secs)
	t = a.get(t, "/courses/"+c+"/gradebook", 200, 150)
	a.get(t+step(r), api+"/users?enrollment_type[]=student&per_page=100", 200, 90)
	t = a.get(t+step(r), api+"/assignment_groups?include[]=assignments", 200, 40)
	for end := t + Sec(LogNormal(r, 500, 0.6)); t < end && t < w.W; {
		t += Sec(LogNormal(r, 4, 0.6))
		st := either(r, 0.03, 200, 403, 403, 404)
		t = a.write(t, "PUT", api+"/assignments/"+asg+"/submissions/"+strconv.Itoa(40000+r.IntN(60000)), st, 0.3, okKB(st, 2.5))
		if Chance(r, 0.04) {
			t = a.get(t+step(r), api+"/gradebook_history/feed?per_page=50", 200, 20)
		}
	}
}

// speedGrade opens each submission, reads its file, then grades it and
// sometimes leaves a comment.
func (w *world) speedGrade(a *actor) {
	r := a.r
	c, asg := w.s.course(r), strconv.Itoa(w.s.assignment+r.IntN(3000))
	api := "/api/v2/courses/" + c + "/assignments/" + asg + "/submissions/"
	t := Sec(Uniform(r, -0.3, 0.8) * w.secs)
	t = a.get(t, "/courses/"+c+"/gradebook/speed_grader?assignment_id="+asg, 200, 180)
	for t < w.W {
		sid := strconv.Itoa(40000 + r.IntN(60000))
		st := either(r, 0.02, 200, 403, 404)
		t = a.get(t, api+sid+"?include[]=submission_comments&include[]=rubric_assessment", st, okKB(st, 4))
		if st == 200 {
			t = a.get(t+step(r), "/api/v2/submissions/"+sid+"/files/"+strconv.Itoa(8000000+r.IntN(900000))+"/preview", 200, LogUniform(r, 200, 3000))
			t += think(r, 45)
			t = a.write(t, "PUT", api+sid, 200, 0.4, 3)
			if Chance(r, 0.3) {
				t = a.write(t+think(r, 20), "POST", api+sid+"/comments", 201, LogUniform(r, 0.3, 3), 1)
			}
		}
		t += think(r, 3)
	}
}

// export asks for the gradebook as CSV, polls the job until it is done,
// downloads the file, and looks around the course.
func (w *world) export(a *actor) {
	r := a.r
	c := w.s.course(r)
	job := strconv.Itoa(9000000 + r.IntN(900000))
	t := Sec(Uniform(r, -0.1, 0.8) * w.secs)
	t = a.get(t, "/courses/"+c+"/gradebook", 200, 150)
	t = a.write(t+think(r, 5), "POST", "/api/v2/courses/"+c+"/gradebook/exports", 202, 0.3, 0.5)
	for range 3 + r.IntN(20) {
		t = a.get(t+Sec(Uniform(r, 2, 4)), "/api/v2/progress/"+job, 200, 0.4)
	}
	t = a.get(t+step(r), "/files/exports/"+job+"/grades-"+c+".csv", 200, LogUniform(r, 50, 5000))
	w.pages(a, t, t+Sec(LogNormal(r, 300, 0.6)))
}

// invigilate watches the exam from the moderation page: the live list of
// attempts every 10 to 20 s, the proctoring flags, an extension granted.
func (w *world) invigilate(a *actor, e *exam) {
	r := a.r
	t := max(-Sec(60), e.at-Sec(Uniform(r, 60, 400)))
	t = a.get(t, e.page+"/moderate", 200, 60)
	for t < w.W {
		t = a.get(t+Sec(Uniform(r, 10, 20)), e.api+"/submissions?include[]=user&per_page=100", 200, LogUniform(r, 40, 200))
		if Chance(r, 0.4) {
			a.get(t+step(r), "/api/v2/proctor/quizzes/"+strconv.Itoa(e.quiz)+"/flags?status=open", 200, 12)
		}
		if Chance(r, 0.03) {
			a.write(t+think(r, 8), "POST", e.api+"/extensions", 200, 0.3, 0.8)
		}
	}
}
