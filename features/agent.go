package features

import "bytes"

// SelfNamed reports whether a user agent names the software that sends the
// requests: a product token that is neither a browser's ("Mozilla/...",
// "Opera/...") nor a general-purpose HTTP library's or tool's (curl,
// python-requests, Go-http-client, okhttp, ...), such as
// "3PL-Hub-Webhooks/1.1" or "Stripe/1.0". Such a client is a service that
// answers for its name, as an API key is an integration that answers for
// its key: a partner's webhook sender or a monitor keeps a steady machine
// pace, which a browser, a native app on a person's device or a script
// built on a bare library, that anyone can run, is not accountable for. An empty user agent names nothing. The
// name is the client's own claim; a flood that borrows one still has to
// stay below what the rate and the other signals judge on their own.
func SelfNamed(ua []byte) bool {
	ua = bytes.TrimSpace(ua)
	if len(ua) == 0 || len(ua) == 1 && ua[0] == '-' {
		return false
	}
	// The first product token, up to '/', ' ' or ';', lower-cased.
	var tok [32]byte
	n := 0
	for _, c := range ua {
		if c == '/' || c == ' ' || c == ';' || c == '(' {
			break
		}
		if n == len(tok) {
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		tok[n] = c
		n++
	}
	if n == 0 {
		return false
	}
	name := tok[:n]
	for _, g := range genericAgents {
		// The name itself, or the name and a variant ("python-requests",
		// "Python-urllib"), not a longer word ("abacus" is not "ab").
		if bytes.HasPrefix(name, g) && (len(name) == len(g) || name[len(g)] == '-' || name[len(g)] == '_' || name[len(g)] == '.') {
			return false
		}
	}
	// A native app names itself too, but it runs on a person's phone,
	// computer or console, which its agent describes ("TixHub/5.2
	// (iPhone15,2; iOS 17.3)", "... CFNetwork/1494 Darwin/23.4.0", a game
	// client's "(Windows 10.0.22631; x64)" or "(PlayStation 5; 10.20)").
	for _, d := range deviceMarks {
		if containsFold(ua, d) {
			return false
		}
	}
	return true
}

// deviceMarks are lower-case fragments of the platform a person's device
// reports in a user agent.
var deviceMarks = [][]byte{
	[]byte("iphone"), []byte("ipad"), []byte("ipod"), []byte("ios "), []byte("ipados"), []byte("android"), []byte("cfnetwork"),
	[]byte("darwin/"), []byte("windows"), []byte("win64"), []byte("mac os"), []byte("macos"), []byte("macintosh"),
	[]byte("linux; u;"), []byte("x11"), []byte("cros "), []byte("steamos"), []byte("steam deck"),
	[]byte("playstation"), []byte("xbox"), []byte("nintendo"),
	[]byte("tvos"), []byte("watchos"), []byte("tizen"), []byte("webos"), []byte("smarttv"), []byte("smart-tv"), []byte("roku"), []byte("kaios"), []byte("harmonyos"),
}

// containsFold reports whether s contains the lower-case ASCII sub,
// ignoring the case of s, without allocating.
func containsFold(s, sub []byte) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for ; j < len(sub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// genericAgents are the first product tokens (lower-case prefixes) of
// browsers and of general-purpose HTTP libraries and tools: software
// anyone runs, which names no service.
var genericAgents = [][]byte{
	[]byte("mozilla"), []byte("opera"), []byte("safari"), []byte("chrome"),
	[]byte("curl"), []byte("wget"), []byte("libcurl"), []byte("httpie"),
	[]byte("python"), []byte("aiohttp"), []byte("httpx"), []byte("urllib"), []byte("urllib3"), []byte("requests"), []byte("scrapy"),
	[]byte("go-http-client"), []byte("fasthttp"), []byte("resty"),
	[]byte("okhttp"), []byte("java"), []byte("apache-httpclient"), []byte("jakarta"),
	[]byte("axios"), []byte("node-fetch"), []byte("node"), []byte("undici"), []byte("got"), []byte("superagent"),
	[]byte("ruby"), []byte("faraday"), []byte("typhoeus"),
	[]byte("php"), []byte("guzzlehttp"), []byte("libwww-perl"), []byte("lwp"), []byte("perl"),
	[]byte("dalvik"), []byte("dart"), []byte("reqwest"), []byte("hyper"), []byte("restsharp"), []byte("dotnet"), []byte("winhttp"),
	[]byte("postmanruntime"), []byte("insomnia"), []byte("powershell"),
	[]byte("masscan"), []byte("zgrab"), []byte("nmap"), []byte("nikto"), []byte("sqlmap"), []byte("nuclei"), []byte("gobuster"), []byte("ffuf"), []byte("wfuzz"), []byte("dirbuster"), []byte("hydra"),
	[]byte("wrk"), []byte("ab"), []byte("hey"), []byte("k6"), []byte("locust"), []byte("vegeta"), []byte("siege"), []byte("jmeter"),
	[]byte("-"), []byte("unknown"), []byte("test"),
}
