package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// browsers are the user agents of people on the web, the most common
// first as they are in a real log.
var browsers = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",
}

// browserWeights make Chrome on Windows the usual visitor.
var browserWeights = []float64{30, 12, 12, 9, 12, 8, 6, 6, 2, 3}

// browser draws one person's browser.
func browser(r *rand.Rand) string { return browsers[Weighted(r, browserWeights)] }

// appUA draws the site's app on a phone, in the versions still in use.
func (s site) appUA(r *rand.Rand) string {
	if Chance(r, 0.55) {
		return fmt.Sprintf("%s/%d.%d.%d (iPhone; iOS %s; Scale/3.00)", s.brand, 7, 10+r.IntN(4), r.IntN(3),
			Pick(r, []string{"17.5", "17.4.1", "16.7.8", "17.5.1"}))
	}
	return fmt.Sprintf("%s-Android/7.%d.%d (%s; Android %d) okhttp/4.12.0", s.brand, 9+r.IntN(5), r.IntN(4),
		Pick(r, []string{"SM-A546B", "Pixel 8", "SM-G991U", "moto g power", "CPH2451"}), 12+r.IntN(3))
}

// toolUAs are the scripts attackers and hobbyists run without pretending.
var toolUAs = []string{"python-requests/2.31.0", "Go-http-client/1.1", "curl/8.5.0", "okhttp/4.9.3",
	"Python/3.11 aiohttp/3.9.1", "axios/1.6.7", "Java/17.0.9", "node-fetch/1.0"}
