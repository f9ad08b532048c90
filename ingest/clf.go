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
// The request is split into Method and Path (with its query string); the
// protocol is dropped. A request without a space, such as the bytes a TLS
// client sends to a plain-HTTP port, is kept whole in Path; "-" is empty.
// remote_user goes to User and $http_user_agent to UserAgent unless they
// are "-". A "-" status or byte count reads
// as 0. Inside quoted fields \" and \\ are decoded (Apache's escapes); other
// escapes, such as nginx's \x22, are kept as logged. Fields after
// $request_length, and a last field that is not an integer (say
// $http_x_forwarded_for), are ignored. The referer is not kept. A line needs
// a client address or a user.
//
// The zero CLFParser is ready to use. It is not safe for concurrent use.
type CLFParser struct {
	buf []byte // scratch for unescaped quoted fields, reused by every Parse
}

// Reasons a combined-log line is malformed.
const (
	errCLFShape    = malformed(`CLF: want 'addr ident user [time] "request" status bytes'`)
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
	s := line
	var err error

	// $remote_addr $ident $remote_user
	addr, i := clfToken(s, skipBlanks(s, 0))
	if len(addr) == 0 {
		return errCLFShape
	}
	rec.ClientIP = hostOnly(dashEmpty(addr))
	if _, i, err = p.field(s, skipBlanks(s, i)); err != nil {
		return err
	}
	var user []byte
	if user, i, err = p.field(s, skipBlanks(s, i)); err != nil {
		return err
	}
	rec.User = dashEmpty(user)

	// [$time_local]
	i = skipBlanks(s, i)
	if i >= len(s) || s[i] != '[' {
		return errCLFTime
	}
	end := bytes.IndexByte(s[i+1:], ']')
	if end < 0 {
		return errCLFTime
	}
	ts, ok := parseCLFTime(s[i+1 : i+1+end])
	if !ok {
		return errCLFTime
	}
	rec.TS = ts
	i += end + 2

	// "$request"
	i = skipBlanks(s, i)
	if i >= len(s) || s[i] != '"' {
		return errCLFRequest
	}
	var req []byte
	if req, i, err = p.quoted(s, i+1); err != nil {
		return err
	}
	rec.Method, rec.Path = splitRequest(req)

	// $status $body_bytes_sent
	tok, i := clfToken(s, skipBlanks(s, i))
	status, ok := clfInt(tok)
	if !ok || status > 999 {
		return errCLFStatus
	}
	rec.Status = int(status)
	tok, i = clfToken(s, skipBlanks(s, i))
	if rec.RespBytes, ok = clfInt(tok); !ok {
		return errCLFBytes
	}

	// Optional "$http_referer" "$http_user_agent" $request_length.
	if i = skipBlanks(s, i); !atEnd(s, i) {
		if s[i] != '"' {
			return errCLFReferer
		}
		if i, err = skipQuoted(s, i+1); err != nil {
			return err
		}
		if i = skipBlanks(s, i); !atEnd(s, i) {
			if s[i] != '"' {
				return errCLFReferer
			}
			var ua []byte
			if ua, i, err = p.quoted(s, i+1); err != nil {
				return err
			}
			rec.UserAgent = dashEmpty(ua)
			if i = skipBlanks(s, i); !atEnd(s, i) {
				if s[i] == '"' {
					start := i + 1
					if i, err = skipQuoted(s, start); err != nil {
						return err
					}
					tok = s[start : i-1]
				} else {
					tok, _ = clfToken(s, i)
				}
				if n, ok := clfInt(tok); ok {
					rec.ReqBytes = n
				}
			}
		}
	}
	if len(rec.ClientIP) == 0 && len(rec.User) == 0 {
		return errCLFIdentity
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

// quoted reads a quoted field whose opening quote is at s[i-1], decoding \"
// and \\ into p.buf if there are any.
func (p *CLFParser) quoted(s []byte, i int) (v []byte, next int, err error) {
	next, err = skipQuoted(s, i)
	if err != nil {
		return nil, 0, err
	}
	v = s[i : next-1 : next-1]
	if bytes.IndexByte(v, '\\') < 0 {
		return v, next, nil
	}
	start := len(p.buf)
	for k := 0; k < len(v); k++ {
		c := v[k]
		if c == '\\' && k+1 < len(v) && (v[k+1] == '"' || v[k+1] == '\\') {
			k++
			c = v[k]
		}
		p.buf = append(p.buf, c)
	}
	end := len(p.buf)
	return p.buf[start:end:end], next, nil
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

// splitRequest splits "GET /a?b=1 HTTP/1.1" into its method and path.
func splitRequest(req []byte) (method, path []byte) {
	if len(req) == 0 || (len(req) == 1 && req[0] == '-') {
		return nil, nil
	}
	sp := bytes.IndexByte(req, ' ')
	if sp < 0 {
		return nil, req
	}
	method, path = req[:sp:sp], req[sp+1:]
	if last := bytes.LastIndexByte(path, ' '); last >= 0 && bytes.HasPrefix(path[last+1:], []byte("HTTP/")) {
		path = path[:last:last]
	}
	return method, path
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
