package main

import (
	"math/rand/v2"
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// The identity provider's forms, behind the same gateway as the LMS.
const (
	idpForm   = "/idp/login?execution=e1s1"
	idpVerify = "/idp/mfa/verify"
)

// step is a browser's pause before following a redirect or loading what
// a page asks for.
func step(r *rand.Rand) int64 { return Sec(Uniform(r, 0.04, 0.6)) }

// signIn walks the single sign-on: the LMS sends the browser to the
// identity provider's form, which takes the password and, at most sites,
// a second factor, then hands the session back by a SAML post or an OIDC
// redirect. People mistype their password and their code.
func (a *actor) signIn(t int64, user, back string) int64 {
	r := a.r
	t = a.toIdP(t, back)
	t = a.get(t+step(r), idpForm, 200, 16) + think(r, 8)
	for Chance(r, 0.08) {
		t = a.login(t, user, idpForm, a.w.s.failStatus, 16) + think(r, 9)
	}
	t = a.login(t, user, idpForm, 302, 0.3)
	switch a.w.s.mfa {
	case 1:
		t = a.get(t+step(r), "/idp/mfa?execution=e1s2", 200, 9) + think(r, 10)
		for Chance(r, 0.06) {
			t = a.login(t, user, idpVerify, 401, 9) + think(r, 8)
		}
		t = a.login(t, user, idpVerify, 302, 0.3)
	case 2:
		tx := Hex(r, 12)
		t = a.get(t+step(r), "/idp/mfa?execution=e1s2&method=push", 200, 9)
		for range 1 + r.IntN(6) {
			t = a.get(t+Sec(Uniform(r, 1.5, 2.5)), "/idp/mfa/push/status?tx="+tx, 200, 0.1)
		}
		t = a.get(t+step(r), "/idp/mfa/push/complete?tx="+tx, 302, 0.3)
	}
	a.user = user
	return a.backFromIdP(t)
}

// resume signs a browser back in when its LMS session expired but the
// identity provider's has not: a chain of redirects and no form.
func (a *actor) resume(t int64, back string) int64 {
	t = a.toIdP(t, back)
	t = a.get(t+step(a.r), idpForm, 302, 0.4)
	return a.backFromIdP(t)
}

func (a *actor) toIdP(t int64, back string) int64 {
	r := a.r
	t = a.get(t, "/login?return_to="+url.QueryEscape(back), 302, 0.3)
	if a.w.s.saml {
		return a.get(t+step(r), "/sso/saml/start?RelayState="+Hex(r, 12), 302, 0.5)
	}
	return a.get(t+step(r), "/sso/oidc/authorize?client_id=lms&response_type=code&scope=openid+profile+email&state="+Hex(r, 16)+"&nonce="+Hex(r, 12), 302, 0.4)
}

func (a *actor) backFromIdP(t int64) int64 {
	r := a.r
	if a.w.s.saml {
		return a.write(t+step(r), "POST", "/sso/saml/acs", 302, 11, 0.4)
	}
	return a.get(t+step(r), "/sso/oidc/callback?code="+Hex(r, 16)+Hex(r, 8)+"&state="+Hex(r, 16), 302, 0.4)
}

// login posts a sign-in form. Some sites' gateways log the account name
// the form was given, others only the sessions' users.
func (a *actor) login(t int64, user, path string, status int, kb float64) int64 {
	keep := a.user
	if a.w.s.logLoginUser {
		a.user = user
	}
	t = a.write(t, "POST", path, status, 0.35, kb)
	a.user = keep
	return t
}
