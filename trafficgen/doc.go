// Package trafficgen generates labelled, synthetic API gateway access logs.
//
// It sits in front of the data flow: `portcullis gen` writes a recording in
// the canonical JSON lines format that ingest reads (one request per line,
// sorted by ts), and a labels file, one object per client address, that
// `portcullis score --labels` uses to measure recall per attack kind, false
// positives among normal clients and time to detect. Larger traffic for
// tests and benchmarks comes from here and is never committed.
//
// # Determinism
//
// Generate is a pure function of its Config: the same Config gives
// byte-identical output. Config.Site fixes the site (its routes and
// catalogue, its gateway policy, its recurring heavy clients and a pool of
// regular users); Config.Seed fixes one recording of that site (who is
// active, all timing, the backend incidents and the attackers). Two
// recordings with the same Site and different Seeds look like two days of
// the same site: the heavy legitimate clients keep their addresses, about
// a third of each day's regular users are the site's regulars, and two days
// share about a quarter of their regular users.
//
// Every actor (a person, a machine or an attacker) has its own PCG
// generator derived from (Site, Seed, purpose, index), runs as a stream of
// requests in time order, and the streams are merged with a heap, so memory
// grows with the number of clients, not with the length of the recording.
//
// # Normal clients
//
// Normal clients are labelled "normal" with a profile:
//
//   - browser: sessions on a single-page web app: a landing page with its
//     assets (or 304s from a warm cache), GET /api/v1/me (401 for guests),
//     sometimes a login with mistyped passwords, then page views with
//     lognormal think times, each a burst of API calls (items, reviews,
//     search with typeahead suggestions, lists with thumbnails, cart,
//     orders, uploads, telemetry beacons), notification polling on sites
//     that poll, and a few 404s.
//   - mobile: a native app with an API key: foreground sessions of user
//     actions, periodic sync every 30 s to 5 min, token refreshes after a
//     401, and retries after the app gives up on a slow network (499).
//   - script: a developer's script or a small integration with an API key:
//     a poller at a fixed period, a cron job paging quickly through a
//     collection every minute or few, someone trying the API by hand with
//     wrong paths and keys, or a forgotten job whose key was revoked and
//     that gets 401, 403 or 404 on every request.
//
// The heavy legitimate clients recur in every recording of a site and are
// labelled "heavy":true:
//
//   - partner: an integration from a cloud address, 2 to 30 requests per
//     second, mostly POST and PUT with an API key, 409 and 422 now and then,
//     retries with backoff, and for some a bulk sync of hundreds of requests
//     in a few seconds every one to five minutes.
//   - healthcheck: an uptime monitor or load balancer probing one to three
//     paths every 1 to 30 seconds, very regularly.
//   - crawler: a search or SEO bot, 0.3 to 4 requests per second over
//     many distinct HTML pages, with 404s for removed items, 301s and 304s.
//   - office: 20 to 200 staff behind one NAT address, a few browser builds,
//     long working sessions: many users, high aggregate rate.
//
// # Attacks
//
// Attackers are labelled with their kind, the times of their first and last
// request as onset and end, and an intensity (subtle, moderate, blatant)
// that scales their rate; some use browser user agents:
//
//   - flood: 8 to 300 requests per second on one to three paths, sometimes
//     with cache busters or a new user agent per request.
//   - scan: 0.3 to 25 per second over well-known probe paths (/.env,
//     /.git/config, /wp-admin/, ...), mostly 404, some 403 and 400.
//   - bruteforce: POST /login at 0.2 to 8 per second, mostly 401.
//   - injection: 0.15 to 6 per second, SQL injection, XSS, traversal and
//     command payloads in parameters of real routes, answered with
//     403/400/500/200, between ordinary requests.
//   - scraping: 0.4 to 15 per second, steady, through the catalogue.
//   - upload: bodies of tens of megabytes to gigabytes, 413 or 201.
//   - enumeration: 0.5 to 25 per second over sequential ids on one route,
//     mostly 403 or 404, with a user's API key.
//   - lowslow: credential stuffing from many residential addresses, each
//     making two to six login attempts one to four minutes apart, some of
//     them fetching the login page first, a few of them succeeding.
package trafficgen
