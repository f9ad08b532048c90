package enforce

import (
	"net/http"
	"net/netip"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/challenge"
)

// ForwardAuth returns the HTTP handler proxies ask on every request, on
// any path and method: nginx auth_request, Caddy forward_auth, Traefik
// ForwardAuth, HAProxy. It answers 200 with no body to allow, and to
// refuse the status and headers of httpcheck.Refusal's Answer (403, or
// 429 with Retry-After; the decision header naming the decision), with a
// short JSON body that names no reason. The client is named by the
// configured httpcheck.RequestIdentity, a presented API key by its id.
// The allowing path allocates nothing of its own.
//
// A throttle decision is answered 200 within its rate and 429 with
// Retry-After past it; a challenge decision 200 when the request's
// cookies hold a valid pass for the client and route, else 302 (or 401,
// ChallengeConfig.Status) to the challenge URL for a request for a page,
// or as a throttle on an API route or a request that asks for JSON; a log
// decision 200.
//
// With a challenge URL configured, the handler also serves
// challenge.VerifyPath, the challenge page and its answer, for the proxy
// to route the site's requests for that path to (see serveChallenge); a
// forward-auth question must be asked on another path.
func (s *Service) ForwardAuth() http.Handler {
	im := s.m.byIface[ifaceForwardAuth]
	body := []byte(`{"error":"blocked"}` + "\n")
	throttledBody := []byte(`{"error":"throttled"}` + "\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.challenger != nil && r.URL.Path == challenge.VerifyPath {
			s.serveChallenge(w, r)
			return
		}
		start := time.Now()
		var mode blocklist.FailMode
		if len(s.routes) > 0 {
			mode = routeMode(s.routes, first(r.Header[s.cfg.Client.URIHeader]))
		}
		peer, _ := netip.ParseAddrPort(r.RemoteAddr) // net/http's host:port
		v := s.ident.CheckHeaders(s.checker, peer.Addr(), r.Header, mode)
		res := result(v)
		a := s.refusal.Answer(v, start)
		if !v.Blocked && v.Action != "" {
			var loc string
			a, loc, res = s.actOn(r.Context(), v, question{
				uri: first(r.Header[s.cfg.Client.URIHeader]), wantsJSON: httpcheck.WantsJSON(r),
				peer: peer.Addr(), header: r.Header, secure: s.forwardedSecure(r),
			})
			if loc != "" {
				w.Header().Set("Location", loc)
			}
		}
		im.count(res)
		if !a.Refused() {
			w.WriteHeader(http.StatusOK)
			im.latency.Observe(time.Since(start).Seconds())
			return
		}
		a.SetHeaders(w.Header(), s.cfg.Refuse.DecisionHeader)
		w.WriteHeader(a.Status)
		switch res {
		case resultThrottled:
			w.Write(throttledBody)
		case resultChallenged:
		default:
			w.Write(body)
		}
		im.latency.Observe(time.Since(start).Seconds())
	})
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
