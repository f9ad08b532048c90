package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// exam is a timed quiz: it opens at at and closes at end, after which the
// attempts still open are submitted by the platform and locked.
type exam struct {
	quiz      int
	at, end   int64
	page, api string // the quiz's page, and its API
}

func (w *world) newExam(course, quiz int, at, end int64) *exam {
	q := strconv.Itoa(quiz)
	return &exam{quiz: quiz, at: at, end: end,
		page: "/courses/" + strconv.Itoa(course) + "/quizzes/" + q, api: "/api/v2/quizzes/" + q}
}

// examTaker sits an exam: arriving in the flash crowd as it opens, or
// already writing when the window starts; autosaving answers with the
// proctoring extension's heartbeats beside; and submitting, most of them
// in the last minutes.
func (w *world) examTaker(a *actor, user string, e *exam) {
	r := a.r
	w.attempt++
	att := strconv.Itoa(w.attempt)
	var t int64
	if e.at >= 0 {
		t = w.arrive(a, user, e, att)
	} else {
		a.user = user
		t = Sec(-Uniform(r, 0, 60))
	}
	var done int64
	switch x := r.Float64(); {
	case x < 0.05: // never submits: the platform closes the attempt
		done = -1
	case x < 0.3:
		done = t + Sec(Uniform(r, 0.3, 1)*float64(e.end-t)/1e9)
	case x < 0.95:
		done = max(t+Sec(60), e.end-Sec(r.ExpFloat64()*Uniform(r, 30, 120)))
	default: // too late: the attempt is locked
		done = e.end + Sec(Uniform(r, 1, 40))
	}
	until := done
	if done < 0 {
		until = e.end + Sec(Uniform(r, 5, 90))
	}
	if Chance(r, w.s.proctored) {
		w.proctor(a, att, t, until)
	}
	w.answer(a, e, att, t, until)
	if done >= 0 {
		w.submit(a, e, att, done)
	}
}

// arrive is the flash crowd: students load the quiz page before it opens
// and reload it until it does, sign in if they must, enter the access
// code (mistyping some), and start their attempt.
func (w *world) arrive(a *actor, user string, e *exam, att string) int64 {
	r := a.r
	t := e.at - Sec(r.ExpFloat64()*Uniform(r, 60, 200))
	switch x := r.Float64(); {
	case x < 0.2:
		t = e.at + Sec(r.ExpFloat64()*40)
	case x < 0.27:
		t = e.at + Sec(Uniform(r, 60, 420))
	}
	if Chance(r, 0.35) {
		t = a.signIn(t-Sec(Uniform(r, 20, 60)), user, e.page)
	}
	a.user = user
	t = a.get(t, e.page, 200, 22)
	for t < e.at {
		t = a.get(t+Sec(Uniform(r, 4, 30)), e.page, 200, 22)
	}
	t += think(r, 4)
	if w.s.examCode {
		for Chance(r, 0.07) {
			t = a.write(t, "POST", e.page+"/access", 403, 0.3, 20) + think(r, 6)
		}
		t = a.write(t, "POST", e.page+"/access", 302, 0.3, 0.3)
	}
	st := either(r, 0.03, 201, 409) // a double click: the attempt exists
	t = a.write(t+step(r), "POST", e.api+"/attempts", st, 0.2, 1.5)
	if st == 409 {
		t = a.get(t+step(r), e.api+"/attempts/self", 200, 1.2)
	}
	t = a.get(t+step(r), e.page+"/take?attempt="+att, 200, 120)
	return a.get(t+step(r), "/api/v2/quiz_attempts/"+att+"/questions?page=1", 200, 25)
}

// answer is the attempt's autosave every 20 to 60 s and the moves between
// question pages. A save from a stale tab is refused (409) and merged; a
// session that ran out mid-exam (401) signs back in; a save after the
// close is refused as locked (423) and the page says the attempt is over.
func (w *world) answer(a *actor, e *exam, att string, from, until int64) {
	r := a.r
	base := "/api/v2/quiz_attempts/" + att
	for t := from + think(r, 30); t < until; t += Sec(Uniform(r, 20, 60)) {
		if Chance(r, 0.25) {
			t = a.get(t, base+"/questions?page="+strconv.Itoa(1+r.IntN(8)), 200, 25) + think(r, 8)
		}
		st := 200
		switch {
		case t > e.end:
			st = 423
		case Chance(r, 0.015):
			st = 409
		case Chance(r, 0.008):
			st = 401
		}
		path := base + "/answers/" + strconv.Itoa(1+r.IntN(w.s.questions))
		body := LogUniform(r, 0.3, 6)
		t = a.write(t, "PUT", path, st, body, okKB(st, 0.4))
		switch st {
		case 409:
			t = a.get(t+step(r), base+"/answers", 200, 6)
			t = a.write(t+step(r), "PUT", path, 200, body, 0.4)
		case 401:
			t = a.resume(t, e.page+"/take?attempt="+att)
			t = a.write(t+step(r), "PUT", path, 200, body, 0.4)
		case 423:
			a.get(t+step(r), e.page+"/attempts/"+att+"/result", 200, 30)
			return
		}
	}
}

// proctor is the proctoring extension in the exam taker's browser: it
// opens a session, beats every 5 to 10 s and sends a webcam snapshot now
// and then, with its own user agent and the vendor's key.
func (w *world) proctor(a *actor, att string, from, until int64) {
	x := a.as(w.s.proctorUA, w.s.proctorKey)
	r := a.r
	ps := "/api/v2/proctor/sessions/" + Hex(r, 12)
	x.write(from-Sec(Uniform(r, 3, 30)), "POST", "/api/v2/proctor/sessions?attempt="+att, 201, 2, 1)
	every := Uniform(r, 5, 10)
	for t := from + Sec(Uniform(r, 0, every)); t < until; t += Sec(every * Uniform(r, 0.97, 1.03)) {
		x.write(t, "POST", ps+"/heartbeat", 204, 0.25, 0)
		if Chance(r, every/100) {
			x.write(t+Sec(0.3), "POST", ps+"/snapshots", 201, LogUniform(r, 40, 160), 0.2)
		}
	}
	x.write(until+Sec(Uniform(r, 0.5, 3)), "POST", ps+"/end", 204, 0.3, 0)
}

// submit hands the attempt in; some click twice (409), and one after the
// close finds it locked (423).
func (w *world) submit(a *actor, e *exam, att string, t int64) {
	r := a.r
	st := 200
	if t > e.end {
		st = 423
	}
	base := "/api/v2/quiz_attempts/" + att
	t = a.write(t, "POST", base+"/submit", st, 0.4, 2)
	if st == 200 && Chance(r, 0.04) {
		t = a.write(t+Sec(Uniform(r, 0.2, 1.5)), "POST", base+"/submit", 409, 0.4, 0.5)
	}
	a.get(t+step(r), e.page+"/attempts/"+att+"/result", 200, 30)
}

// examAttempt is an attempt id of the day, for those who read them.
func (w *world) examAttempt(r *rand.Rand) string {
	return strconv.Itoa(w.attempt0 + r.IntN(max(1, w.attempt-w.attempt0)))
}
