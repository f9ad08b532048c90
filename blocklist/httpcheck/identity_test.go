package httpcheck

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"
)

func TestRequestIdentityValidate(t *testing.T) {
	tests := []struct {
		name string
		id   RequestIdentity
		want string // a part of the error; empty for none
	}{
		{"addresses and prefixes are trusted proxies", RequestIdentity{TrustedProxies: []string{"10.0.0.1", "fd00::/8"}}, ""},
		{"a bad trusted proxy is named", RequestIdentity{TrustedProxies: []string{"10.0.0.0/33"}}, `"10.0.0.0/33"`},
		{"an unknown forwarding header lists the choices", RequestIdentity{Proxies: []TrustedProxy{{Addrs: []string{"10.0.0.1"}, ForwardedHeader: "x-client"}}},
			`forwarded_header "x-client": use x-forwarded-for, forwarded or x-real-ip`},
		{"a proxy without addresses is refused", RequestIdentity{Proxies: []TrustedProxy{{ForwardedHeader: "forwarded"}}}, "proxies[0]: no addrs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.id.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestIdentityClient(t *testing.T) {
	id, err := NewIdentity(RequestIdentity{
		TrustedProxies: []string{"10.0.0.0/8"},
		Proxies:        []TrustedProxy{{Addrs: []string{"10.9.0.1"}, ForwardedHeader: HeaderForwarded, RefuseConflicting: true}},
		APIKeyHeader:   "x-api-key",
		UserHeader:     "X-User",
	})
	if err != nil {
		t.Fatal(err)
	}
	req := func(remote string, h map[string]string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = remote
		for k, v := range h {
			r.Header.Set(k, v)
		}
		return r
	}
	tests := []struct {
		name     string
		r        *http.Request
		client   Client
		conflict bool
	}{
		{"an untrusted peer is the client, whatever it forwards", req("192.0.2.1:1", map[string]string{"X-Forwarded-For": "203.0.113.7"}),
			Client{IP: netip.MustParseAddr("192.0.2.1")}, false},
		{"a trusted_proxies peer names the client in X-Forwarded-For", req("10.0.0.1:1", map[string]string{"X-Forwarded-For": "203.0.113.7"}),
			Client{IP: netip.MustParseAddr("203.0.113.7")}, false},
		{"a trusted_proxies peer's Forwarded is not read", req("10.0.0.1:1", map[string]string{"Forwarded": "for=203.0.113.7"}),
			Client{IP: netip.MustParseAddr("10.0.0.1")}, false},
		{"a proxy's own header wins over its trusted_proxies prefix, and another header is a conflict",
			req("10.9.0.1:1", map[string]string{"Forwarded": "for=203.0.113.8", "X-Forwarded-For": "198.51.100.1"}),
			Client{IP: netip.MustParseAddr("203.0.113.8")}, true},
		{"the key is named by its id, the user as sent", req("192.0.2.1:1", map[string]string{"X-Api-Key": "s3cret", "X-User": "alice"}),
			Client{IP: netip.MustParseAddr("192.0.2.1"), APIKey: APIKeyID("s3cret"), User: "alice"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := id.Client(tt.r); got != tt.client {
				t.Errorf("client %+v; want %+v", got, tt.client)
			}
			if _, conflict := id.ClientIP(tt.r); conflict != tt.conflict {
				t.Errorf("conflict %v; want %v", conflict, tt.conflict)
			}
		})
	}
}

func TestAPIKeyID(t *testing.T) {
	if APIKeyID("") != "" {
		t.Error("no key has no id")
	}
	a, b := APIKeyID("pk_live_1"), APIKeyID("pk_live_2")
	if !regexp.MustCompile(`^key_[0-9a-f]{8}$`).MatchString(a) || a == b || strings.Contains(a, "pk_live") {
		t.Errorf("ids %q, %q: want key_ and 8 hex digits, one a key, none holding it", a, b)
	}
	if string(AppendAPIKeyID([]byte("x"), "pk_live_1")) != "x"+a {
		t.Error("AppendAPIKeyID does not append APIKeyID")
	}
}
