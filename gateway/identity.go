package gateway

import (
	"net/http"
	"strings"
)

// dropClientIdentity removes from a request's headers what only the
// gateway may say: the user header (Config.UserHeader), which it sets from
// verified credentials alone, and it applies the client's Connection
// header now, removing the headers it names, so that Connection cannot
// later remove a header the gateway set (the reverse proxy applies it
// again on the outgoing request). Connection keeps only "Upgrade", for a
// WebSocket upgrade (upgrade.go).
func (g *Gateway) dropClientIdentity(h http.Header) {
	if g.cfg.UserHeader != "" {
		delete(h, g.userHeader)
	}
	conn, ok := h["Connection"]
	if !ok {
		return
	}
	upgrade := false
	for _, v := range conn {
		for tok := range strings.SplitSeq(v, ",") {
			tok = strings.TrimSpace(tok)
			switch {
			case tok == "":
			case strings.EqualFold(tok, "upgrade"):
				upgrade = true
			default:
				delete(h, http.CanonicalHeaderKey(tok))
			}
		}
	}
	if upgrade {
		h["Connection"] = []string{"Upgrade"}
	} else {
		delete(h, "Connection")
	}
}
