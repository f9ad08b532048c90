// Command clinicsim writes a quarter hour of the API gateway access log of
// a telehealth provider, with one label per client saying what it really
// is.
//
// The provider runs a patient web portal, iOS and Android apps, a web app
// for its clinicians and an API for its partners. Patients sign in with a
// password and a code sent by SMS (a few mistype once or twice first),
// search and book appointments while polling which slots are free, sit in
// the waiting room of a video visit that polls its lobby and then sends
// heartbeats, read and write secure messages, open lab results and their
// PDF reports, ask for prescription refills, pay copays by card (some
// cards are declined) and photograph their insurance card (uploads of a
// few MB). Pharmacies, insurers and labs call the partner API with their
// keys all day, the EHR posts webhooks, uptime probes check the status
// page and search engines crawl the public pages.
//
// Phones on IPv6 move to a new privacy address inside their /64 every few
// minutes; phones on a carrier's NAT share its address with many other
// patients; each hospital's clinicians come through the one NAT address
// the hospital has had for years. App tokens expire: the app meets a 401,
// refreshes its token and asks again. Once in the window the flu-vaccine
// slots are released: three to four times the usual traffic, many
// addresses the site has never seen polling availability and booking, 409
// conflicts once the slots run out, 429s from the gateway and a few 503s.
// Some days a new insurer starts calling the partner API.
//
// The attackers are lone clients (flood, scan, bruteforce, injection,
// upload, enumeration; the subtler ones inside a signed-in session) and
// campaigns of 20 to 150 addresses that share a campaign label:
// credential stuffing dressed as the browsers or the apps, a distributed
// flood that likes to ride the vaccine release, card testing on the copay
// endpoint and bots that book and cancel scarce slots with their own
// accounts.
//
// -site chooses the provider: its partners, hospitals and probes keep
// their addresses from one day to the next. -seed chooses the day.
package main

import (
	"math/rand/v2"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var clinic = simcmd.Model{
	Name:        "clinicsim",
	Site:        3,
	Start:       "2027-01-11T08:00:00Z",
	SeedHelp:    "the day: another seed is another day at the same provider",
	SiteHelp:    "the provider: its partners, hospitals and probes recur every day",
	ClientsHelp: "patients and clinicians active in the window",
	Generate:    recordDay,
}

func main() { clinic.Main() }

// recordDay builds one window of the provider's traffic: the site's own
// fixtures first (so that they draw the same addresses every day), then
// the day's people, the vaccine release, the attackers and last the
// gateway's refusals.
func recordDay(c simcmd.Config) *Log {
	d := &day{
		log:  New(c.Start, durMinutes(c.Minutes)),
		site: rand.New(rand.NewPCG(c.Site*0x9e3779b97f4a7c15+17, 0xc11)),
		rnd:  rand.New(rand.NewPCG(c.Seed, c.Site^0x7e1e)),
		want: c.Clients,
	}
	d.span = d.log.Window()
	d.fixtures()
	d.planRelease()
	d.crowd()
	d.vaccineRush()
	d.loneAttackers()
	d.campaigns()
	d.gateway()
	return d.log
}
