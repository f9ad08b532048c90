package main

import (
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// call is one request to the platform before it is answered: what is
// asked, how big the body is, and the answer it gets when served.
type call struct {
	method, path string
	body         int64   // request body bytes
	resp         int64   // response bytes when served
	ms           float64 // time to serve
	status       int     // 0 means 200
}

func get(path string, resp float64, ms float64) call {
	return call{method: "GET", path: path, resp: int64(resp), ms: ms}
}

// with answers the call with another status.
func (k call) with(st int) call { k.status = st; return k }

// keyed puts a publishable key in the query, as browser and mobile SDKs do.
func (k call) keyed(key string) call {
	if strings.Contains(k.path, "?") {
		k.path += "&key=" + key
	} else {
		k.path += "?key=" + key
	}
	return k
}

// city is a market where the customers' users are.
type city struct {
	name     string
	lat, lon float64
	country  string
}

var cities = []city{
	{"New York", 40.7128, -74.0060, "us"}, {"Los Angeles", 34.0522, -118.2437, "us"}, {"Chicago", 41.8781, -87.6298, "us"},
	{"Houston", 29.7604, -95.3698, "us"}, {"Seattle", 47.6062, -122.3321, "us"}, {"Atlanta", 33.749, -84.388, "us"},
	{"Toronto", 43.6532, -79.3832, "ca"}, {"Mexico City", 19.4326, -99.1332, "mx"}, {"São Paulo", -23.5505, -46.6333, "br"},
	{"London", 51.5072, -0.1276, "gb"}, {"Paris", 48.8566, 2.3522, "fr"}, {"Berlin", 52.52, 13.405, "de"},
	{"Madrid", 40.4168, -3.7038, "es"}, {"Amsterdam", 52.3676, 4.9041, "nl"}, {"Warsaw", 52.2297, 21.0122, "pl"},
	{"Istanbul", 41.0082, 28.9784, "tr"}, {"Lagos", 6.5244, 3.3792, "ng"}, {"Nairobi", -1.2921, 36.8219, "ke"},
	{"Dubai", 25.2048, 55.2708, "ae"}, {"Mumbai", 19.076, 72.8777, "in"}, {"Bangalore", 12.9716, 77.5946, "in"},
	{"Singapore", 1.3521, 103.8198, "sg"}, {"Jakarta", -6.2088, 106.8456, "id"}, {"Tokyo", 35.6762, 139.6503, "jp"},
	{"Seoul", 37.5665, 126.978, "kr"}, {"Sydney", -33.8688, 151.2093, "au"}, {"Melbourne", -37.8136, 144.9631, "au"},
}

// near draws a point within about km of the city centre.
func (c city) near(r *rand.Rand, km float64) (float64, float64) {
	d := km / 111 * math.Sqrt(r.Float64())
	a := r.Float64() * 2 * math.Pi
	return c.lat + d*math.Sin(a), c.lon + d*math.Cos(a)/math.Cos(c.lat*math.Pi/180)
}

func coord(x float64) string { return strconv.FormatFloat(x, 'f', 5, 64) }

func latlon(lat, lon float64) string { return coord(lat) + "," + coord(lon) }

var (
	streets = []string{"Main St", "Oak Ave", "Maple Dr", "2nd St", "Park Ave", "Elm St", "Washington Blvd", "Lake Shore Dr", "Market St", "Broadway",
		"High Street", "Station Road", "Church Lane", "Rue de Rivoli", "Avenue Foch", "Hauptstraße", "Friedrichstraße", "Calle Mayor", "Gran Vía",
		"Keizersgracht", "ul. Marszałkowska", "Istiklal Cd.", "MG Road", "Orchard Rd", "Sheikh Zayed Rd", "George St", "Collins St", "Av. Paulista"}
	poiWords = []string{"coffee", "pharmacy", "gas station", "ev charger", "parking", "hotel", "restaurant", "supermarket", "atm", "hospital", "gym", "pizza", "bakery", "hardware store", "post office"}
	modes    = []string{"driving", "driving", "driving", "walking", "cycling", "truck", "driving-traffic"}
)

// address draws a street address in a city, as users type them.
func address(r *rand.Rand, c city) string {
	s := strconv.Itoa(1+r.IntN(2400)) + " " + Pick(r, streets)
	if Chance(r, 0.7) {
		s += ", " + c.name
	}
	if Chance(r, 0.15) {
		s += " " + strconv.Itoa(10000+r.IntN(89999))
	}
	return s
}

// Products the platform sells; customers' keys may be scoped to some.
const (
	pGeocode = iota
	pReverse
	pAutocomplete
	pRoute
	pMatrix
	pIsochrone
	pWeather
	pForecast
	pPlaces
	pPlace
	pElevation
	pTimezone
	nProducts
)

// api is a path of the versioned API.
func (s *site) api(p string) string { return "/" + s.ver + p }

// product builds one call of a product near a city.
func (s *site) product(r *rand.Rand, p int, c city) call {
	lat, lon := c.near(r, 25)
	switch p {
	case pGeocode:
		return s.geocode(r, address(r, c), c)
	case pReverse:
		return s.reverse(r, lat, lon)
	case pAutocomplete:
		q := []rune(address(r, c))
		return s.autocomplete(r, string(q[:min(len(q), 3+r.IntN(10))]), c, "")
	case pRoute:
		return s.route(r, c)
	case pMatrix:
		return s.matrix(r, 4+int(LogUniform(r, 1, 120)))
	case pIsochrone:
		return get(s.api("/isochrone?center="+latlon(lat, lon)+"&minutes=10,20,30&profile="+Pick(r, modes)), LogNormal(r, 24000, 0.5), LogNormal(r, 160, 0.6))
	case pWeather:
		return get(s.api("/weather/current?lat="+coord(lat)+"&lon="+coord(lon)+"&units="+Pick(r, []string{"metric", "metric", "imperial"})), LogNormal(r, 850, 0.3), LogNormal(r, 14, 0.6))
	case pForecast:
		return get(s.api("/weather/forecast?lat="+coord(lat)+"&lon="+coord(lon)+"&days="+strconv.Itoa(3+r.IntN(12))+"&hourly="+strconv.FormatBool(Chance(r, 0.4))), LogNormal(r, 9000, 0.6), LogNormal(r, 28, 0.6))
	case pPlaces:
		return get(s.api("/places/search?text="+url.QueryEscape(Pick(r, poiWords))+"&near="+latlon(lat, lon)+"&radius="+strconv.Itoa(500*(1+r.IntN(10)))+"&limit=20"), LogNormal(r, 7000, 0.5), LogNormal(r, 40, 0.6))
	case pPlace:
		k := get(s.api("/places/"+placeID(r.IntN(900_000_000))), LogNormal(r, 2200, 0.4), LogNormal(r, 9, 0.6))
		if Chance(r, 0.02) {
			k = k.with(404)
		}
		return k
	case pElevation:
		n := 2 + int(LogUniform(r, 1, 500))
		return call{method: "POST", path: s.api("/elevation"), body: int64(n * 24), resp: int64(n*14 + 40), ms: LogNormal(r, 12+float64(n)/20, 0.5)}
	}
	return get(s.api("/timezone?lat="+coord(lat)+"&lon="+coord(lon)), LogNormal(r, 240, 0.2), LogNormal(r, 3, 0.5))
}

// placeID is the platform's place id: its database row, which makes
// place ids guessable.
func placeID(n int) string { return "plc_" + strconv.Itoa(3_100_000_000+n) }

func (s *site) geocode(r *rand.Rand, q string, c city) call {
	p := "/geocode?q=" + url.QueryEscape(q)
	if Chance(r, 0.4) {
		p += "&country=" + c.country
	}
	if Chance(r, 0.3) {
		p += "&limit=" + Pick(r, []string{"1", "5", "10"})
	}
	return get(s.api(p), LogNormal(r, 1700, 0.5), LogNormal(r, 28, 0.6))
}

func (s *site) reverse(r *rand.Rand, lat, lon float64) call {
	return get(s.api("/reverse?lat="+coord(lat)+"&lon="+coord(lon)), LogNormal(r, 1100, 0.4), LogNormal(r, 18, 0.6))
}

func (s *site) autocomplete(r *rand.Rand, text string, c city, session string) call {
	p := "/autocomplete?text=" + url.QueryEscape(text) + "&focus=" + latlon(c.lat, c.lon)
	if session != "" {
		p += "&session=" + session
	}
	return get(s.api(p), LogNormal(r, 2400, 0.4), LogNormal(r, 12, 0.5))
}

func (s *site) route(r *rand.Rand, c city) call {
	a, b := c.near(r, 20)
	x, y := c.near(r, 20)
	p := "/route?origin=" + latlon(a, b) + "&destination=" + latlon(x, y) + "&profile=" + Pick(r, modes)
	if Chance(r, 0.5) {
		p += "&alternatives=true"
	}
	if Chance(r, 0.4) {
		p += "&steps=true&overview=full"
	}
	return get(s.api(p), LogNormal(r, 14000, 0.8), LogNormal(r, 80, 0.7))
}

// matrix is a travel-time matrix of n places, sent as a JSON body.
func (s *site) matrix(r *rand.Rand, n int) call {
	return call{method: "POST", path: s.api("/matrix?profile=" + Pick(r, modes)), body: int64(60 + n*42),
		resp: int64(120 + n*n*9), ms: LogNormal(r, 40+float64(n*n)*0.06, 0.5)}
}

// Map assets the browser and mobile SDKs fetch.

func (s *site) styleJSON(r *rand.Rand, style string) call {
	return get("/styles/"+s.ver+"/"+style+"/style.json", LogNormal(r, 62000, 0.2), LogNormal(r, 6, 0.5))
}

func (s *site) sprite(r *rand.Rand, style, ext string) call {
	return get("/styles/"+s.ver+"/"+style+"/sprite@2x."+ext, LogNormal(r, 40000, 0.6), LogNormal(r, 5, 0.5))
}

func (s *site) font(r *rand.Rand) call {
	lo := 256 * r.IntN(4)
	return get("/fonts/"+s.ver+"/"+Pick(r, []string{"Open Sans Regular,Arial Unicode MS Regular", "Noto Sans Bold", "Roboto Medium"})+"/"+strconv.Itoa(lo)+"-"+strconv.Itoa(lo+255)+".pbf",
		LogNormal(r, 70000, 0.4), LogNormal(r, 5, 0.5))
}

// tile is a vector tile; empty ones (sea, desert) answer 204.
func (s *site) tile(r *rand.Rand, style string, z, x, y int) call {
	k := get("/tiles/"+s.ver+"/"+style+"/"+strconv.Itoa(z)+"/"+strconv.Itoa(x)+"/"+strconv.Itoa(y)+"."+s.tileExt, LogNormal(r, 24000, 0.8), LogNormal(r, 7, 0.9))
	if Chance(r, 0.07) {
		k.status = 204
	}
	return k
}

// raster is a rendered tile, fetched by older embeds and by CDN nodes.
func (s *site) raster(r *rand.Rand, style string, z, x, y int) call {
	return get("/tiles/"+s.ver+"/raster/"+style+"/"+strconv.Itoa(z)+"/"+strconv.Itoa(x)+"/"+strconv.Itoa(y)+"@2x.png", LogNormal(r, 38000, 0.6), LogNormal(r, 45, 0.9))
}

// tileXY is the slippy-map tile holding a point at zoom z.
func tileXY(lat, lon float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	lr := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(lr)+1/math.Cos(lr))/math.Pi) / 2 * n)
	return x, y
}

// Batch geocoding: a CSV or JSON upload, polled until done, then fetched.

func (s *site) batchSubmit(r *rand.Rand, size int64) call {
	kind := Pick(r, []string{"geocode", "geocode", "reverse"})
	return call{method: "POST", path: s.api("/batch/" + kind), body: size, resp: 310,
		ms: float64(size)/LogUniform(r, 4e6, 60e6)*1000 + LogNormal(r, 60, 0.5), status: 202}
}

func (s *site) batchPoll(r *rand.Rand, job string) call {
	return get(s.api("/batch/jobs/"+job), LogNormal(r, 420, 0.1), LogNormal(r, 4, 0.5))
}

func (s *site) batchResults(r *rand.Rand, job string, size int64) call {
	return get(s.api("/batch/jobs/"+job+"/results"), float64(size)*Uniform(r, 1.2, 2.2), LogNormal(r, 900, 0.6))
}

// jobID is a batch job's id, handed out in sequence.
func jobID(n int) string { return "job_" + strconv.Itoa(n) }

// The dashboard, docs and status page.

func console(p string) string { return "/console" + p }

func (cu *customer) consolePath(p string) string { return console("/api/accounts/" + cu.acct + p) }

func health(s *site) call { return get(s.api("/health"), 58, 0.8) }

func statusPage(r *rand.Rand) call {
	return get("/status", LogNormal(r, 21000, 0.1), LogNormal(r, 12, 0.5))
}

func statusJSON(r *rand.Rand) call {
	return get("/status/api/v2/summary.json", LogNormal(r, 3200, 0.1), LogNormal(r, 4, 0.5))
}
