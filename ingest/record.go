package ingest

import "bytes"

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
	APIKey     []byte
	User       []byte
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
