package ingest

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends r as one line of canonical JSON (without the newline)
// to dst and returns the extended slice. Empty optional fields are left
// out; JSONParser reads the result back to an equal Record.
func (r *Record) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"ts":"`...)
	dst = time.Unix(0, r.TS).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000000Z07:00")
	dst = append(dst, '"')
	dst = appendField(dst, "client_ip", r.ClientIP)
	dst = appendField(dst, "method", r.Method)
	dst = appendField(dst, "path", r.Path)
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	dst = append(dst, `,"req_bytes":`...)
	dst = strconv.AppendInt(dst, r.ReqBytes, 10)
	dst = append(dst, `,"resp_bytes":`...)
	dst = strconv.AppendInt(dst, r.RespBytes, 10)
	if r.DurationMS != 0 {
		dst = append(dst, `,"duration_ms":`...)
		dst = strconv.AppendFloat(dst, r.DurationMS, 'f', -1, 64)
	}
	dst = appendField(dst, "user_agent", r.UserAgent)
	dst = appendField(dst, "api_key", r.APIKey)
	dst = appendField(dst, "user", r.User)
	if r.WAF > 0 {
		dst = append(dst, `,"waf":`...)
		dst = strconv.AppendInt(dst, int64(r.WAF), 10)
	}
	return append(dst, '}')
}

func appendField(dst []byte, name string, v []byte) []byte {
	if len(v) == 0 {
		return dst
	}
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, `":"`...)
	return append(appendEscaped(dst, v), '"')
}

const hexDigits = "0123456789abcdef"

// appendEscaped writes v as the inside of a JSON string. Invalid UTF-8 is
// replaced with U+FFFD so the line stays valid JSON.
func appendEscaped(dst, v []byte) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\ufffd"...)
		} else {
			dst = append(dst, v[i:i+size]...)
		}
		i += size
	}
	return dst
}
