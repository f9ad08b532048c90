package gateway

import (
	"net/url"
	"strings"
)

// The path of every request is put in one normal form before routing, and
// that form is what the routes match, the policy decides on and the
// upstream receives, so that no spelling of a path reaches a route other
// than the one its normal form reaches. The form follows RFC 3986 section
// 6.2.2 as Envoy's normalize_path and merge_slashes do:
//
//   - percent-encoded unreserved characters (ALPHA DIGIT - . _ ~) are
//     decoded, the other escapes are written in upper case;
//   - runs of slashes are merged into one;
//   - "." segments are removed and ".." segments remove the segment before
//     them (section 5.2.4; the request validation refuses ".." first,
//     unless it is disabled).
//
// What cannot be normalised without guessing how the upstream reads it is
// refused with 400 and a counted reason: an encoded slash or backslash
// (%2F, %5C), which some servers decode into a separator and others do not,
// and a raw backslash, which some servers take as a separator.

// Reasons a path cannot be normalised; values of the invalid requests'
// reason label.
const (
	reasonEncodedSlash = "encoded_slash" // %2F or %5C in the path
	reasonBackslash    = "backslash"     // a raw backslash in the path
)

// normalizePath puts u's path in normal form, in place, and returns ""; or
// it returns the reason the path is refused and leaves u as it was. A path
// already in normal form (the common case) is checked without allocating.
func normalizePath(u *url.URL) (reason string) {
	if u.RawPath == "" && isNormalPath(u.Path) {
		return ""
	}
	raw := u.RawPath
	if raw == "" {
		// The path as sent is its default escaping; nothing in it is an
		// encoded slash.
		raw = u.EscapedPath()
	}
	if raw == "" || raw[0] != '/' {
		return "" // "*" (OPTIONS), or no path at all: no route has it
	}
	norm, reason := normalizeRawPath(raw)
	if reason != "" {
		return reason
	}
	p, err := url.PathUnescape(norm)
	if err != nil {
		return reasonBadPercent
	}
	u.Path, u.RawPath = p, norm
	if u.EscapedPath() != norm {
		// The normal form holds a byte the URL would escape itself (a raw
		// quote or brace, say): let it, rather than send an invalid path.
		u.RawPath = ""
	}
	return ""
}

// isNormalPath says whether a decoded path whose escaping is the default
// one is in normal form already: no empty, "." or ".." segment and no
// backslash.
func isNormalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return true
	}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			return false
		case '/':
			if i+1 < len(p) {
				switch p[i+1] {
				case '/':
					return false
				case '.':
					if i+2 == len(p) || p[i+2] == '/' || (p[i+2] == '.' && (i+3 == len(p) || p[i+3] == '/')) {
						return false
					}
				}
			}
		}
	}
	return true
}

// normalizeRawPath returns the normal form of the raw (escaped) path p,
// which starts with '/', or the reason it is refused.
func normalizeRawPath(p string) (string, string) {
	segs := make([]string, 0, 8)
	trailing := false
	for rest, last := p[1:], false; !last; {
		raw := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			rest, last = "", true
		}
		s, reason := normalizeSegment(raw)
		if reason != "" {
			return "", reason
		}
		// RFC 3986 section 5.2.4: "." and ".." leave a trailing slash when
		// they end the path; an empty segment (merged slashes) does too.
		trailing = last
		switch s {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, s)
			trailing = false
		}
	}
	var b strings.Builder
	b.Grow(len(p))
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(s)
	}
	if trailing || len(segs) == 0 {
		b.WriteByte('/')
	}
	return b.String(), ""
}

// normalizeSegment decodes the unreserved characters of a raw segment and
// writes its other escapes in upper case, or returns why it is refused.
func normalizeSegment(raw string) (string, string) {
	if strings.IndexByte(raw, '%') < 0 && strings.IndexByte(raw, '\\') < 0 {
		return raw, ""
	}
	var seg strings.Builder
	seg.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '\\':
			return "", reasonBackslash
		case '%':
			if i+2 >= len(raw) || !isHex(raw[i+1]) || !isHex(raw[i+2]) {
				return "", reasonBadPercent
			}
			v := unhex(raw[i+1])<<4 | unhex(raw[i+2])
			switch {
			case v == 0:
				return "", reasonNUL
			case v == '/' || v == '\\':
				return "", reasonEncodedSlash
			case isUnreserved(v):
				seg.WriteByte(v)
			default:
				seg.WriteByte('%')
				seg.WriteByte(upperHex[v>>4])
				seg.WriteByte(upperHex[v&15])
			}
			i += 2
		default:
			seg.WriteByte(c)
		}
	}
	return seg.String(), ""
}

const upperHex = "0123456789ABCDEF"

// isUnreserved says whether c is an unreserved character of RFC 3986
// section 2.3.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// matchPrefix says whether the normalised path p is prefix or lies under
// it, comparing whole segments and their case exactly. A path segment
// matches a prefix segment also when it carries parameters after a ';' or
// spaces around its name (as Tomcat and Spring read "items;jsessionid=1"
// and "items%20" as "items"), so that such a spelling reaches the route of
// the name and not a wider one above it.
func matchPrefix(p, prefix string) bool {
	if hasPathPrefix(p, prefix) {
		return true
	}
	if !strings.ContainsAny(p, "; \t") {
		return false
	}
	want := strings.TrimSuffix(prefix, "/")
	for want != "" {
		// Both start at a '/'.
		if p == "" || p[0] != '/' || want[0] != '/' {
			return false
		}
		p, want = p[1:], want[1:]
		ps, pw := segment(p), segment(want)
		if pw != segmentName(ps) && pw != ps {
			return false
		}
		p, want = p[len(ps):], want[len(pw):]
	}
	if strings.HasSuffix(prefix, "/") {
		return p != "" && p[0] == '/'
	}
	return p == "" || p[0] == '/'
}

// segment returns p up to its first '/'.
func segment(p string) string {
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return p
}

// segmentName returns a path segment without its ';' parameters and the
// spaces and tabs around it.
func segmentName(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return strings.Trim(s, " \t")
}
