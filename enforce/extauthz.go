package enforce

import (
	"context"
	"net/netip"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
)

// extAuthz answers Envoy's ext_authz (v3) Check with the same verdicts as
// ForwardAuth.
type extAuthz struct {
	authv3.UnimplementedAuthorizationServer
	s  *Service
	ok *authv3.CheckResponse // shared and never modified
}

var _ authv3.AuthorizationServer = (*extAuthz)(nil)

// ExtAuthz returns the Envoy ext_authz (v3) server. The client is named
// as ForwardAuth names it, from the request's source address and its
// headers; the route comes from the request's path.
func (s *Service) ExtAuthz() authv3.AuthorizationServer {
	return &extAuthz{s: s, ok: &authv3.CheckResponse{
		Status:       &rpcstatus.Status{Code: int32(codes.OK)},
		HttpResponse: &authv3.CheckResponse_OkResponse{OkResponse: &authv3.OkHttpResponse{}},
	}}
}

// envoyHeaders is Envoy's header map, whose names are lower case, read
// by canonical names (httpcheck.Header) without allocating. Envoy joins a
// repeated header's values with commas, so a field has one value.
type envoyHeaders map[string]string

func (e envoyHeaders) Get(canonical string) string {
	if len(canonical) > 64 {
		return e[strings.ToLower(canonical)]
	}
	var buf [64]byte
	b := buf[:len(canonical)]
	for i := range len(canonical) {
		c := canonical[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return e[string(b)] // a map index by string(bytes) does not allocate
}

func (e envoyHeaders) Values(canonical string) []string {
	if v := e.Get(canonical); v != "" {
		return []string{v}
	}
	return nil
}

// Check answers one question, with the answer ForwardAuth gives (see
// httpcheck.Refusal) mapped to a CheckResponse. A challenge decision's
// pass is read from the request's cookie header, its scheme (https) names
// the cookie as the challenge set it.
func (a *extAuthz) Check(ctx context.Context, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	s := a.s
	im := s.m.byIface[ifaceExtAuthz]
	start := time.Now()
	attrs := req.GetAttributes()
	peer, _ := netip.ParseAddr(attrs.GetSource().GetAddress().GetSocketAddress().GetAddress())
	hr := attrs.GetRequest().GetHttp()
	var mode blocklist.FailMode
	if len(s.routes) > 0 {
		mode = routeMode(s.routes, hr.GetPath())
	}
	h := envoyHeaders(hr.GetHeaders())
	v := s.ident.CheckHeaders(s.checker, peer.WithZone(""), h, mode)
	res := result(v)
	ans := s.refusal.Answer(v, start)
	var loc string
	if !v.Blocked && v.Action != "" {
		ans, loc, res = s.actOn(ctx, v, question{
			uri: hr.GetPath(), wantsJSON: httpcheck.AcceptsJSON(h),
			peer: peer.WithZone(""), header: h, secure: hr.GetScheme() == "https",
		})
	}
	im.count(res)
	if !ans.Refused() {
		im.latency.Observe(time.Since(start).Seconds())
		return a.ok, nil
	}
	headers := []*corev3.HeaderValueOption{
		{Header: &corev3.HeaderValue{Key: s.decisionLower, Value: ans.Decision}},
		{Header: &corev3.HeaderValue{Key: "content-type", Value: "application/json"}},
		{Header: &corev3.HeaderValue{Key: "cache-control", Value: "no-store"}},
	}
	if ans.RetryAfter != "" {
		headers = append(headers, &corev3.HeaderValueOption{Header: &corev3.HeaderValue{Key: "retry-after", Value: ans.RetryAfter}})
	}
	body, msg := `{"error":"blocked"}`+"\n", "blocked"
	switch res {
	case resultThrottled:
		body, msg = `{"error":"throttled"}`+"\n", "throttled"
	case resultChallenged:
		body, msg = "", "challenged"
		headers = append(headers, &corev3.HeaderValueOption{Header: &corev3.HeaderValue{Key: "location", Value: loc}})
	}
	resp := &authv3.CheckResponse{
		Status: &rpcstatus.Status{Code: int32(codes.PermissionDenied), Message: msg},
		HttpResponse: &authv3.CheckResponse_DeniedResponse{DeniedResponse: &authv3.DeniedHttpResponse{
			Status:  &typev3.HttpStatus{Code: typev3.StatusCode(ans.Status)},
			Headers: headers,
			Body:    body,
		}},
	}
	im.latency.Observe(time.Since(start).Seconds())
	return resp, nil
}
