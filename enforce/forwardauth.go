package enforce

import (
	"net/http"
	"time"

	"github.com/portcullis/portcullis/blocklist"
)

// ForwardAuth returns the HTTP handler proxies ask on every request, on
// any path and method: nginx auth_request, Caddy forward_auth, Traefik
// ForwardAuth, HAProxy. It answers 200 with no body to allow, and the
// configured status (403, or 429 with Retry-After) to refuse, with the
// decision header naming the decision and a short JSON body that names no
// reason. The allowing path allocates nothing of its own.
func (s *Service) ForwardAuth() http.Handler {
	im := s.m.byIface[ifaceForwardAuth]
	body := []byte(`{"error":"blocked"}` + "\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := r.Header
		peer := parseHost(r.RemoteAddr)
		var realIP string
		if s.useRealIP {
			realIP = first(h[s.cfg.Client.IPHeader])
		}
		ip := clientIP(peer, s.cfg.Client.TrustedProxies, s.useRealIP, h["X-Forwarded-For"], realIP)
		var key, user string
		if s.cfg.Client.APIKeyHeader != "" {
			key = first(h[s.cfg.Client.APIKeyHeader])
		}
		if s.cfg.Client.UserHeader != "" {
			user = first(h[s.cfg.Client.UserHeader])
		}
		var mode blocklist.FailMode
		if len(s.routes) > 0 {
			mode = routeMode(s.routes, first(h[s.cfg.Client.URIHeader]))
		}
		v := s.checker.CheckRoute(ip, key, user, mode)
		im.count(result(v))
		if !v.Blocked {
			w.WriteHeader(http.StatusOK)
			im.latency.Observe(time.Since(start).Seconds())
			return
		}
		rh := w.Header()
		rh.Set("Content-Type", "application/json")
		rh.Set("Cache-Control", "no-store")
		rh.Set(s.cfg.Refuse.DecisionHeader, decisionOf(v))
		if s.cfg.Refuse.Status == http.StatusTooManyRequests {
			rh.Set("Retry-After", retryAfter(v, start, s.probe, s.cfg.Refuse.MaxRetryAfter))
		}
		w.WriteHeader(s.cfg.Refuse.Status)
		w.Write(body)
		im.latency.Observe(time.Since(start).Seconds())
	})
}

// decisionOf returns the id of the decision behind a refusal.
func decisionOf(v blocklist.Verdict) string {
	if v.Client == "" {
		return FailClosedID
	}
	return DecisionID(v.Client, v.Expires)
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
