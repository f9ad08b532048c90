package main

import (
	"fmt"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// signIn signs a visitor in: on the web through the sign-in page, with a
// mistyped password or two for some, or through single sign-on.
func (d *day) signIn(v *visit, web bool) {
	r, s := v.r, d.site
	if web {
		v.page("/login?next=%2Fme")
		if Chance(r, 0.22) {
			idp := Pick(r, []string{"google", "linkedin", "apple"})
			v.get("/auth/sso/"+idp+"?next=%2Fme", 302, 420, 30)
			v.wait(4, 20)
			v.get(fmt.Sprintf("/auth/sso/%s/callback?code=%s&state=%s", idp, Hex(r, 16)+Hex(r, 16), Hex(r, 12)), 302, 510, 180)
			v.user = user(r, "u_")
			return
		}
	}
	for range Weighted(r, []float64{78, 16, 6}) {
		v.wait(4, 15)
		v.send("POST", s.api+"/auth/login", 401, 160, 120, 240)
	}
	v.wait(3, 12)
	v.send("POST", s.api+"/auth/login", 200, 160, 920, 260)
	v.user = user(r, "u_")
}

// apply applies to posting id: the apply page on the web, signing in if
// need be, a CV (uploaded whole, in chunks, or the one on the profile),
// sometimes a portfolio, then the application itself.
func (d *day) apply(v *visit, id int, web bool) {
	r, s := v.r, d.site
	if web {
		v.page(fmt.Sprintf("%s%d/apply", s.job, id))
	}
	if v.user == "" {
		d.signIn(v, web)
	}
	v.wait(10, 90)
	size := int64(LogUniform(r, 0.2e6, 8e6))
	switch {
	case !web && Chance(r, 0.6), Chance(r, 0.2):
		v.get(s.api+"/me/documents?type=cv", 200, int64(600+r.IntN(1500)), 30)
	case size > 3e6 && Chance(r, 0.5):
		d.chunkedUpload(v, size)
	default:
		ext := Pick(r, []string{"pdf", "pdf", "pdf", "docx"})
		v.upload("POST", s.api+"/uploads/cv?filename=cv."+ext, 201, size)
	}
	if Chance(r, 0.08) {
		for range 2 + r.IntN(4) {
			v.wait(3, 20)
			v.upload("POST", s.api+"/uploads/portfolio", 201, int64(LogUniform(r, 0.3e6, 6e6)))
		}
	}
	v.wait(20, 180)
	v.send("POST", s.api+"/applications", 201, int64(900+r.IntN(5000)), 420, 190)
	if web {
		v.page("/me/applications")
	} else {
		v.get(s.api+"/me/applications", 200, int64(2000+r.IntN(6000)), 60)
	}
}

// chunkedUpload sends a large CV in parts of one or two megabytes, as
// the uploader does on slow links.
func (d *day) chunkedUpload(v *visit, size int64) {
	r, s := v.r, d.site
	id := Hex(r, 16)
	v.send("POST", s.api+"/uploads?type=cv", 201, 180, 260, 40)
	part := int64(1+r.IntN(2)) << 20
	for n := 0; int64(n)*part < size; n++ {
		v.upload("PUT", fmt.Sprintf("%s/uploads/%s/parts/%d", s.api, id, n+1), 200, min(part, size-int64(n)*part))
	}
	v.send("POST", s.api+"/uploads/"+id+"/complete", 200, 120, 380, 150)
}

// editProfile is a signed-in job seeker updating the profile, with a new
// photo now and then.
func (d *day) editProfile(v *visit) {
	r, s := v.r, d.site
	v.get(s.api+"/me/profile", 200, int64(3000+r.IntN(6000)), 40)
	v.wait(20, 150)
	v.send("PUT", s.api+"/me/profile", 200, int64(800+r.IntN(4000)), int64(3000+r.IntN(6000)), 90)
	if Chance(r, 0.4) {
		v.wait(5, 30)
		v.upload("POST", s.api+"/me/photo", 201, int64(LogUniform(r, 0.1e6, 5e6)))
	}
}
