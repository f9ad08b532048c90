package gateway

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
)

// Validation configures the strict request checks. They are on unless
// Disabled: a request that is ambiguous (conflicting Content-Length and
// Transfer-Encoding, repeated Content-Length, header folding, bare LF
// line ends), malformed (invalid percent-encoding, NUL bytes) or that
// walks up the path (a ".." segment, also after a second decoding) is
// refused with 400 and counted by reason, before any route, check or
// upstream sees it.
//
// The HTTP/1 framing checks run on the raw bytes of the connection, which
// Listener arranges: net/http would otherwise drop a Content-Length next
// to a chunked Transfer-Encoding silently. The other checks run in the
// handler for every protocol.
type Validation struct {
	Disabled bool `yaml:"disabled"`
	// UnderscoreHeaders is what becomes of a header whose name holds an
	// underscore, which CGI and WSGI backends fold into a dash (so that
	// Transfer_Encoding or X_Forwarded_For would reach them as the real
	// thing): drop (the default, as nginx's underscores_in_headers off),
	// or refuse the request (400, reason underscore_header). Either is
	// counted.
	UnderscoreHeaders string `yaml:"underscore_headers"`
}

// Values of Validation.UnderscoreHeaders.
const (
	UnderscoreDrop   = "drop"
	UnderscoreRefuse = "refuse"
)

// reasonUnderscore: a header name with an underscore, refused.
const reasonUnderscore = "underscore_header"

// underscoreHeaders drops the headers of r whose names hold an underscore,
// counting them, or says r must be refused for one.
func (g *Gateway) underscoreHeaders(h map[string][]string) (refuse bool) {
	for name := range h {
		if strings.IndexByte(name, '_') < 0 {
			continue
		}
		if g.cfg.Validation.UnderscoreHeaders == UnderscoreRefuse {
			return true
		}
		delete(h, name)
		g.sec.m.headersDropped.Inc()
	}
	return false
}

// Reasons a request is invalid; they are the values of the reason label.
const (
	reasonCLTE          = "cl_te_conflict"          // Content-Length and Transfer-Encoding together
	reasonMultiCL       = "multiple_content_length" // Content-Length more than once
	reasonBadCL         = "bad_content_length"      // Content-Length not a decimal number
	reasonBadTE         = "bad_transfer_encoding"   // Transfer-Encoding other than a single chunked, or on HTTP/1.0
	reasonFolding       = "header_folding"          // obsolete line folding
	reasonBadHeader     = "bad_header"              // a malformed header line, bare LF, repeated Host, a reserved header
	reasonBadLine       = "bad_request_line"        // not METHOD SP target SP HTTP/1.x
	reasonNUL           = "nul_byte"                // a NUL byte, raw or %00
	reasonBadPercent    = "bad_percent_encoding"    // '%' not followed by two hex digits
	reasonPathTraversal = "path_traversal"          // a ".." segment after decoding, once or twice
)

var invalidReasons = []string{reasonCLTE, reasonMultiCL, reasonBadCL, reasonBadTE, reasonFolding, reasonBadHeader,
	reasonBadLine, reasonNUL, reasonBadPercent, reasonPathTraversal}

// rejectHeader carries the reason of a request the framing inspector
// refused, from the connection to the handler. The inspector refuses any
// request that sends it, so a client cannot set it.
const rejectHeader = "X-Portcullis-Invalid"

// invalidReason returns why r must be refused, or "" when it is fine.
func invalidReason(r *http.Request) string {
	if v := r.Header.Get(rejectHeader); v != "" {
		for _, known := range invalidReasons {
			if v == known {
				return v
			}
		}
		return reasonBadHeader
	}
	if reason := checkTarget(r.RequestURI); reason != "" {
		return reason
	}
	if reason := checkPath(r.URL.Path); reason != "" {
		return reason
	}
	return ""
}

// checkTarget checks a raw request target: no control byte, every '%'
// followed by two hex digits, and no %00.
func checkTarget(t string) string { return checkTargetBytes(t) }

func checkTargetBytes[S string | []byte](t S) string {
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == 0:
			return reasonNUL
		case c < 0x20 || c == 0x7f || c == ' ':
			return reasonBadLine
		case c == '%':
			if i+2 >= len(t) || !isHex(t[i+1]) || !isHex(t[i+2]) {
				return reasonBadPercent
			}
			if t[i+1] == '0' && t[i+2] == '0' {
				return reasonNUL
			}
			i += 2
		}
	}
	return ""
}

// checkPath checks a decoded path: no NUL, and no "." or ".." segment
// that could walk out of a route's prefix, either as it stands or after a
// second percent-decoding (what an upstream that decodes again would see).
// Backslashes count as separators, as some servers treat them.
func checkPath(p string) string {
	if strings.IndexByte(p, 0) >= 0 {
		return reasonNUL
	}
	if hasDotSegment(p) {
		return reasonPathTraversal
	}
	if strings.IndexByte(p, '%') >= 0 {
		if checkTarget(p) == "" {
			if d := percentDecode(p); strings.IndexByte(d, 0) >= 0 {
				return reasonNUL
			} else if hasDotSegment(d) {
				return reasonPathTraversal
			}
		}
	}
	return ""
}

func hasDotSegment(p string) bool {
	for p != "" {
		i := strings.IndexAny(p, `/\`)
		seg := p
		if i >= 0 {
			seg, p = p[:i], p[i+1:]
		} else {
			p = ""
		}
		if seg == ".." {
			return true
		}
	}
	return false
}

// percentDecode decodes a string already checked by checkTarget.
func percentDecode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// refuseInvalid answers an invalid request with 400, counts its reason and
// closes the connection (an HTTP/1 stream that was ambiguous once cannot
// be trusted for the next request).
func (g *Gateway) refuseInvalid(w http.ResponseWriter, reason string) {
	g.sec.m.invalid.WithLabelValues(reason).Inc()
	w.Header().Set("Connection", "close")
	writeJSON(w, http.StatusBadRequest, `{"error":"bad request","reason":"`+reason+`"}`)
}

// inspectListener wraps each accepted plain connection in the HTTP/1
// framing inspector.
type inspectListener struct {
	net.Listener
	maxHead int
}

func (l *inspectListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &inspectConn{Conn: c, maxHead: l.maxHead}, nil
}

type connKey struct{}

// connContext remembers the connection in the request context, so the
// handler can read the TLS state of an inspected TLS connection (net/http
// fills Request.TLS only for a *tls.Conn).
func connContext(ctx context.Context, c net.Conn) context.Context {
	if ic, ok := c.(*inspectConn); ok && ic.tlsState != nil {
		return context.WithValue(ctx, connKey{}, ic)
	}
	return ctx
}

func tlsStateOf(ctx context.Context) *tls.ConnectionState {
	if ic, ok := ctx.Value(connKey{}).(*inspectConn); ok {
		return ic.tlsState
	}
	return nil
}

// Framing states of inspectConn.
const (
	stHead      = iota // reading a request head
	stBody             // remain bytes of a Content-Length body
	stChunkSize        // a chunk-size line
	stChunkData        // remain bytes of chunk data
	stChunkEnd         // the CRLF after chunk data
	stTrailer          // trailer lines, up to an empty one
	stPass             // no more inspection: an upgrade, or framing the server will refuse itself
	stDone             // a request was refused: EOF after the substitute head
)

// inspectConn checks the HTTP/1 request heads that pass through it before
// net/http parses them, and follows the body framing (Content-Length or
// chunked) to find the next head of a kept-alive connection. A head is
// held back until it is whole. A valid head goes through unchanged; an
// invalid one is replaced by a minimal head carrying rejectHeader and
// Connection: close, after which the connection reads as ended, so the
// handler answers 400 and the connection closes. Bytes after an upgrade,
// or after framing net/http refuses by itself, pass uninspected.
type inspectConn struct {
	net.Conn
	maxHead  int
	tlsState *tls.ConnectionState // set for TLS connections; shared by its requests, read only

	state  int
	remain int64
	head   []byte // the head being read
	line   []byte // the chunk-size or trailer line being read
	out    []byte // bytes ready for the reader, in obuf
	obuf   []byte
	rest   []byte // the bytes after a head, while it is checked
	rbuf   []byte
	reason string // set when a head was refused
}

func (c *inspectConn) Read(p []byte) (int, error) {
	for {
		if len(c.out) > 0 {
			n := copy(p, c.out)
			c.out = c.out[n:]
			return n, nil
		}
		switch c.state {
		case stDone:
			return 0, io.EOF
		case stPass:
			return c.Conn.Read(p)
		case stBody:
			// Body bytes pass straight through.
			if int64(len(p)) > c.remain {
				p = p[:c.remain]
			}
			n, err := c.Conn.Read(p)
			c.remain -= int64(n)
			if c.remain == 0 {
				c.state = stHead
			}
			return n, err
		}
		if c.rbuf == nil {
			c.rbuf = make([]byte, 4096)
		}
		n, err := c.Conn.Read(c.rbuf)
		c.out = c.obuf[:0]
		c.feed(c.rbuf[:n])
		c.obuf = c.out[:0]
		if len(c.out) > 0 || err == nil {
			continue
		}
		if len(c.head) > 0 && err == io.EOF {
			// A partial head at the end: let net/http see it and refuse it.
			c.out = append(c.out, c.head...)
			c.head = c.head[:0]
			c.state = stPass
			continue
		}
		return 0, err
	}
}

// feed moves b through the framing state machine into c.out.
func (c *inspectConn) feed(b []byte) {
	for len(b) > 0 {
		switch c.state {
		case stPass:
			c.out = append(c.out, b...)
			return
		case stDone:
			return
		case stBody, stChunkData:
			k := int(min(int64(len(b)), c.remain))
			c.out = append(c.out, b[:k]...)
			b = b[k:]
			c.remain -= int64(k)
			if c.remain == 0 {
				if c.state == stBody {
					c.state = stHead
				} else {
					c.state = stChunkEnd
				}
			}
		case stChunkEnd, stChunkSize, stTrailer:
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				c.line = append(c.line, b...)
				c.out = append(c.out, b...)
				if len(c.line) > 4096 {
					c.state = stPass // net/http refuses such a line itself
				}
				return
			}
			c.line = append(c.line, b[:i+1]...)
			c.out = append(c.out, b[:i+1]...)
			b = b[i+1:]
			c.endLine()
			c.line = c.line[:0]
		case stHead:
			if len(c.head) == 0 {
				// Skip the empty lines some clients send between requests.
				for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
					c.out = append(c.out, b[0])
					b = b[1:]
				}
				if len(b) == 0 {
					return
				}
			}
			start := max(0, len(c.head)-3)
			c.head = append(c.head, b...)
			end := headEnd(c.head, start)
			if end < 0 {
				if len(c.head) > c.maxHead+4096 {
					// Too large: net/http answers 431 by itself.
					c.out = append(c.out, c.head...)
					c.head = c.head[:0]
					c.state = stPass
				}
				return
			}
			c.rest = append(c.rest[:0], c.head[end:]...)
			b = c.rest
			c.head = c.head[:end]
			c.endHead()
			c.head = c.head[:0]
		}
	}
}

// headEnd returns the index just past the empty line that ends the head in
// h, searching from start, or -1.
func headEnd(h []byte, start int) int {
	for i := start; i < len(h); i++ {
		if h[i] != '\n' {
			continue
		}
		if i >= 1 && h[i-1] == '\n' {
			return i + 1
		}
		if i >= 2 && h[i-1] == '\r' && h[i-2] == '\n' {
			return i + 1
		}
	}
	return -1
}

// endLine handles a whole chunk-size, chunk-end or trailer line in c.line.
func (c *inspectConn) endLine() {
	l := bytes.TrimRight(c.line, "\r\n")
	switch c.state {
	case stChunkEnd:
		if len(l) != 0 {
			c.state = stPass
			return
		}
		c.state = stChunkSize
	case stChunkSize:
		if i := bytes.IndexByte(l, ';'); i >= 0 {
			l = l[:i]
		}
		l = bytes.TrimRight(l, " \t")
		if len(l) == 0 || len(l) > 15 {
			c.state = stPass
			return
		}
		var n int64
		for _, d := range l {
			if !isHex(d) {
				c.state = stPass
				return
			}
			n = n<<4 | int64(unhex(d))
		}
		if n == 0 {
			c.state = stTrailer
			return
		}
		c.remain, c.state = n, stChunkData
	case stTrailer:
		if len(l) == 0 {
			c.state = stHead
		}
	}
}

// endHead checks the whole head in c.head and sets the framing of its body.
func (c *inspectConn) endHead() {
	h := c.head
	reason, hdr := parseHead(h, false)
	if reason != "" {
		c.reason = reason
		_, hdr = parseHead(h, true)
		c.out = append(c.out, substituteHead(hdr, reason)...)
		c.state = stDone
		return
	}
	c.out = append(c.out, h...)
	switch {
	case hdr.upgrade || hdr.connect:
		c.state = stPass
	case hdr.chunked:
		c.state = stChunkSize
	case hdr.length > 0:
		c.remain, c.state = hdr.length, stBody
	default:
		c.state = stHead
	}
}

// head is what parseHead learns from a request head.
type head struct {
	method, target, host string
	lines                [][]byte // well-formed header lines, for a substitute head
	chunked, upgrade     bool
	connect              bool
	length               int64
}

// parseHead checks a request head (request line and header lines, ending
// with an empty line) and returns the reason it is invalid, or "". With
// keep it also collects the head's well-formed lines.
func parseHead(h []byte, keep bool) (reason string, hd head) {
	p := headParser{keep: keep}
	first := true
	for len(h) > 0 {
		i := bytes.IndexByte(h, '\n')
		if i < 0 {
			break
		}
		line := h[:i]
		h = h[i+1:]
		if len(line) == 0 || line[len(line)-1] != '\r' {
			p.fail(reasonBadHeader) // a bare LF line end
		} else {
			line = line[:len(line)-1]
		}
		if bytes.IndexByte(line, 0) >= 0 {
			p.fail(reasonNUL)
		}
		if first {
			first = false
			p.requestLine(line)
			continue
		}
		if len(line) == 0 {
			break // the empty line that ends the head
		}
		p.headerLine(line)
	}
	p.framing()
	return p.reason, p.hd
}

// headParser is what parseHead learns on its way through a head.
type headParser struct {
	keep            bool
	reason          string // the first reason to refuse
	hd              head
	nCL, nTE, nHost int
	cl, te          []byte
	proto           string
}

func (p *headParser) fail(r string) {
	if p.reason == "" {
		p.reason = r
	}
}

// requestLine reads the method, the target and the version.
func (p *headParser) requestLine(line []byte) {
	sp1 := bytes.IndexByte(line, ' ')
	sp2 := bytes.LastIndexByte(line, ' ')
	if sp1 <= 0 || sp2 <= sp1+1 || !isToken(line[:sp1]) {
		p.fail(reasonBadLine)
		return
	}
	method, target, version := line[:sp1], line[sp1+1:sp2], line[sp2+1:]
	p.proto = "HTTP/1.1"
	switch {
	case string(version) == "HTTP/1.0":
		p.proto = "HTTP/1.0"
	case string(version) != "HTTP/1.1":
		p.fail(reasonBadLine)
	}
	if r := checkTargetBytes(target); r != "" {
		p.fail(r)
	} else if p.keep {
		p.hd.target = string(target)
	}
	if p.keep {
		p.hd.method = string(method)
	}
	p.hd.connect = string(method) == "CONNECT"
}

// headerLine reads one header line, counting the framing headers.
func (p *headParser) headerLine(line []byte) {
	if line[0] == ' ' || line[0] == '\t' {
		p.fail(reasonFolding)
		return
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 || !isToken(line[:colon]) {
		p.fail(reasonBadHeader)
		return
	}
	name, value := line[:colon], bytes.Trim(line[colon+1:], " \t")
	if !validValue(value) {
		if bytes.IndexByte(value, 0) < 0 {
			p.fail(reasonBadHeader)
		}
		return
	}
	switch {
	case asciiEqualFold(name, "Content-Length"):
		p.nCL++
		p.cl = value
		return
	case asciiEqualFold(name, "Transfer-Encoding"):
		p.nTE++
		p.te = value
		return
	case asciiEqualFold(name, "Host"):
		p.nHost++
		if p.keep {
			p.hd.host = string(value)
		}
		return
	case asciiEqualFold(name, rejectHeader):
		p.fail(reasonBadHeader)
		return
	case asciiEqualFold(name, "Upgrade"):
		p.hd.upgrade = true
	}
	if p.keep {
		p.hd.lines = append(p.hd.lines, line)
	}
}

// framing checks the Host, Content-Length and Transfer-Encoding headers
// together, and reads the body's length.
func (p *headParser) framing() {
	if p.nHost > 1 {
		p.fail(reasonBadHeader)
	}
	switch nCL, nTE := p.nCL, p.nTE; {
	case nCL > 0 && nTE > 0:
		p.fail(reasonCLTE)
	case nCL > 1:
		p.fail(reasonMultiCL)
	case nTE > 1 || nTE == 1 && (!asciiEqualFold(p.te, "chunked") || p.proto == "HTTP/1.0"):
		p.fail(reasonBadTE)
	case nTE == 1:
		p.hd.chunked = true
	case nCL == 1:
		if len(p.cl) == 0 || len(p.cl) > 18 {
			p.fail(reasonBadCL)
			break
		}
		for _, d := range p.cl {
			if d < '0' || d > '9' {
				p.fail(reasonBadCL)
				break
			}
			p.hd.length = p.hd.length*10 + int64(d-'0')
		}
	}
}

// substituteHead is the head handed to net/http in place of a refused one:
// the method, target, Host and the well-formed headers (so the access log
// still names the client), none of the framing headers, the reason, and
// Connection: close.
func substituteHead(hd head, reason string) []byte {
	method, target, host := hd.method, hd.target, hd.host
	if method == "" || method == "CONNECT" {
		method = "GET"
	}
	if target == "" || target[0] != '/' {
		target = "/"
	}
	if host == "" {
		host = "invalid"
	}
	b := make([]byte, 0, 256)
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	for _, l := range hd.lines {
		name := l[:bytes.IndexByte(l, ':')]
		if asciiEqualFold(name, "Connection") || asciiEqualFold(name, "Upgrade") || asciiEqualFold(name, "Expect") ||
			asciiEqualFold(name, "Keep-Alive") || asciiEqualFold(name, "TE") || asciiEqualFold(name, "Trailer") {
			continue
		}
		b = append(b, l...)
		b = append(b, "\r\n"...)
	}
	b = append(b, rejectHeader+": "...)
	b = append(b, reason...)
	return append(b, "\r\nConnection: close\r\n\r\n"...)
}

func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func validValue(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
