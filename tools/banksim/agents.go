package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// appUA returns the user agent of the bank's app on a phone, in the way
// the site's builds write it, and whether it is the iPhone app.
func (s *site) appUA(r *rand.Rand) (string, bool) {
	v := s.appVersions[Weighted(r, s.appWeights)]
	build := strings.ReplaceAll(v, ".", "") + fmt.Sprint(r.IntN(10))
	name := strings.ReplaceAll(s.bank, " ", "")
	if Chance(r, s.iosShare) {
		ios := Pick(r, iosVersions)
		switch s.appStyle {
		case 0:
			return fmt.Sprintf("%s/%s (%s; iOS %s; Scale/3.00)", name, v, Pick(r, iphones), ios), true
		case 1:
			return fmt.Sprintf("%s/%s CFNetwork/%s Darwin/%s", name, build, Pick(r, cfNetworks), Pick(r, darwins)), true
		}
		return fmt.Sprintf("%s-ios/%s (iOS %s)", s.slug, v, ios), true
	}
	and, model := 11+r.IntN(5), Pick(r, androidModels)
	switch s.appStyle {
	case 0:
		return fmt.Sprintf("%s/%s (Android %d; %s) okhttp/4.12.0", name, v, and, model), false
	case 1:
		if Chance(r, 0.5) {
			return "okhttp/4.12.0", false // the HTTP library's own
		}
		return fmt.Sprintf("Dalvik/2.1.0 (Linux; U; Android %d; %s Build/%s)", and, model, Pick(r, androidBuilds)), false
	}
	return fmt.Sprintf("%s-android/%s (Android %d; %s)", s.slug, v, and, model), false
}

// browser returns a desktop browser's user agent, or a phone's.
func browser(r *rand.Rand, phone bool) string {
	if phone {
		return Pick(r, phoneBrowserUAs)
	}
	return Pick(r, browserUAs)
}

var (
	browserUAs = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
		"Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
	}
	phoneBrowserUAs = []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.102 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
	}
	iphones       = []string{"iPhone16,2", "iPhone15,3", "iPhone14,5", "iPhone13,2", "iPhone17,1", "iPhone14,7", "iPhone12,8"}
	iosVersions   = []string{"18.1", "18.0.1", "18.1.1", "17.6.1", "17.5.1", "16.7.10"}
	cfNetworks    = []string{"1568.200.51", "1568.100.1", "1496.0.7", "1494.0.7"}
	darwins       = []string{"24.1.0", "24.0.0", "23.6.0", "23.5.0"}
	androidModels = []string{"SM-S918B", "SM-A546B", "Pixel 8", "Pixel 7a", "SM-G991B", "moto g84 5G", "CPH2581", "2312DRA50G", "SM-A156B"}
	androidBuilds = []string{"UP1A.231005.007", "AP2A.240905.003", "TP1A.220624.014", "UKQ1.231003.002", "AP3A.241005.015"}
)
