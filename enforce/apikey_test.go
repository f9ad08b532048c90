package enforce

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision/apikey"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/proxytest"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// TestKeyDecisionFromANginxLog follows an API key from nginx's access
// log to a refusal at nginx: the log holds the key itself
// ($http_x_api_key), the parser gives its id, a decision scoped to the
// key names the id, and enforce refuses a request that presents the key,
// from any address, while the key itself is stored nowhere.
func TestKeyDecisionFromANginxLog(t *testing.T) {
	const format = `$remote_addr [$time_iso8601] "$request" $status "$http_x_api_key"`
	const key = "sk_live_nginx_7c1e"
	srv := redistest.StartServer(t)
	cfg := exampleConfig(t, "nginx", srv.Addr())
	s := startService(t, cfg)
	app := backend(t)
	var logPath string
	p := proxytest.StartNginx(t, func(dir string, port int) string {
		logPath = filepath.Join(dir, "keys.log")
		httpConf := proxytest.Replace(t, "portcullis-http.conf", readExample(t, "nginx/portcullis-http.conf"),
			"127.0.0.1:9180", s.Addr().String())
		site := proxytest.Replace(t, "site.conf", readExample(t, "nginx/site.conf"),
			"listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;\n    access_log %s keys;", port, logPath),
			"/etc/nginx/portcullis/", dir+"/",
			"127.0.0.1:3000", app)
		writeFile(t, dir+"/portcullis-http.conf", httpConf)
		writeFile(t, dir+"/portcullis-server.conf", readExample(t, "nginx/portcullis-server.conf"))
		return proxytest.NginxSite(dir, "log_format keys '"+format+"';\ninclude "+dir+"/portcullis-http.conf;\n"+site)
	})
	withKey := map[string]string{"X-API-Key": key}
	if resp, _ := get(t, clientFrom(t, "127.0.0.9"), p.URL()+"/api/items", withKey); resp.StatusCode != 200 {
		t.Fatalf("before any decision: %d; want 200", resp.StatusCode)
	}

	var line string
	testwait.Until(t, 5*time.Second, "nginx's access log line", func() bool {
		b, _ := os.ReadFile(logPath)
		line = strings.TrimSpace(string(b))
		return line != ""
	})
	if !strings.Contains(line, key) {
		t.Fatalf("the log line %q lacks the key; the test's log_format is not what nginx wrote", line)
	}
	parser, err := ingest.NewNginxParser(format)
	if err != nil {
		t.Fatal(err)
	}
	var rec ingest.Record
	if err := parser.Parse([]byte(line), &rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.APIKey) != apikey.ID(key) {
		t.Fatalf("parsed API key %q; want the key's id %q", rec.APIKey, apikey.ID(key))
	}
	// The detector names a client as its identity says: by key here.
	client, scope := ingest.IdentityAPIKey.Key(nil, &rec)
	d := block(string(client), scope, 600)
	store := storeFor(t, cfg)
	out := applyOne(t, store, d)

	other := clientFrom(t, "127.0.0.10")
	var resp *http.Response
	testwait.Eventually(t, 5*time.Second, "the key's refusal", func() (bool, string) {
		resp, _ = get(t, other, p.URL()+"/api/items", withKey)
		return resp.StatusCode == http.StatusForbidden, resp.Status
	})
	if got, want := resp.Header.Get(DefaultDecisionHeader), DecisionID(apikey.ID(key), out.Expires); got != want {
		t.Errorf("decision header %q; want %q, the key decision's", got, want)
	}
	if resp, _ := get(t, other, p.URL()+"/api/items", nil); resp.StatusCode != 200 {
		t.Errorf("the same address without the key: %d; want 200", resp.StatusCode)
	}
	snap, err := store.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	names, err := store.Client().Keys(t.Context(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if dump := fmt.Sprintf("%+v %q", snap, names); strings.Contains(dump, key) {
		t.Errorf("the blocklist holds the key itself: %s", dump)
	}
}
