package main

import (
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// pastedCode is what people on programming and security boards search
// for: snippets from their own code and from the discussions they read,
// SQL and HTML that look just like an attack's payload but come one each
// from many different people.
var pastedCode = []string{
	"SELECT * FROM users WHERE id = 1",
	"select count(*) from orders group by customer_id having count(*) > 1",
	"' OR 1=1 --",
	"<script>alert(1)</script>",
	`<div class="container">`,
	"UNION SELECT vs UNION ALL",
	"DROP TABLE IF EXISTS",
	"Robert'); DROP TABLE Students;--",
	"<img src=x onerror=alert(1)>",
	"{{ .Values.image.tag }}",
	"${HOME}/.config",
	"../../etc/passwd path traversal",
	"git rebase -i HEAD~3",
	`fn main() { println!("hi") }`,
	"if err != nil { return err }",
	"<?php echo $_GET['id']; ?>",
	"document.cookie httponly",
	"SELECT pg_sleep(5)",
	"WHERE name LIKE '%foo%'",
	"${jndi:ldap log4shell",
	"<iframe srcdoc>",
	"1' AND '1'='1 explained",
	"exec xp_cmdshell",
	"ORDER BY 1-- column count",
	"<svg onload=",
	"SELECT * FROM pg_stat_activity WHERE state = 'active'",
}

// foreign are searches in the scripts and languages of the site's regions.
var foreign = map[string][]string{
	"us": {"jalapeño", "crème brûlée", "Pokémon", "naïve bayes", "piñata"},
	"eu": {"Sauerteig Anstellgut", "vélo électrique avis", "Wohnung kündigen Frist", "Ärger mit Vermieter", "ciclismo gravel", "čeština gramatika", "Kraków wycieczka", "Как выбрать велосипед"},
	"br": {"pão de fermentação natural", "bicicleta elétrica", "receita de feijoada", "imposto de renda 2027", "coração"},
	"jp": {"ラーメン 作り方", "自転車 通勤", "サワードウ スターター", "東京 おすすめ", "プログラミング 初心者", "最終回 ネタバレ"},
	"in": {"हिंदी गाने", "क्रिकेट स्कोर", "बिरयानी रेसिपी", "ரசம் செய்வது எப்படி", "ಕನ್ನಡ ಸಿನಿಮಾ"},
	"au": {"北京 烤鸭 做法", "한국 여행 추천", "phở recipe", "Māori language"},
}

var elsewhereText = []string{"北京 烤鸭 做法", "한국 여행 추천", "خبز العجين المخمر", "Ελληνικά μαθήματα", "עברית למתחילים", "ภาษาไทย"}

var emoji = []string{"🍞 starter", "🔥🔥", "🐱", "best 🚲 for commute", "😂😂😂", "🇯🇵 trip", "✨ glow up", "🦦"}

// query draws what a person types into the search box.
func (s *site) query(r *rand.Rand) string {
	b := s.board(r)
	w := Pick(r, b.words)
	switch Weighted(r, []float64{0.42, 0.12, 0.1, 0.1, 0.04, s.coding * 3, 0.05}) {
	case 1:
		return `"` + w + " " + Pick(r, slugWords) + `"`
	case 2:
		switch r.IntN(5) {
		case 0:
			return "author:" + name(s.user(r)) + " " + w
		case 1:
			return "board:" + b.name + " " + w + " -" + Pick(r, b.words)
		case 2:
			return `title:"` + w + `" flair:"Help"`
		case 3:
			return w + " OR " + Pick(r, b.words)
		}
		return "site:github.com " + w
	case 3:
		if Chance(r, 0.75) {
			return Pick(r, foreign[s.region.name])
		}
		return Pick(r, elsewhereText)
	case 4:
		return Pick(r, emoji)
	case 5:
		return Pick(r, pastedCode)
	case 6:
		return name(s.user(r))
	}
	if Chance(r, 0.4) {
		return w + " " + Pick(r, slugWords)
	}
	return w
}

// escape writes a search into a query value as the client does: a form
// encodes spaces as +, the apps as %20.
func (v *visit) escape(q string) string {
	e := url.QueryEscape(q)
	if v.app {
		e = strings.ReplaceAll(e, "+", "%20")
	}
	return e
}

// search types a query (the box suggests as it grows), reads the results,
// refines them, and opens a thread from them.
func (v *visit) search() {
	q := v.w.s.query(v.r)
	runes := []rune(q)
	if Chance(v.r, 0.7) {
		for i := 2 + v.r.IntN(2); i < len(runes) && i < 16; i += 2 + v.r.IntN(3) {
			v.hit(v.t, getSuggest, "/api/v1/search/suggest?q="+v.escape(string(runes[:i])), 200)
			v.t += Sec(Uniform(v.r, 0.2, 0.7))
		}
	}
	path := "/search?q=" + v.escape(q)
	rt := getSearch
	if v.app {
		path, rt = "/api/v1/search?q="+v.escape(q), getFound
	}
	v.hit(v.t, rt, path+"&type=threads", 200)
	if Chance(v.r, 0.35) {
		v.pause(8)
		v.hit(v.t, rt, path+Pick(v.r, []string{"&type=comments", "&type=threads&sort=new", "&type=threads&t=year", "&type=users"}), 200)
	}
	if Chance(v.r, 0.15) {
		v.pause(10)
		v.hit(v.t, rt, path+"&type=threads&page=2", 200)
	}
	if Chance(v.r, 0.6) {
		v.pause(6)
		v.thread(v.w.s.oldThread(v.r), true)
	}
}
