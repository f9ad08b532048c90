package enforce

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extauthzv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_authz/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"go.yaml.in/yaml/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/challenge"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// checkRequest is the question Envoy asks about a request from source
// with headers (lower-case names, as Envoy sends them) to path.
func checkRequest(source string, path string, headers map[string]string) *authv3.CheckRequest {
	return &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
		Source: &authv3.AttributeContext_Peer{Address: &corev3.Address{Address: &corev3.Address_SocketAddress{
			SocketAddress: &corev3.SocketAddress{Address: source, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 40000}},
		}}},
		Request: &authv3.AttributeContext_Request{Http: &authv3.AttributeContext_HttpRequest{
			Method: "GET", Path: path, Host: "api.example", Headers: headers,
		}},
	}}
}

func extAuthzClient(t testing.TB, s *Service) authv3.AuthorizationClient {
	t.Helper()
	conn, err := grpc.NewClient(s.GRPCAddr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return authv3.NewAuthorizationClient(conn)
}

// extAuthzCheck returns a function that asks s over gRPC about a request
// from source to path with headers, and gives the status (200 for an OK
// response) and the denied response's headers.
func extAuthzCheck(t *testing.T, s *Service) func(source, path string, headers map[string]string) (int, map[string]string) {
	client := extAuthzClient(t, s)
	return func(source, path string, headers map[string]string) (int, map[string]string) {
		t.Helper()
		resp, err := client.Check(t.Context(), checkRequest(source, path, headers))
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetOkResponse() != nil {
			return 200, nil
		}
		d := resp.GetDeniedResponse()
		hs := map[string]string{}
		for _, h := range d.GetHeaders() {
			hs[h.GetHeader().GetKey()] = h.GetHeader().GetValue()
		}
		return int(d.GetStatus().GetCode()), hs
	}
}

func TestExtAuthzAnswers(t *testing.T) {
	cfg := testConfig(redistest.Start(t))
	cfg.Refuse.Status = 429
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	blocked := applyOne(t, store, block("203.0.113.7", "ip", 600))
	keyBlock := applyOne(t, store, block(httpcheck.APIKeyID("key_bad"), "api_key", 600))
	if err := store.Allow(t.Context(), "192.0.2.50"); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 5*time.Second, "the decisions in the service's view", func() bool {
		st := s.checker.Stats()
		return st.Decisions == 2 && st.Allow == 1
	})
	client := extAuthzClient(t, s)
	tests := []struct {
		name     string
		source   string
		headers  map[string]string
		allowed  bool
		decision string
	}{
		{"a client with no decision is allowed", "192.0.2.1", nil, true, ""},
		{"a blocked source is refused, naming the decision", "203.0.113.7", nil, false, DecisionID("203.0.113.7", blocked.Expires)},
		{"a forged X-Forwarded-For from an untrusted source clears no one", "203.0.113.7",
			map[string]string{"x-forwarded-for": "192.0.2.1"}, false, DecisionID("203.0.113.7", blocked.Expires)},
		{"a forged X-Forwarded-For from an untrusted source frames no one", "192.0.2.1",
			map[string]string{"x-forwarded-for": "203.0.113.7"}, true, ""},
		{"a trusted source's X-Forwarded-For names the client", "127.0.0.1",
			map[string]string{"x-forwarded-for": "192.0.2.1, 203.0.113.7"}, false, DecisionID("203.0.113.7", blocked.Expires)},
		{"an API key blocked by its id is refused when presented, naming the decision", "192.0.2.1",
			map[string]string{"x-api-key": "key_bad"}, false, DecisionID(httpcheck.APIKeyID("key_bad"), keyBlock.Expires)},
		{"a header holding the blocked key's id is another key", "192.0.2.1",
			map[string]string{"x-api-key": httpcheck.APIKeyID("key_bad")}, true, ""},
		{"an allowlisted client passes even with a decision on its API key", "192.0.2.50",
			map[string]string{"x-api-key": "key_bad"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := client.Check(t.Context(), checkRequest(tt.source, "/api/items", tt.headers))
			if err != nil {
				t.Fatal(err)
			}
			if tt.allowed {
				if resp.GetStatus().GetCode() != int32(codes.OK) || resp.GetOkResponse() == nil {
					t.Fatalf("answer %v; want OK", resp)
				}
				return
			}
			d := resp.GetDeniedResponse()
			if resp.GetStatus().GetCode() != int32(codes.PermissionDenied) || d == nil {
				t.Fatalf("answer %v; want PERMISSION_DENIED with a denied response", resp)
			}
			if d.GetStatus().GetCode() != typev3.StatusCode_TooManyRequests {
				t.Errorf("HTTP status %v; want 429", d.GetStatus().GetCode())
			}
			h := map[string]string{}
			for _, o := range d.GetHeaders() {
				h[o.GetHeader().GetKey()] = o.GetHeader().GetValue()
			}
			if id := h["x-portcullis-decision"]; (tt.decision == "*" && len(id) != 16) || (tt.decision != "*" && id != tt.decision) {
				t.Errorf("decision header %q; want %q", id, tt.decision)
			}
			if ra, err := strconv.Atoi(h["retry-after"]); err != nil || ra < 590 || ra > 600 {
				t.Errorf("retry-after %q; want the seconds left of the 600 s block", h["retry-after"])
			}
		})
	}
}

func TestExtAuthzFailsClosedWhenStale(t *testing.T) {
	srv := redistest.StartServer(t)
	cfg := testConfig(srv.Addr())
	cfg.Blocklist.FailMode = "closed"
	cfg.Blocklist.MaxStaleness = 2 * time.Second
	cfg.Blocklist.ProbeInterval = 200 * time.Millisecond
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	if err := store.Allow(t.Context(), "192.0.2.50"); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 5*time.Second, "the allowlist in the view", func() bool { return s.checker.Stats().Allow == 1 })
	client := extAuthzClient(t, s)
	allowed := func(source string) bool {
		resp, err := client.Check(t.Context(), checkRequest(source, "/", nil))
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetOkResponse() != nil
	}
	if !allowed("192.0.2.1") {
		t.Fatal("a client with no decision was refused while Redis is up")
	}
	srv.Stop()
	testwait.Until(t, 15*time.Second, "refusals once the view is stale", func() bool { return !allowed("192.0.2.1") })
	if !allowed("192.0.2.50") {
		t.Error("failing closed refused an allowlisted client")
	}
	srv.Restart()
	testwait.Until(t, 15*time.Second, "answers to recover with Redis", func() bool { return allowed("192.0.2.1") })
}

// TestEnvoyExampleParses reads examples/envoy/envoy.yaml into Envoy's own
// bootstrap type, validates it, and checks that its ext_authz filter asks
// the decision service of examples/envoy/enforce.yaml over gRPC (v3), with
// no Envoy binary at hand.
func TestEnvoyExampleParses(t *testing.T) {
	raw, err := os.ReadFile("../examples/envoy/envoy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var b bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(js, &b); err != nil {
		t.Fatalf("examples/envoy/envoy.yaml is not an Envoy v3 bootstrap: %v", err)
	}
	if err := b.ValidateAll(); err != nil {
		t.Fatalf("examples/envoy/envoy.yaml does not validate: %v", err)
	}
	var ecfg Config
	rawE, err := os.ReadFile("../examples/envoy/enforce.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(rawE))
	dec.KnownFields(true)
	if err := dec.Decode(&ecfg); err != nil {
		t.Fatalf("examples/envoy/enforce.yaml: %v", err)
	}
	if err := ecfg.WithDefaults().Validate(); err != nil {
		t.Fatalf("examples/envoy/enforce.yaml: %v", err)
	}

	var authz *extauthzv3.ExtAuthz
	challengeCluster := ""
	for _, l := range b.GetStaticResources().GetListeners() {
		for _, fc := range l.GetFilterChains() {
			for _, f := range fc.GetFilters() {
				var hcm hcmv3.HttpConnectionManager
				if err := f.GetTypedConfig().UnmarshalTo(&hcm); err != nil {
					continue
				}
				for _, vh := range hcm.GetRouteConfig().GetVirtualHosts() {
					for _, r := range vh.GetRoutes() {
						if r.GetMatch().GetPath() != challenge.VerifyPath {
							continue
						}
						var per extauthzv3.ExtAuthzPerRoute
						if err := r.GetTypedPerFilterConfig()["envoy.filters.http.ext_authz"].UnmarshalTo(&per); err != nil || !per.GetDisabled() {
							t.Errorf("the challenge route asks ext_authz (%v); a challenged browser could never reach the page", err)
						}
						challengeCluster = r.GetRoute().GetCluster()
					}
				}
				for _, hf := range hcm.GetHttpFilters() {
					var a extauthzv3.ExtAuthz
					if hf.GetTypedConfig().UnmarshalTo(&a) == nil {
						authz = &a
					}
				}
			}
		}
	}
	if authz == nil {
		t.Fatal("no ext_authz filter in examples/envoy/envoy.yaml")
	}
	if authz.GetTransportApiVersion() != corev3.ApiVersion_V3 {
		t.Errorf("ext_authz transport_api_version %v; want V3", authz.GetTransportApiVersion())
	}
	cluster := authz.GetGrpcService().GetEnvoyGrpc().GetClusterName()
	if cluster == "" {
		t.Fatal("ext_authz does not ask a gRPC cluster")
	}
	found := false
	for _, c := range b.GetStaticResources().GetClusters() {
		if c.GetName() != cluster {
			continue
		}
		found = true
		for _, e := range c.GetLoadAssignment().GetEndpoints() {
			for _, lb := range e.GetLbEndpoints() {
				sa := lb.GetEndpoint().GetAddress().GetSocketAddress()
				got := sa.GetAddress() + ":" + strconv.Itoa(int(sa.GetPortValue()))
				if got != ecfg.GRPCListen {
					t.Errorf("cluster %s points at %s; enforce.yaml's grpc_listen is %s", cluster, got, ecfg.GRPCListen)
				}
			}
		}
		if len(c.GetTypedExtensionProtocolOptions()) == 0 {
			t.Errorf("cluster %s does not speak HTTP/2, which gRPC needs", cluster)
		}
	}
	if !found {
		t.Errorf("ext_authz asks cluster %q, which is not defined", cluster)
	}
	if ecfg.Challenge.URL != challenge.VerifyPath {
		t.Errorf("examples/envoy/enforce.yaml: challenge.url %q; want %s, which enforce serves", ecfg.Challenge.URL, challenge.VerifyPath)
	}
	var challengeAt []string
	for _, c := range b.GetStaticResources().GetClusters() {
		if c.GetName() != challengeCluster {
			continue
		}
		for _, e := range c.GetLoadAssignment().GetEndpoints() {
			for _, lb := range e.GetLbEndpoints() {
				sa := lb.GetEndpoint().GetAddress().GetSocketAddress()
				challengeAt = append(challengeAt, sa.GetAddress()+":"+strconv.Itoa(int(sa.GetPortValue())))
			}
		}
	}
	if len(challengeAt) != 1 || challengeAt[0] != ecfg.Listen {
		t.Errorf("%s is routed to cluster %q at %v; want enforce.yaml's listen %s", challenge.VerifyPath, challengeCluster, challengeAt, ecfg.Listen)
	}
}
