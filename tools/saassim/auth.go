package main

import (
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// signIn signs user of the device's workspace in. The login page asks
// for the email first and looks up how its domain signs in: companies
// with single sign-on are sent to their identity provider and come back
// through the callback (a SAML post or an OIDC code), the others type a
// password, mistyped now and then, and a code from their authenticator
// if the workspace asks for one. The desktop and phone apps finish by
// trading the code for tokens. It reports whether the user got in.
func (d *dev) signIn(user string) bool {
	t, r := d.ten, d.r
	if d.kind == web {
		d.shell("/login?next=%2Fw%2F" + t.slug)
	}
	d.pause(2, 9)
	d.post("/api/v2/auth/discover", 200, 70, 0.2, 30)
	d.pause(0.3, 1.5)
	if t.sso != "" {
		return d.sso(user)
	}
	d.pause(2, 12)
	if Chance(r, 0.1) {
		for range 1 + Weighted(r, []float64{0.6, 0.3, 0.1}) {
			d.post("/api/v2/auth/login", 401, 190, 0.1, 240)
			d.pause(4, 20)
		}
		if Chance(r, 0.2) {
			d.post("/api/v2/auth/password/reset", 202, 80, 0.1, 150)
			return false
		}
	}
	d.post("/api/v2/auth/login", 200, 190, 0.9, 260)
	if Chance(r, t.mfa) {
		d.pause(6, 25)
		if Chance(r, 0.07) {
			d.post("/api/v2/auth/mfa/verify", 401, 70, 0.1, 60) // the code had just turned over
			d.pause(5, 15)
		}
		d.post("/api/v2/auth/mfa/verify", 200, 70, 0.8, 70)
	}
	d.signedIn(user)
	return true
}

// sso is the round trip through the workspace's identity provider: the
// gateway sees the start, then the browser coming back minutes later if
// the provider asked for MFA, or gave up, or sent a stale state.
func (d *dev) sso(user string) bool {
	t, r := d.ten, d.r
	client := d.client()
	d.get("/sso/"+t.slug+"/start?client="+client+"&next=%2Fapp", 302, 0.4, 25)
	d.pause(3, 40)
	if Chance(r, 0.04) {
		return false // stuck at the provider's MFA prompt
	}
	state := Hex(r, 16)
	if Chance(r, 0.03) {
		// A tab left open overnight: the state expired, start again.
		d.get("/sso/"+t.slug+"/callback?code="+Hex(r, 16)+"&state="+state, 400, 1.5, 20)
		d.pause(1, 5)
		d.get("/sso/"+t.slug+"/start?client="+client+"&next=%2Fapp", 302, 0.4, 25)
		d.pause(2, 10)
	}
	if t.sso == "entra" || t.sso == "onelogin" {
		d.post("/sso/"+t.slug+"/saml/acs", 302, 9000, 0.3, 160)
	} else {
		d.get("/sso/"+t.slug+"/callback?code="+Hex(r, 16)+Hex(r, 8)+"&state="+state+"&scope="+url.QueryEscape("openid email profile"), 302, 0.3, 190)
	}
	if d.kind != web {
		d.pause(0.5, 3)
		d.post("/oauth/token", 200, 420, 1.4, 80)
	}
	d.signedIn(user)
	return true
}

// signedIn marks the device as holding a fresh access token of user.
func (d *dev) signedIn(user string) {
	d.user = user
	d.expires = d.t + Sec(d.w.s.tokenTTL*Uniform(d.r, 0.95, 1))
}
