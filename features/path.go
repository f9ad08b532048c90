package features

import "bytes"

const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

// TemplateHash returns a hash of the template of the path in p: the path
// without its query, with every segment that looks like an identifier
// (numbers, UUIDs, hex digests, long tokens, e-mail addresses) replaced by
// "{id}", so "/items/42" and "/items/77" share a template.
func TemplateHash(p []byte) uint32 {
	h := uint32(fnvOffset32)
	n := len(p)
	if i := bytes.IndexAny(p, "?#"); i >= 0 {
		n = i
	}
	start := 0
	for start <= n {
		end := start
		for end < n && p[end] != '/' {
			end++
		}
		seg := p[start:end]
		if isIdentifier(seg) {
			h = (h ^ '{') * fnvPrime32
			h = (h ^ '}') * fnvPrime32
		} else {
			for _, c := range seg {
				h = (h ^ uint32(c)) * fnvPrime32
			}
		}
		h = (h ^ '/') * fnvPrime32
		start = end + 1
	}
	return h
}

// Template writes the template of p to dst, for display and tests.
func Template(dst, p []byte) []byte {
	n := len(p)
	if i := bytes.IndexAny(p, "?#"); i >= 0 {
		n = i
	}
	start := 0
	for start <= n {
		end := start
		for end < n && p[end] != '/' {
			end++
		}
		seg := p[start:end]
		if isIdentifier(seg) {
			dst = append(dst, "{id}"...)
		} else {
			dst = append(dst, seg...)
		}
		if end < n {
			dst = append(dst, '/')
		}
		start = end + 1
	}
	return dst
}

// isIdentifier reports whether a path segment names one resource among many
// rather than a route.
func isIdentifier(seg []byte) bool {
	if len(seg) == 0 {
		return false
	}
	if len(seg) >= 24 {
		return true // long tokens and slugs
	}
	digits, hex, other := 0, 0, 0
	for _, c := range seg {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			hex++
		case c == '-' || c == '_' || c == '.' || c == ':':
		case c == '@':
			return true
		default:
			other++
		}
	}
	if digits == 0 {
		return false
	}
	if digits == len(seg) {
		return true
	}
	if other == 0 && len(seg) >= 8 {
		return true // UUIDs, hex digests, dates
	}
	return len(seg) >= 12 && digits*3 >= len(seg) // mixed tokens such as "a1b2c3d4e5f6g7"
}

// PathHash returns a hash of the whole path with its query.
func PathHash(p []byte) uint32 {
	h := uint32(fnvOffset32)
	for _, c := range p {
		h = (h ^ uint32(c)) * fnvPrime32
	}
	return h
}

// trigger marks the bytes without which no marker below can match; most
// paths contain none of them, which keeps the common case to one pass.
var trigger = [256]bool{
	'\'': true, '"': true, '<': true, '>': true, '`': true, '(': true, ')': true,
	'$': true, '{': true, '}': true, '\\': true, '%': true, '+': true, '.': true,
	' ': true, ';': true, '|': true, 0: true,
}

// markers are lower-case fragments of injection, traversal and command
// payloads. They are evidence, not verdicts: the share of a client's
// requests that carry them is one feature among many.
var markers = [...]string{
	"'", "\"", "<", ">", "`", "\x00", "../", "..\\", "..%2f", "..%5c", "%2e%2e",
	"%27", "%22", "%3c", "%3e", "%00", "%60", "%7c", "$(", "${", "%24%28", "%24%7b",
	"{{", "%7b%7b", "union+", "union%20", "union ", "select+", "select%20",
	"sleep(", "sleep%28", "benchmark(", "waitfor", "or+1=1", "or%201=1", " or 1=1",
	"/etc/passwd", "etc%2fpasswd", "win.ini", "javascript:", "onerror", "onload=",
	"alert(", "alert%28", "/bin/sh", "cmd.exe", ";ls", "|id", ";id", "%3bid", "phpinfo",
}

// HasPayloadMarks reports whether p carries a marker of an injection,
// traversal or command payload. scratch is reused to avoid allocation; the
// returned slice is the (possibly grown) scratch.
func HasPayloadMarks(p, scratch []byte) (bool, []byte) {
	hit := false
	for _, c := range p {
		if trigger[c] {
			hit = true
			break
		}
	}
	if !hit {
		return false, scratch
	}
	scratch = append(scratch[:0], p...)
	for i, c := range scratch {
		if c >= 'A' && c <= 'Z' {
			scratch[i] = c + 'a' - 'A'
		}
	}
	for _, m := range markers {
		if bytes.Contains(scratch, []byte(m)) {
			return true, scratch
		}
	}
	return false, scratch
}
