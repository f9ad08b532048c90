// Command fleetsim writes a synthetic recording of the gateway in front
// of a smart-home cloud, and one label per client saying what it really
// is.
//
// The site is the backend of a fleet of thermostats, cameras, doorbells,
// door locks, plugs, hubs, battery sensors and LTE gate controllers, plus
// the mobile app of their owners and a public developer API. Devices on
// the old API post reports with a device key the gateway logs; those on
// the current one hold bearer tokens and keep a long-poll open for
// commands. Cameras upload motion clips of several megabytes in parts,
// devices in a staged rollout download firmware images of up to 64 MB,
// and all devices of a home share its router's address unless the home
// has IPv6, where each has an address of its own and phones rotate privacy
// addresses. LTE devices and many phones sit behind the carrier's NAT.
//
// Beside them: voice assistants and automation platforms calling the API
// all day from fixed cloud addresses, an energy utility walking through
// its enrolled thermostats, an alarm monitoring center, a push provider's
// webhooks, the support office, the factory registering consecutive
// serials, and uptime monitors. Some days the MQTT broker fails: every
// device retries, then all of them are refused with 401 and renew their
// credentials within a minute or two, with 503 and 429 from the gateway.
// Some days bring a new partner or a new device model nobody has seen.
//
// The attacks are lone floods, scans, brute force, injections, oversized
// uploads and enumerations, many dressed as the app or as a device, and
// campaigns of many addresses: credential stuffing, a botnet flood,
// device token spraying, and "claimjack", the hijacking of sold but
// not yet set up devices by guessing their claim codes.
package main

import (
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// model is the command line of the site: the shared flags, with this
// site's defaults and help.
var model = simcmd.Model{Name: "fleetsim", Site: 3, Start: "2027-03-15T06:30:00Z", Generate: generate,
	SeedHelp:    "day to generate (1 is the training day, 2 the test day)",
	SiteHelp:    "fleet to generate: its homes, partners, monitors and their addresses are the same on every day of a site",
	ClientsHelp: "size of the fleet: about this many homes, somewhat fewer or more by site; phones, LTE devices and partner volume follow"}

func main() { model.Main() }

// generate builds one day of the site. The fixtures and the fleet come
// first so their addresses are the same on every day; the day's own
// draws follow.
func generate(c simcmd.Config) *Log {
	l := New(c.Start, time.Duration(c.Minutes)*time.Minute)
	d := newDay(l, c, newSite(l, c))
	plan := Sub(d.r)
	d.planOutage(plan)
	d.planWaves(plan)
	d.runHomes()
	d.runPartners()
	d.runNewcomers()
	d.runThreats()
	d.runCampaigns()
	d.gateway()
	d.markHeavy()
	return l
}
