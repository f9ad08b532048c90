package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var desktopUAs = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0",
	"Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:126.0) Gecko/20100101 Firefox/126.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
	"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
}

var phoneUAs = []string{
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.80 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Android 14; Mobile; rv:126.0) Gecko/126.0 Firefox/126.0",
	"Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
}

// inAppUAs are the browsers inside chat and social apps, where links to
// a viral thread get opened.
var inAppUAs = []string{
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 331.0.2.24.92 (iPhone15,3; iOS 17_5; en_US; en; scale=3.00; 1290x2796; 600000000)",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/466.0.0.38.107;FBBV/601234567;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]",
	"Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.53 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/465.0.0.44.109;]",
	"Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.179 Mobile Safari/537.36 Telegram-Android/10.12.0",
}

// An app is a client program that speaks to the API with its own client
// key: the official apps and the third-party ones members prefer.
type app struct {
	key string
	ua  func(r *rand.Rand) string
}

var apps = []app{
	{"hearth-ios-7f3a", func(r *rand.Rand) string {
		return fmt.Sprintf("Hearth/6.%d.%d (iPhone%d,%d; iOS 17.%d; Scale/3.00)", 3+r.IntN(2), r.IntN(5), 13+r.IntN(4), 1+r.IntN(4), 3+r.IntN(3))
	}},
	{"hearth-android-21c9", func(r *rand.Rand) string {
		return fmt.Sprintf("Hearth/6.%d.%d (Android %d; %s) okhttp/4.12.0", 3+r.IntN(2), r.IntN(5), 12+r.IntN(3), Pick(r, []string{"Pixel 8", "Pixel 7a", "SM-S918B", "SM-A546B", "moto g54", "2201116SG", "CPH2581"}))
	}},
	{"ember-3d0b2c", func(r *rand.Rand) string {
		return fmt.Sprintf("Ember for Hearth/3.%d.%d (Android %d)", 10+r.IntN(3), r.IntN(9), 12+r.IntN(3))
	}},
	{"kindling-88ef01", func(r *rand.Rand) string {
		return fmt.Sprintf("Kindling/2.%d.1 CFNetwork/1496.0.7 Darwin/23.5.0", 6+r.IntN(3))
	}},
}

// appWeights are how many of the site's app users use each app.
var appWeights = []float64{0.45, 0.35, 0.12, 0.08}

// toolUAs are what scripts and attack tools send when they do not pose as
// a browser.
var toolUAs = []string{
	"python-requests/2.31.0", "python-requests/2.32.3", "Go-http-client/1.1", "Go-http-client/2.0", "curl/8.5.0", "curl/7.88.1",
	"axios/1.6.8", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "aiohttp/3.9.5", "okhttp/4.9.3", "Wget/1.21.4",
	"Mozilla/5.0", "Java/17.0.10", "PostmanRuntime/7.39.0",
}
