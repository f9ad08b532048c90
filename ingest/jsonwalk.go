package ingest

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/portcullis/portcullis/decision/apikey"
)

// The JSON forms (canonical JSON, Caddy, Envoy's JSON, Traefik, mapped
// JSON) share one walker: a form (jsonForm) is a table of the keys it
// knows, each saying what its value gives the Record, and the walker reads
// a line against it in one pass, without allocating. Keys the table does
// not know are skipped, nested objects among them, whole. nginx's
// escape=json lines are read by NginxParser, which takes their strings
// from the walker.

// jsonTo is what a key's value gives.
type jsonTo uint8

const (
	toSkip         jsonTo = iota
	toTS                  // Record.TS: an RFC 3339 time (or a near form), or a Unix time as a number
	toTSText              // a time read only when no toTS key gave one (Traefik's StartLocal)
	toClientIP            // Record.ClientIP, without a port
	toClientIPAlt         // the client when no toClientIP key gave one
	toForwardedFor        // an X-Forwarded-For list whose first address is the client
	toMethod              // Record.Method
	toPath                // Record.Path
	toUserAgent           // Record.UserAgent
	toAPIKey              // Record.APIKey, logged as its id (apikey.ID), as the gateway logs it
	toAPIKeyRaw           // Record.APIKey, from the key itself as a proxy logs it: its id (see keyID)
	toUser                // Record.User
	toStatus              // Record.Status: an integer from 0 to 999
	toReqBytes            // Record.ReqBytes
	toRespBytes           // Record.RespBytes
	toDurationMS          // Record.DurationMS, from milliseconds
	toDurationS           // Record.DurationMS, from seconds
	toDurationNS          // Record.DurationMS, from integer nanoseconds
	toWAF                 // Record.WAF
)

// jsonKey is one key of a jsonKeys table.
type jsonKey struct {
	name string
	to   jsonTo
	// dash reads a text value of "-" (a proxy's "no value") as empty.
	dash bool
	// first reads an array, as a header's values are logged, as its first
	// element.
	first bool
	// kids, when the value is an object, are the keys to read in it.
	kids *jsonKeys
	// notObject, if set, is the error for a value of a key with kids that
	// is not an object; otherwise such a value is read as to says.
	notObject error
	// next is the key declared after this one in its table, the guess
	// for the key that follows it in a line (see jsonKeys.first).
	next *jsonKey
	// quoted holds the name and its closing quote as two little-endian
	// words, zero-padded, and mask their bytes; mask is zero for a name
	// of 16 bytes or more.
	quoted, mask [2]uint64
}

// nameAt returns the index of the closing quote of the key that starts at
// s[a], after its opening quote, when that key is k's name as it stands
// (no escapes), or -1. Where 16 bytes follow a, a short name is compared
// as two masked words.
func (k *jsonKey) nameAt(s []byte, a int) int {
	e := a + len(k.name)
	if k.mask[0] != 0 && a+16 <= len(s) {
		if binary.LittleEndian.Uint64(s[a:])&k.mask[0] == k.quoted[0] && binary.LittleEndian.Uint64(s[a+8:])&k.mask[1] == k.quoted[1] {
			return e
		}
		return -1
	}
	if e < len(s) && s[e] == '"' && string(s[a:e]) == k.name {
		return e
	}
	return -1
}

// setQuoted fills k.quoted and k.mask for a name shorter than 16 bytes.
func (k *jsonKey) setQuoted() {
	if len(k.name) >= 16 {
		return
	}
	var q, m [16]byte
	copy(q[:], k.name+`"`)
	for i := range len(k.name) + 1 {
		m[i] = 0xff
	}
	k.quoted = [2]uint64{binary.LittleEndian.Uint64(q[:]), binary.LittleEndian.Uint64(q[8:])}
	k.mask = [2]uint64{binary.LittleEndian.Uint64(m[:]), binary.LittleEndian.Uint64(m[8:])}
}

// jsonKeys is a read-only table of the keys of one JSON object: open
// addressing on a hash of a key's length and its first and last eight
// bytes, at most a quarter full. A lookup compares the key's length and up
// to three words (its first, second and last eight bytes), and the bytes
// between them only for a key longer than 24 bytes, so it costs about as
// much for a key the table holds as for one it does not.
type jsonKeys struct {
	slots []keySlot // len a power of two
	shift uint8     // 64 - log2(len(slots))
	keys  []jsonKey
	// first is the key declared first, the guess for an object's first
	// key. Writers of a form's lines keep one order of keys, most of
	// them the order the form declares, so object tries each guess (see
	// jsonKey.next) with one comparison before it looks the key up; after
	// a wrong guess it looks up the rest of the object.
	first *jsonKey
}

// keySlot is where a key's words sit in the table; key is 1 + its index
// in keys, 0 for a free slot.
type keySlot struct {
	w0, w8, wn uint64 // see keyWords
	n          uint32
	key        uint32
}

// newJSONKeys returns a table of keys. Names must be unique and not empty.
func newJSONKeys(keys ...jsonKey) *jsonKeys {
	n := 16
	for n < 4*len(keys) {
		n *= 2
	}
	t := &jsonKeys{slots: make([]keySlot, n), shift: uint8(64 - bits.TrailingZeros(uint(n))), keys: keys}
	for x, k := range keys {
		name := []byte(k.name)
		if len(name) == 0 || t.lookup(name) != nil {
			panic("ingest: json key " + k.name + " is empty or given twice")
		}
		w0, w8, wn := keyWords(name)
		i := int(keyHash(w0, wn, len(name)) >> t.shift)
		for t.slots[i].key != 0 {
			i = (i + 1) & (n - 1)
		}
		t.slots[i] = keySlot{w0: w0, w8: w8, wn: wn, n: uint32(len(name)), key: uint32(x + 1)}
	}
	// A name with a quote or a backslash is never a guess: its bytes as
	// they stand in a line are not the name.
	var prev *jsonKey
	for x := range keys {
		if k := &keys[x]; !strings.ContainsAny(k.name, `"\`) {
			k.setQuoted()
			if prev == nil {
				t.first = k
			} else {
				prev.next = k
			}
			prev = k
		}
	}
	return t
}

// keyWords returns the first eight bytes of k, the second eight when k is
// longer than 16 bytes, and the last eight when k is longer than 8, as
// little-endian words; the bytes k does not have are zeros. Bytes past
// len(k) up to cap(k) may be read, and are masked off.
func keyWords(k []byte) (w0, w8, wn uint64) {
	n := len(k)
	switch {
	case n > 16:
		return binary.LittleEndian.Uint64(k), binary.LittleEndian.Uint64(k[8:]), binary.LittleEndian.Uint64(k[n-8:])
	case n > 8:
		return binary.LittleEndian.Uint64(k), 0, binary.LittleEndian.Uint64(k[n-8:])
	case n == 8:
		return binary.LittleEndian.Uint64(k), 0, 0
	case cap(k) >= 8:
		return binary.LittleEndian.Uint64(k[:8]) & (1<<(8*n) - 1), 0, 0
	}
	for i := n - 1; i >= 0; i-- {
		w0 = w0<<8 | uint64(k[i])
	}
	return w0, 0, 0
}

func keyHash(w0, wn uint64, n int) uint64 {
	return (w0 ^ bits.RotateLeft64(wn, 29) ^ uint64(n)) * 0x9e3779b97f4a7c15
}

// lookup returns the entry for key, or nil. key's capacity past its
// length is read, not written (see keyWords).
func (t *jsonKeys) lookup(key []byte) *jsonKey {
	w0, w8, wn := keyWords(key)
	if len(key) > 24 {
		return t.findLong(key, w0, w8, wn)
	}
	return t.find(w0, w8, wn, len(key))
}

// find returns the entry whose words and length are these, for a key of
// at most 24 bytes.
func (t *jsonKeys) find(w0, w8, wn uint64, n int) *jsonKey {
	mask := len(t.slots) - 1
	for i := int(keyHash(w0, wn, n) >> t.shift); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.key == 0 {
			return nil
		}
		if sl.w0 == w0 && sl.wn == wn && sl.w8 == w8 && sl.n == uint32(n) {
			return &t.keys[sl.key-1]
		}
	}
}

// findLong is find for a key longer than 24 bytes, whose bytes between
// its words are compared too.
func (t *jsonKeys) findLong(key []byte, w0, w8, wn uint64) *jsonKey {
	mask := len(t.slots) - 1
	n := len(key)
	for i := int(keyHash(w0, wn, n) >> t.shift); ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.key == 0 {
			return nil
		}
		if sl.w0 == w0 && sl.wn == wn && sl.w8 == w8 && sl.n == uint32(n) {
			if k := &t.keys[sl.key-1]; k.name[16:n-8] == string(key[16:n-8]) {
				return k
			}
		}
	}
}

// lookupAt looks up the key that starts at s[a], after its opening quote,
// when it ends within 24 bytes without a backslash; it needs a+24 <=
// len(s). It returns the entry (or nil) and the index of the closing
// quote, or -1 when the key is longer or has a backslash.
func (t *jsonKeys) lookupAt(s []byte, a int) (*jsonKey, int) {
	s = s[a : a+24]
	x0 := binary.LittleEndian.Uint64(s)
	if m := swarHas(x0, '"') | swarHas(x0, '\\'); m != 0 {
		n := bits.TrailingZeros64(m) >> 3
		if s[n] != '"' {
			return nil, -1
		}
		return t.find(x0&(1<<(8*n)-1), 0, 0, n), a + n
	}
	x8 := binary.LittleEndian.Uint64(s[8:])
	if m := swarHas(x8, '"') | swarHas(x8, '\\'); m != 0 {
		n := 8 + bits.TrailingZeros64(m)>>3
		if s[n] != '"' {
			return nil, -1
		}
		if n == 8 {
			return t.find(x0, 0, 0, n), a + n
		}
		return t.find(x0, 0, binary.LittleEndian.Uint64(s[n-8:]), n), a + n
	}
	x16 := binary.LittleEndian.Uint64(s[16:])
	if m := swarHas(x16, '"') | swarHas(x16, '\\'); m != 0 {
		n := 16 + bits.TrailingZeros64(m)>>3
		if s[n] != '"' {
			return nil, -1
		}
		if n == 16 {
			return t.find(x0, 0, x8, n), a + n
		}
		return t.find(x0, x8, binary.LittleEndian.Uint64(s[n-8:]), n), a + n
	}
	return nil, -1
}

// jsonWalker reads JSON values from a line. Decoded strings (those with
// escapes) go to its scratch buffer, which record resets for each line.
// The zero jsonWalker is ready to use; it is not safe for concurrent use.
type jsonWalker struct {
	buf []byte
	// id holds the id of a raw API key a line gave (see keyID): a key
	// itself never reaches a Record, so it never names a client in a
	// decision or the blocklist.
	id [apikey.IDLen]byte
}

// keyID returns the id of the API key raw (apikey.ID), in w's
// memory until the next line; nil for none. It is how every parser of a
// log that holds the key itself (a proxy's header field) turns it into the
// id the gateway and the decision service check a presented key by.
func (w *jsonWalker) keyID(raw []byte) []byte {
	if len(raw) == 0 {
		return nil
	}
	return apikey.AppendID(w.id[:0], raw)
}

// jsonLine is what a line gave beyond its Record while it is walked.
type jsonLine struct {
	rec    *Record
	haveTS bool
	tsText []byte // toTSText's value, nil when absent
	altIP  []byte // toClientIPAlt's value
}

// jsonForm is one JSON form: its keys, and the errors for a line that
// gives no time or no client.
type jsonForm struct {
	keys     *jsonKeys
	noTS     error
	noClient error
	// anyID lets an API key or a user name the client, when there is no
	// address.
	anyID bool
}

// parse reads line, one JSON object, into rec as the form f says,
// overwriting all of rec. The client is the toClientIP (or toForwardedFor)
// value, else the toClientIPAlt one, without a port. The time is the toTS
// value, else the toTSText one. rec's byte slices alias line or the
// scratch buffer, capped. On error rec holds what was read before it.
func (w *jsonWalker) parse(line []byte, f *jsonForm, rec *Record) error {
	*rec = Record{}
	w.buf = w.buf[:0]
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return errNotObject
	}
	st := jsonLine{rec: rec}
	end, err := w.object(line, i, f.keys, &st)
	if err != nil {
		return err
	}
	if skipSpace(line, end) != len(line) {
		return errTrailing
	}
	if !st.haveTS && st.tsText != nil {
		ts, ok := parseTimestamp(st.tsText)
		if !ok {
			return errBadTS
		}
		rec.TS, st.haveTS = ts, true
	}
	if !st.haveTS {
		return f.noTS
	}
	if len(rec.ClientIP) == 0 {
		rec.ClientIP = st.altIP
	}
	rec.ClientIP = hostOnly(rec.ClientIP)
	if len(rec.ClientIP) == 0 && !(f.anyID && (len(rec.APIKey) > 0 || len(rec.User) > 0)) {
		return f.noClient
	}
	return nil
}

// object reads the object at s[i] ('{') through keys and returns the index
// after its closing '}'.
func (w *jsonWalker) object(s []byte, i int, keys *jsonKeys, st *jsonLine) (int, error) {
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return i + 1, nil
	}
	guess := keys.first
	for {
		if i >= len(s) || s[i] != '"' {
			return 0, errWantKey
		}
		k, j, err := guess, -1, error(nil)
		if guess != nil {
			j = guess.nameAt(s, i+1)
		}
		if j >= 0 {
			j++
		} else {
			guess = nil // the rest of a line out of the form's order is looked up
			if k, j, err = w.key(s, i, keys); err != nil {
				return 0, err
			}
		}
		if j < len(s) && s[j] == ':' {
			i = j + 1
		} else {
			i = skipSpace(s, j)
			if i >= len(s) || s[i] != ':' {
				return 0, errWantColon
			}
			i++
		}
		if i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
			i = skipSpace(s, i)
		}
		if i >= len(s) {
			return 0, errJSONEOF
		}
		if guess != nil {
			guess = guess.next
		}
		if k == nil {
			if s[i] == '"' {
				i, err = skipString(s, i+1)
			} else {
				i, err = skipValue(s, i)
			}
		} else {
			i, err = w.value(s, i, k, st)
		}
		if err != nil {
			return 0, err
		}
		if i < len(s) && s[i] == ',' {
			i++
		} else {
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				i++
			} else if i < len(s) && s[i] == '}' {
				return i + 1, nil
			} else {
				return 0, errWantComma
			}
		}
		if i < len(s) && s[i] != '"' {
			i = skipSpace(s, i)
		}
	}
}

// key reads the key whose opening quote is at s[i] and returns its entry
// in keys (nil for a key keys does not hold) and the index after its
// closing quote.
func (w *jsonWalker) key(s []byte, i int, keys *jsonKeys) (k *jsonKey, next int, err error) {
	j := -1
	if i+25 <= len(s) {
		k, j = keys.lookupAt(s, i+1)
	}
	if j >= 0 {
		return k, j + 1, nil
	}
	if j = quoteOrBackslash(s, i+1); j < len(s) && s[j] == '"' {
		return keys.lookup(s[i+1 : j]), j + 1, nil // not capped: keyWords may read past the name
	}
	mark := len(w.buf)
	name, next, err := w.str(s, i+1)
	if err != nil {
		return nil, 0, err
	}
	k = keys.lookup(name)
	w.buf = w.buf[:mark] // the name is no longer needed
	return k, next, nil
}

// value reads the value at s[i] as k says and returns the index after it.
func (w *jsonWalker) value(s []byte, i int, k *jsonKey, st *jsonLine) (next int, err error) {
	if k.kids != nil {
		if s[i] == '{' {
			return w.object(s, i, k.kids, st)
		}
		if k.notObject != nil {
			return 0, k.notObject
		}
	}
	rec := st.rec
	var n int64
	switch k.to {
	case toSkip:
		return skipValue(s, i)
	case toTS:
		next, st.haveTS, err = w.ts(s, i, rec)
	case toTSText:
		st.tsText, next, err = w.text(s, i, errBadTS)
	case toClientIP:
		rec.ClientIP, next, err = w.textOf(s, i, k, errClientIP)
	case toClientIPAlt:
		st.altIP, next, err = w.textOf(s, i, k, errClientIP)
	case toForwardedFor:
		rec.ClientIP, next, err = w.textOf(s, i, k, errClientIP)
		rec.ClientIP = firstForwarded(rec.ClientIP)
	case toMethod:
		rec.Method, next, err = w.textOf(s, i, k, errMethod)
	case toPath:
		rec.Path, next, err = w.textOf(s, i, k, errPath)
	case toUserAgent:
		rec.UserAgent, next, err = w.textOf(s, i, k, errUserAgent)
	case toAPIKey:
		rec.APIKey, next, err = w.textOf(s, i, k, errAPIKey)
	case toAPIKeyRaw:
		rec.APIKey, next, err = w.textOf(s, i, k, errAPIKey)
		rec.APIKey = w.keyID(rec.APIKey)
	case toUser:
		rec.User, next, err = w.textOf(s, i, k, errUser)
	case toStatus:
		n, next, err = w.integer(s, i, errStatus)
		if err == nil && n > 999 {
			err = errStatus
		}
		rec.Status = int(n)
	case toReqBytes:
		rec.ReqBytes, next, err = w.integer(s, i, errReqBytes)
	case toRespBytes:
		rec.RespBytes, next, err = w.integer(s, i, errRespBytes)
	case toDurationMS:
		rec.DurationMS, next, err = w.float(s, i, errDuration)
	case toDurationS:
		rec.DurationMS, next, err = w.float(s, i, errDuration)
		rec.DurationMS *= 1000
	case toDurationNS:
		n, next, err = w.integer(s, i, errDuration)
		rec.DurationMS = float64(n) / 1e6
	case toWAF:
		n, next, err = w.integer(s, i, errWAF)
		rec.WAF = int(min(n, math.MaxInt32))
	default:
		return skipValue(s, i)
	}
	return next, err
}

// textOf reads a text value as k says: the first element of an array when
// k.first, and "-" as empty when k.dash.
func (w *jsonWalker) textOf(s []byte, i int, k *jsonKey, typeErr error) (v []byte, next int, err error) {
	if s[i] == '"' {
		// Most values are plain strings: no escapes, nothing to decode.
		j := quoteOrBackslash(s, i+1)
		switch {
		case j >= len(s):
			return nil, 0, errUnterminated
		case s[j] == '"':
			v, next = s[i+1:j:j], j+1
		default:
			if v, next, err = w.unescape(s, i+1, j); err != nil {
				return nil, 0, err
			}
		}
	} else if k.first && s[i] == '[' {
		v, next, err = w.first(s, i, typeErr)
	} else {
		v, next, err = w.text(s, i, typeErr)
	}
	if k.dash {
		v = dashEmpty(v)
	}
	return v, next, err
}

// ts parses a time value at s[i:] into rec.TS. A null value unsets it.
func (w *jsonWalker) ts(s []byte, i int, rec *Record) (next int, ok bool, err error) {
	switch s[i] {
	case '"':
		mark := len(w.buf)
		v, j, err := w.str(s, i+1)
		if err != nil {
			return 0, false, err
		}
		ts, ok := parseTimestamp(v)
		w.buf = w.buf[:mark]
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

// text parses a text value at s[i:]: a string, null, or a number (kept as
// its literal text).
func (w *jsonWalker) text(s []byte, i int, typeErr error) (v []byte, next int, err error) {
	switch c := s[i]; {
	case c == '"':
		return w.str(s, i+1)
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

// first reads the array at s[i] ('[') and returns its first element when
// that is a string (nil otherwise), and the index after the array.
func (w *jsonWalker) first(s []byte, i int, typeErr error) (v []byte, next int, err error) {
	k := skipSpace(s, i+1)
	if k < len(s) && s[k] == '"' {
		if v, k, err = w.str(s, k+1); err != nil {
			return nil, 0, err
		}
		if k < len(s) && s[k] == ']' {
			return v, k + 1, nil
		}
	}
	next, err = skipValue(s, i)
	return v, next, err
}

// number reads a numeric value at s[i:]: a number, a string holding one
// ("" and "-" read as 0), or null, for which txt is nil. txt may alias the
// scratch buffer: convert it before the next string is read.
func (w *jsonWalker) number(s []byte, i int, typeErr error) (txt []byte, isInt bool, next int, err error) {
	switch c := s[i]; {
	case c == '"':
		mark := len(w.buf)
		txt, next, err = w.str(s, i+1)
		w.buf = w.buf[:mark] // the bytes stay until the next string
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

// integer parses an integer value (see number). Negative values read as 0.
func (w *jsonWalker) integer(s []byte, i int, typeErr error) (v int64, next int, err error) {
	// Most are short runs of digits, read here in one pass.
	if j := i; j < len(s) && '1' <= s[j] && s[j] <= '9' {
		for ; j < len(s) && j-i < 18 && isDigit(s[j]); j++ {
			v = v*10 + int64(s[j]-'0')
		}
		if j == len(s) || s[j] != '.' && s[j] != 'e' && s[j] != 'E' && !isDigit(s[j]) {
			return v, j, nil
		}
		v = 0
	}
	txt, isInt, next, err := w.number(s, i, typeErr)
	if err != nil || txt == nil {
		return 0, next, err
	}
	v, ok := toInt(txt, isInt)
	if !ok {
		return 0, 0, typeErr
	}
	return max(v, 0), next, nil
}

// float parses a float value (see number). Negative values read as 0.
func (w *jsonWalker) float(s []byte, i int, typeErr error) (v float64, next int, err error) {
	txt, _, next, err := w.number(s, i, typeErr)
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
// it returns a capped sub-slice of s; with escapes it decodes onto the
// scratch buffer.
func (w *jsonWalker) str(s []byte, i int) (v []byte, next int, err error) {
	j := quoteOrBackslash(s, i)
	if j >= len(s) {
		return nil, 0, errUnterminated
	}
	if s[j] == '"' {
		return s[i:j:j], j + 1, nil
	}
	return w.unescape(s, i, j)
}

// Bytes of a 64-bit word, for finding bytes eight at a time.
const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

// swarHas returns a word whose lowest set bit is the high bit of the first
// byte of x equal to c (higher bits may be set spuriously), or 0.
func swarHas(x uint64, c byte) uint64 {
	y := x ^ (swarOnes * uint64(c))
	return (y - swarOnes) &^ y & swarHighs
}

// quoteOrBackslash returns the index of the first '"' or '\\' in s[i:], or
// len(s).
func quoteOrBackslash(s []byte, i int) int {
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:])
		if m := swarHas(x, '"') | swarHas(x, '\\'); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			return i
		}
	}
	return len(s)
}

// unescape decodes the JSON string starting at s[i] (after the opening
// quote), whose first backslash is at s[j], onto the scratch buffer and
// returns the decoded bytes, capped.
func (w *jsonWalker) unescape(s []byte, i, j int) (v []byte, next int, err error) {
	start := len(w.buf)
	w.buf = append(w.buf, s[i:j]...)
	i = j
	for i < len(s) {
		c := s[i]
		if c == '"' {
			end := len(w.buf)
			return w.buf[start:end:end], i + 1, nil
		}
		if c != '\\' {
			j := quoteOrBackslash(s, i)
			w.buf = append(w.buf, s[i:j]...)
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
			w.buf = append(w.buf, e)
		case 'b':
			w.buf = append(w.buf, '\b')
		case 'f':
			w.buf = append(w.buf, '\f')
		case 'n':
			w.buf = append(w.buf, '\n')
		case 'r':
			w.buf = append(w.buf, '\r')
		case 't':
			w.buf = append(w.buf, '\t')
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
			w.buf = utf8.AppendRune(w.buf, r)
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
	for {
		j := quoteOrBackslash(s, i)
		if j >= len(s) {
			return 0, errUnterminated
		}
		if s[j] == '"' {
			return j + 1, nil
		}
		i = j + 2 // past the escaped byte
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
