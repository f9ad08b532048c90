package ingest

// CaddyParser parses Caddy's JSON access log (the http.log.access logger),
// one object per line, as Caddy writes it:
//
//	{"level":"info","ts":1772442000.123,"logger":"http.log.access.log0","msg":"handled request",
//	 "request":{"remote_ip":"203.0.113.7","remote_port":"51234","client_ip":"203.0.113.7",
//	  "proto":"HTTP/1.1","method":"GET","host":"api.example","uri":"/api/items?page=2",
//	  "headers":{"User-Agent":["curl/8.5.0"],"X-Api-Key":["key_1a2b"]}},
//	 "bytes_read":0,"user_id":"","duration":0.0012,"size":512,"status":200,"resp_headers":{}}
//
// The client is request.client_ip (Caddy 2.7 and later: the address after
// its trusted proxies), else request.remote_ip; the path is request.uri;
// the user agent and API key are the first values of the User-Agent and
// X-Api-Key request headers; the user is user_id; req_bytes is bytes_read,
// resp_bytes size, and duration (seconds) becomes milliseconds. ts is a
// Unix time in seconds, or a time string when Caddy is set to write one.
// Other fields are skipped.
//
// The zero CaddyParser is ready to use. It is not safe for concurrent use.
type CaddyParser struct {
	j JSONParser
}

// Reasons a Caddy line is malformed.
const (
	errCaddyRequest = malformed("caddy: request: want an object")
	errCaddyHeaders = malformed("caddy: request.headers: want an object")
	errCaddyNoIP    = malformed("caddy: request.remote_ip and request.client_ip are missing")
)

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffer until the next call to Parse.
func (p *CaddyParser) Parse(line []byte, rec *Record) error {
	*rec = Record{}
	j := &p.j
	j.buf = j.buf[:0]
	s := line
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return errNotObject
	}
	var haveTS bool
	var remoteIP, clientIP []byte
	end, err := j.object(s, i, func(key []byte, i int) (next int, err error) {
		var n int64
		switch string(key) {
		case "ts":
			next, haveTS, err = j.ts(s, i, rec)
		case "request":
			if s[i] != '{' {
				return 0, errCaddyRequest
			}
			next, err = j.object(s, i, func(key []byte, i int) (next int, err error) {
				switch string(key) {
				case "remote_ip":
					remoteIP, next, err = j.text(s, i, errClientIP)
				case "client_ip":
					clientIP, next, err = j.text(s, i, errClientIP)
				case "method":
					rec.Method, next, err = j.text(s, i, errMethod)
				case "uri":
					rec.Path, next, err = j.text(s, i, errPath)
				case "headers":
					if s[i] != '{' {
						return 0, errCaddyHeaders
					}
					next, err = j.object(s, i, func(key []byte, i int) (int, error) {
						switch string(key) {
						case "User-Agent":
							return j.firstString(s, i, &rec.UserAgent, errUserAgent)
						case "X-Api-Key":
							return j.firstString(s, i, &rec.APIKey, errAPIKey)
						}
						return skipValue(s, i)
					})
				default:
					next, err = skipValue(s, i)
				}
				return next, err
			})
		case "status":
			n, next, err = j.integer(s, i, errStatus)
			if err == nil && n > 999 {
				err = errStatus
			}
			rec.Status = int(n)
		case "bytes_read":
			rec.ReqBytes, next, err = j.integer(s, i, errReqBytes)
		case "size":
			rec.RespBytes, next, err = j.integer(s, i, errRespBytes)
		case "duration":
			rec.DurationMS, next, err = j.float(s, i, errDuration)
			rec.DurationMS *= 1000
		case "user_id":
			rec.User, next, err = j.text(s, i, errUser)
		default:
			next, err = skipValue(s, i)
		}
		return next, err
	})
	if err != nil {
		return err
	}
	if skipSpace(s, end) != len(s) {
		return errTrailing
	}
	if !haveTS {
		return errNoTS
	}
	rec.ClientIP = clientIP
	if len(rec.ClientIP) == 0 {
		rec.ClientIP = remoteIP
	}
	rec.ClientIP = hostOnly(rec.ClientIP)
	if len(rec.ClientIP) == 0 {
		return errCaddyNoIP
	}
	return nil
}

// object walks the JSON object at s[i] ('{'), calling field with each key
// and the index of its value; field returns the index after the value. It
// returns the index after the closing '}'. A key is valid only during its
// call.
func (p *JSONParser) object(s []byte, i int, field func(key []byte, i int) (int, error)) (int, error) {
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return 0, errWantKey
		}
		mark := len(p.buf)
		key, j, err := p.str(s, i+1)
		if err != nil {
			return 0, err
		}
		i = skipSpace(s, j)
		if i >= len(s) || s[i] != ':' {
			return 0, errWantColon
		}
		i = skipSpace(s, i+1)
		if i >= len(s) {
			return 0, errJSONEOF
		}
		keyInBuf := len(p.buf) > mark
		if i, err = field(key, i); err != nil {
			return 0, err
		}
		if keyInBuf && len(p.buf) == mark+len(key) {
			p.buf = p.buf[:mark] // only the key was decoded: drop it
		}
		i = skipSpace(s, i)
		if i < len(s) && s[i] == ',' {
			i = skipSpace(s, i+1)
			continue
		}
		if i < len(s) && s[i] == '}' {
			return i + 1, nil
		}
		return 0, errWantComma
	}
}

// firstString reads the value at s[i], a string or an array whose first
// element is one (as Caddy logs a header), into *v, and returns the index
// after the value.
func (p *JSONParser) firstString(s []byte, i int, v *[]byte, typeErr error) (int, error) {
	if s[i] != '[' {
		val, next, err := p.text(s, i, typeErr)
		*v = val
		return next, err
	}
	k := skipSpace(s, i+1)
	if k < len(s) && s[k] == '"' {
		val, _, err := p.str(s, k+1)
		if err != nil {
			return 0, err
		}
		*v = val
	}
	return skipValue(s, i)
}
