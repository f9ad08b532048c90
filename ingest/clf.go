package ingest

import "bytes"

// CLFParser parses nginx/Apache access-log lines in the combined log format,
//
//	$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
//
// optionally followed by $request_length (an integer, quoted or not, which
// goes to ReqBytes), or in the plain common log format, which stops after
// $body_bytes_sent. For example:
//
//	203.0.113.7 - alice [10/Oct/2000:13:55:36 -0700] "GET /a?b=1 HTTP/1.1" 200 2326 "-" "curl/8.0" 512
//
// It reads logs as servers and tools really write them:
//
//   - Apache's vhost_combined puts "$server_name:$port" first; a fourth
//     field before the time is taken for it and ignored.
//   - The client address may be IPv4 or IPv6, bare or bracketed, with or
//     without a port ("[2001:db8::1]:443"); the port is dropped.
//   - remote_user goes to User and $http_user_agent to UserAgent unless they
//     are "-". The referer is not kept. The referer and user agent may be
//     missing (the common format), or only the user agent.
//   - A "-" status or byte count reads as 0.
//   - Inside quoted fields the escapes Apache writes (\" \\ \n \r \t \b \v
//     and \xHH) and nginx writes (\xHH for '"', '\' and bytes outside
//     printable ASCII) are decoded, so Path and UserAgent hold the bytes the
//     client sent. Neither server writes a bare backslash, so there is no
//     ambiguity.
//   - The fields after the byte count are forgiving, since nothing after
//     them can be misread: a field still open at the end of the line (a
//     truncated line, or a doubled closing quote '""' that some writers
//     emit) ends with the line, and a trailing field that is not an integer
//     (say $http_x_forwarded_for) and the fields after $request_length are
//     ignored.
//   - The request is split into Method and Path (with its query string);
//     the protocol is dropped. Requests that are not "METHOD PATH PROTOCOL"
//     are kept; see splitRequest.
//
// A line needs a client address or a user.
//
// The zero CLFParser is ready to use. It is not safe for concurrent use.
type CLFParser struct {
	buf []byte // scratch for unescaped quoted fields, reused by every Parse
}

// Reasons a combined-log line is malformed.
const (
	errCLFShape    = malformed(`CLF: want 'addr ident user [time] "request" status bytes', optionally after a virtual host`)
	errCLFTime     = malformed("CLF: want a time such as [10/Oct/2000:13:55:36 -0700]")
	errCLFRequest  = malformed(`CLF: want a quoted request such as "GET /path HTTP/1.1"`)
	errCLFQuote    = malformed("CLF: unterminated quoted field")
	errCLFStatus   = malformed("CLF: status: want an integer from 0 to 999")
	errCLFBytes    = malformed("CLF: body bytes: want an integer or -")
	errCLFReferer  = malformed("CLF: want a quoted referer and user agent after the byte count")
	errCLFIdentity = malformed("CLF: the client address and user are both missing")
)

// Parse parses one log line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed.
//
// rec's byte slices alias line, or the parser's scratch buffer when a quoted
// field had escapes: they stay valid until the next call to Parse and until
// line is modified. The slices are capped, so appending to them copies.
func (p *CLFParser) Parse(line []byte, rec *Record) error {
	*rec = Record{}
	p.buf = p.buf[:0]
	i, err := p.identity(line, rec)
	if err != nil {
		return err
	}
	if rec.TS, i, err = clfTime(line, i); err != nil {
		return err
	}
	if i, err = p.request(line, i, rec); err != nil {
		return err
	}
	if i, err = clfStatusBytes(line, i, rec); err != nil {
		return err
	}
	if err = p.tail(line, i, rec); err != nil {
		return err
	}
	if len(rec.ClientIP) == 0 && len(rec.User) == 0 {
		return errCLFIdentity
	}
	ip, err := canonicalIP(rec.ClientIP, &p.buf)
	rec.ClientIP = ip
	return err
}

// identity reads [$vhost] $remote_addr $ident $remote_user: three fields
// before the time, or four when the first is Apache's virtual host. It
// returns the index of the time.
func (p *CLFParser) identity(s []byte, rec *Record) (next int, err error) {
	var f [4][]byte
	i := skipBlanks(s, 0)
	n := 0
	for ; n < len(f); n++ {
		if n == 3 && i < len(s) && s[i] == '[' {
			break
		}
		if i >= len(s) {
			return 0, errCLFShape
		}
		if f[n], i, err = p.field(s, i); err != nil {
			return 0, err
		}
		i = skipBlanks(s, i)
	}
	addr, user := f[0], f[2]
	if n == 4 {
		addr, user = f[1], f[3]
	}
	rec.ClientIP = hostOnly(dashEmpty(addr))
	rec.User = dashEmpty(user)
	return i, nil
}

// clfTime reads [$time_local] at s[i:].
func clfTime(s []byte, i int) (ts int64, next int, err error) {
	if i >= len(s) || s[i] != '[' {
		return 0, 0, errCLFTime
	}
	end := bytes.IndexByte(s[i+1:], ']')
	if end < 0 {
		return 0, 0, errCLFTime
	}
	ts, ok := parseCLFTime(s[i+1 : i+1+end])
	if !ok {
		return 0, 0, errCLFTime
	}
	return ts, i + end + 2, nil
}

// request reads "$request" after s[i:].
func (p *CLFParser) request(s []byte, i int, rec *Record) (next int, err error) {
	i = skipBlanks(s, i)
	if i >= len(s) || s[i] != '"' {
		return 0, errCLFRequest
	}
	var req []byte
	if req, i, err = p.quoted(s, i+1); err != nil {
		return 0, err
	}
	rec.Method, rec.Path = splitRequest(req)
	return i, nil
}

// clfStatusBytes reads $status $body_bytes_sent after s[i:].
func clfStatusBytes(s []byte, i int, rec *Record) (next int, err error) {
	tok, i := clfToken(s, skipBlanks(s, i))
	status, ok := clfInt(tok)
	if !ok || status > 999 {
		return 0, errCLFStatus
	}
	rec.Status = int(status)
	tok, i = clfToken(s, skipBlanks(s, i))
	if rec.RespBytes, ok = clfInt(tok); !ok {
		return 0, errCLFBytes
	}
	return i, nil
}

// tail reads the optional "$http_referer" "$http_user_agent"
// $request_length after s[i:], keeping the user agent and the request
// length.
func (p *CLFParser) tail(s []byte, i int, rec *Record) error {
	if i = skipBlanks(s, i); atEnd(s, i) {
		return nil
	}
	if s[i] != '"' {
		return errCLFReferer
	}
	_, i = tailQuoted(s, i+1)
	if i = skipBlanks(s, i); atEnd(s, i) {
		return nil
	}
	if s[i] != '"' {
		return errCLFReferer
	}
	var ua []byte
	ua, i = tailQuoted(s, i+1)
	rec.UserAgent = dashEmpty(p.unescape(ua))
	if i = skipBlanks(s, i); atEnd(s, i) {
		return nil
	}
	var tok []byte
	if s[i] == '"' {
		tok, _ = tailQuoted(s, i+1)
	} else {
		tok, _ = clfToken(s, i)
	}
	if n, ok := clfInt(tok); ok {
		rec.ReqBytes = n
	}
	return nil
}

// field reads a bare or quoted field at s[i:].
func (p *CLFParser) field(s []byte, i int) (v []byte, next int, err error) {
	if i < len(s) && s[i] == '"' {
		return p.quoted(s, i+1)
	}
	v, next = clfToken(s, i)
	if len(v) == 0 {
		return nil, 0, errCLFShape
	}
	return v, next, nil
}

// quoted reads a quoted field whose opening quote is at s[i-1] and decodes
// its escapes.
func (p *CLFParser) quoted(s []byte, i int) (v []byte, next int, err error) {
	next, err = skipQuoted(s, i)
	if err != nil {
		return nil, 0, err
	}
	return p.unescape(s[i : next-1 : next-1]), next, nil
}

// tailQuoted reads a quoted field after the byte count, whose opening quote
// is at s[i-1], without decoding it. A field that is still open at the end
// of the line ends there, without its trailing blanks and without a last
// '"' (a closing quote that a stray backslash before it made look escaped).
func tailQuoted(s []byte, i int) (v []byte, next int) {
	if next, err := skipQuoted(s, i); err == nil {
		return s[i : next-1 : next-1], next
	}
	end := len(s)
	for end > i {
		switch s[end-1] {
		case ' ', '\t', '\r', '\n':
			end--
			continue
		}
		break
	}
	if end > i && s[end-1] == '"' {
		end--
	}
	return s[i:end:end], len(s)
}

// unescape decodes the escapes of a quoted field, writing into p.buf when
// there are any. The result is capped.
func (p *CLFParser) unescape(v []byte) []byte {
	if bytes.IndexByte(v, '\\') < 0 {
		return v
	}
	start := len(p.buf)
	for k := 0; k < len(v); k++ {
		c := v[k]
		if c == '\\' && k+1 < len(v) {
			if d, n := clfEscape(v[k+1:]); n > 0 {
				c = d
				k += n
			}
		}
		p.buf = append(p.buf, c)
	}
	end := len(p.buf)
	return p.buf[start:end:end]
}

// clfEscape decodes the escape whose backslash precedes e, returning the
// byte and how many bytes of e it used; 0 means e does not start an escape
// that Apache or nginx writes, and the backslash is kept as logged.
func clfEscape(e []byte) (byte, int) {
	switch e[0] {
	case '"', '\\':
		return e[0], 1
	case 'n':
		return '\n', 1
	case 'r':
		return '\r', 1
	case 't':
		return '\t', 1
	case 'b':
		return '\b', 1
	case 'v':
		return '\v', 1
	case 'x':
		if len(e) >= 3 {
			hi, ok1 := hexDigit(e[1])
			lo, ok2 := hexDigit(e[2])
			if ok1 && ok2 {
				return hi<<4 | lo, 3
			}
		}
	}
	return 0, 0
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// skipQuoted returns the index after the closing quote of a field whose
// opening quote is at s[i-1]. A quote preceded by an odd number of
// backslashes does not close the field.
func skipQuoted(s []byte, i int) (int, error) {
	next, err := skipString(s, i)
	if err != nil {
		return 0, errCLFQuote
	}
	return next, nil
}

// clfToken returns the run of non-blank bytes at s[i:] and the index after it.
func clfToken(s []byte, i int) (tok []byte, next int) {
	j := i
	for j < len(s) {
		switch s[j] {
		case ' ', '\t', '\r', '\n':
			return s[i:j:j], j
		}
		j++
	}
	return s[i:j:j], j
}

// clfInt parses a non-negative decimal integer, with "-" meaning 0.
func clfInt(tok []byte) (int64, bool) {
	if len(tok) == 1 && tok[0] == '-' {
		return 0, true
	}
	if len(tok) == 0 || !isDigit(tok[0]) {
		return 0, false
	}
	return parseInt(tok)
}

// splitRequest splits a request line such as "GET /a?b=1 HTTP/1.1" into
// its method and path, dropping the protocol.
//
// A request that is not "METHOD PATH PROTOCOL" is kept rather than counted
// as malformed: the server answered it (the line has a status), so it is a
// request from that client, and junk is evidence about a client (a TLS
// handshake sent to a plain-HTTP port, a scanner's probe, a half-sent line
// cut off by a timeout). Dropping such lines would hide exactly the
// clients worth seeing. Every shape maps to a Record that cannot be
// mistaken for a well-formed request:
//
//   - "" and "-" (nginx's request when none arrived before the connection
//     closed, as with a 400 or 408) leave Method and Path empty.
//   - A request whose first word is not an HTTP method token (RFC 9110
//     tchars), or that has no space at all, leaves Method empty and puts
//     the whole request in Path: an empty Method says the request could not
//     be read, and its bytes stay visible to the path features (payload
//     marks, path diversity).
//   - "GET /x" without a protocol (HTTP/0.9, or a hand-typed request) is
//     Method and Path.
func splitRequest(req []byte) (method, path []byte) {
	if len(req) == 0 || (len(req) == 1 && req[0] == '-') {
		return nil, nil
	}
	sp := bytes.IndexByte(req, ' ')
	if sp <= 0 || !isToken(req[:sp]) {
		return nil, req
	}
	method, path = req[:sp:sp], req[sp+1:]
	if last := bytes.LastIndexByte(path, ' '); last >= 0 && bytes.HasPrefix(path[last+1:], []byte("HTTP/")) {
		path = path[:last:last]
	}
	return method, path
}

// isToken reports whether b is an RFC 9110 token, as a method must be.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '!', c == '#', c == '$', c == '%', c == '&', c == '\'', c == '*', c == '+',
			c == '-', c == '.', c == '^', c == '_', c == '`', c == '|', c == '~':
		default:
			return false
		}
	}
	return true
}

// dashEmpty returns nil for "-" and b otherwise.
func dashEmpty(b []byte) []byte {
	if len(b) == 0 || (len(b) == 1 && b[0] == '-') {
		return nil
	}
	return b
}

// atEnd reports whether only white space remains from s[i:].
func atEnd(s []byte, i int) bool { return skipSpace(s, i) == len(s) }
