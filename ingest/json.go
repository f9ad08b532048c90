package ingest

import (
	"math"
	"strconv"
)

// JSONParser parses canonical JSON access-log lines, one object per line:
//
//	{"ts":"2026-03-02T09:00:00.123Z","client_ip":"203.0.113.7","method":"GET",
//	 "path":"/api/v1/items/42?x=1","status":200,"req_bytes":512,"resp_bytes":5120,
//	 "duration_ms":12.5,"user_agent":"Mozilla/5.0","api_key":"key_1a2b","user":"alice",
//	 "waf":2}
//
// waf, optional, is how many WAF rules the request matched.
// Field names match exactly (case matters). Unknown fields, of any JSON type,
// are skipped; a missing or null field leaves its Record field zero, and when
// a field appears twice the last one wins. ts is required: an RFC 3339
// time, with or without fractional seconds, with "Z" or an offset (digits
// past nanoseconds are dropped); or one of the near forms other tools write
// (a space or 't' for the 'T', a lower-case 'z', no zone, read as UTC); or a
// Unix time as a number, in seconds, milliseconds, microseconds or
// nanoseconds by magnitude. At least one of client_ip, api_key and user
// must be non-empty. Beyond that the parser is lenient where it does no
// harm:
//
//   - numeric fields may be JSON strings ("200"); "" and "-" read as 0;
//   - integer fields accept integral floats (200.0, 2e2);
//   - a negative number, which some loggers write for "unknown", reads as 0;
//   - text fields accept a bare number and keep its literal text;
//   - invalid UTF-8 is passed through rather than replaced.
//
// A status above 999 or a non-integral integer field makes the line
// malformed. String escapes, including \uXXXX surrogate pairs, are decoded;
// a lone surrogate becomes U+FFFD, as encoding/json does.
//
// The zero JSONParser is ready to use. It is not safe for concurrent use.
type JSONParser struct {
	w jsonWalker
}

// Reasons a JSON line is malformed.
const (
	errNotObject    = malformed("not a JSON object")
	errJSONEOF      = malformed("JSON ends early")
	errWantKey      = malformed("JSON: want a quoted field name")
	errWantColon    = malformed("JSON: want ':' after a field name")
	errWantComma    = malformed("JSON: want ',' or '}' after a field value")
	errTrailing     = malformed("JSON: data after the closing '}'")
	errUnterminated = malformed("JSON: unterminated string")
	errBadEscape    = malformed("JSON: invalid escape in a string")
	errBadValue     = malformed("JSON: invalid value")
	errNoTS         = malformed(`ts is missing; every line needs an RFC 3339 time such as "2026-03-02T09:00:00Z"`)
	errBadTS        = malformed(`ts: want an RFC 3339 time such as "2026-03-02T09:00:00Z" (or a Unix time)`)
	errNoIdentity   = malformed("client_ip, api_key and user are all missing; a line needs at least one")
	errClientIP     = malformed("client_ip: want a string")
	errMethod       = malformed("method: want a string")
	errPath         = malformed("path: want a string")
	errUserAgent    = malformed("user_agent: want a string")
	errAPIKey       = malformed("api_key: want a string")
	errUser         = malformed("user: want a string")
	errStatus       = malformed("status: want an integer from 0 to 999")
	errReqBytes     = malformed("req_bytes: want an integer")
	errRespBytes    = malformed("resp_bytes: want an integer")
	errDuration     = malformed("duration_ms: want a number")
	errWAF          = malformed("waf: want an integer")
)

// canonicalJSON is the canonical JSON form.
var canonicalJSON = jsonForm{noTS: errNoTS, noClient: errNoIdentity, anyID: true, keys: newJSONKeys(
	jsonKey{name: "ts", to: toTS},
	jsonKey{name: "client_ip", to: toClientIP},
	jsonKey{name: "method", to: toMethod},
	jsonKey{name: "path", to: toPath},
	jsonKey{name: "status", to: toStatus},
	jsonKey{name: "req_bytes", to: toReqBytes},
	jsonKey{name: "resp_bytes", to: toRespBytes},
	jsonKey{name: "duration_ms", to: toDurationMS},
	jsonKey{name: "user_agent", to: toUserAgent},
	jsonKey{name: "api_key", to: toAPIKey},
	jsonKey{name: "user", to: toUser},
	jsonKey{name: "waf", to: toWAF},
)}

// Parse parses one JSON line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed, and rec holds whatever was parsed
// before the error.
//
// rec's byte slices alias line, or the parser's scratch buffer when a string
// had escapes: they stay valid until the next call to Parse and until line is
// modified. The slices are capped, so appending to them copies.
func (p *JSONParser) Parse(line []byte, rec *Record) error {
	if err := p.w.parse(line, &canonicalJSON, rec); err != nil {
		return err
	}
	ip, err := canonicalIP(rec.ClientIP, &p.w.buf)
	rec.ClientIP = ip
	return err
}

// toInt converts a valid JSON number to an int64. Integers are converted
// exactly; others must be integral floats within int64's range.
func toInt(b []byte, isInt bool) (int64, bool) {
	if isInt {
		if v, ok := parseInt(b); ok {
			return v, true
		}
	}
	f, ok := parseFloat(b)
	const twoTo63 = 1 << 63
	if !ok || f != math.Trunc(f) || f < -twoTo63 || f >= twoTo63 {
		return 0, false
	}
	return int64(f), true
}

// parseInt parses an optionally signed run of decimal digits, reporting
// false on overflow.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	const limit = 1 << 63
	var u uint64
	for _, c := range b {
		if !isDigit(c) || u > limit/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
		if u > limit {
			return 0, false
		}
	}
	if neg {
		return -int64(u), true // u == 1<<63 wraps to math.MinInt64, as wanted
	}
	if u == limit {
		return 0, false
	}
	return int64(u), true
}

// parseFloat converts a valid JSON number to a float64, rounding correctly.
// Short numbers take the exact fast path (a mantissa below 2^53 scaled by an
// exactly representable power of ten); others go to strconv.
func parseFloat(b []byte) (float64, bool) {
	i := 0
	neg := b[0] == '-'
	if neg {
		i++
	}
	var mant uint64
	digits, exp := 0, 0
	frac := false
	for ; i < len(b); i++ {
		c := b[i]
		if c == '.' {
			frac = true
			continue
		}
		if !isDigit(c) {
			break
		}
		if frac {
			exp--
		}
		if mant == 0 && c == '0' {
			continue
		}
		if digits == 19 {
			return parseFloatSlow(b)
		}
		mant = mant*10 + uint64(c-'0')
		digits++
	}
	if i < len(b) { // exponent
		i++
		eneg := false
		if b[i] == '+' || b[i] == '-' {
			eneg = b[i] == '-'
			i++
		}
		e := 0
		for ; i < len(b); i++ {
			if e > 10000 {
				return parseFloatSlow(b)
			}
			e = e*10 + int(b[i]-'0')
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if mant == 0 {
		if neg {
			return math.Copysign(0, -1), true
		}
		return 0, true
	}
	if mant > 1<<53 || exp < -22 || exp > 22 {
		return parseFloatSlow(b)
	}
	f := float64(mant)
	if exp > 0 {
		f *= pow10(exp)
	} else if exp < 0 {
		f /= pow10(-exp)
	}
	if neg {
		f = -f
	}
	return f, true
}

// parseFloatSlow hands b to strconv. Converting b to a string is free for
// numbers up to 32 bytes (the compiler uses a stack buffer); longer ones,
// which real logs do not write, cost one allocation.
func parseFloatSlow(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// pow10 returns 10^n for 0 <= n <= 22, all exactly representable.
func pow10(n int) float64 {
	switch n {
	case 0:
		return 1e0
	case 1:
		return 1e1
	case 2:
		return 1e2
	case 3:
		return 1e3
	case 4:
		return 1e4
	case 5:
		return 1e5
	case 6:
		return 1e6
	case 7:
		return 1e7
	case 8:
		return 1e8
	case 9:
		return 1e9
	case 10:
		return 1e10
	case 11:
		return 1e11
	case 12:
		return 1e12
	case 13:
		return 1e13
	case 14:
		return 1e14
	case 15:
		return 1e15
	case 16:
		return 1e16
	case 17:
		return 1e17
	case 18:
		return 1e18
	case 19:
		return 1e19
	case 20:
		return 1e20
	case 21:
		return 1e21
	}
	return 1e22
}
