package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// The devices people trade from.
const (
	desktop = iota
	mobileWeb
	iosApp
	androidApp
)

var deviceNames = []string{"web", "mweb", "ios", "android"}

// browserUA returns a desktop or phone browser of this site's public.
func (s *site) browserUA(r *rand.Rand, phone bool) string {
	c := s.chrome[Weighted(r, []float64{0.6, 0.3, 0.1})]
	if phone {
		if Chance(r, 1-s.android) {
			v := Pick(r, []string{"18_1_1", "18_2", "17_6_1", "18_3"})
			return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%s Mobile/15E148 Safari/604.1", v, strings.ReplaceAll(v[:4], "_", "."))
		}
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36", c)
	}
	switch Weighted(r, []float64{0.5, 0.22, 0.12, 0.1, 0.06}) {
	case 0:
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", c)
	case 1:
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", c)
	case 2:
		return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"
	case 3:
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%d.0.0.0", c, c)
	}
	f := 132 + r.IntN(3)
	return fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", f, f)
}

// appUA returns the exchange's own phone app on iOS or Android.
func (s *site) appUA(r *rand.Rand, android bool) string {
	v := s.appVers[Weighted(r, s.appWeights)]
	build := strings.ReplaceAll(v, ".", "")
	if android {
		return fmt.Sprintf("%s/%s (Android %d; %s; build %s) okhttp/4.12.0", s.brand, v, 13+r.IntN(3), Pick(r, s.phones), build)
	}
	return fmt.Sprintf("%s/%s (com.%s.app; build:%s; iOS %s) Alamofire/5.9.1", s.brand, v, s.app, build, Pick(r, []string{"18.1.1", "18.2", "17.6.1", "18.3"}))
}

// deviceUA returns what a device of the kind says it is.
func (s *site) deviceUA(r *rand.Rand, device int) string {
	switch device {
	case desktop:
		return s.browserUA(r, false)
	case mobileWeb:
		return s.browserUA(r, true)
	}
	return s.appUA(r, device == androidApp)
}
