package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// browsers build the user agents of students' browsers in mid-2027,
// given Chrome's major version; the first four are Chromium on desktops,
// where the proctoring extension runs.
var browsers = []func(r *rand.Rand, v int) string{
	func(r *rand.Rand, v int) string {
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", v)
	},
	func(r *rand.Rand, v int) string {
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%d.0.%d.%d", v, v, 2900+r.IntN(200), r.IntN(120))
	},
	func(r *rand.Rand, v int) string {
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", v)
	},
	func(r *rand.Rand, v int) string { // the university's loan Chromebooks
		return fmt.Sprintf("Mozilla/5.0 (X11; CrOS x86_64 %d.%d.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", 16700+r.IntN(400), r.IntN(90), v)
	},
	func(r *rand.Rand, v int) string {
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0", v, v)
	},
	func(r *rand.Rand, v int) string {
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/27.%d Safari/605.1.15", r.IntN(4))
	},
	func(r *rand.Rand, v int) string {
		return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 27_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/27.%d Mobile/15E148 Safari/604.1", r.IntN(4), r.IntN(4))
	},
	func(r *rand.Rand, v int) string {
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36", 14+r.IntN(3), v)
	},
}

var browserShare = []float64{30, 9, 14, 7, 9, 10, 12, 9}

// browserUA is a student's browser.
func browserUA(r *rand.Rand) string {
	return browsers[Weighted(r, browserShare)](r, 162+r.IntN(5))
}

// examUA is a browser the proctoring extension runs in.
func examUA(r *rand.Rand) string {
	return browsers[Weighted(r, browserShare[:4])](r, 162+r.IntN(5))
}

// calendarUAs are the calendar apps that subscribe to feed URLs.
var calendarUAs = []string{
	"iOS/27.1 (24B83) dataaccessd/1.0",
	"iOS/27.0.1 (24A341) dataaccessd/1.0",
	"macOS/17.1 (25B74) CalendarAgent/1021",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Thunderbird/140.3.0",
	"DAVx5/4.5.2-ose (2027/05/11; dav4jvm; okhttp/4.12.0) Android/15",
	"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.19127; Pro)",
	"Fantastical/3.9 (iPhone; iOS 27.1)",
}

// previewers are the link-preview fetchers of chat apps, with where they
// fetch from.
var previewers = [][]string{
	{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "3.90.", "54.89."},
	{"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "35.227.", "34.75."},
	{"WhatsApp/2.24.21.85 A", "157.240.", "31.13."},
	{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "69.171.", "173.252."},
	{"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com", "52.112.", "52.114."},
	{"TelegramBot (like TwitterBot)", "149.154.", "91.108."},
}
