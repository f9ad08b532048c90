package features

// Paced says a request answered status was refused for its client's pace,
// not for what it carried: the site already holds that client to a rate.
// It is decided once per request, here, and read by everything that asks
// whether the site throttles a client: the client's failure counts
// (countStatus), its share of throttled requests (Client.Throttled, which
// the volume limit reads) and the campaign aggregates' failing addresses
// (Client.Paced).
//
// A 429 is pace when it answers a read (a crowd polling a waiting room or
// a live score faster than the gateway allows is refused for how often it
// asks, not for what), or a write by an integration: one that carries the
// API key its client sent before (keyed and not keyChanged; a guesser
// varies the credentials it presents), or whose user agent names its
// service (SelfNamed, read only for a 429): a partner's webhooks retried
// through an outage are busy, not guessing. A write by anyone else refused
// 429 is a guess tried faster than the site lets anyone try (a login, a
// one-time code), and counts as a refusal.
func Paced(status int, write, keyed, keyChanged bool, ua []byte) bool {
	return status == 429 && (!write || keyed && !keyChanged || SelfNamed(ua))
}
