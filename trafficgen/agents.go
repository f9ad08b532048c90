package trafficgen

import (
	"math/rand/v2"
	"strconv"
)

// Browser user agents, weighted roughly by market share through repetition
// of the common ones.
var browserAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.2277.128",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:122.0) Gecko/20100101 Firefox/122.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:123.0) Gecko/20100101 Firefox/123.0",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
	"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/122.0.6261.89 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Android 14; Mobile; rv:123.0) Gecko/123.0 Firefox/123.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 OPR/107.0.0.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
}

// Scripting clients and HTTP libraries, used by developers' scripts and
// small integrations, and by many attack tools too.
var toolAgents = []string{
	"curl/8.5.0", "curl/7.81.0", "curl/8.4.0", "python-requests/2.31.0", "python-requests/2.28.2",
	"Python/3.11 aiohttp/3.9.3", "python-httpx/0.26.0", "Go-http-client/1.1", "Go-http-client/2.0",
	"PostmanRuntime/7.36.3", "axios/1.6.7", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
	"okhttp/4.12.0", "Apache-HttpClient/4.5.14 (Java/17.0.10)", "Java-http-client/17.0.10",
	"Ruby", "Faraday v2.9.0", "Wget/1.21.4", "insomnia/8.6.1", "PowerShell/7.4 (Microsoft Windows 10.0.22631)",
}

// Agents that only attack tools send.
var scannerAgents = []string{
	"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
	"Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)",
	"gobuster/3.6", "Fuzz Faster U Fool v2.1.0-dev", "Mozilla/5.0 zgrab/0.x", "masscan/1.3 (https://github.com/robertdavidgraham/masscan)",
	"Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)", "Expanse, a Palo Alto Networks company, searches across the global IPv4 space multiple times per day to identify customers' presences on the Internet.",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36",
	"l9explore/1.2.2", "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:34.0) Gecko/20100101 Firefox/34.0", "",
}

var injectionAgents = []string{
	"sqlmap/1.8.2#stable (https://sqlmap.org)", "sqlmap/1.7.11#stable (https://sqlmap.org)",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 (Burp Suite)",
	"python-requests/2.31.0", "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)", "Wfuzz/3.1.0",
}

var bruteAgents = []string{
	"Mozilla/4.0 (Hydra)", "python-requests/2.31.0", "Go-http-client/1.1", "curl/7.68.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.6261.94 Safari/537.36",
}

var scraperAgents = []string{
	"Scrapy/2.11.1 (+https://scrapy.org)", "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.6261.94 Safari/537.36",
	"Go-http-client/1.1", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "colly - https://github.com/gocolly/colly",
}

// crawler describes a search or SEO crawler: its agent and its network.
type crawler struct {
	name  string
	agent string
	ip    func(*rand.Rand) string
}

var crawlers = []crawler{
	{"googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", func(r *rand.Rand) string { return v4In(r, 66, 249, 64, 79) }},
	{"googlebot-smartphone", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", func(r *rand.Rand) string { return v4In(r, 66, 249, 64, 79) }},
	{"bingbot", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", func(r *rand.Rand) string {
		return pick(r, []func() string{func() string { return v4In(r, 157, 55, 39, 39) }, func() string { return v4In(r, 207, 46, 13, 13) }, func() string { return v4In(r, 40, 77, 167, 167) }})()
	}},
	{"yandexbot", "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", func(r *rand.Rand) string { return v4In(r, 5, 255, 231, 231) }},
	{"applebot", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", func(r *rand.Rand) string { return v4In(r, 17, 241, 200, 255) }},
	{"ahrefsbot", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", func(r *rand.Rand) string { return v4In(r, 54, 36, 148, 149) }},
	{"semrushbot", "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", func(r *rand.Rand) string { return v4In(r, 85, 208, 96, 98) }},
	{"duckduckbot", "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", func(r *rand.Rand) string { return v4In(r, 20, 191, 45, 45) }},
}

// monitor describes an uptime or load balancer health checker.
type monitor struct {
	agent string
	ip    func(*rand.Rand) string
}

var monitors = []monitor{
	{"kube-probe/1.29", func(r *rand.Rand) string { return v4From(r, blocksCloud) }},
	{"ELB-HealthChecker/2.0", func(r *rand.Rand) string { return v4From(r, []ipBlock{{3}, {18}, {52}, {54}}) }},
	{"Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", func(r *rand.Rand) string { return v4In(r, 216, 144, 248, 250) }},
	{"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", func(r *rand.Rand) string { return v4In(r, 178, 255, 152, 155) }},
	{"GoogleStackdriverMonitoring-UptimeChecks(https://cloud.google.com/monitoring)", func(r *rand.Rand) string { return v4From(r, []ipBlock{{35}, {34}}) }},
	{"Datadog/Synthetics", func(r *rand.Rand) string { return v4From(r, []ipBlock{{3}, {13}, {52}}) }},
	{"Mozilla/5.0 (compatible; StatusCake)", func(r *rand.Rand) string { return v4In(r, 37, 235, 48, 55) }},
	{"Blackbox Exporter/0.24.0", func(r *rand.Rand) string { return v4From(r, blocksCloud) }},
	{"Consul Health Check", func(r *rand.Rand) string { return v4From(r, blocksCloud) }},
}

// partnerAgent returns the agent of a partner integration.
func partnerAgent(r *rand.Rand, company string) string {
	switch r.IntN(6) {
	case 0:
		return "Apache-HttpClient/4.5.14 (Java/17.0.10)"
	case 1:
		return "Go-http-client/2.0"
	case 2:
		return "python-requests/2.31.0"
	case 3:
		return "okhttp/4.12.0"
	default:
		v := strconv.Itoa(1+r.IntN(5)) + "." + strconv.Itoa(r.IntN(20)) + "." + strconv.Itoa(r.IntN(10))
		return company + "-Integration/" + v + " (+https://" + lowerASCII(company) + ".example)"
	}
}

// mobileAgent returns the agent of a native app install.
func mobileAgent(r *rand.Rand, app, version string) string {
	if chance(r, 0.55) {
		ios := pick(r, []string{"17.3.1", "17.3", "17.2.1", "16.7.5", "17.4", "16.6.1"})
		dev := pick(r, []string{"iPhone14,5", "iPhone15,2", "iPhone15,4", "iPhone16,1", "iPhone13,2", "iPhone12,1", "iPad13,18"})
		return app + "/" + version + " (" + dev + "; iOS " + ios + "; Scale/3.00)"
	}
	and := pick(r, []string{"14", "13", "12", "11", "10"})
	dev := pick(r, []string{"Pixel 7", "SM-S911B", "SM-A536B", "Redmi Note 12", "SM-G991B", "moto g(60)", "CPH2409", "Pixel 6a", "M2101K6G"})
	return app + "/" + version + " (Android " + and + "; " + dev + ") okhttp/4.12.0"
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
