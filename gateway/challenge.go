package gateway

import (
	"net/http"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/challenge"
)

// ChallengeFunc says whether the client of a request, as the gateway
// resolved it, is to be challenged rather than served, and how severe its
// decision is: from 0 (just past the threshold) to 1 (far past it; see
// challenge.Severity), which sets the difficulty. It is called on every
// request of the routes it covers, so it must be fast and must not block.
type ChallengeFunc func(c blocklist.Client) (challenge bool, severity float64)

// WithChallenge sets what says which clients are challenged. Without it no
// client is, since the Checker's verdicts name no action.
func WithChallenge(f ChallengeFunc) Option { return func(g *Gateway) { g.challengeOf = f } }

// challengeStage serves the proof-of-work page (package challenge) to the
// clients the ChallengeFunc names, unless they carry a pass for the route;
// their API requests get 429 instead, never the page. The page's answer
// comes to challenge.VerifyPath, which routeDispatch hands to
// serveChallengeAnswer. The stage is left out without a ChallengeFunc.
type challengeStage struct {
	nop
	g *Gateway
}

func (s *challengeStage) Provision(g *Gateway) error {
	s.g = g
	if g.challengeOf == nil {
		return nil
	}
	c, err := challenge.New(g.cfg.Challenge, g.logger)
	if err != nil {
		return err
	}
	g.challenger = c
	return nil
}

func (s *challengeStage) wrap(rt *route, next handler) handler {
	g := s.g
	if g.challenger == nil {
		return next
	}
	// The route's name is its class: a pass earned on one route is no
	// pass on another.
	class := rt.Name
	return func(w *statusWriter, r *http.Request, ex *exchange) {
		yes, severity := g.challengeOf(blocklist.Client{IP: ex.ip, APIKey: ex.key, User: ex.user})
		switch {
		case !yes:
			next(w, r, ex)
		case rt.API || challenge.IsAPI(r):
			g.challenger.RefuseAPI(w, blocklist.RequestID(r.Header.Get("X-Request-Id")))
		case g.challenger.Passed(r, ex.ip, class):
			next(w, r, ex)
		default:
			g.challenger.ServePage(w, r, ex.ip, class, severity)
		}
	}
}

// serveChallengeAnswer checks an answer posted to challenge.VerifyPath,
// for the route of its return URL.
func (g *Gateway) serveChallengeAnswer(w http.ResponseWriter, r *http.Request, ex *exchange) {
	g.challenger.ServeVerify(w, r, ex.ip, g.routeClass)
}

// routeClass returns the class of the route serving path: its name.
// Routes are matched by path alone, as any method of the route takes the
// same pass.
func (g *Gateway) routeClass(path string) (string, bool) {
	for _, rt := range g.routes {
		if matchPrefix(path, rt.PathPrefix) {
			return rt.Name, true
		}
	}
	return "", false
}
