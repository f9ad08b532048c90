package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Device classes, in the order of site.devices.
const (
	classTV = iota
	classConsole
	classPhone
	classTablet
	classWeb
	classStick
)

// platform is a device family the service ships an app or a player for.
// Its app calls the API with one user agent; its media stack often fetches
// manifests and segments with another.
type platform struct {
	name   string
	class  int
	drm    string // widevine, fairplay or playready
	dash   bool   // DASH player with separate audio segments; HLS otherwise
	vers   []string
	models []string
	app    string // user agent template of the API calls: {B} brand, {V} version, {M} model
	player string // user agent template of the media requests; "" is the app's
}

var platforms = []platform{
	{name: "tizen", class: classTV, drm: "playready", dash: true, vers: []string{"7.4.2", "7.4.1", "7.3.0"}, models: []string{"7.0", "6.5", "6.0"},
		app: "Mozilla/5.0 (SMART-TV; LINUX; Tizen {M}) AppleWebKit/537.36 (KHTML, like Gecko) 94.0.4606.31/{M} TV Safari/537.36 {B}/{V}"},
	{name: "webos", class: classTV, drm: "playready", vers: []string{"5.12.0", "5.11.3", "5.10.1"}, models: []string{"87.0.4280.88", "79.0.3945.79", "68.0.3440.106"},
		app: "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{M} Safari/537.36 WebAppManager {B}/{V}"},
	{name: "androidtv", class: classTV, drm: "widevine", dash: true, vers: []string{"7.41.0", "7.40.2", "7.38.1"}, models: []string{"BRAVIA 4K VH2", "55PUS8808/12", "TCL 55C835", "MiTV-MSSP2"},
		app: "{B}/{V} (Linux;Android 12; {M}) ExoPlayerLib/2.19.1"},
	{name: "ps5", class: classConsole, drm: "playready", vers: []string{"3.8.0", "3.7.2"}, models: []string{"7.40", "7.20", "8.00"},
		app: "Mozilla/5.0 (PlayStation; PlayStation 5/{M}) AppleWebKit/605.1.15 (KHTML, like Gecko) {B}/{V}"},
	{name: "xbox", class: classConsole, drm: "playready", dash: true, vers: []string{"24.1.3", "24.1.1", "23.12.9"}, models: []string{"Xbox Series X", "Xbox Series S", "Xbox One"},
		app: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; {M}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91 {B}/{V}"},
	{name: "ios", class: classPhone, drm: "fairplay", vers: []string{"7.41.0", "7.41.1", "7.40.0", "7.38.2"}, models: []string{"iPhone15,3|17.3.1|21D61", "iPhone14,5|17.2.1|21C66", "iPhone16,1|17.3|21D50", "iPhone13,2|16.7.5|20H307"},
		app:    "{B}/{V} (iPhone; iOS {M2}; {M1}) CFNetwork/1490.0.4 Darwin/23.2.0",
		player: "AppleCoreMedia/1.0.0.{M3} (iPhone; U; CPU OS {M2u} like Mac OS X; {L})"},
	{name: "android", class: classPhone, drm: "widevine", dash: true, vers: []string{"7.41.0", "7.40.2", "7.39.0", "7.36.4"}, models: []string{"SM-S918B", "Pixel 8", "SM-A546B", "moto g54 5G", "2201117TY", "CPH2451"},
		app:    "{B}/{V} (Android 14; {M}; build 7410)",
		player: "{B}/{V} (Linux;Android 14) ExoPlayerLib/2.19.1"},
	{name: "ipad", class: classTablet, drm: "fairplay", vers: []string{"7.41.0", "7.40.0"}, models: []string{"iPad13,18|17.3.1|21D61", "iPad14,1|17.2|21C62"},
		app:    "{B}/{V} (iPad; iPadOS {M2}; {M1}) CFNetwork/1490.0.4 Darwin/23.2.0",
		player: "AppleCoreMedia/1.0.0.{M3} (iPad; U; CPU OS {M2u} like Mac OS X; {L})"},
	{name: "firetablet", class: classTablet, drm: "widevine", vers: []string{"7.40.2", "7.38.1"}, models: []string{"KFTRWI", "KFRAWI"},
		app: "{B}/{V} (Linux;Android 11; {M}) ExoPlayerLib/2.18.7"},
	{name: "chrome", class: classWeb, drm: "widevine", dash: true, vers: []string{"web-2024.02.1"}, models: []string{"Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64"},
		app: "Mozilla/5.0 ({M}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36"},
	{name: "edge", class: classWeb, drm: "playready", dash: true, vers: []string{"web-2024.02.1"}, models: []string{"Windows NT 10.0; Win64; x64"},
		app: "Mozilla/5.0 ({M}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.2277.98"},
	{name: "firefox", class: classWeb, drm: "widevine", dash: true, vers: []string{"web-2024.02.1"}, models: []string{"Windows NT 10.0; Win64; x64; rv:122.0", "X11; Ubuntu; Linux x86_64; rv:122.0"},
		app: "Mozilla/5.0 ({M}) Gecko/20100101 Firefox/122.0"},
	{name: "safari", class: classWeb, drm: "fairplay", vers: []string{"web-2024.02.1"}, models: []string{"Macintosh; Intel Mac OS X 10_15_7"},
		app: "Mozilla/5.0 ({M}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15"},
	{name: "roku", class: classStick, drm: "playready", vers: []string{"12.5.0", "13.0.0"}, models: []string{"4127-C4", "4175-04", "4112-41"},
		app: "Roku/DVP-{V} ({V}.{M})"},
	{name: "firetv", class: classStick, drm: "widevine", dash: true, vers: []string{"7.40.2", "7.39.0"}, models: []string{"AFTKA", "AFTMM", "AFTSSS"},
		app: "{B}/{V} (Linux;Android 9; {M}) ExoPlayerLib/2.18.7"},
	{name: "googletv", class: classStick, drm: "widevine", dash: true, vers: []string{"7.41.0", "7.40.2"}, models: []string{"Chromecast HD", "Chromecast"},
		app: "{B}/{V} (Linux;Android 12; {M}) ExoPlayerLib/2.19.1 CrKey/1.56.500000"},
	{name: "appletv", class: classStick, drm: "fairplay", vers: []string{"7.41.0", "7.40.0"}, models: []string{"AppleTV14,1|17.3|21K365", "AppleTV11,1|17.2|21K79"},
		app:    "{B}/{V} (AppleTV; tvOS {M2}; {M1}) CFNetwork/1490.0.4 Darwin/23.2.0",
		player: "AppleCoreMedia/1.0.0.{M3} (Apple TV; U; CPU OS {M2u} like Mac OS X; {L})"},
}

// pickPlatform draws a device of class.
func pickPlatform(r *rand.Rand, class int) *platform {
	var in []*platform
	for i := range platforms {
		if platforms[i].class == class {
			in = append(in, &platforms[i])
		}
	}
	return Pick(r, in)
}

// userAgents fills a platform's templates for one device: its model, its
// app version and the viewer's language.
func (p *platform) userAgents(r *rand.Rand, brand, version, lang string) (app, player string) {
	m := Pick(r, p.models)
	parts := strings.Split(m, "|")
	fill := func(tpl string) string {
		rep := []string{"{B}", brand, "{V}", version, "{L}", lang + "_" + strings.ToLower(lang)}
		if len(parts) == 3 {
			rep = append(rep, "{M1}", parts[0], "{M2}", parts[1], "{M3}", parts[2], "{M2u}", strings.ReplaceAll(parts[1], ".", "_"))
		} else {
			rep = append(rep, "{M}", m)
		}
		return strings.NewReplacer(rep...).Replace(tpl)
	}
	app = fill(p.app)
	player = app
	if p.player != "" {
		player = fill(p.player)
	}
	return app, player
}

// version draws the app version a device runs: mostly the newest, a tail
// of older ones. On a day the service rolls out an app update to a
// platform, some devices already run a version no earlier day has seen.
func (p *platform) version(r *rand.Rand, rollout string, share float64) string {
	if rollout != "" && Chance(r, share) {
		return rollout
	}
	return p.vers[min(len(p.vers)-1, int(float64(len(p.vers))*r.Float64()*r.Float64()))]
}

// rollout is the version of a platform's update released on day seed.
func (p *platform) rollout(seed uint64) string {
	var major, minor int
	fmt.Sscanf(p.vers[0], "%d.%d", &major, &minor)
	return fmt.Sprintf("%d.%d.%d", major, minor+1+int(seed%40), seed%7)
}

// browserUAs are what people and attackers who copy them send: current
// browsers on the common systems.
var browserUAs = func() []string {
	const blink = " AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36"
	const webkit = " AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3"
	win, mac := "Mozilla/5.0 (Windows NT 10.0; Win64; x64", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7"
	return []string{
		win + ")" + blink, mac + ")" + blink, win + ")" + blink + " Edg/121.0.2277.98",
		win + "; rv:122.0) Gecko/20100101 Firefox/122.0", mac + ")" + webkit + " Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X)" + webkit + " Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.143 Mobile Safari/537.36",
	}
}()

// toolUAs are scripts and scanners that do not pretend.
var toolUAs = strings.Split("python-requests/2.31.0|Go-http-client/1.1|curl/8.5.0|okhttp/4.12.0|axios/1.6.7|Python-urllib/3.11|"+
	"Java/17.0.9|node-fetch/1.0 (+https://github.com/bitinn/node-fetch)|libwww-perl/6.72|Wget/1.21.4", "|")
