package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// lobby is a player in the menus between matches: the locker and
// loadouts, the store, the party, friends and chat, leaderboards,
// profiles, the season pass, now and then a code redeemed or the
// settings saved.
func (p *player) lobby() {
	r, s := p.r, p.w.s
	for range 1 + int(LogNormal(r, 2, 0.8)) {
		p.think(7)
		switch Weighted(r, []float64{0.18, 0.2, 0.12, 0.16, 0.1, 0.08, 0.07, 0.05, 0.02, 0.02}) {
		case 0:
			p.get(p.api("/players/me/inventory?category="+Pick(r, kinds)), 200, 25, 70)
			if Chance(r, 0.5) {
				p.pause(3, 20)
				p.put(p.api("/players/me/loadouts/"+itoa(1+r.IntN(5))), 200, 900, 0.8, 45)
			}
		case 1:
			p.store()
		case 2:
			p.partyUp()
		case 3:
			p.social()
		case 4:
			lb := "/leaderboards/s" + itoa(s.season) + "/" + s.mode(r).name
			if Chance(r, 0.5) {
				p.get(p.api(lb+"/around-me?region="+s.regionTag), 200, 3, 70)
			} else {
				p.get(p.api(lb+"?region="+s.regionTag+"&page="+itoa(1+int(r.ExpFloat64()*1.5))), 200, 6, 90)
			}
		case 5:
			id := p.someone()
			p.get(p.api("/players/"+id+"/profile"), 200, 3, 40)
			p.pause(0.2, 1)
			p.get(p.api("/players/"+id+"/stats?season="+itoa(s.season)), 200, 5, 60)
		case 6:
			p.get(p.api("/seasons/"+itoa(s.season)+"/pass"), 200, 30, 60)
			if Chance(r, 0.4) {
				p.pause(1, 6)
				p.post(p.api("/seasons/"+itoa(s.season)+"/pass/claim"), Pick(r, []int{200, 200, 200, 409}), 80, 1.2, 90)
			}
		case 7:
			p.get(p.api("/players/me/challenges"), 200, 5, 45)
		case 8:
			p.redeem()
		case 9:
			p.put(p.api("/players/me/settings"), 200, LogUniform(r, 1500, 20000), 0.1, 40)
		}
	}
}

// store is a look at the in-game store: the catalog, an item or two, and
// now and then a purchase with the game's currency, refused when the
// wallet is short.
func (p *player) store() {
	r, s := p.r, p.w.s
	p.get(p.api("/store/catalog?section="+Pick(r, []string{"featured", "daily", "bundles", "skins", "emotes"})+"&platform="+platformName(p.plat)), 200, 35, 80)
	for range r.IntN(3) {
		p.think(5)
		p.get(p.api("/store/items/"+s.item(r).sku), 200, 4, 35)
	}
	if !Chance(r, 0.12) {
		return
	}
	p.think(10)
	if Chance(r, 0.25) {
		p.post(p.api("/store/purchase"), 402, 160, 0.2, 60) // not enough coins
		if p.plat != pc && Chance(r, 0.5) {
			// Coins bought in the console's own store come in through
			// the platform; the client syncs its entitlements.
			p.pause(40, 120)
			p.post(p.api("/entitlements/sync?provider="+platformName(p.plat)), 200, 300, 1.5, 300)
		}
		return
	}
	p.post(p.api("/store/purchase"), 200, 160, 1.4, 140)
	p.pause(0.3, 1.5)
	p.get(p.api("/players/me/wallet"), 200, 0.4, 25)
	p.pause(1, 5)
	p.put(p.api("/players/me/loadouts/1"), 200, 900, 0.8, 45)
}

// partyUp creates a party and invites friends, or checks the one it is
// in and says it is ready.
func (p *player) partyUp() {
	r := p.r
	if p.party == "" {
		p.post(p.api("/parties"), 201, 120, 0.6, 50)
		p.party = Hex(r, 12)
		for range 1 + r.IntN(3) {
			p.pause(2, 10)
			p.post(p.api("/parties/"+p.party+"/invites"), Pick(r, []int{201, 201, 201, 409}), 90, 0.2, 40)
		}
		return
	}
	p.get(p.api("/parties/"+p.party), 200, 1.5, 25)
	p.pause(1, 8)
	p.post(p.api("/parties/"+p.party+"/ready"), 200, 40, 0.2, 25)
}

// social is the friends list and chat: a message or a few in the party or
// to a friend, a friend request by name.
func (p *player) social() {
	r := p.r
	switch r.IntN(3) {
	case 0:
		p.get(p.api("/friends"), 200, 4, 45)
		if Chance(r, 0.3) {
			p.think(6)
			p.get(p.api("/players/search?name="+url.QueryEscape(gamertag(r))), 200, 1.5, 80)
			p.pause(1, 4)
			p.post(p.api("/friends/requests"), Pick(r, []int{201, 201, 404, 409}), 80, 0.2, 45)
		}
	default:
		ch := "party-" + p.party
		if p.party == "" {
			ch = "dm-" + p.someone()
		}
		p.get(p.api("/chat/channels/"+ch+"/messages?after="+strconv.FormatInt(p.w.l.Start().UnixMilli()+p.t/1e6-int64(r.IntN(600000)), 10)), 200, 2, 30)
		for range 1 + r.IntN(4) {
			p.think(6)
			p.post(p.api("/chat/channels/"+ch+"/messages"), Pick(r, []int{201, 201, 201, 201, 201, 201, 201, 201, 422, 429}), 160, 0.2, 30)
		}
	}
}

// redeem is a code typed in from a stream, a card or a newsletter:
// sometimes mistyped, already used or expired.
func (d *dev) redeem() {
	d.think(10)
	d.post(d.api("/redeem"), []int{200, 404, 409, 410}[Weighted(d.r, []float64{0.6, 0.25, 0.1, 0.05})], 90, 0.6, 70)
}

// queue waits for a match: a ticket is created and polled every few
// seconds until a match is found (longer under the launch crowd, much
// longer for a few ranked players at the top), or the player cancels.
func (p *player) queue(m *mode) bool {
	w, r, s := p.w, p.r, p.w.s
	body := 380.
	if p.party != "" {
		body = 900
	}
	p.pause(0.5, 4)
	p.post(p.api("/matchmaking/tickets"), 201, body, 0.4, 60)
	tid := Hex(r, 16)
	wait := LogNormal(r, m.queue*(1+1.5*w.load(p.t)), 0.6)
	if m.ranked && Chance(r, 0.04) {
		wait *= 8
	}
	cancel := Chance(r, 0.1)
	if cancel {
		wait *= Uniform(r, 0.2, 0.9)
	}
	end := p.t + Sec(wait)
	for p.t += Sec(s.mmPoll * Uniform(r, 0.9, 1.1)); p.t < end; p.t += Sec(s.mmPoll * Uniform(r, 0.9, 1.1)) {
		p.get(p.api("/matchmaking/tickets/"+tid), 200, 0.3, 12)
		if p.t >= w.win {
			return false
		}
	}
	if cancel {
		p.send("DELETE", p.api("/matchmaking/tickets/"+tid), 204, 0, 0, 20)
		return false
	}
	p.get(p.api("/matchmaking/tickets/"+tid), 200, 0.9, 14)
	p.match = w.matches
	w.matches++
	p.pause(0.5, 6)
	if Chance(r, 0.03) {
		// Someone declined: back into the queue.
		p.post(p.api("/matches/"+itoa(p.match)+"/accept"), 409, 60, 0.1, 30)
		return false
	}
	p.post(p.api("/matches/"+itoa(p.match)+"/accept"), 200, 60, 0.3, 30)
	return true
}

// play is a match: the client joins its server (which runs the game
// itself), uploads telemetry every few minutes, and afterwards reads the
// result, its progression and sometimes its teammates; a few upload the
// replay. Now and then the client crashes, reports it, and comes back.
func (p *player) play(m *mode) {
	r, s := p.r, p.w.s
	mid := itoa(p.match)
	p.pause(1, 5)
	p.get(p.api("/matches/"+mid+"/session"), 200, 1.2, 35)
	end := p.t + Sec(LogNormal(r, m.match*60, 0.25))
	for p.t += Sec(Uniform(r, 120, 300)); p.t < end; p.t += Sec(Uniform(r, 120, 300)) {
		if Chance(r, 0.01) {
			p.crash(mid)
		}
		p.post(p.api("/telemetry/events"), 204, LogUniform(r, 8000, 60000), 0, 20)
	}
	p.t = end
	p.met = p.met[:0]
	for range 2 + r.IntN(6) {
		p.met = append(p.met, s.user(r))
	}
	p.pause(1, 4)
	p.get(p.api("/matches/"+mid+"/summary"), 200, 9, 70)
	p.pause(0.2, 1)
	p.get(p.api("/players/me/progression"), 200, 2, 40)
	switch x := r.Float64(); {
	case x < 0.03:
		p.think(20)
		size := int64(LogUniform(r, 0.5, 6) * (1 << 20))
		p.send("POST", p.api("/replays?match="+mid), 201, size, kb(r, 0.3), 1000*float64(size)/(1<<20)/LogUniform(r, 1, 12))
	case x < 0.05:
		p.think(10)
		p.post(p.api("/players/"+Pick(r, p.met)+"/reports"), 201, 400, 0.1, 60)
	case x < 0.15:
		p.think(5)
		p.post(p.api("/players/"+Pick(r, p.met)+"/commend"), 200, 60, 0.1, 30)
	}
}

// crash is the client going down mid-match: the crash reporter (which
// sends no user agent) uploads a minidump, the client starts again and
// rejoins the match.
func (p *player) crash(mid string) {
	r := p.r
	ua := p.ua
	p.ua = ""
	p.pause(2, 8)
	size := int64(LogUniform(r, 0.2, 4) * (1 << 20))
	p.send("POST", p.api("/crash-reports?build="+p.build+"&platform="+platformName(p.plat)), 201, size, kb(r, 0.1), 1000*float64(size)/(1<<20)/LogUniform(r, 1, 10))
	p.ua = ua
	p.pause(20, 60)
	p.send("GET", p.api("/patch/manifest?platform="+platformName(p.plat)+"&build="+p.build), 304, 0, 0, 15)
	p.post(p.api("/auth/token/refresh"), 200, 450, 1.2, 45)
	p.post(p.api("/matches/"+mid+"/reconnect"), Pick(r, []int{200, 200, 200, 410}), 80, 1.2, 60)
}

var tagWords = []string{"shadow", "frost", "xX", "noob", "sniper", "panda", "ghost", "lucky", "toxic", "vortex", "salty", "king", "kitten", "reaper", "bread", "turbo"}

// gamertag draws a name players type into the search box.
func gamertag(r *rand.Rand) string {
	t := Pick(r, tagWords) + Pick(r, []string{"", "_", "."}) + Pick(r, tagWords)
	if Chance(r, 0.6) {
		t += itoa(r.IntN(9999))
	}
	return t
}
