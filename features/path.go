package features

import "bytes"

const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

// TemplateHash returns a hash of the template of the path in p: the path
// without its query, with every segment that looks like an identifier
// (numbers, UUIDs, hex digests, long tokens, e-mail addresses) replaced by
// "{id}", so "/items/42" and "/items/77" share a template. It hashes
// each segment as it goes and asks isIdentifier only about a segment that
// can be one (a digit, an '@', or 24 bytes or more): most route words
// cannot, and are read once.
func TemplateHash(p []byte) uint32 {
	h := uint32(fnvOffset32)
	start, before, class := 0, h, false
	for i := 0; ; i++ {
		c := byte('?') // past the end, the path ends as at its query
		if i < len(p) {
			c = p[i]
		}
		if k := segmentByte[c]; k <= maybeID {
			class = class || k == maybeID
			h = (h ^ uint32(c)) * fnvPrime32
			continue
		}
		if seg := p[start:i]; (class || len(seg) >= 24) && isIdentifier(seg) {
			h = (before ^ '{') * fnvPrime32
			h = (h ^ '}') * fnvPrime32
		}
		h = (h ^ '/') * fnvPrime32
		if c != '/' {
			return h
		}
		start, before, class = i+1, h, false
	}
}

// segmentByte classes the bytes of a path for TemplateHash: a byte of a
// segment, one without which a segment shorter than 24 bytes is no
// identifier (see isIdentifier: digits and '@'), the slash between
// segments, and the start of the query or the fragment, where the path
// ends.
var segmentByte = func() (cl [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		cl[c] = maybeID
	}
	cl['@'] = maybeID
	cl['/'] = segmentEnd
	cl['?'], cl['#'] = pathEnd, pathEnd
	return cl
}()

// The classes of segmentByte, other than 0 for a byte of a segment.
const (
	maybeID uint8 = iota + 1
	segmentEnd
	pathEnd
)

// Template writes the template of p to dst, for display and tests.
func Template(dst, p []byte) []byte {
	for it := newSegments(p); ; {
		seg, last := it.next()
		if isIdentifier(seg) {
			dst = append(dst, "{id}"...)
		} else {
			dst = append(dst, seg...)
		}
		if last {
			return dst
		}
		dst = append(dst, '/')
	}
}

// segments walks the '/'-separated segments of a path without its query
// or fragment, the first (before the leading '/') included.
type segments struct {
	p     []byte
	start int
}

func newSegments(p []byte) segments {
	// Two byte searches: bytes.IndexAny builds its set of bytes on every
	// call, about 30 of the 280 ns an event costs the features table.
	if i := bytes.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if i := bytes.IndexByte(p, '#'); i >= 0 {
		p = p[:i]
	}
	return segments{p: p}
}

// next returns the next segment and whether it is the last.
func (s *segments) next() (seg []byte, last bool) {
	end := s.start
	for end < len(s.p) && s.p[end] != '/' {
		end++
	}
	seg = s.p[s.start:end]
	s.start = end + 1
	return seg, end >= len(s.p)
}

// isIdentifier reports whether a path segment names one resource among many
// rather than a route: numbers, UUIDs, hex digests, dates, long tokens and
// slugs, e-mail addresses, a slug ending in a number ("red-shoes-94415",
// "2026-summer-sale"), and upper-case codes with digits ("TX-1VVP3QL",
// "PNR7K2Q"). A route's own words keep at most a digit or two ("v2",
// "oauth2", "app2.js").
func isIdentifier(seg []byte) bool {
	if len(seg) == 0 {
		return false
	}
	if len(seg) >= 24 {
		return true // long tokens and slugs
	}
	digits, upper, lower, other, run, longest := 0, 0, 0, 0, 0, 0
	for _, c := range seg {
		if c >= '0' && c <= '9' {
			digits++
			run++
			longest = max(longest, run)
			continue
		}
		run = 0
		switch {
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			// a hex digit: not other
		case c == '-' || c == '_' || c == '.' || c == ':':
		case c == '@':
			return true
		default:
			other++
		}
		switch {
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= 'a' && c <= 'z':
			lower++
		}
	}
	switch {
	case digits == 0:
		return false
	case digits == len(seg), longest >= 4:
		return true // numbers, and slugs or codes with a number in them
	case other == 0 && len(seg) >= 8:
		return true // UUIDs, hex digests, dates
	case len(seg) >= 6 && digits >= 2 && upper >= 2 && lower == 0:
		return true // upper-case codes
	}
	return len(seg) >= 12 && digits*3 >= len(seg) || // mixed tokens such as "a1b2c3d4e5f6g7"
		prefixedID(seg)
}

// prefixedID says seg is an identifier with a short type prefix, as many
// APIs write them ("pay_f98eeeeefb0e803d", "cus_NffrFeUfNV2Hib",
// "p2p_fdbe68d6b3cc"): up to six lower-case letters or digits, an
// underscore, then eight or more letters and digits, at least one of
// them a digit, that are hex or mix both cases. A route word with a digit
// ("settings_v2", "oauth2_callback") has no such tail.
func prefixedID(seg []byte) bool {
	i := bytes.IndexByte(seg, '_')
	if i < 1 || i > 6 || len(seg)-i-1 < 8 {
		return false
	}
	for _, c := range seg[:i] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	var digits, hex, upper, lower int
	tail := seg[i+1:]
	for _, c := range tail {
		switch {
		case c >= '0' && c <= '9':
			digits++
			hex++
			continue
		case c >= 'a' && c <= 'z':
			lower++
		case c >= 'A' && c <= 'Z':
			upper++
		default:
			return false
		}
		if c|0x20 >= 'a' && c|0x20 <= 'f' {
			hex++
		}
	}
	return digits > 0 && (hex == len(tail) || upper > 0 && lower > 0)
}

// PathHashes returns PathHash(p) and the hash of p without its query, in
// one pass: the hash of the path alone is the state of the same hash where
// the query starts. Requests that differ only in query parameters (a cache
// buster, a page number) share the second.
func PathHashes(p []byte) (full, url uint32) {
	h := uint32(fnvOffset32)
	url, cut := h, false
	for _, c := range p {
		if c == '?' && !cut {
			url, cut = h, true
		}
		h = (h ^ uint32(c)) * fnvPrime32
	}
	if !cut {
		url = h
	}
	return h, url
}

// PathHash returns a hash of the whole path with its query.
func PathHash(p []byte) uint32 {
	h := uint32(fnvOffset32)
	for _, c := range p {
		h = (h ^ uint32(c)) * fnvPrime32
	}
	return h
}

// trigger marks the bytes without which no marker below can match once the
// path is decoded; most paths contain none of them, which keeps the common
// case to one pass without decoding.
var trigger = [256]bool{
	'\'': true, '"': true, '<': true, '>': true, '`': true, '(': true, '$': true,
	'{': true, '\\': true, '%': true, '+': true, '.': true, ' ': true, ';': true,
	'|': true, '&': true, '*': true, '[': true, 0: true,
}

// markers are lower-case fragments of injection, traversal, template and
// command payloads, matched against the percent-decoded path and query.
// They are evidence, not verdicts: the share of a client's requests that
// carry them is one feature among many. A lone quote is not a marker (names
// such as O'Brien are searched for); a quote followed by SQL syntax is.
var markers = [...]string{
	// SQL
	"' or ", "' and ", "'or ", "'and ", "' ||", "'||", "'--", "'#", "';", "')", "'=", "' =",
	"\" or ", "\"--", "union select", "union all select", " or 1=1", " and 1=1", "sleep(",
	"benchmark(", "waitfor delay", "pg_sleep", "information_schema", "@@version", "xp_cmdshell",
	"select * from", "1=1--", "order by 1", "/**/", "extractvalue(", "updatexml(", "load_file(",
	"into outfile", "group_concat(", ") or (", "' #", "drop table", "exec(", "' or true", " or true--",
	// markup and script
	"<script", "</script", "<img", "<svg", "<iframe", "<body", "javascript:", "onerror=",
	"onload=", "onmouseover=", "alert(", "prompt(", "document.cookie", "onfocus=", "ontoggle=",
	"onanimationstart=", "<math", "<object", "<embed", "<details", "srcdoc=", "fromcharcode",
	"confirm(", "vbscript:", "data:text/html", "&lt;script", "&#x3c;", "&#60;", "\\u003c",
	// traversal and files
	"../", "..\\", "/etc/passwd", "/etc/shadow", "win.ini", "boot.ini", "/proc/self", "php://",
	"file://", "<?php", "..;/", "/etc/hosts", "c:\\windows", "web-inf/", "expect://", "gopher://",
	"dict://", "169.254.169.254", "metadata.google.internal", "phar://", "data://", "zip://",
	"://127.0.0.1", "://localhost", "://0.0.0.0", "://[::1]",
	// commands and templates
	"$(", "`", ";cat ", "|cat ", ";ls", "|ls", ";id", "|id", "&&", "/bin/sh", "/bin/bash",
	"cmd.exe", "powershell", "wget http", "curl http", "{{", "${", "<%", "#{", "jndi:",
	"{%", "whoami", "nslookup ", "ping -c", "|nc ", ";nc ", "<!entity", "<!doctype", "*)(",
	"\r\n", "| id", "; id", "; ls", "; cat ", "||", "*{", "__proto__", "class.module",
	// NUL and NoSQL operators
	"\x00", "[$ne]", "[$gt]", "$where", "[$regex]", "[$nin]", "{\"$",
}

// probes are paths that vulnerability scanners ask for and ordinary
// clients of a site do not: version-control, environment and editor files
// left in a web root, server status pages, the admin consoles and debug
// endpoints of software the site may not run. Each matches, case folded,
// at the start of any segment of the path (not the query): a scanner asks
// for /.env under every prefix it knows. probeSuffixes are the endings of
// database dumps and backup copies. A scanner that paces itself and mixes
// in ordinary pages meets few refusals per minute; the files it asks for
// give it away at the first few. Like the payload markers, each is weighed
// by its rarity in training, so a site that runs WordPress finds
// /wp-login.php ordinary.
var probes = [...]string{
	"/.git", "/.env", "/.aws", "/.ssh", "/.svn", "/.hg/", "/.htaccess", "/.htpasswd",
	"/.ds_store", "/.docker", "/.npmrc", "/.bash_history", "/.vscode", "/.idea/", "/.kube",
	"/wp-login.php", "/wp-admin", "/xmlrpc.php", "/wp-config", "/phpmyadmin", "/pma/",
	"/adminer", "/phpinfo", "/server-status", "/server-info", "/actuator/env",
	"/actuator/heapdump", "/actuator/mappings", "/actuator/loggers", "/actuator/configprops",
	"/actuator/threaddump", "/actuator/gateway", "/jolokia", "/manager/html", "/cgi-bin/",
	"/web.config", "/vendor/phpunit", "/_profiler", "/telescope", "/elmah.axd", "/trace.axd",
	"/hnap1", "/boaform", "/solr/admin",
}

var probeSuffixes = [...]string{".sql", ".bak", ".swp"}

// scanClass marks the bytes PayloadMarker's first pass looks at: the
// triggers, the slash and the question mark.
var scanClass = func() (cl [256]bool) {
	for c := range cl {
		cl[c] = trigger[c] || c == '/' || c == '?'
	}
	return cl
}()

// HasPayloadMarks reports whether p, percent-decoded (twice, for double
// encoding) and lower-cased, carries a marker of an injection, traversal,
// template or command payload, or asks for a path scanners probe (see
// probes). scratch is reused to avoid allocation; the returned slice is the
// (possibly grown) scratch.
func HasPayloadMarks(p, scratch []byte) (bool, []byte) {
	m, scratch := PayloadMarker(p, scratch)
	return m >= 0, scratch
}

// NumMarkers is the number of payload markers, the probed paths and
// endings included; PayloadMarker returns an index below it.
const NumMarkers = len(markers) + len(probes) + len(probeSuffixes)

// IsFragment reports whether marker m (a PayloadMarker index) is a payload
// fragment, not a probed path or ending.
func IsFragment(m int) bool { return m >= 0 && m < len(markers) }

// MarkerNames returns the payload markers in index order: the payload
// fragments, then the probed paths, then the probed endings.
func MarkerNames() []string {
	out := make([]string, 0, NumMarkers)
	out = append(out, markers[:]...)
	out = append(out, probes[:]...)
	return append(out, probeSuffixes[:]...)
}

// PayloadMarker returns the index of the first marker that p, decoded as
// HasPayloadMarks decodes it, carries, or -1 for none; a path scanners
// probe is one when no payload fragment is. Markers differ in how often
// ordinary traffic carries them ("&&" in a search, "union select" never,
// /.git/config nowhere), so the detector weighs each by its rarity in
// training.
func PayloadMarker(p, scratch []byte) (int, []byte) {
	// One pass says whether a payload fragment may be there (a trigger
	// byte, or a slash in the query) and whether a probe may: a segment
	// of the path whose first two bytes begin one. Most bytes are in
	// neither class.
	hit, probe, end := false, false, len(p)
	for i, c := range p {
		if !scanClass[c] {
			continue
		}
		hit = hit || trigger[c]
		switch {
		case c == '?':
			end = min(end, i)
		case c != '/':
		case end < len(p):
			hit = true
		case i+2 < len(p):
			c1, c2 := lower(p[i+1]), lower(p[i+2])
			probe = probe || probePairs[c1][c2>>6]&(1<<(c2&63)) != 0
		}
	}
	m := -1
	if hit && !lacksMarkers(p) {
		m, scratch = injectionIn(p, scratch)
	}
	if m < 0 && (probe || end >= 4 && p[end-4] == '.') {
		m = probeMarker(p[:end])
	}
	return m, scratch
}

// probeMarker returns the index among the markers of the probe or the
// probed ending that path p (without its query) asks for, or -1.
func probeMarker(p []byte) int {
	for i, c := range p {
		if c != '/' || i+2 >= len(p) {
			continue
		}
		c1 := lower(p[i+1])
		for _, k := range probesByFirst[c1] {
			if hasPrefixFold(p[i:], probes[k]) {
				return len(markers) + int(k)
			}
		}
	}
	if n := len(p); n >= 4 && p[n-4] == '.' {
		for k, s := range probeSuffixes {
			if hasPrefixFold(p[n-4:], s) {
				return len(markers) + len(probes) + k
			}
		}
	}
	return -1
}

// probesByFirst lists, by the byte after their leading slash, the
// indexes of the probes; probePairs has bit c2 of row c1 set where a
// probe begins with the slash, c1 and c2.
var probesByFirst, probePairs = func() (by [256][]uint8, pairs [256][4]uint64) {
	for i, s := range probes {
		by[s[1]] = append(by[s[1]], uint8(i))
		pairs[s[1]][s[2]>>6] |= 1 << (s[2] & 63)
	}
	return by, pairs
}()

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold says b begins with the lower-case ASCII prefix, case
// folded.
func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := range len(prefix) {
		if lower(b[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// injectionIn returns the index of the first payload fragment (see
// markers) that p, decoded as HasPayloadMarks decodes it, carries, or -1,
// for a path that carries a trigger byte or a slash in its query (the
// gate PayloadMarker's first pass applies).
func injectionIn(p, scratch []byte) (int, []byte) {
	scratch = decode(append(scratch[:0], p...))
	if bytes.IndexByte(scratch, '%') >= 0 {
		scratch = decode(scratch)
	}
	// A slash or a colon is special only in the query: every path has
	// slashes, while a query value carrying one may be a file or a URL.
	special, query := false, false
	for _, c := range scratch {
		switch c {
		case '\'', '"', '<', '>', '`', '(', '$', '{', '\\', ';', '|', '&', '.', 0, '#', '[', '*', '\r':
			special = true
		case '?':
			query = true
		case '/', ':':
			special = special || query
		}
	}
	if !special && !bytes.Contains(scratch, []byte("select")) && !bytes.Contains(scratch, []byte(" or ")) {
		return -1, scratch
	}
	// One pass over the decoded path, trying at each byte only the markers
	// that start with it; the marker returned is the first in list order
	// that the path carries, as a scan of the list would find.
	best := NumMarkers
	for i, c := range scratch {
		cands := markersByFirst[c]
		if len(cands) == 0 {
			continue
		}
		rest := scratch[i:]
		for _, m := range cands {
			mb := markerBytes[m]
			// The second byte first: most candidates differ there.
			if int(m) < best && len(rest) >= len(mb) && (len(mb) < 2 || rest[1] == mb[1]) && bytes.HasPrefix(rest, mb) {
				best = int(m)
			}
		}
	}
	if best == NumMarkers {
		return -1, scratch
	}
	return best, scratch
}

// markedParam returns the query parameter (name=value) of the decoded path
// dec that carries payload fragment m, as injectionIn found it there; nil
// when m is not in the query. A parameter ends at the next ampersand,
// decoded ones included.
func markedParam(dec []byte, m int) []byte {
	q := bytes.IndexByte(dec, '?')
	if q < 0 || !IsFragment(m) {
		return nil
	}
	mb := markerBytes[m]
	i := bytes.Index(dec[q:], mb)
	if i < 0 {
		return nil
	}
	i += q
	start := q + 1 + bytes.LastIndexByte(dec[q+1:i], '&') + 1
	end := i + len(mb)
	if j := bytes.IndexByte(dec[end:], '&'); j >= 0 {
		end += j
	} else {
		end = len(dec)
	}
	return dec[start:end]
}

// lacksMarkers reports that p certainly carries no payload fragment, so
// that injectionIn need not decode it. About half of all paths carry a
// trigger byte (a dot, an ampersand), and almost none a marker. Without an
// escape, decode maps each byte of p to one byte (folded), so a marker in
// the decoded path begins at a byte of p whose folded pair with the next
// begins one; few pairs do, and where one does the marker is checked in
// place. An escape, or a byte that decode may merge with the next, sends
// p to injectionIn, as does a marker found, whose verdict also depends on
// injectionIn's gate.
func lacksMarkers(p []byte) bool {
	if len(p) == 0 {
		return true
	}
	c1 := folded[p[0]]
	for i := 1; i < len(p); i++ {
		c2 := folded[p[i]]
		if markerPairs[c1][c2>>6]&(1<<(c2&63)) != 0 && maybeMarkerAt(p[i-1:]) {
			return false
		}
		c1 = c2
	}
	return markerPairs[c1][0]&1 == 0 || !maybeMarkerAt(p[len(p)-1:])
}

// maybeMarkerAt says whether the decoded path may carry a marker from the
// start of p: p begins with an escape or the first byte of an overlong
// encoding, or with a marker once folded.
func maybeMarkerAt(p []byte) bool {
	if p[0] == '%' || p[0] == 0xc0 {
		return true
	}
	for _, m := range markersByFirst[folded[p[0]]] {
		if hasFoldedPrefix(p, markerBytes[m]) {
			return true
		}
	}
	return false
}

// hasFoldedPrefix says whether p, folded, begins with prefix.
func hasFoldedPrefix(p, prefix []byte) bool {
	if len(p) < len(prefix) {
		return false
	}
	for i, c := range prefix {
		if folded[p[i]] != c {
			return false
		}
	}
	return true
}

// folded maps a byte to what decode makes of it outside an escape: a
// plus to a space, an ASCII letter to lower case. markerPairs has bit c2
// of row c1 set where a marker begins with c1 then c2, and every bit of
// the rows of a marker one byte long, of the percent sign and of 0xc0, so
// that the byte after them does not matter (the last byte of a path is
// paired with 0).
var folded, markerPairs = func() (f [256]byte, pairs [256][4]uint64) {
	for c := range f {
		f[c] = lower(byte(c))
	}
	f['+'] = ' '
	full := func(c byte) { pairs[c] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)} }
	for _, m := range markers {
		if len(m) == 1 {
			full(m[0])
			continue
		}
		pairs[m[0]][m[1]>>6] |= 1 << (m[1] & 63)
	}
	full('%')
	full(0xc0)
	return f, pairs
}()

// markerBytes are the markers as byte slices, and markersByFirst their
// indices by first byte.
var markerBytes, markersByFirst = func() ([NumMarkers][]byte, [256][]uint8) {
	var bs [NumMarkers][]byte
	var first [256][]uint8
	for i, m := range markers {
		bs[i] = []byte(m)
		first[m[0]] = append(first[m[0]], uint8(i))
	}
	return bs, first
}()

// decode percent-decodes b in place, turns '+' into a space and lower-cases
// ASCII letters. Invalid escapes are kept as they are.
func decode(b []byte) []byte {
	w := 0
	for r := 0; r < len(b); r++ {
		c := b[r]
		switch {
		case c == '%' && r+2 < len(b) && isHex(b[r+1]) && isHex(b[r+2]):
			c = unhex(b[r+1])<<4 | unhex(b[r+2])
			r += 2
		case c == '+':
			c = ' '
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		// An overlong UTF-8 dot or slash (C0 AE, C0 AF), which servers
		// that decode leniently took for the character, is the character.
		if w > 0 && b[w-1] == 0xc0 && (c == 0xae || c == 0xaf) {
			b[w-1] = c - 0x80
			continue
		}
		b[w] = c
		w++
	}
	return b[:w]
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
