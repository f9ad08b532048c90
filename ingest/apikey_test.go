package ingest

import (
	"bytes"
	"testing"

	"github.com/portcullis/portcullis/decision/apikey"
)

// TestProxyLogsGiveTheKeyID checks that a key a proxy logged reaches the
// Record as its id, the one the gateway and the decision service check a
// presented key by, and nowhere as itself; and that the forms that log an
// id already (the canonical JSON, a mapping's api_key_id) keep it.
func TestProxyLogsGiveTheKeyID(t *testing.T) {
	const key = "sk_live_4f9a2c7e1b"
	id := apikey.ID(key)
	nginx, err := NewNginxParser(`$remote_addr [$time_iso8601] "$request" $status "$http_x_api_key"`)
	if err != nil {
		t.Fatal(err)
	}
	nginxJSON, err := NewNginxParser(`{"time":"$time_iso8601","remote_addr":"$remote_addr","request":"$request","status":$status,"key":"$http_x_api_key"}`)
	if err != nil {
		t.Fatal(err)
	}
	mapped, err := NewFieldMapParser(map[string]string{"ts": "t", "client_ip": "ip", "api_key": "h.key"})
	if err != nil {
		t.Fatal(err)
	}
	mappedID, err := NewFieldMapParser(map[string]string{"ts": "t", "client_ip": "ip", "api_key_id": "key_id"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		parse func([]byte, *Record) error
		line  string
		want  string
	}{
		{"nginx's $http_x_api_key gives the id", nginx.Parse,
			`203.0.113.7 [2026-03-02T09:00:00+00:00] "GET /a HTTP/1.1" 200 "` + key + `"`, id},
		{"nginx's $http_x_api_key, absent (-), gives none", nginx.Parse,
			`203.0.113.7 [2026-03-02T09:00:00+00:00] "GET /a HTTP/1.1" 200 "-"`, ""},
		{"nginx's escape=json form gives the id", nginxJSON.Parse,
			`{"time":"2026-03-02T09:00:00+00:00","remote_addr":"203.0.113.7","request":"GET /a HTTP/1.1","status":200,"key":"` + key + `"}`, id},
		{"Caddy's X-Api-Key request header gives the id", new(CaddyParser).Parse,
			`{"ts":1772442000.5,"request":{"remote_ip":"203.0.113.7","method":"GET","uri":"/a","headers":{"X-Api-Key":["` + key + `"]}},"status":200}`, id},
		{"Traefik's request_X-Api-Key gives the id", new(TraefikParser).Parse,
			`{"StartUTC":"2026-03-02T09:00:00Z","ClientHost":"203.0.113.7","RequestMethod":"GET","RequestPath":"/a","DownstreamStatus":200,"request_X-Api-Key":"` + key + `"}`, id},
		{"Envoy's JSON api_key gives the id", new(EnvoyJSONParser).Parse,
			`{"start_time":"2026-03-02T09:00:00.000Z","downstream_remote_address":"203.0.113.7:5555","method":"GET","path":"/a","response_code":200,"api_key":"` + key + `"}`, id},
		{"Envoy's JSON api_key, absent (-), gives none", new(EnvoyJSONParser).Parse,
			`{"start_time":"2026-03-02T09:00:00.000Z","downstream_remote_address":"203.0.113.7:5555","method":"GET","path":"/a","response_code":200,"api_key":"-"}`, ""},
		{"a field mapping's api_key gives the id", mapped.Parse,
			`{"t":"2026-03-02T09:00:00Z","ip":"203.0.113.7","h":{"key":"` + key + `"}}`, id},
		{"a field mapping's api_key_id is kept as logged", mappedID.Parse,
			`{"t":"2026-03-02T09:00:00Z","ip":"203.0.113.7","key_id":"` + id + `"}`, id},
		{"the canonical JSON's api_key, the id the gateway logs, is kept", new(JSONParser).Parse,
			`{"ts":"2026-03-02T09:00:00Z","client_ip":"203.0.113.7","method":"GET","path":"/a","status":200,"api_key":"` + id + `"}`, id},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec Record
			line := []byte(tt.line)
			if err := tt.parse(line, &rec); err != nil {
				t.Fatal(err)
			}
			if string(rec.APIKey) != tt.want {
				t.Errorf("APIKey %q; want %q", rec.APIKey, tt.want)
			}
			for _, f := range [][]byte{rec.ClientIP, rec.Method, rec.Path, rec.UserAgent, rec.APIKey, rec.User} {
				if bytes.Contains(f, []byte(key)) {
					t.Errorf("the key itself is in the Record: %q", f)
				}
			}
			if allocs := testing.AllocsPerRun(100, func() { tt.parse(line, &rec) }); allocs > 0 {
				t.Errorf("%v allocations a line; want none", allocs)
			}
		})
	}
}
