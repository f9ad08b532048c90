package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Address pools. Homes and many attackers share the residential ones, so
// an address prefix alone says nothing about intent.
var (
	ispEU     = []string{"2.", "31.", "37.", "77.", "79.", "82.", "84.", "86.", "87.", "88.", "90.", "92.", "94.", "95."}
	ispUS     = []string{"24.", "47.", "67.", "68.", "71.", "73.", "76.", "98.", "99.", "108.", "174."}
	ispAP     = []string{"1.", "14.", "27.", "49.", "58.", "110.", "118.", "121.", "124.", "180."}
	v6EU      = []string{"2a02:8108:", "2a02:908:", "2003:e1:", "2a01:cb00:", "2a02:a460:"}
	v6US      = []string{"2601:", "2600:1700:", "2603:7000:", "2605:a000:"}
	v6AP      = []string{"2406:3003:", "240d:1a:", "2400:4050:"}
	carrierV4 = []string{"172.56.", "172.58.", "107.77.", "174.205.", "109.40.", "80.187.", "176.6."}
	carrierV6 = []string{"2607:fb90:", "2600:380:", "2a01:598:", "2a02:3030:"}
	cloudV4   = []string{"3.", "18.", "52.", "54.", "34.", "35.", "20.", "40."}
	hostingV4 = []string{"45.", "91.", "193.", "194.", "141.98.", "185.220.", "162.247.", "103.", "5.188."}
)

// region is where a share of the fleet's homes are, which decides their
// providers and the local hour that drives how much people use the app.
type region struct {
	tz     int // hours from UTC
	v4, v6 []string
}

var regions = []region{{1, ispEU, v6EU}, {-4, ispUS, v6US}, {-7, ispUS, v6US}, {9, ispAP, v6AP}}

// appHour is how much people open the app at each local hour, relative to
// the evening peak.
var appHour = [24]float64{0.15, 0.08, 0.05, 0.04, 0.05, 0.15, 0.55, 0.9, 0.8, 0.6, 0.55, 0.6,
	0.65, 0.6, 0.6, 0.7, 0.85, 1, 1, 0.95, 0.9, 0.8, 0.55, 0.3}

// model is one product of the fleet and how its firmware talks to the
// cloud.
type product struct {
	code, family string
	// gen 2 is the old device API (/dv/v2, a device key in a header that
	// the gateway logs); gen 3 the current one (/device/v3, bearer tokens
	// whose subject the gateway logs as the user).
	gen      int
	battery  bool       // sleeps and wakes every few minutes
	cellular bool       // has its own LTE modem, behind the carrier's NAT
	v6       bool       // its network stack speaks IPv6
	stable6  bool       // forms its IPv6 address from the MAC, the same every day
	every    [2]float64 // seconds between reports
	body     float64    // median report size in bytes
	wait     float64    // long-poll wait in seconds (gen 3, mains powered)
	cmds     float64    // commands per hour sent to it
	clips    float64    // motion clips per hour at a busy hour; 0 for non-cameras
	part     float64    // clip upload part size in MB
	image    float64    // firmware image in MB
	chunk    float64    // firmware download range size in MB; 0 fetches it whole
	retry    float64    // fixed reconnect delay in s; 0 backs off exponentially
	cap      float64    // longest exponential back-off in s
	versions []string   // firmware versions, newest last
	agent    string     // user agent, with %s for the firmware version
}

var models = []*product{
	{code: "LT-300", family: "thermostat", gen: 3, v6: true, stable6: true, every: [2]float64{30, 60}, body: 310, wait: 55, cmds: 0.8,
		image: 2.4, cap: 64, versions: []string{"4.1.9", "4.2.1", "4.3.0"}, agent: "Lumio-Thermostat/%s (LT-300; ESP-IDF v5.1.2)"},
	{code: "LT-100", family: "thermostat", gen: 2, every: [2]float64{45, 60}, body: 240, cmds: 0.6,
		image: 0.8, retry: 10, versions: []string{"2.9.11", "2.9.14"}, agent: "lumio-lt100/%s"},
	{code: "LC-4K", family: "camera", gen: 3, v6: true, every: [2]float64{30, 60}, body: 520, wait: 55, cmds: 0.3, clips: 2.5, part: 5,
		image: 48, chunk: 8, cap: 120, versions: []string{"5.2.4", "5.3.0", "5.3.1"}, agent: "LumioCam/%s (LC-4K; Linux 5.10.120; armv7l) libcurl/7.88.1"},
	{code: "LC-MINI", family: "camera", gen: 3, v6: true, every: [2]float64{30, 45}, body: 430, wait: 55, cmds: 0.2, clips: 3, part: 2,
		image: 22, chunk: 4, cap: 60, versions: []string{"3.8.2", "3.9.0"}, agent: "LumioCam/%s (LC-MINI; Linux 4.19.91; mips)"},
	{code: "LB-2", family: "doorbell", gen: 3, v6: true, every: [2]float64{45, 60}, body: 480, wait: 55, cmds: 0.1, clips: 1.2, part: 4,
		image: 30, chunk: 6, cap: 90, versions: []string{"2.2.5", "2.2.8"}, agent: "LumioBell/%s (LB-2; Linux 5.4.61)"},
	{code: "LL-2", family: "lock", gen: 3, battery: true, v6: true, stable6: true, every: [2]float64{300, 900}, body: 260, cmds: 0.5,
		image: 0.6, cap: 30, versions: []string{"1.7.1", "1.7.3"}, agent: "LumioLock/%s (LL-2; Zephyr 3.5; nRF7002)"},
	{code: "LP-1", family: "plug", gen: 2, every: [2]float64{20, 40}, body: 180, cmds: 1.5,
		image: 0.9, retry: 5, versions: []string{"1.9.2", "1.9.4"}, agent: "ESP8266HTTPClient"},
	{code: "LP-2", family: "plug", gen: 3, v6: true, stable6: true, every: [2]float64{30, 60}, body: 210, wait: 55, cmds: 1.2,
		image: 1.6, cap: 32, versions: []string{"3.0.7", "3.1.0"}, agent: "Lumio-Plug/%s (LP-2; ESP-IDF v4.4.6)"},
	{code: "LH-3", family: "hub", gen: 3, v6: true, every: [2]float64{20, 40}, body: 900, wait: 110, cmds: 2,
		image: 64, chunk: 8, cap: 64, versions: []string{"5.9.2", "6.0.3"}, agent: "LumioHub/%s (LH-3; Linux 6.1; aarch64) Go-http-client/1.1"},
	{code: "LS-1", family: "sensor", gen: 3, battery: true, v6: true, stable6: true, every: [2]float64{300, 600}, body: 150,
		image: 0.4, cap: 30, versions: []string{"1.2.0"}, agent: "lumio-sense/%s (LS-1)"},
	{code: "LG-1", family: "gate", gen: 3, cellular: true, every: [2]float64{60, 120}, body: 280, wait: 55, cmds: 0.7,
		image: 3.5, cap: 120, versions: []string{"1.4.0", "1.4.2"}, agent: "LumioGate/%s (LG-1; LTE-M; Quectel BG95)"},
}

// chargerModel is the EV charger some days bring as a newcomer: a product
// no training day has seen, on a carrier no home uses.
var chargerModel = &product{code: "LE-1", family: "charger", gen: 3, cellular: true, every: [2]float64{5, 10}, body: 640, wait: 55,
	cmds: 3, image: 12, chunk: 4, cap: 60, versions: []string{"1.0.3"}, agent: "LumioCharge/%s (LE-1; LTE Cat-1bis)"}

func (m *product) newest() string { return m.versions[len(m.versions)-1] }

func (m *product) ua(fw string) string {
	if m.agent == "ESP8266HTTPClient" {
		return m.agent
	}
	return fmt.Sprintf(m.agent, fw)
}

// serialPrefix is how a model's serial numbers start: the model code
// without its dash.
func (m *product) serialPrefix() string { return strings.ReplaceAll(m.code, "-", "") }

// serial writes a serial number as printed on the box: model, production
// week and a running number, so serials of one batch are consecutive.
func serial(m *product, week, n int) string {
	return fmt.Sprintf("%s-%04d-%05d", m.serialPrefix(), week, n)
}

// serialWalk returns the serials that follow sn in its batch.
func serialWalk(sn string) func(i int) string {
	cut := len(sn) - 5
	n, _ := strconv.Atoi(sn[cut:])
	return func(i int) string { return fmt.Sprintf("%s%05d", sn[:cut], (n+i)%100000) }
}

var (
	iphones   = []string{"iPhone14,2", "iPhone14,5", "iPhone15,2", "iPhone15,3", "iPhone16,1", "iPhone16,2", "iPhone17,1", "iPhone17,3"}
	iosVers   = []string{"17.6.1", "18.2.1", "18.3", "18.3.1", "18.4"}
	androids  = []string{"SM-S921B", "SM-A546B", "Pixel 8", "Pixel 9 Pro", "CPH2581", "2312DRA50G", "SM-G991U"}
	appBuilds = []string{"7.14.0", "7.14.0", "7.14.0", "7.13.2", "7.13.2", "7.12.5", "7.9.0"}
)

// selfhostAgents are the home automation servers that poll the public API
// with a personal key.
var selfhostAgents = []string{
	"HomeAssistant/2027.3.1 aiohttp/3.11.16 Python/3.13",
	"HomeAssistant/2027.2.4 aiohttp/3.11.11 Python/3.13",
	"node-red-contrib-lumio/1.4.0 node/20.11.1",
	"homebridge-lumio/2.4.1 (node/22.3.0)",
	"python-requests/2.32.3",
}
