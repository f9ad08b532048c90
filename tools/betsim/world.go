package main

// country is where a site's punters live: the address ranges of its home
// broadband and mobile carriers, and the teams its punters search for.
type country struct {
	name    string
	isp     []string // home broadband IPv4 prefixes
	carrier []string // mobile carrier NAT IPv4 prefixes
	v6      []string // mobile carrier IPv6 prefixes
	teams   []string
}

// countries are the markets a site can serve; a site takes one as its home
// and may add a neighbour, so that each instance has its own mix.
var countries = []country{
	{"uk", []string{"86.1.", "81.1.", "82.3.", "90.2.", "109.15."}, []string{"31.94.", "92.40."}, []string{"2a01:4b00:", "2a00:23c4:"},
		[]string{"Brighton & Hove Albion", "Nott'm Forest", "Spurs", "Man Utd", "Newcastle", "Wolves", "Crystal Palace", "West Ham", "Aston Villa", "Arsenal", "Liverpool", "Everton"}},
	{"de", []string{"87.1.", "91.6.", "93.2.", "84.1."}, []string{"80.187.", "176.0."}, []string{"2a02:8109:", "2a01:598:"},
		[]string{"Bayern München", "Borussia M'gladbach", "1. FC Köln", "Werder Bremen", "RB Leipzig", "Eintracht Frankfurt", "Union Berlin", "VfB Stuttgart"}},
	{"es", []string{"83.4.", "88.2.", "95.12."}, []string{"37.132.", "31.4."}, []string{"2a0c:5a80:", "2a01:c50e:"},
		[]string{"Atlético Madrid", "Real Betis", "Athletic Club", "Rayo Vallecano", "Sevilla", "Real Sociedad", "Celta de Vigo"}},
	{"br", []string{"177.1.", "189.3.", "201.4."}, []string{"179.24.", "191.22."}, []string{"2804:14c:", "2804:7f0:"},
		[]string{"Flamengo", "São Paulo", "Grêmio", "Atlético-MG", "Vasco da Gama", "Corinthians", "Palmeiras"}},
	{"se", []string{"78.7.", "83.25.", "94.25."}, []string{"46.59.", "90.224."}, []string{"2a02:aa1:", "2001:2043:"},
		[]string{"Malmö FF", "AIK", "Djurgården", "IFK Göteborg", "Hammarby", "BK Häcken"}},
}

// cloud ranges hold servers: partners, scrapers and most lone attackers
// rent there, as they do in real logs.
var cloud = []string{"34.8.", "35.19.", "52.2.", "3.12.", "18.19.", "13.4.", "20.10.", "40.11.", "104.19.", "159.89.", "167.99.", "138.68.", "178.62."}

// hostile ranges are bulletproof and cheap VPS hosts that scanners and
// floods come from more often than partners do.
var hostile = []string{"45.14.", "185.22.", "194.26.", "193.3.", "91.24.", "5.188.", "141.98.", "89.248."}

// proxyNets are residential proxy exits: home broadband of many countries,
// which credential stuffing and bonus abuse rent by the address.
var proxyNets = []string{"24.1.", "73.2.", "98.1.", "71.6.", "68.4.", "177.3.", "186.1.", "105.2.", "41.2.", "112.20.", "122.16.", "36.7.", "78.1.", "95.1."}

// newPartnerNet is a range only the day's new partner comes from, so that
// a newcomer can never hold an address seen the day before.
var newPartnerNet = []string{"147.182.", "146.190."}

// browsers are the user agents of the site's web punters, and of
// attackers who pass for them.
var browsers = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
}

// devices are the phones the app reports after its own name and version.
var devices = []string{
	"(iPhone; iOS 17.6; Scale/3.00)", "(iPhone; iOS 18.0; Scale/3.00)", "(iPad; iOS 17.5; Scale/2.00)",
	"(Android 14; SM-S918B) okhttp/4.12.0", "(Android 13; Pixel 7) okhttp/4.12.0", "(Android 12; M2101K6G) okhttp/4.11.0",
}

// brands name the site's app, so that each instance has its own app user
// agent.
var brands = []string{"Goalline", "PitchBet", "KickoffBet", "OddsOn", "Stakehouse", "Matchday", "TopCorner", "BetNorth"}

// harmlessBots are the link previewers and feed readers that fetch shared
// match pages and bet slips: odd user agents, no harm.
var harmlessBots = []string{
	"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	"WhatsApp/2.24.18.80 A",
	"TelegramBot (like TwitterBot)",
	"Discordbot/2.0; +https://discordapp.com",
	"Mozilla/5.0 (compatible; Feedly/1.0; +http://www.feedly.com/fetcher.html)",
	"Twitterbot/1.0",
}
