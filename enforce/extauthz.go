package enforce

import (
	"context"
	"net/http"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"

	"github.com/portcullis/portcullis/blocklist"
)

// extAuthz answers Envoy's ext_authz (v3) Check with the same verdicts as
// ForwardAuth.
type extAuthz struct {
	authv3.UnimplementedAuthorizationServer
	s  *Service
	ok *authv3.CheckResponse // shared and never modified
}

var _ authv3.AuthorizationServer = (*extAuthz)(nil)

// ExtAuthz returns the Envoy ext_authz (v3) server. The client is the
// request's source address, or, when that is a trusted proxy, the address
// in its X-Forwarded-For (or X-Real-IP) header; the API key and user come
// from the configured headers, the route from the request's path.
func (s *Service) ExtAuthz() authv3.AuthorizationServer {
	return &extAuthz{s: s, ok: &authv3.CheckResponse{
		Status:       &rpcstatus.Status{Code: int32(codes.OK)},
		HttpResponse: &authv3.CheckResponse_OkResponse{OkResponse: &authv3.OkHttpResponse{}},
	}}
}

// Check answers one question. Envoy gives header names in lower case.
func (a *extAuthz) Check(_ context.Context, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	s := a.s
	im := s.m.byIface[ifaceExtAuthz]
	start := time.Now()
	attrs := req.GetAttributes()
	peer := parseHost(attrs.GetSource().GetAddress().GetSocketAddress().GetAddress())
	hr := attrs.GetRequest().GetHttp()
	h := hr.GetHeaders()
	var xff []string
	var realIP string
	if s.useRealIP {
		realIP = h[s.ipLower]
	} else if v, ok := h["x-forwarded-for"]; ok {
		xff = []string{v}
	}
	ip := clientIP(peer, s.cfg.Client.TrustedProxies, s.useRealIP, xff, realIP)
	var key, user string
	if s.apiKeyLower != "" {
		key = h[s.apiKeyLower]
	}
	if s.userLower != "" {
		user = h[s.userLower]
	}
	var mode blocklist.FailMode
	if len(s.routes) > 0 {
		mode = routeMode(s.routes, hr.GetPath())
	}
	v := s.checker.CheckRoute(ip, key, user, mode)
	im.count(result(v))
	if !v.Blocked {
		im.latency.Observe(time.Since(start).Seconds())
		return a.ok, nil
	}
	code := typev3.StatusCode_Forbidden
	headers := []*corev3.HeaderValueOption{
		{Header: &corev3.HeaderValue{Key: s.decisionLower, Value: decisionOf(v)}},
		{Header: &corev3.HeaderValue{Key: "content-type", Value: "application/json"}},
		{Header: &corev3.HeaderValue{Key: "cache-control", Value: "no-store"}},
	}
	if s.cfg.Refuse.Status == http.StatusTooManyRequests {
		code = typev3.StatusCode_TooManyRequests
		headers = append(headers, &corev3.HeaderValueOption{Header: &corev3.HeaderValue{
			Key: "retry-after", Value: retryAfter(v, start, s.probe, s.cfg.Refuse.MaxRetryAfter)}})
	}
	resp := &authv3.CheckResponse{
		Status: &rpcstatus.Status{Code: int32(codes.PermissionDenied), Message: "blocked"},
		HttpResponse: &authv3.CheckResponse_DeniedResponse{DeniedResponse: &authv3.DeniedHttpResponse{
			Status:  &typev3.HttpStatus{Code: code},
			Headers: headers,
			Body:    `{"error":"blocked"}` + "\n",
		}},
	}
	im.latency.Observe(time.Since(start).Seconds())
	return resp, nil
}
