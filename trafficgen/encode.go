package trafficgen

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// tsFormatter appends timestamps as RFC 3339 UTC with milliseconds,
// formatting the date and time of day once per second.
type tsFormatter struct {
	sec    int64
	prefix []byte // "2026-03-02T09:00:00."
}

func (f *tsFormatter) append(b []byte, ms int64) []byte {
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	if f.prefix == nil || sec != f.sec {
		f.sec = sec
		f.prefix = time.Unix(sec, 0).UTC().AppendFormat(f.prefix[:0], "2006-01-02T15:04:05.")
	}
	b = append(b, f.prefix...)
	return append(b, byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10), 'Z')
}

// appendString appends s as a JSON string.
func appendString[S ~string | ~[]byte](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c >= utf8.RuneSelf { // invalid UTF-8
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			}
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendEvent appends one log line, newline included; ua is the event's
// user agent already encoded as a JSON string.
func appendEvent(b []byte, f *tsFormatter, ip string, ua []byte, e *event) []byte {
	b = append(b, `{"ts":"`...)
	b = f.append(b, e.ts)
	b = append(b, `","client_ip":"`...)
	b = append(b, ip...) // addresses need no escaping
	b = append(b, `","method":"`...)
	b = append(b, e.method...)
	b = append(b, `","path":`...)
	b = appendString(b, e.path)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.status), 10)
	b = append(b, `,"req_bytes":`...)
	b = strconv.AppendInt(b, e.reqBytes, 10)
	b = append(b, `,"resp_bytes":`...)
	b = strconv.AppendInt(b, e.respBytes, 10)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendFloat(b, e.durMS, 'f', -1, 64)
	b = append(b, `,"user_agent":`...)
	b = append(b, ua...)
	if e.apiKey != "" {
		b = append(b, `,"api_key":`...)
		b = appendString(b, e.apiKey)
	}
	if e.user != "" {
		b = append(b, `,"user":`...)
		b = appendString(b, e.user)
	}
	return append(b, '}', '\n')
}

// appendLabel appends one label line, newline included.
func appendLabel(b []byte, c *client) []byte {
	b = append(b, `{"client":`...)
	b = appendString(b, c.ip)
	b = append(b, `,"kind":`...)
	b = appendString(b, c.kind)
	b = append(b, `,"onset":`...)
	if c.kind == KindNormal {
		b = append(b, `null,"end":null`...)
	} else {
		b = append(b, '"')
		var f tsFormatter
		b = f.append(b, c.first)
		b = append(b, `","end":"`...)
		b = f.append(b, c.last)
		b = append(b, '"')
	}
	if c.profile != "" {
		b = append(b, `,"profile":`...)
		b = appendString(b, c.profile)
	}
	if c.heavy {
		b = append(b, `,"heavy":true`...)
	}
	if c.intensity != "" {
		b = append(b, `,"intensity":`...)
		b = appendString(b, c.intensity)
	}
	b = append(b, `,"events":`...)
	b = strconv.AppendInt(b, int64(c.events), 10)
	return append(b, '}', '\n')
}
