package main

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// title is a film or a series of the catalogue.
type title struct {
	id       int
	name     string
	slug     string
	series   bool
	seasons  int
	episodes int     // per season
	minutes  float64 // running time of the film or of one episode
	kids     bool
	released bool // false: announced with a page, not yet playable
}

// catalog is what a platform streams. Title ids grow with gaps (deleted
// and regional titles), so that walking them finds holes.
type catalog struct {
	titles []title
	byID   map[int]*title
	maxID  int
	genres []string
	rows   []string
	terms  []string // what people type into search
	people []string // cast pages the crawlers follow
}

var (
	adjectives = []string{"Silent", "Last", "Broken", "Golden", "Hidden", "Northern", "Crimson", "Quiet", "Wild", "Lost", "Iron", "Paper", "Midnight", "Hollow", "Bright", "Salt", "Distant", "Frozen", "Little", "Savage"}
	nouns      = []string{"Harbor", "Orchard", "Kingdom", "Signal", "Frontier", "Garden", "Tide", "Empire", "Witness", "Lantern", "Circuit", "Valley", "Crown", "Station", "Verdict", "Island", "Shift", "Heist", "Summer", "Archive"}
	firstNames = []string{"ana", "james", "mei", "olu", "lars", "sofia", "ravi", "claire", "diego", "yuki", "omar", "hanna", "tom", "ines", "kofi"}
	lastNames  = []string{"moreau", "silva", "okafor", "lindqvist", "tanaka", "novak", "brennan", "haddad", "costa", "weber", "reyes", "kowalski"}
	genreNames = []string{"drama", "comedy", "thriller", "documentary", "crime", "sci-fi", "animation", "romance", "horror", "sports", "kids", "reality", "anime", "true-crime"}
)

func newCatalog(r *rand.Rand, n int) *catalog {
	c := &catalog{genres: genreNames}
	id := 10000 + r.IntN(80000)
	for range n {
		id += 1 + r.IntN(3)
		t := title{id: id, released: !Chance(r, 0.04)}
		switch r.IntN(4) {
		case 0:
			t.name = "The " + Pick(r, adjectives) + " " + Pick(r, nouns)
		case 1:
			t.name = Pick(r, nouns) + " of the " + Pick(r, adjectives) + " " + Pick(r, nouns)
		case 2:
			t.name = Pick(r, adjectives) + " " + Pick(r, nouns)
		default:
			t.name = Pick(r, nouns) + " " + fmt.Sprint(1+r.IntN(99))
		}
		t.slug = strings.ToLower(strings.ReplaceAll(t.name, " ", "-"))
		t.series = Chance(r, 0.45)
		t.kids = Chance(r, 0.12)
		if t.series {
			t.seasons = 1 + r.IntN(6)
			t.episodes = 6 + r.IntN(17)
			t.minutes = Pick(r, []float64{22, 24, 30, 42, 45, 52, 58})
		} else {
			t.minutes = Uniform(r, 78, 150)
		}
		c.titles = append(c.titles, t)
	}
	c.maxID = id
	c.byID = map[int]*title{}
	for i := range c.titles {
		c.byID[c.titles[i].id] = &c.titles[i]
	}
	for _, t := range c.titles[:min(len(c.titles), 120)] {
		w := strings.Fields(strings.ToLower(t.name))
		c.terms = append(c.terms, strings.ToLower(t.name), w[len(w)-1])
	}
	for range 30 {
		c.people = append(c.people, Pick(r, firstNames)+" "+Pick(r, lastNames))
	}
	c.terms = append(c.terms, c.people...)
	c.terms = append(c.terms, "kids movies", "new episodes", "football", "live", "christmas", "documentary crime", "anime")
	c.rows = []string{"continue-watching", "trending-now", "new-releases", "top-10", "my-list", "because-you-watched", "award-winners", "leaving-soon"}
	for _, g := range genreNames {
		c.rows = append(c.rows, "genre-"+g)
	}
	return c
}

// popular draws a title the way audiences do: a few titles take most of
// the plays.
func (c *catalog) popular(r *rand.Rand) *title {
	for {
		i := int(float64(len(c.titles)) * math.Pow(r.Float64(), 3))
		if t := &c.titles[i]; t.released {
			return t
		}
	}
}

// any draws a title evenly, for crawlers and the long tail the CDN fills.
func (c *catalog) any(r *rand.Rand) *title { return &c.titles[r.IntN(len(c.titles))] }

// asset names the media of a film (season 0) or an episode. It is a hash,
// so that it is the same every day and cannot be walked.
func asset(t *title, season, episode int) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d/%d", t.id, season, episode)
	return fmt.Sprintf("%012x", h.Sum64()>>16)
}

// query writes a search term into a query value the way browsers and
// apps do.
func query(r *rand.Rand, s string) string {
	if Chance(r, 0.5) {
		return strings.ReplaceAll(s, " ", "+")
	}
	return strings.ReplaceAll(s, " ", "%20")
}
