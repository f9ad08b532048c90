package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// browser draws a desktop or phone browser's user agent.
func browser(r *rand.Rand) string {
	chrome := fmt.Sprintf("%d.0.%d.%d", 118+r.IntN(8), 5900+r.IntN(500), r.IntN(200))
	switch Weighted(r, []float64{34, 10, 8, 7, 18, 14, 5, 4}) {
	case 0:
		return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + " Safari/537.36"
	case 1:
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Safari/605.1.15", r.IntN(5))
	case 2:
		v := 119 + r.IntN(7)
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0", v, v)
	case 3:
		return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + " Safari/537.36 Edg/" + chrome
	case 4:
		return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Mobile/15E148 Safari/604.1", r.IntN(5), r.IntN(5))
	case 5:
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %d; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Mobile Safari/537.36", 12+r.IntN(3), chrome)
	case 6:
		return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + " Safari/537.36"
	}
	return "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + " Safari/537.36"
}

// Server SDK languages the platform publishes, and what a customer that
// skips the SDK sends instead.
var (
	languages = []string{"python", "node", "java", "go", "ruby", "php", "dotnet"}
	rawAgents = []string{"python-requests/2.31.0", "python-requests/2.28.2", "Go-http-client/2.0", "Go-http-client/1.1", "axios/1.6.7", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "okhttp/4.12.0", "Apache-HttpClient/4.5.14 (Java/17.0.9)", "Java-http-client/17.0.10", "GuzzleHttp/7", "Faraday v2.9.0", "curl/7.81.0", "aiohttp/3.9.3"}
	devTools  = []string{"curl/8.4.0", "curl/8.5.0", "curl/7.88.1", "PostmanRuntime/7.36.3", "PostmanRuntime/7.37.0", "insomnia/8.6.1", "HTTPie/3.2.2", "Thunder Client (https://www.thunderclient.com)", "Bruno/v1.10.0"}
)

// runtimes is what each server SDK says of the runtime it runs on.
var runtimes = map[string]string{"python": "(CPython 3.11.8; Linux x86_64)", "node": "node/v20.11.1 linux-x64", "java": "(Java 17.0.10; Linux amd64)",
	"go": "go1.22.2 linux/amd64", "ruby": "ruby/3.3.0 x86_64-linux", "php": "PHP/8.2.17", "dotnet": ".NET/8.0.3 (Linux)"}

// sdk is a server SDK's user agent, "meridian-python/3.2.1 (CPython...)".
func sdk(brand, lang, ver string) string {
	return brand + "-" + lang + "/" + ver + " " + runtimes[lang]
}

// version draws an SDK release.
func version(r *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d", 2+r.IntN(3), r.IntN(12), r.IntN(9))
}

// phones are the devices app users hold.
var (
	iPhones  = []string{"iPhone14,5", "iPhone14,7", "iPhone15,2", "iPhone15,3", "iPhone15,4", "iPhone16,1", "iPhone16,2", "iPhone13,2", "iPad13,18"}
	androids = []string{"Pixel 7", "Pixel 8", "Pixel 6a", "SM-S911B", "SM-A546E", "SM-G991U", "moto g power (2023)", "M2101K6G", "CPH2451", "RMX3630"}
)

// mobileSDK is the user agent of the platform's mobile SDK inside an app.
func mobileSDK(r *rand.Rand, brand, app, appVer string, ios bool, sdkVer string) string {
	title := strings.ToUpper(brand[:1]) + brand[1:]
	if ios {
		return fmt.Sprintf("%sMaps-iOS/%s (%s/%s; %s; iOS 17.%d.%d)", title, sdkVer, app, appVer, Pick(r, iPhones), r.IntN(5), r.IntN(3))
	}
	return fmt.Sprintf("%sMaps-Android/%s (%s/%s; %s; Android %d) okhttp/4.12.0", title, sdkVer, app, appVer, Pick(r, androids), 12+r.IntN(3))
}
