package ingest

import (
	"bytes"
	"net/netip"
	"unsafe"
)

// Record is one request from an access log.
//
// The byte-slice fields alias memory owned by the parser that filled the
// Record (the input line or the parser's scratch buffer). They are valid only
// until the next call to that parser; use Clone to keep a Record longer.
// Missing optional fields are zero.
type Record struct {
	// TS is the event time in Unix nanoseconds (UTC).
	TS         int64
	ClientIP   []byte
	Method     []byte
	Path       []byte // path with its query string, as logged
	Status     int
	ReqBytes   int64
	RespBytes  int64
	DurationMS float64
	UserAgent  []byte
	// APIKey is the id of the API key the client presented
	// (apikey.ID), never the key: the parser of a log that holds
	// the key itself stores its id, and the canonical JSON holds the id
	// the gateway logged.
	APIKey []byte
	User   []byte
	// WAF is how many WAF (OWASP CRS) rules the request matched; 0 when
	// none did or no WAF looked at it.
	WAF int
}

// Clone returns a deep copy of r whose slices the caller owns.
func (r *Record) Clone() Record {
	c := *r
	c.ClientIP = clone(r.ClientIP)
	c.Method = clone(r.Method)
	c.Path = clone(r.Path)
	c.UserAgent = clone(r.UserAgent)
	c.APIKey = clone(r.APIKey)
	c.User = clone(r.User)
	return c
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// hostOnly returns the address in b without the port some servers log
// with it ("203.0.113.7:51234", "[2001:db8::1]:443", "[2001:db8::1]"),
// so that one client is one address whatever connection it came on. Other
// values, plain IPv6 addresses among them, are returned as they are. It
// returns a subslice of b whose capacity ends with it.
// errBadClientIP is the reason for a client address that is not an IP.
const errBadClientIP = malformed("client_ip: not an IP address such as 203.0.113.7 or 2001:db8::1")

// canonicalIP returns the IP address b (from hostOnly) in the canonical
// form of netip (IPv4-mapped IPv6 unmapped), appending it to *scratch when
// it differs from b; or errBadClientIP, when b is not an address without a
// zone. An empty b is returned as it is. A canonical IPv4 address, the
// common case, is checked without allocating.
func canonicalIP(b []byte, scratch *[]byte) ([]byte, error) {
	if len(b) == 0 || isCanonicalIPv4(b) {
		return b, nil
	}
	if len(b) > len("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255") {
		return nil, errBadClientIP
	}
	// ParseAddr keeps nothing of its argument (a zone, refused here, it
	// would copy), so b is lent to it without a copy.
	a, err := netip.ParseAddr(unsafe.String(unsafe.SliceData(b), len(b)))
	if err != nil || a.Zone() != "" {
		return nil, errBadClientIP
	}
	a = a.Unmap()
	mark := len(*scratch)
	*scratch = a.AppendTo(*scratch)
	c := (*scratch)[mark:len(*scratch):len(*scratch)]
	if bytes.Equal(c, b) {
		*scratch = (*scratch)[:mark]
		return b, nil
	}
	return c, nil
}

// isCanonicalIPv4 says whether b is a dotted-quad IPv4 address without
// leading zeros.
func isCanonicalIPv4(b []byte) bool {
	parts, n, digits := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || n > 255 {
				return false
			}
			parts++
			n, digits = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || digits > 0 && n == 0 {
			return false // not a digit, or a leading zero
		}
		n = n*10 + int(c-'0')
		digits++
		if digits > 3 {
			return false
		}
	}
	return parts == 4
}

func hostOnly(b []byte) []byte {
	if len(b) > 1 && b[0] == '[' {
		if j := bytes.IndexByte(b, ']'); j > 1 && (j == len(b)-1 || b[j+1] == ':' && allDigits(b[j+2:])) {
			return b[1:j:j]
		}
		return b
	}
	i := bytes.IndexByte(b, ':')
	if i > 0 && bytes.IndexByte(b[i+1:], ':') < 0 && allDigits(b[i+1:]) {
		return b[:i:i]
	}
	return b
}

func allDigits(b []byte) bool {
	if len(b) == 0 || len(b) > 5 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
