package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// The gateway's rate limits. Each request draws from one bucket, chosen
// by what it does, and is refused with 429 when that bucket is empty.
var limits = map[string][2]float64{ // rate a second, burst
	"signin": {0.2, 8},  // sign-in, second factor, resets, tokens: per address
	"search": {1, 15},   // full searches: per address
	"write":  {0.05, 5}, // comments, threads, messages, uploads: per member
	"vote":   {1, 20},   // votes: per member
	"thread": {0.2, 6},  // a thread's comments read anonymously: per address
	"token":  {25, 250}, // personal and bot tokens: per token
	"inbox":  {40, 400}, // federation deliveries: per address
	"ip":     {20, 200}, // everything else: per address
}

// gateway applies the rate limits in time order. Static files and media
// come from the cache and are not limited, nor are the search engines'
// crawlers, which the gateway recognizes by their addresses.
func (w *world) gateway(r *rand.Rand) {
	buckets := map[string]*Buckets{}
	for class, l := range limits {
		buckets[class] = NewBuckets(l[0], l[1])
	}
	w.l.Sort()
	evs := w.l.Events()
	for i := range evs {
		e := &evs[i]
		class, key := bucketOf(e)
		if class == "" || buckets[class].Take(key, e.T) {
			continue
		}
		e.Status, e.RespBytes, e.DurationMS = 429, int64(Uniform(r, 110, 170)), LogNormal(r, 0.6, 0.4)
	}
}

// appKeys are the client keys of the apps: many members share each, so
// the gateway limits their requests by address, not by key.
var appKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range apps {
		m[a.key] = true
	}
	return m
}()

// bucketOf names the bucket a request draws from, and its key; "" if the
// request is not limited.
func bucketOf(e *Event) (string, string) {
	p, ip := e.Path, e.C.IP
	post := e.Method != "GET" && e.Method != "HEAD"
	switch {
	case strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/media/") || p == "/favicon.ico" || e.C.Profile == "crawler":
		return "", ""
	case e.Key != "" && !appKeys[e.Key]:
		return "token", e.Key
	case p == "/inbox":
		return "inbox", ip
	case post && (strings.HasPrefix(p, "/api/v1/auth/") || p == "/api/v1/oauth/token"):
		return "signin", ip
	case strings.HasPrefix(p, "/search?") || strings.HasPrefix(p, "/api/v1/search?"):
		return "search", ip
	case post && e.User != "" && strings.HasSuffix(p, "/vote"):
		return "vote", e.User
	case e.Method == "POST" && e.User != "" && (strings.HasSuffix(p, "/comments") || strings.HasPrefix(p, "/api/v1/threads") || p == "/api/v1/messages" || strings.HasPrefix(p, "/api/v1/uploads")):
		return "write", e.User
	case !post && e.User == "" && strings.HasPrefix(p, "/api/v1/threads/") && strings.Contains(p, "/comments"):
		return "thread", ip
	}
	return "ip", ip
}
