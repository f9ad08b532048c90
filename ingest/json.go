package ingest

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
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
	buf []byte // scratch for decoded strings, reused by every Parse
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

type jsonField uint8

const (
	fieldUnknown jsonField = iota
	fieldTS
	fieldClientIP
	fieldMethod
	fieldPath
	fieldStatus
	fieldReqBytes
	fieldRespBytes
	fieldDuration
	fieldUserAgent
	fieldAPIKey
	fieldUser
	fieldWAF
)

func lookupField(key []byte) jsonField {
	switch string(key) {
	case "ts":
		return fieldTS
	case "client_ip":
		return fieldClientIP
	case "method":
		return fieldMethod
	case "path":
		return fieldPath
	case "status":
		return fieldStatus
	case "req_bytes":
		return fieldReqBytes
	case "resp_bytes":
		return fieldRespBytes
	case "duration_ms":
		return fieldDuration
	case "user_agent":
		return fieldUserAgent
	case "api_key":
		return fieldAPIKey
	case "user":
		return fieldUser
	case "waf":
		return fieldWAF
	}
	return fieldUnknown
}

// Parse parses one JSON line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed, and rec holds whatever was parsed
// before the error.
//
// rec's byte slices alias line, or the parser's scratch buffer when a string
// had escapes: they stay valid until the next call to Parse and until line is
// modified. The slices are capped, so appending to them copies.
func (p *JSONParser) Parse(line []byte, rec *Record) error {
	*rec = Record{}
	p.buf = p.buf[:0]
	s := line
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return errNotObject
	}
	i = skipSpace(s, i+1)
	haveTS := false
	if i < len(s) && s[i] == '}' {
		i++
	} else {
		for {
			if i >= len(s) || s[i] != '"' {
				return errWantKey
			}
			mark := len(p.buf)
			key, j, err := p.str(s, i+1)
			if err != nil {
				return err
			}
			f := lookupField(key)
			p.buf = p.buf[:mark] // the key is no longer needed
			i = skipSpace(s, j)
			if i >= len(s) || s[i] != ':' {
				return errWantColon
			}
			i = skipSpace(s, i+1)
			if i >= len(s) {
				return errJSONEOF
			}
			var n int64
			switch f {
			case fieldUnknown:
				i, err = skipValue(s, i)
			case fieldTS:
				i, haveTS, err = p.ts(s, i, rec)
			case fieldClientIP:
				rec.ClientIP, i, err = p.text(s, i, errClientIP)
				rec.ClientIP = hostOnly(rec.ClientIP)
			case fieldMethod:
				rec.Method, i, err = p.text(s, i, errMethod)
			case fieldPath:
				rec.Path, i, err = p.text(s, i, errPath)
			case fieldUserAgent:
				rec.UserAgent, i, err = p.text(s, i, errUserAgent)
			case fieldAPIKey:
				rec.APIKey, i, err = p.text(s, i, errAPIKey)
			case fieldUser:
				rec.User, i, err = p.text(s, i, errUser)
			case fieldStatus:
				n, i, err = p.integer(s, i, errStatus)
				if err == nil && n > 999 {
					err = errStatus
				}
				rec.Status = int(n)
			case fieldReqBytes:
				rec.ReqBytes, i, err = p.integer(s, i, errReqBytes)
			case fieldRespBytes:
				rec.RespBytes, i, err = p.integer(s, i, errRespBytes)
			case fieldDuration:
				rec.DurationMS, i, err = p.float(s, i, errDuration)
			case fieldWAF:
				n, i, err = p.integer(s, i, errWAF)
				rec.WAF = int(min(n, math.MaxInt32))
			}
			if err != nil {
				return err
			}
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == '}' {
				i++
				break
			}
			return errWantComma
		}
	}
	if skipSpace(s, i) != len(s) {
		return errTrailing
	}
	if !haveTS {
		return errNoTS
	}
	if len(rec.ClientIP) == 0 && len(rec.APIKey) == 0 && len(rec.User) == 0 {
		return errNoIdentity
	}
	ip, err := canonicalIP(rec.ClientIP, &p.buf)
	rec.ClientIP = ip
	return err
}

// ts parses the value of "ts" at s[i:]. A null value unsets it.
func (p *JSONParser) ts(s []byte, i int, rec *Record) (next int, ok bool, err error) {
	switch s[i] {
	case '"':
		mark := len(p.buf)
		v, j, err := p.str(s, i+1)
		if err != nil {
			return 0, false, err
		}
		ts, ok := parseTimestamp(v)
		p.buf = p.buf[:mark]
		if !ok {
			return 0, false, errBadTS
		}
		rec.TS = ts
		return j, true, nil
	case 'n':
		rec.TS = 0
		j, err := literal(s, i, "null")
		return j, false, err
	}
	if c := s[i]; c == '-' || isDigit(c) {
		// A Unix time: seconds, or milliseconds, microseconds or
		// nanoseconds, told apart by magnitude.
		if j, isInt, ok := scanNumber(s, i); ok {
			if ts, ok := unixFromNumber(s[i:j], isInt); ok {
				rec.TS = ts
				return j, true, nil
			}
		}
	}
	return 0, false, errBadTS
}

// text parses a text field's value at s[i:]: a string, null, or a number
// (kept as its literal text).
func (p *JSONParser) text(s []byte, i int, typeErr error) (v []byte, next int, err error) {
	switch c := s[i]; {
	case c == '"':
		return p.str(s, i+1)
	case c == 'n':
		j, err := literal(s, i, "null")
		return nil, j, err
	case c == '-' || isDigit(c):
		j, _, ok := scanNumber(s, i)
		if !ok {
			return nil, 0, typeErr
		}
		return s[i:j:j], j, nil
	}
	return nil, 0, typeErr
}

// number reads a numeric field's value at s[i:]: a number, a string
// holding one ("" and "-" read as 0), or null, for which txt is nil. txt
// may alias the parser's scratch buffer: convert it before the next string
// is read.
func (p *JSONParser) number(s []byte, i int, typeErr error) (txt []byte, isInt bool, next int, err error) {
	switch c := s[i]; {
	case c == '"':
		mark := len(p.buf)
		txt, next, err = p.str(s, i+1)
		p.buf = p.buf[:mark] // the bytes stay until the next string
		if err != nil {
			return nil, false, 0, err
		}
		if len(txt) == 0 || (len(txt) == 1 && txt[0] == '-') {
			return zeroText, true, next, nil
		}
		j, isInt, ok := scanNumber(txt, 0)
		if !ok || j != len(txt) {
			return nil, false, 0, typeErr
		}
		return txt, isInt, next, nil
	case c == 'n':
		j, err := literal(s, i, "null")
		return nil, false, j, err
	case c == '-' || isDigit(c):
		j, isInt, ok := scanNumber(s, i)
		if !ok {
			return nil, false, 0, typeErr
		}
		return s[i:j], isInt, j, nil
	}
	return nil, false, 0, typeErr
}

var zeroText = []byte("0")

// integer parses an integer field's value (see number). Negative values
// read as 0.
func (p *JSONParser) integer(s []byte, i int, typeErr error) (v int64, next int, err error) {
	txt, isInt, next, err := p.number(s, i, typeErr)
	if err != nil || txt == nil {
		return 0, next, err
	}
	v, ok := toInt(txt, isInt)
	if !ok {
		return 0, 0, typeErr
	}
	return max(v, 0), next, nil
}

// float parses a float field's value (see number). Negative values read
// as 0.
func (p *JSONParser) float(s []byte, i int, typeErr error) (v float64, next int, err error) {
	txt, _, next, err := p.number(s, i, typeErr)
	if err != nil || txt == nil {
		return 0, next, err
	}
	v, ok := parseFloat(txt)
	if !ok {
		return 0, 0, typeErr
	}
	return max(v, 0), next, nil
}

// str reads a JSON string whose opening quote is at s[i-1]. Without escapes
// it returns a capped sub-slice of s; with escapes it decodes into p.buf.
func (p *JSONParser) str(s []byte, i int) (v []byte, next int, err error) {
	// Most strings (field names, methods, IPs) are short: a byte loop beats
	// the setup cost of bytes.IndexByte for them.
	j, end := i, min(len(s), i+16)
	for ; j < end; j++ {
		switch s[j] {
		case '"':
			return s[i:j:j], j + 1, nil
		case '\\':
			return p.unescape(s, i)
		}
	}
	q := bytes.IndexByte(s[j:], '"')
	if q < 0 {
		return nil, 0, errUnterminated
	}
	q += j
	if bytes.IndexByte(s[j:q], '\\') >= 0 {
		return p.unescape(s, i)
	}
	return s[i:q:q], q + 1, nil
}

// unescape decodes the JSON string starting at s[i] (after the opening
// quote) onto p.buf and returns the decoded bytes, capped.
func (p *JSONParser) unescape(s []byte, i int) (v []byte, next int, err error) {
	start := len(p.buf)
	for i < len(s) {
		c := s[i]
		if c == '"' {
			end := len(p.buf)
			return p.buf[start:end:end], i + 1, nil
		}
		if c != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '"' && s[j] != '\\' {
				j++
			}
			p.buf = append(p.buf, s[i:j]...)
			i = j
			continue
		}
		if i+1 >= len(s) {
			return nil, 0, errUnterminated
		}
		e := s[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			p.buf = append(p.buf, e)
		case 'b':
			p.buf = append(p.buf, '\b')
		case 'f':
			p.buf = append(p.buf, '\f')
		case 'n':
			p.buf = append(p.buf, '\n')
		case 'r':
			p.buf = append(p.buf, '\r')
		case 't':
			p.buf = append(p.buf, '\t')
		case 'u':
			r := hex4(s, i)
			if r < 0 {
				return nil, 0, errBadEscape
			}
			i += 4
			if utf16.IsSurrogate(r) {
				// Combine with a following low surrogate, or else write
				// U+FFFD and leave what follows alone, as encoding/json does.
				r2 := rune(-1)
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2 = hex4(s, i+2)
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			p.buf = utf8.AppendRune(p.buf, r)
		default:
			return nil, 0, errBadEscape
		}
	}
	return nil, 0, errUnterminated
}

// hex4 decodes the four hex digits at s[i:], or returns -1.
func hex4(s []byte, i int) rune {
	if i+4 > len(s) {
		return -1
	}
	var r rune
	for _, c := range s[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// literal checks that s[i:] starts with lit and returns the index after it.
func literal(s []byte, i int, lit string) (int, error) {
	if len(s)-i < len(lit) || string(s[i:i+len(lit)]) != lit {
		return 0, errBadValue
	}
	return i + len(lit), nil
}

// skipValue skips the JSON value at s[i:] and returns the index after it.
// Nested objects and arrays are skipped by matching brackets, outside
// strings, without checking their contents further.
func skipValue(s []byte, i int) (int, error) {
	switch c := s[i]; {
	case c == '"':
		return skipString(s, i+1)
	case c == '{' || c == '[':
		return skipNested(s, i)
	case c == 't':
		return literal(s, i, "true")
	case c == 'f':
		return literal(s, i, "false")
	case c == 'n':
		return literal(s, i, "null")
	case c == '-' || isDigit(c):
		j, _, ok := scanNumber(s, i)
		if !ok {
			return 0, errBadValue
		}
		return j, nil
	}
	return 0, errBadValue
}

// skipString skips a string whose opening quote is at s[i-1].
func skipString(s []byte, i int) (int, error) {
	start := i
	for {
		q := bytes.IndexByte(s[i:], '"')
		if q < 0 {
			return 0, errUnterminated
		}
		q += i
		// The quote ends the string unless an odd number of backslashes
		// precede it.
		n := 0
		for k := q - 1; k >= start && s[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, nil
		}
		i = q + 1
	}
}

// skipNested skips the object or array starting at s[i].
func skipNested(s []byte, i int) (int, error) {
	depth := 0
	for i < len(s) {
		switch s[i] {
		case '"':
			j, err := skipString(s, i+1)
			if err != nil {
				return 0, err
			}
			i = j
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return 0, errJSONEOF
}

// scanNumber scans a number with JSON's grammar at s[i:] and returns the
// index after it, whether it is an integer (no fraction or exponent), and
// whether it is valid.
func scanNumber(s []byte, i int) (end int, isInt, ok bool) {
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	switch {
	case j >= len(s):
		return 0, false, false
	case s[j] == '0':
		j++
	case '1' <= s[j] && s[j] <= '9':
		for j++; j < len(s) && isDigit(s[j]); j++ {
		}
	default:
		return 0, false, false
	}
	isInt = true
	if j < len(s) && s[j] == '.' {
		isInt = false
		j++
		if j >= len(s) || !isDigit(s[j]) {
			return 0, false, false
		}
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		isInt = false
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j >= len(s) || !isDigit(s[j]) {
			return 0, false, false
		}
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	return j, isInt, true
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
