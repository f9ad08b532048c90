package gateway

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestNormalizePath(t *testing.T) {
	tests := []struct {
		name, target string
		want         string // the escaped path after; "" when refused
		reason       string
	}{
		{"a normal path is kept", "/api/items/1", "/api/items/1", ""},
		{"the root is kept", "/", "/", ""},
		{"a trailing slash is kept", "/api/items/", "/api/items/", ""},
		{"a . segment is removed", "/api/./items/1", "/api/items/1", ""},
		{"a final . segment leaves a trailing slash", "/api/items/.", "/api/items/", ""},
		{"runs of slashes are merged", "//api///items//1", "/api/items/1", ""},
		{"trailing slashes are merged", "/api/items//", "/api/items/", ""},
		{"a .. segment removes the one before", "/api/x/../items/1", "/api/items/1", ""},
		{"a .. at the root stays at the root", "/../api", "/api", ""},
		{"an encoded . segment is removed", "/api/%2e/items/%2E/1", "/api/items/1", ""},
		{"an encoded .. segment removes the one before", "/api/x/%2e%2E/items", "/api/items", ""},
		{"encoded unreserved characters are decoded", "/%61%70%69/%69tems/%7E%2D%5F%2E%31", "/api/items/~-_.1", ""},
		{"other escapes are written in upper case", "/api/caf%c3%a9/a%20b", "/api/caf%C3%A9/a%20b", ""},
		{"a reserved character stays encoded", "/api/a%3Bb/%3F", "/api/a%3Bb/%3F", ""},
		{"parameters are kept", "/api/items;v=1/1", "/api/items;v=1/1", ""},
		{"an encoded slash is refused", "/api%2Fitems/1", "", reasonEncodedSlash},
		{"an encoded slash in lower case is refused", "/api%2fitems/1", "", reasonEncodedSlash},
		{"an encoded backslash is refused", "/api%5Citems/1", "", reasonEncodedSlash},
		{"a raw backslash is refused", "/api\\items/1", "", reasonBackslash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.ParseRequestURI(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			before := *u
			reason := normalizePath(u)
			if reason != tt.reason {
				t.Fatalf("reason %q; want %q", reason, tt.reason)
			}
			if reason != "" {
				if *u != before {
					t.Errorf("a refused path was changed to %q", u.EscapedPath())
				}
				return
			}
			if got := u.EscapedPath(); got != tt.want {
				t.Errorf("path %q; want %q", got, tt.want)
			}
			if p, _ := url.PathUnescape(tt.want); u.Path != p {
				t.Errorf("decoded path %q; want %q", u.Path, p)
			}
		})
	}
}

func TestMatchPrefix(t *testing.T) {
	tests := []struct {
		path, prefix string
		want         bool
	}{
		{"/api/items", "/api/items", true},
		{"/api/items/1", "/api/items", true},
		{"/api/itemsx", "/api/items", false},
		{"/API/items", "/api/items", false},
		{"/api/Items/1", "/api/items", false},
		{"/api/items;v=1/1", "/api/items", true},
		{"/api;v=1/items/1", "/api/items", true},
		{"/api/items%20/1", "/api/items", false}, // escaped, not decoded: see the decoded form below
		{"/api/items /1", "/api/items", true},
		{"/api/items;x", "/api/items", true},
		{"/api/items;x", "/api/", true},
		{"/api;x", "/api/", false},
		{"/api/items", "/api/", true},
		{"/api", "/api/", false},
		{"/anything", "/", true},
	}
	for _, tt := range tests {
		if got := matchPrefix(tt.path, tt.prefix); got != tt.want {
			t.Errorf("matchPrefix(%q, %q) = %v; want %v", tt.path, tt.prefix, got, tt.want)
		}
	}
}

// exampleRoutes returns the routes of deploy/gateway.example.yaml, with
// its commented route examples turned on and without their auth, so that
// a request reaches the upstream of the route it matched.
func exampleRoutes(t testing.TB) []Route {
	t.Helper()
	b, err := os.ReadFile("../deploy/gateway.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config    `yaml:",inline"`
		Blocklist yaml.Node `yaml:"blocklist"`
		Kafka     yaml.Node `yaml:"kafka"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(bytes.ReplaceAll(b, []byte("#~ "), nil)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Routes) < 4 {
		t.Fatalf("the example has %d routes; the commented ones did not turn on", len(doc.Routes))
	}
	for i := range doc.Routes {
		r := &doc.Routes[i]
		r.Auth, r.APIKeyQuery, r.ForwardCredentials = "", false, false
		r.RateLimit = RateLimit{}
	}
	return doc.Routes
}

// pathVariant is a spelling of a route's path and what must become of it.
type pathVariant struct {
	what   string
	target string
	// outcome: "same" (the route of the canonical path serves it, and its
	// upstream sees forward), "refused" (400 with reason) or "elsewhere"
	// (never the route of the canonical path).
	outcome string
	forward string
	reason  string
}

// pathVariants spells the canonical path p (segments of letters and
// digits) the ways a client may to reach it past a route.
func pathVariants(p string) []pathVariant {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	join := func(sep string, f func(i int, s string) string) string {
		out := make([]string, len(segs))
		for i, s := range segs {
			out[i] = f(i, s)
		}
		return "/" + strings.Join(out, sep)
	}
	same := func(_ int, s string) string { return s }
	encode := func(s string) string {
		var b strings.Builder
		for j := 0; j < len(s); j++ {
			b.WriteString("%" + hex2(s[j]))
		}
		return b.String()
	}
	first := func(f func(s string) string) string {
		return join("/", func(i int, s string) string {
			if i == 0 {
				return f(s)
			}
			return s
		})
	}
	return []pathVariant{
		{"as it is", p, "same", p, ""},
		{"with . segments", "/." + join("/./", same), "same", p, ""},
		{"with merged slashes", "/" + join("//", same), "same", p, ""},
		{"with encoded . segments", join("/%2e/", same), "same", p, ""},
		{"with upper-case encoded . segments", join("/%2E/", same), "same", p, ""},
		{"with a final . segment", p + "/.", "same", p + "/", ""},
		{"with every letter encoded", join("/", func(_ int, s string) string { return encode(s) }), "same", p, ""},
		{"with every letter encoded in lower case", join("/", func(_ int, s string) string { return strings.ToLower(encode(s)) }), "same", p, ""},
		{"with a parameter on the first segment", first(func(s string) string { return s + ";v=1" }), "same", strings.Replace(p, segs[0], segs[0]+";v=1", 1), ""},
		{"with a space after the first segment", first(func(s string) string { return s + "%20" }), "same", strings.Replace(p, segs[0], segs[0]+"%20", 1), ""},
		{"with a .. segment", "/" + segs[0] + "/x/.." + strings.TrimPrefix(p, "/"+segs[0]), "refused", "", reasonPathTraversal},
		{"with an encoded slash", join("%2F", same), "refused", "", reasonEncodedSlash},
		{"with an encoded slash in lower case", join("%2f", same), "refused", "", reasonEncodedSlash},
		{"with an encoded backslash", join("%5C", same), "refused", "", reasonEncodedSlash},
		{"with backslashes", join("\\", same), "refused", "", reasonBackslash},
		{"in upper case", strings.ToUpper(p), "elsewhere", "", ""},
		{"with the first segment capitalised", first(func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }), "elsewhere", "", ""},
	}
}

func hex2(c byte) string { return string([]byte{upperHex[c>>4], upperHex[c&15]}) }

// TestPathVariantsReachTheirRoute walks every spelling of pathVariants for
// a path under every route of the example config, through a listening
// gateway: each reaches the route its normal form reaches, with the normal
// form sent upstream, or is refused, or reaches no route that the normal
// form would.
func TestPathVariantsReachTheirRoute(t *testing.T) {
	noLeaks(t)
	routes := exampleRoutes(t)
	ups := map[string]*upstream{}
	for i := range routes {
		r := &routes[i]
		up := newUpstream(t, r.Name, nil)
		ups[r.Name] = up
		r.Upstreams = []string{up.URL}
	}
	lg := serveGateway(t, Config{Routes: routes}, nil)
	for _, r := range routes {
		method := "GET"
		if len(r.Methods) > 0 {
			method = r.Methods[0]
		}
		canonical := strings.TrimSuffix(r.PathPrefix, "/") + "/x1/42"
		for _, v := range pathVariants(canonical) {
			t.Run(r.Name+" "+v.what, func(t *testing.T) {
				up := ups[r.Name]
				seen := len(up.seenAll())
				resps := rawExchange(t, lg.addr, method+" "+v.target+"?q=1 HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n", 1)
				if len(resps) != 1 {
					t.Fatalf("%s: no response", v.target)
				}
				resp := resps[0]
				body, _ := io.ReadAll(resp.Body)
				switch v.outcome {
				case "same":
					if resp.StatusCode != 200 || !strings.HasPrefix(string(body), r.Name+" ") {
						t.Fatalf("%s: %d %q; want route %s", v.target, resp.StatusCode, body, r.Name)
					}
					if got, want := up.last().URL.RequestURI(), v.forward+"?q=1"; got != want {
						t.Errorf("%s: the upstream saw %q; want %q", v.target, got, want)
					}
				case "refused":
					want := `{"error":"bad request","reason":"` + v.reason + `"}`
					if resp.StatusCode != 400 || strings.TrimSpace(string(body)) != want {
						t.Errorf("%s: %d %q; want 400 %s", v.target, resp.StatusCode, body, want)
					}
					if len(up.seenAll()) != seen {
						t.Errorf("%s: the upstream saw a refused request", v.target)
					}
				case "elsewhere":
					if len(up.seenAll()) != seen {
						t.Errorf("%s: reached route %s, whose prefix differs in case", v.target, r.Name)
					}
				}
			})
		}
	}
	if n := lg.metric(t, "portcullis_gateway_invalid_requests_total", "reason", reasonEncodedSlash); n == 0 {
		t.Error("encoded slashes were not counted")
	}
}

// TestProtectedRouteIsNotBypassedByPathSpelling is the reproduction of the
// report: /api/./items/1 reached the open /api/ route instead of the JWT
// route /api/items.
func TestProtectedRouteIsNotBypassedByPathSpelling(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	p := newIDP(t)
	cfg := authConfig(t, up.URL, p)
	cfg.Routes = append(cfg.Routes, Route{Name: "api", PathPrefix: "/api/", Upstreams: []string{up.URL}})
	tg, _, _ := startAuthGateway(t, cfg, nil)
	for _, target := range []string{"/api/items/1", "/api/./items/1", "/api//items/1", "/api/%69tems/1", "//api/items/1", "/api/items;x=1/1"} {
		resps := rawExchange(t, tg.srv.Listener.Addr().String(), "GET "+target+" HTTP/1.1\r\nHost: gw\r\nX-User: alice\r\n\r\n", 1)
		if len(resps) != 1 || resps[0].StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %v; want 401 from the JWT route", target, resps)
		}
	}
}

// FuzzNormalizePath checks the normal form on any path: normalising is
// idempotent, the result has no empty, "." or ".." segment, no backslash
// and no encoded slash, and it reaches the same routes the second time.
func FuzzNormalizePath(f *testing.F) {
	for _, r := range exampleRoutes(f) {
		for _, v := range pathVariants(strings.TrimSuffix(r.PathPrefix, "/") + "/x1/42") {
			f.Add(v.target)
		}
	}
	f.Add("/a/b/../../../c/./d//")
	f.Add("/%2e%2E/%2e./.%2e")
	f.Fuzz(func(t *testing.T, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || strings.ContainsAny(target, "?#") {
			return
		}
		if normalizePath(u) != "" {
			return
		}
		p := u.EscapedPath()
		if !strings.HasPrefix(target, "/") {
			return
		}
		if strings.Contains(p, "//") || strings.Contains(p, "\\") || strings.Contains(strings.ToUpper(p), "%2F") || strings.Contains(strings.ToUpper(p), "%5C") {
			t.Fatalf("%q normalised to %q", target, p)
		}
		for _, s := range strings.Split(u.Path, "/") {
			if s == "." || s == ".." {
				t.Fatalf("%q normalised to %q, with a dot segment", target, p)
			}
		}
		again := *u
		if reason := normalizePath(&again); reason != "" || again.EscapedPath() != p || again.Path != u.Path {
			t.Fatalf("%q normalised to %q, then to %q (%s)", target, p, again.EscapedPath(), reason)
		}
	})
}
