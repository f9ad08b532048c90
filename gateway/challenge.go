package gateway

import (
	"net/http"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/challenge"
)

// challengeStage readies the challenge that the blocklist stage serves to
// the clients of challenge decisions on browser routes (package
// challenge): with a Checker and no WithChallenge hook of the caller's, it
// builds the Challenger from Config.Challenge and makes serveChallenge the
// hook. The page's answers come to challenge.VerifyPath, which
// routeDispatch hands to serveChallengeAnswer. It runs before the
// blocklist stage, which takes the hook, and adds nothing to the chains.
type challengeStage struct{ nop }

func (challengeStage) Provision(g *Gateway) error {
	if g.checker == nil || g.challenge != nil {
		return nil
	}
	c, err := challenge.New(g.cfg.Challenge, g.logger)
	if err != nil {
		return err
	}
	g.challenger, g.challenge = c, g.serveChallenge
	return nil
}

func (challengeStage) wrap(_ *route, next handler) handler { return next }

// serveChallenge is the blocklist checks' Challenge hook: it lets a
// client with a pass for the route through (false), and serves the others
// the page at the difficulty of their decision's severity (true). The
// client's address and route are the ones the gateway resolved: a route
// is its own class, so a pass earned on one is no pass on another.
func (g *Gateway) serveChallenge(w http.ResponseWriter, r *http.Request, v blocklist.Verdict) bool {
	ex := exchangeOf(r)
	if g.challenger.Passed(r, ex.ip, ex.route) {
		return false
	}
	g.challenger.ServePage(w, r, ex.ip, ex.route, v.Severity)
	return true
}

// serveChallengeAnswer serves challenge.VerifyPath: it checks an answer
// posted for the route of its return URL, and serves the page for
// ?return= on a GET, at the difficulty of the client's decision.
func (g *Gateway) serveChallengeAnswer(w http.ResponseWriter, r *http.Request, ex *exchange) {
	var severity float64
	if r.Method != http.MethodPost {
		severity = g.checker.CheckRoute(ex.ip, g.ident.APIKeyID(r), ex.user, blocklist.FailOpen).Severity
	}
	g.challenger.ServeVerify(w, r, ex.ip, severity, g.routeClass)
}

// routeClass returns the class of the route serving path, its name, for
// the browser routes; an API route serves no challenge, so an answer for
// it is refused. Routes are matched by path alone, as every method of a
// route takes the same pass.
func (g *Gateway) routeClass(path string) (string, bool) {
	for _, rt := range g.routes {
		if matchPrefix(path, rt.PathPrefix) {
			return rt.Name, rt.Class != ClassAPI
		}
	}
	return "", false
}
