package main

import (
	"net/url"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// How a person uses the app this morning.
const (
	idle   = iota // a tab left open in the background
	worker        // moving tasks, commenting, searching
	writer        // writing a document
	lead          // boards, exports, invitations, settings
)

// styleGap is the median pause in seconds between two things a person of
// each style does, and styleMix how likely each activity is.
var (
	styleGap = []float64{420, 35, 45, 40}
	styleMix = [][]float64{
		//  board task  read  edit  search inbox attach export invite hooks mytasks
		{0.2, 0.2, 0.1, 0, 0.05, 0.4, 0, 0, 0, 0, 0.05},
		{0.18, 0.35, 0.08, 0.04, 0.12, 0.1, 0.05, 0.01, 0.005, 0.002, 0.07},
		{0.05, 0.1, 0.2, 0.45, 0.1, 0.05, 0.04, 0.005, 0, 0, 0.01},
		{0.3, 0.18, 0.08, 0.04, 0.08, 0.1, 0.03, 0.07, 0.05, 0.02, 0.05},
	}
)

// work is a person using the app until until: between pauses one of the
// activities of its style.
func (d *dev) work(style int, until int64) {
	until = min(until, d.w.win)
	acts := []func(){d.board, d.task, func() { d.readDoc() }, d.editDoc, d.search, d.inbox, d.attach, d.export, d.invite, d.hooks, d.myTasks}
	if style == writer {
		d.editDoc() // what the person came for
	}
	for {
		d.think(styleGap[style])
		if d.t >= until {
			return
		}
		acts[Weighted(d.r, styleMix[style])]()
	}
}

// project draws one of the workspace's projects.
func (d *dev) project() string { return itoa(Pick(d.r, d.ten.projects)) }

// taskID draws a task: recent ones far more often.
func (d *dev) taskID() string {
	w := d.w
	return itoa(w.tasks - int(LogUniform(d.r, 1, float64(w.tasks-w.s.taskBase))))
}

// ws is the id of the device's workspace.
func (d *dev) ws() string { return itoa(d.ten.id) }

// board opens a project's board or list, and now and then its details.
func (d *dev) board() {
	p := d.project()
	d.read("/api/v2/projects/"+p+"/tasks?view=board&limit=200", "ProjectBoard", `{"projectId":"`+p+`","view":"BOARD"}`, 45, 120)
	if Chance(d.r, 0.3) {
		d.pause(0.05, 0.3)
		d.get("/api/v2/projects/"+p, 200, 3, 30)
	}
	if Chance(d.r, 0.2) {
		d.think(15)
		d.read("/api/v2/projects/"+p+"/tasks?view=list&sort=-updated&limit=50", "ProjectBoard", `{"projectId":"`+p+`","view":"LIST"}`, 30, 90)
	}
}

// task opens a task with its comments and attachment thumbnails, and
// often changes it: a status or assignee, a comment with a mention, a
// subtask.
func (d *dev) task() {
	r := d.r
	id := d.taskID()
	if Chance(r, 0.01) {
		d.get("/api/v2/tasks/"+id, 404, 0.2, 15) // a stale link to a deleted task
		return
	}
	d.read("/api/v2/tasks/"+id, "TaskDetail", `{"id":"`+id+`"}`, 6, 45)
	d.pause(0.05, 0.3)
	d.get("/api/v2/tasks/"+id+"/comments?limit=50", 200, 8, 40)
	for range Weighted(r, []float64{0.6, 0.2, 0.15, 0.05}) {
		d.pause(0.02, 0.2)
		d.get("/api/v2/files/"+itoa(d.w.files-r.IntN(2000000))+"/thumbnail?w=320", 200, 22, 20)
	}
	switch x := r.Float64(); {
	case x < 0.3:
		d.think(8)
		d.patch("/api/v2/tasks/"+id, 200, 90, 5, 60)
	case x < 0.5:
		d.think(25)
		if Chance(r, 0.5) {
			for _, q := range []string{"m", "ma", "mar"}[:1+r.IntN(3)] {
				d.get("/api/v2/workspaces/"+d.ws()+"/members?q="+q+"&limit=8", 200, 1.5, 25)
				d.pause(0.15, 0.4)
			}
		}
		if d.kind == mobile {
			d.mutate("AddComment", 600, 2, 70)
		} else {
			d.post("/api/v2/tasks/"+id+"/comments", 201, 600, 2, 70)
		}
	case x < 0.56:
		d.think(20)
		d.post("/api/v2/projects/"+d.project()+"/tasks", 201, 400, 5, 90)
		d.w.tasks++
	}
}

// readDoc opens a document with its comments.
func (d *dev) readDoc() int {
	doc := Pick(d.r, d.ten.docs)
	id := itoa(doc)
	d.read("/api/v2/docs/"+id, "DocPage", `{"id":"`+id+`"}`, 60, 90)
	d.pause(0.05, 0.4)
	d.get("/api/v2/docs/"+id+"/comments", 200, 4, 35)
	if Chance(d.r, 0.1) {
		d.think(20)
		d.get("/api/v2/docs/"+id+"/revisions?limit=20", 200, 6, 60)
	}
	return doc
}

// editDoc writes in a document for a few minutes: while the person types
// the editor saves every few seconds, stops when they pause, now and then
// finds a co-editor's change first (409) and merges it; the other editors
// see a presence beat every 20 to 30 seconds.
func (d *dev) editDoc() {
	r := d.r
	doc := d.readDoc()
	id := itoa(doc)
	end := d.t + Sec(LogNormal(r, 180, 0.7))
	d.w.presence(d, doc, d.t, end)
	rev := 1000 + r.IntN(90000)
	every := Uniform(r, 3, 8)
	for d.t < end && d.t < d.w.win {
		burst := d.t + Sec(Uniform(r, 10, 45))
		for d.t < burst {
			d.t += Sec(every * Uniform(r, 0.7, 1.4))
			st := d.patch("/api/v2/docs/"+id+"?rev="+itoa(rev), 200, 900, 0.4, 45)
			if st == 200 && Chance(r, 0.008) {
				d.pause(0.1, 0.5)
				d.patch("/api/v2/docs/"+id+"?rev="+itoa(rev), 409, 900, 0.3, 30)
				d.pause(0.05, 0.2)
				d.get("/api/v2/docs/"+id+"?since_rev="+itoa(rev), 200, 2, 30)
			}
			rev++
			if Chance(r, 0.01) {
				d.pause(0.5, 3)
				d.upload(LogNormal(r, 0.8, 0.8)) // a pasted screenshot
			}
		}
		d.pause(5, 90)
	}
}

// search is the search box: it suggests as the person types (each
// keystroke the debounce lets through is a request), then, on Enter,
// the full results; often a result is opened.
func (d *dev) search() {
	r := d.r
	q := Pick(r, searchTerms)
	if Chance(r, 0.3) {
		q = Pick(r, searchTerms) + " " + Pick(r, []string{"2025", "q4", "draft", "v2", "final", "notes", "eu"})
	}
	ws := d.ws()
	for i := 2; i <= len(q); i++ {
		d.pause(0.11, 0.35)
		if i < len(q) && (q[i-1] == ' ' || !Chance(r, 0.45)) {
			continue
		}
		status := 200
		if i < len(q) && Chance(r, 0.04) {
			status = 499 // superseded by the next keystroke
		}
		d.get("/api/v2/search/suggest?q="+url.QueryEscape(q[:i])+"&ws="+ws, status, 1.8, 35)
	}
	if Chance(r, 0.55) {
		d.pause(0.3, 1.5)
		d.read("/api/v2/search?q="+url.QueryEscape(q)+"&ws="+ws+"&types=task,doc,file", "SearchEverything", `{"q":"`+q+`"}`, 18, 160)
	}
	if Chance(r, 0.6) {
		d.think(4)
		if Chance(r, 0.6) {
			d.task()
		} else {
			d.readDoc()
		}
	}
}

// inbox reads the notifications and marks them read.
func (d *dev) inbox() {
	d.read("/api/v2/notifications?limit=30", "Inbox", `{"first":30}`, 12, 50)
	if Chance(d.r, 0.4) {
		d.think(6)
		d.send("POST", "/api/v2/notifications/read", 204, 40, 0, 20)
	}
}

// myTasks lists the person's tasks due this week.
func (d *dev) myTasks() {
	d.read("/api/v2/me/tasks?due=this_week&limit=50", "MyTasks", `{"due":"THIS_WEEK"}`, 15, 70)
}

// attach adds a file to a task, or downloads one: documents and
// screenshots of a few MB, and from a design team now and then a video.
func (d *dev) attach() {
	r := d.r
	if Chance(r, 0.4) {
		d.get("/api/v2/files/"+itoa(d.w.files-r.IntN(2000000))+"/download", 302, 0.3, 30)
		return
	}
	if d.ten.design && Chance(r, 0.35) && d.kind != mobile {
		d.video(Uniform(r, 50, 100))
		return
	}
	d.upload(LogNormal(r, 1.8, 0.9))
}

// upload sends one file of mb megabytes in one request, at the upstream
// bandwidth of an office or home line.
func (d *dev) upload(mb float64) {
	size := int64(mb*(1<<20)) + 300
	bw := LogUniform(d.r, 1, 20) // MB a second
	d.w.files++
	d.record("POST", "/api/v2/files?task="+d.taskID()+"&name=file."+Pick(d.r, []string{"png", "pdf", "jpg", "docx", "xlsx", "png"}), 201, size, kb(d.r, 0.8), 80+1000*mb/bw)
}

// video uploads a large file in parts: start, one part after the other
// (a failed part is sent again), complete.
func (d *dev) video(mb float64) {
	r, s := d.r, d.w.s
	size := int64(mb * (1 << 20))
	d.post("/api/v2/uploads", 201, 300, 0.5, 60)
	up := Hex(r, 12)
	bw := LogUniform(r, 2, 25)
	for n, sent := 1, int64(0); sent < size; n++ {
		part := min(s.partSize, size-sent)
		path := "/api/v2/uploads/" + up + "/parts/" + itoa(n)
		ms := 1000 * float64(part) / (1 << 20) / bw
		for try := 0; try < 4 && d.record("PUT", path, 200, part, 160, ms) >= 500; try++ {
			d.pause(1, 4)
		}
		d.t += Sec(d.ms/1000) + Sec(Uniform(r, 0.02, 0.2))
		sent += part
	}
	d.post("/api/v2/uploads/"+up+"/complete", 200, 900, 1.2, 350)
	d.w.files++
}

// export asks for a CSV or PDF export of a project, polls until it is
// ready and downloads it.
func (d *dev) export() {
	r, w := d.r, d.w
	format := Pick(r, []string{"csv", "csv", "pdf", "xlsx"})
	d.post("/api/v2/projects/"+d.project()+"/exports", 202, 60, 0.3, 90)
	w.exports++
	id := itoa(w.exports)
	polls := 2 + r.IntN(5)
	if format == "pdf" {
		polls += 3 + r.IntN(6)
	}
	for range polls {
		d.pause(1.5, 3)
		d.get("/api/v2/exports/"+id, 200, 0.2, 15)
	}
	d.pause(0.2, 1)
	if Chance(r, 0.6) {
		d.get("/api/v2/exports/"+id+"/download", 302, 0.3, 20)
	} else {
		d.send("GET", "/api/v2/exports/"+id+"/download", 200, 0, int64(LogUniform(r, 40e3, 5e6)), 400)
	}
}

// invite looks at the members and invites a few colleagues by email,
// sometimes after a mistyped address is refused.
func (d *dev) invite() {
	ws := d.ws()
	d.get("/api/v2/workspaces/"+ws+"/members?limit=100", 200, 12, 60)
	d.think(30)
	if Chance(d.r, 0.1) {
		d.post("/api/v2/workspaces/"+ws+"/invitations", 422, 120, 0.3, 40)
		d.think(10)
	}
	d.post("/api/v2/workspaces/"+ws+"/invitations", 201, 90+60*float64(1+d.r.IntN(5)), 1, 180)
}

// hooks is an admin configuring an outgoing webhook and sending it a
// test delivery, which their own endpoint does not always take.
func (d *dev) hooks() {
	ws := d.ws()
	d.get("/api/v2/workspaces/"+ws+"/webhooks", 200, 2, 30)
	d.think(40)
	d.post("/api/v2/workspaces/"+ws+"/webhooks", 201, 350, 0.6, 60)
	d.pause(1, 5)
	hook := itoa(50000 + d.r.IntN(40000))
	d.post("/api/v2/webhooks/"+hook+"/test", Pick(d.r, []int{200, 200, 200, 502}), 20, 0.4, 900)
}

var searchTerms = func() []string {
	out := strings.Split("roadmap,onboarding checklist,invoice template,design review,sprint planning,release notes,"+
		"bug login,okr,budget,customer feedback,hiring plan,brand guidelines,retro,offsite,security review,"+
		"api docs,pricing page,q3 report,meeting notes,migration plan,incident postmortem,launch", ",")
	for i := range 40 {
		out = append(out, "task "+strconv.Itoa(100+i*37))
	}
	return out
}()
