package campaign

import (
	"github.com/portcullis/portcullis/features"
)

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// EndpointKey names an endpoint: the method (upper-cased) in the high 32
// bits, the template hash of the path (features.TemplateHash) in the low
// 32, so that a client's template can be compared with an endpoint's
// without the method.
func EndpointKey(method, path []byte) uint64 {
	return endpointKey(method, features.TemplateHash(path))
}

// endpointKey is EndpointKey of a path whose template hash is tmpl.
func endpointKey(method []byte, tmpl uint32) uint64 {
	h := uint32(2166136261)
	for _, c := range method {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		h = (h ^ uint32(c)) * 16777619
	}
	return uint64(h)<<32 | uint64(tmpl)
}

// readKey says the endpoint key's method reads, as features.IsRead says of a
// method.
func readKey(key uint64) bool {
	m := uint32(key >> 32)
	return m == readMethods[0] || m == readMethods[1] || m == readMethods[2] || m == readMethods[3]
}

// readMethods are the method parts of the endpoint keys of features.IsRead's
// methods (endpointKey folds their case).
var readMethods = func() (h [4]uint32) {
	for i, m := range []string{"GET", "HEAD", "OPTIONS", ""} {
		h[i] = uint32(endpointKey([]byte(m), 0) >> 32)
	}
	return h
}()

// TemplateOf returns the template part of an endpoint key.
func TemplateOf(key uint64) uint32 { return uint32(key) }

// Network keys: an IPv4 /24, an IPv6 /64 and /48. The kind is folded into
// the key so that the three share one table.
const (
	net24 = 1
	net64 = 2
	net48 = 3
)

// Keys of the users table (see Tracker.own): a signed-in user, and the
// textual address a user is served at when it is no IPv6 address.
const (
	keyUser = 4
	keyAddr = 5
	keyKey  = 6 // an API key, as a credential the users table follows (see Tracker.credential)
)

// networks returns the keys of the networks of the address in ip: a /24
// for IPv4 (the second key is 0), a /64 and a /48 for IPv6. ok is false
// when ip is not an address (an API key or user name as identity).
func networks(ip []byte) (a, b uint64, ok bool) {
	var addr [16]byte
	v4, ok := parseIP(ip, &addr)
	if !ok {
		return 0, 0, false
	}
	if v4 || addr[10] == 0xff && addr[11] == 0xff && [10]byte(addr[:10]) == [10]byte{} {
		// An IPv4-mapped IPv6 address is its IPv4 address.
		return hashNet(net24, addr[12:15]), 0, true
	}
	return hashNet(net64, addr[:8]), hashNet(net48, addr[:6]), true
}

func hashNet(kind byte, b []byte) uint64 {
	h := uint64(fnvOffset64)
	h = (h ^ uint64(kind)) * fnvPrime64
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime64
	}
	return h | 1 // 0 means none
}

// parseIP parses a textual IPv4 or IPv6 address (no zone) into addr
// (IPv4 in its IPv4-mapped form) without allocating.
func parseIP(b []byte, addr *[16]byte) (v4, ok bool) {
	if len(b) == 0 || len(b) > 45 {
		return false, false
	}
	for _, c := range b {
		if c == ':' {
			return false, parseIPv6(b, addr)
		}
	}
	addr[10], addr[11] = 0xff, 0xff
	return true, parseIPv4(b, addr[12:16])
}

func parseIPv4(b []byte, out []byte) bool {
	part, val, digits := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return false
			}
			out[part] = byte(val)
			part, val, digits = part+1, 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' {
			return false
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 || digits > 3 {
			return false
		}
	}
	return part == 4
}

func parseIPv6(b []byte, addr *[16]byte) bool {
	var groups [8]uint16
	n, gap := 0, -1
	i := 0
	if len(b) >= 2 && b[0] == ':' && b[1] == ':' {
		gap, i = 0, 2
	}
	for i < len(b) {
		if n == 8 {
			return false
		}
		// An embedded IPv4 tail.
		j := i
		for j < len(b) && b[j] != ':' && b[j] != '.' {
			j++
		}
		if j < len(b) && b[j] == '.' {
			if n > 6 {
				return false
			}
			var v4 [4]byte
			if !parseIPv4(b[i:], v4[:]) {
				return false
			}
			groups[n] = uint16(v4[0])<<8 | uint16(v4[1])
			groups[n+1] = uint16(v4[2])<<8 | uint16(v4[3])
			n += 2
			break
		}
		if j == i || j-i > 4 {
			return false
		}
		var v uint16
		for _, c := range b[i:j] {
			switch {
			case '0' <= c && c <= '9':
				c -= '0'
			case 'a' <= c && c <= 'f':
				c -= 'a' - 10
			case 'A' <= c && c <= 'F':
				c -= 'A' - 10
			default:
				return false
			}
			v = v<<4 | uint16(c)
		}
		groups[n] = v
		n++
		i = j
		if i == len(b) {
			break
		}
		i++ // ':'
		if i < len(b) && b[i] == ':' {
			if gap >= 0 {
				return false
			}
			gap = n
			i++
		} else if i == len(b) {
			return false
		}
	}
	if gap >= 0 {
		if n == 8 {
			return false
		}
		k := 8 - n
		copy(groups[gap+k:], groups[gap:n])
		for x := gap; x < gap+k; x++ {
			groups[x] = 0
		}
	} else if n != 8 {
		return false
	}
	for k, g := range groups {
		addr[2*k], addr[2*k+1] = byte(g>>8), byte(g)
	}
	return true
}

// Fingerprint shapes: a coarse behaviour of one request, folded into the
// user-agent family's key.
const (
	shapeWrite  = 1 << iota // not a read
	shapeFailed             // failed as guessing fails (see Failed)
	shapeKeyed              // carried an API key
)

// uaFamily hashes a user agent with its version numbers left out, so that
// every build of one browser, tool or library shares a family.
func uaFamily(ua []byte) uint64 {
	h := uint64(fnvOffset64)
	for _, c := range ua {
		if '0' <= c && c <= '9' || c == '.' || c == '_' {
			continue
		}
		h = (h ^ uint64(c)) * fnvPrime64
	}
	return h
}

// Failed says whether a status is a failure as campaigns count them:
// refused credentials (401, 403), a declined payment (402), a missing
// resource (404), an account locked after too many failures (423), a rate
// limit (429), or what the request carried refused (400, 409, 422: an
// invalid or already redeemed coupon, a card number that does not
// validate). Server errors are the site's trouble, not the
// client's doing, and are left out.
func Failed(status int) bool {
	switch status {
	case 400, 401, 402, 403, 404, 409, 422, 423, 429:
		return true
	}
	return false
}

// gone says a request asked to delete what the site no longer has: a
// DELETE answered 404, an order filled before its cancel arrived, a second
// click on delete. The client has what it asked for; it was neither
// refused nor served (see resultOf). On the exchange model, traders
// cancelling orders in a listing's rush met hundreds of such answers a
// day, and 32 of them were blocked on three sites as members of
// campaigns "failing on DELETE /v1/order" that no attack made.
func gone(method []byte, status int) bool {
	return status == 404 && (string(method) == "DELETE" || string(method) == "delete")
}

// printable returns s with bytes outside printable ASCII replaced by '?',
// cut to 120 bytes: templates come from logs and are shown on terminals
// and pages.
func printable(b []byte) string {
	if len(b) > 120 {
		b = b[:120]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}
