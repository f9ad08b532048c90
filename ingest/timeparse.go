package ingest

import "math"

// Hand-written timestamp parsers. time.Parse allocates a Time with a
// Location and is several times slower; on the hot path only the Unix
// nanoseconds are needed. Both parsers are checked against time.Parse by
// tests and fuzz targets.

// Bounds on Unix seconds for which seconds*1e9 + nanoseconds fits an int64
// (1677-09-21 to 2262-04-11). Timestamps outside are rejected.
const (
	minUnixSec = -9223372036
	maxUnixSec = 9223372035
)

// parseRFC3339 parses an RFC 3339 timestamp such as
// "2026-03-02T09:00:00.123Z" or "2026-03-02T10:00:00+01:00" into Unix
// nanoseconds. It accepts exactly what time.Parse(time.RFC3339, s) accepts
// when s has the canonical shape YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
// with an offset of at most 23:59 (time.Parse also takes some shapes RFC 3339
// forbids, such as a one-digit hour or a "+24:00" offset). Digits beyond
// nanoseconds are truncated, and the upper-case 'T' and 'Z' are required, as
// in time.Parse.
func parseRFC3339(s []byte) (int64, bool) {
	const minLen = len("2006-01-02T15:04:05Z")
	if len(s) < minLen ||
		s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	year, ok1 := num4(s[0:4])
	month, ok2 := num2(s[5:7])
	day, ok3 := num2(s[8:10])
	hour, ok4 := num2(s[11:13])
	minute, ok5 := num2(s[14:16])
	sec, ok6 := num2(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	rest := s[19:]
	nsec, n := parseFraction(rest)
	rest = rest[n:]

	var offset int64
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == len("+07:00") && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num2(rest[1:3])
		om, ok2 := num2(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false
		}
		offset = int64(oh*3600 + om*60)
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	return unixNano(year, month, day, hour, minute, sec, nsec, offset)
}

// parseTimestamp parses the "ts" of a JSON line: RFC 3339, or the near
// forms other tools write, read as RFC 3339 would be: a space or a
// lower-case 't' between date and time, a lower-case 'z', and no zone at
// all, which is taken as UTC (Python's naive isoformat, for example).
func parseTimestamp(s []byte) (int64, bool) {
	if ts, ok := parseRFC3339(s); ok {
		return ts, true
	}
	const minLen = len("2006-01-02T15:04:05")
	var b [48]byte
	if len(s) < minLen || len(s) > len(b)-1 {
		return 0, false
	}
	n := copy(b[:], s)
	if c := b[10]; c == ' ' || c == 't' {
		b[10] = 'T'
	}
	switch last := b[n-1]; {
	case last == 'z':
		b[n-1] = 'Z'
	case isDigit(last) && !hasZone(b[19:n]):
		b[n] = 'Z'
		n++
	}
	return parseRFC3339(b[:n])
}

// hasZone says whether rest, what follows the seconds of a timestamp, ends
// in a numeric zone offset.
func hasZone(rest []byte) bool {
	return len(rest) >= len("+07:00") && (rest[len(rest)-6] == '+' || rest[len(rest)-6] == '-')
}

// unixFromNumber reads a Unix time given as a JSON number: seconds, or
// milliseconds, microseconds or nanoseconds when it is too large to be
// seconds of a plausible date (after 5138 as seconds, 1973 as
// milliseconds, and so on). Integers convert exactly; fractions are
// rounded to the microsecond.
func unixFromNumber(b []byte, isInt bool) (int64, bool) {
	if isInt {
		v, ok := parseInt(b)
		switch {
		case !ok || v <= 0:
			return 0, false
		case v < 1e11:
			return scaleUnix(v, 1e9)
		case v < 1e14:
			return scaleUnix(v, 1e6)
		case v < 1e17:
			return scaleUnix(v, 1e3)
		}
		return v, true
	}
	v, ok := parseFloat(b)
	if !ok || v <= 0 {
		return 0, false
	}
	us := v * 1e6
	switch {
	case v < 1e11:
	case v < 1e14:
		us = v * 1e3
	case v < 1e17:
		us = v
	default:
		us = v / 1e3
	}
	if us > 9.2e15 {
		return 0, false
	}
	return int64(math.Round(us)) * 1e3, true
}

// scaleUnix returns v*scale in nanoseconds, or false past what an int64
// holds.
func scaleUnix(v, scale int64) (int64, bool) {
	if v > math.MaxInt64/scale {
		return 0, false
	}
	return v * scale, true
}

// parseCLFTime parses an nginx/Apache $time_local such as
// "10/Oct/2000:13:55:36 -0700" into Unix nanoseconds. Month names are
// matched without regard to case and a fractional second is accepted after
// the seconds, as time.Parse does with the layout "02/Jan/2006:15:04:05 -0700".
func parseCLFTime(s []byte) (int64, bool) {
	const minLen = len("02/Jan/2006:15:04:05 -0700")
	if len(s) < minLen || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' {
		return 0, false
	}
	day, ok1 := num2(s[0:2])
	month := monthNumber(s[3:6])
	year, ok2 := num4(s[7:11])
	hour, ok3 := num2(s[12:14])
	minute, ok4 := num2(s[15:17])
	sec, ok5 := num2(s[18:20])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) ||
		month == 0 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	rest := s[20:]
	nsec, n := parseFraction(rest)
	rest = rest[n:]
	if len(rest) != len(" -0700") || rest[0] != ' ' || (rest[1] != '+' && rest[1] != '-') {
		return 0, false
	}
	oh, ok1 := num2(rest[2:4])
	om, ok2 := num2(rest[4:6])
	// time.Parse allows offsets of 24 hours and 60 minutes; so do we.
	if !ok1 || !ok2 || oh > 24 || om > 60 {
		return 0, false
	}
	offset := int64(oh*3600 + om*60)
	if rest[1] == '-' {
		offset = -offset
	}
	return unixNano(year, month, day, hour, minute, sec, nsec, offset)
}

// parseFraction parses an optional ".digits" prefix of s as nanoseconds,
// truncating digits past the ninth, and returns how many bytes it used.
func parseFraction(s []byte) (nsec int64, n int) {
	if len(s) < 2 || s[0] != '.' || !isDigit(s[1]) {
		return 0, 0
	}
	n = 1
	scale := int64(1e8)
	for n < len(s) && isDigit(s[n]) {
		nsec += int64(s[n]-'0') * scale
		scale /= 10
		n++
	}
	return nsec, n
}

// unixNano converts a civil time at the given UTC offset (in seconds) to Unix
// nanoseconds, reporting false if the result does not fit an int64.
func unixNano(year, month, day, hour, minute, sec int, nsec, offset int64) (int64, bool) {
	secs := daysFromCivil(year, month, day)*86400 +
		int64(hour*3600+minute*60+sec) - offset
	if secs < minUnixSec || secs > maxUnixSec {
		return 0, false
	}
	return secs*1e9 + nsec, true
}

// daysFromCivil returns the number of days from 1970-01-01 to the given
// proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400 // [0, 399]
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// monthNumber returns 1 to 12 for an English month abbreviation in any case,
// or 0.
func monthNumber(b []byte) int {
	if len(b) != 3 {
		return 0
	}
	// Fold to lower case: x|0x20 maps only 'A'-'Z' onto 'a'-'z'.
	key := uint32(b[0]|0x20)<<16 | uint32(b[1]|0x20)<<8 | uint32(b[2]|0x20)
	const (
		jan = 'j'<<16 | 'a'<<8 | 'n'
		feb = 'f'<<16 | 'e'<<8 | 'b'
		mar = 'm'<<16 | 'a'<<8 | 'r'
		apr = 'a'<<16 | 'p'<<8 | 'r'
		may = 'm'<<16 | 'a'<<8 | 'y'
		jun = 'j'<<16 | 'u'<<8 | 'n'
		jul = 'j'<<16 | 'u'<<8 | 'l'
		aug = 'a'<<16 | 'u'<<8 | 'g'
		sep = 's'<<16 | 'e'<<8 | 'p'
		oct = 'o'<<16 | 'c'<<8 | 't'
		nov = 'n'<<16 | 'o'<<8 | 'v'
		dec = 'd'<<16 | 'e'<<8 | 'c'
	)
	switch key {
	case jan:
		return 1
	case feb:
		return 2
	case mar:
		return 3
	case apr:
		return 4
	case may:
		return 5
	case jun:
		return 6
	case jul:
		return 7
	case aug:
		return 8
	case sep:
		return 9
	case oct:
		return 10
	case nov:
		return 11
	case dec:
		return 12
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func num2(b []byte) (int, bool) {
	if !isDigit(b[0]) || !isDigit(b[1]) {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

func num4(b []byte) (int, bool) {
	hi, ok1 := num2(b[0:2])
	lo, ok2 := num2(b[2:4])
	return hi*100 + lo, ok1 && ok2
}
