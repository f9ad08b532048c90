package enforce

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/internal/yamlconf"
)

// identityOf is the httpcheck.Identity of a service whose client config
// trusts 10.0.0.0/8 and fd00::/8, with ip_header ipHeader.
func identityOf(t testing.TB, ipHeader string) *httpcheck.Identity {
	t.Helper()
	cfg := Config{Client: ClientConfig{
		RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"10.0.0.0/8", "fd00::/8"}},
		IPHeader:        ipHeader,
	}}.WithDefaults()
	id, err := httpcheck.NewIdentity(cfg.Client.Identity())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name      string
		peer      string
		realIP    bool
		xff       []string
		realValue string
		want      string
	}{
		{"an untrusted peer is the client, whatever it claims", "192.0.2.1", false, []string{"203.0.113.7"}, "", "192.0.2.1"},
		{"an untrusted peer is the client with X-Real-IP too", "192.0.2.1", true, nil, "203.0.113.7", "192.0.2.1"},
		{"a trusted peer's X-Forwarded-For names the client", "10.0.0.1", false, []string{"203.0.113.7"}, "", "203.0.113.7"},
		{"the walk skips trusted hops from the right", "10.0.0.1", false, []string{"192.0.2.9, 203.0.113.7, 10.1.2.3"}, "", "203.0.113.7"},
		{"the walk reads the last header line first", "10.0.0.1", false, []string{"192.0.2.9", "203.0.113.7"}, "", "203.0.113.7"},
		{"the walk crosses header lines through trusted hops", "10.0.0.1", false, []string{"203.0.113.7", "10.0.0.2"}, "", "203.0.113.7"},
		{"hops may carry ports, IPv6 in brackets", "10.0.0.1", false, []string{"[2001:db8::7]:4711"}, "", "2001:db8::7"},
		{"an IPv4-mapped IPv6 hop is its IPv4 address", "10.0.0.1", false, []string{"::ffff:203.0.113.7"}, "", "203.0.113.7"},
		{"an unreadable hop leaves the last trusted hop", "10.0.0.1", false, []string{"203.0.113.7, unknown, 10.0.0.2"}, "", "10.0.0.2"},
		{"no header leaves the trusted peer", "10.0.0.1", false, nil, "", "10.0.0.1"},
		{"a trusted peer's X-Real-IP names the client", "fd00::1", true, nil, " 203.0.113.7 ", "203.0.113.7"},
		{"an unreadable X-Real-IP leaves the trusted peer", "10.0.0.1", true, nil, "203.0.113.7, 192.0.2.1", "10.0.0.1"},
		{"with ip_header X-Real-IP, X-Forwarded-For is ignored", "10.0.0.1", true, []string{"203.0.113.7"}, "", "10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ipHeader := ""
			if tt.realIP {
				ipHeader = "x-real-ip"
			}
			id := identityOf(t, ipHeader)
			h := http.Header{}
			for _, v := range tt.xff {
				h.Add("X-Forwarded-For", v)
			}
			if tt.realValue != "" {
				h.Set("X-Real-Ip", tt.realValue)
			}
			got := id.ClientFrom(netip.MustParseAddr(tt.peer), h).IP
			if got != netip.MustParseAddr(tt.want) {
				t.Errorf("client %v; want %v", got, tt.want)
			}
			r := httptest.NewRequest(http.MethodGet, "/check", nil)
			r.RemoteAddr = netip.AddrPortFrom(netip.MustParseAddr(tt.peer), 40000).String()
			r.Header = h
			if got := id.Client(r).IP; got != netip.MustParseAddr(tt.want) {
				t.Errorf("client of the HTTP request %v; want %v", got, tt.want)
			}
		})
	}
}

// FuzzClientIP checks that the client a question names is the peer or an
// address written in the header, never anything else, and that an
// untrusted peer is always its own client.
func FuzzClientIP(f *testing.F) {
	for _, seed := range []string{"203.0.113.7", "192.0.2.9, 203.0.113.7, 10.1.2.3", "[2001:db8::7]:4711", "unknown", ",,", " , 10.0.0.2", "::ffff:10.0.0.1"} {
		f.Add("10.0.0.1", seed)
		f.Add("192.0.2.1", seed)
	}
	id := identityOf(f, "")
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	f.Fuzz(func(t *testing.T, peer, xff string) {
		p, err := netip.ParseAddr(peer)
		if err != nil {
			return
		}
		p = p.Unmap().WithZone("")
		got := id.ClientFrom(p, http.Header{"X-Forwarded-For": {xff}}).IP
		if got == p {
			return
		}
		if !slices.ContainsFunc(trusted, func(pr netip.Prefix) bool { return pr.Contains(p) }) {
			t.Fatalf("untrusted peer %v named %v", p, got)
		}
		for _, hop := range strings.Split(xff, ",") {
			if hostAddr(strings.TrimSpace(hop)) == got {
				return
			}
		}
		t.Fatalf("client %v is neither the peer %v nor in %q", got, p, xff)
	})
}

// hostAddr reads an address with or without a port, IPv6 in brackets or
// not, as a forwarding header's hop.
func hostAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}

func TestConfigValidate(t *testing.T) {
	good := func() Config {
		c := testConfig("127.0.0.1:6379")
		return c
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // in the error; empty for none
	}{
		{"the test config is valid", func(*Config) {}, ""},
		{"a fail mode must be chosen", func(c *Config) { c.Blocklist.FailMode = "" }, "blocklist.fail_mode"},
		{"no trusted proxy is an error", func(c *Config) { c.Client.TrustedProxies = nil }, "client.trusted_proxies"},
		{"only X-Forwarded-For or X-Real-IP name the client", func(c *Config) { c.Client.IPHeader = "Forwarded" }, "client.ip_header"},
		{"a trusted proxy is an address or a prefix", func(c *Config) { c.Client.TrustedProxies = []string{"nginx"} }, `"nginx" is neither an address nor a CIDR prefix`},
		{"a bare address is a trusted proxy", func(c *Config) { c.Client.TrustedProxies = []string{"127.0.0.1"} }, ""},
		{"proxies alone name the trusted proxies", func(c *Config) {
			c.Client.TrustedProxies = nil
			c.Client.Proxies = []httpcheck.TrustedProxy{{Addrs: []string{"127.0.0.1"}, ForwardedHeader: "forwarded"}}
		}, ""},
		{"x-real-ip is X-Real-IP", func(c *Config) { c.Client.IPHeader = "x-real-ip" }, ""},
		{"only 403 or 429 refuse", func(c *Config) { c.Refuse.Status = 401 }, "refuse.status"},
		{"a route needs a path", func(c *Config) { c.Routes = []Route{{PathPrefix: "login", FailMode: "open"}} }, "routes[0].path_prefix"},
		{"a route needs a fail mode", func(c *Config) { c.Routes = []Route{{PathPrefix: "/login"}} }, "routes[0].fail_mode"},
		{"a listener is host:port", func(c *Config) { c.Listen = "9180" }, "listen"},
		{"redis needs an address", func(c *Config) { c.Blocklist.Redis.Addrs = nil }, "addrs is empty"},
		{"probe_interval must be below max_staleness", func(c *Config) {
			c.Blocklist.MaxStaleness, c.Blocklist.ProbeInterval = time.Second, 2*time.Second
		}, "probe_interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.change(&c)
			err := c.WithDefaults().Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v; want one naming %q", err, tt.want)
			}
		})
	}
}

// TestConfigYAMLBeforeTheSharedIdentity checks that a client block written
// before it was the gateway's identity config still loads and names the
// same clients: trusted_proxies as prefixes, ip_header X-Real-IP.
func TestConfigYAMLBeforeTheSharedIdentity(t *testing.T) {
	doc := `
client:
  trusted_proxies: [10.0.0.0/8, "fd00::/8"]
  ip_header: X-Real-IP
  api_key_header: X-API-Key
  user_header: ""
  uri_header: X-Forwarded-Uri
blocklist:
  redis: {addrs: [127.0.0.1:6379]}
  fail_mode: open
`
	var cfg Config
	if err := yamlconf.Decode("enforce.yaml", []byte(doc), &cfg); err != nil {
		t.Fatal(err)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	id, err := httpcheck.NewIdentity(cfg.Client.Identity())
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"X-Real-Ip": {"203.0.113.7"}, "X-Forwarded-For": {"192.0.2.1"}, "X-Api-Key": {"sk_1"}}
	got := id.ClientFrom(netip.MustParseAddr("10.0.0.1"), h)
	if want := (httpcheck.Client{IP: netip.MustParseAddr("203.0.113.7"), APIKey: httpcheck.APIKeyID("sk_1")}); got != want {
		t.Errorf("client %+v; want %+v", got, want)
	}
	if err := yamlconf.Decode("enforce.yaml", []byte("client: {trusted_proxy: [127.0.0.1]}\n"), &cfg); err == nil {
		t.Error("a misspelt client key loads")
	}
}
