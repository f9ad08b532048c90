package ingest

import (
	"bytes"
	"fmt"
	"strings"
)

// NginxParser reads the lines an nginx log_format writes, compiled from
// the format string itself, so a site's own format needs no conversion:
//
//	$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time
//
// The variables it reads: $remote_addr (the client), $remote_user,
// $time_local, $time_iso8601 or $msec (the time; one is required),
// $request or $request_method and $request_uri, $status,
// $body_bytes_sent (or $bytes_sent), $request_length, $request_time
// (seconds), $http_user_agent and $http_x_api_key. Any other variable is
// matched and ignored. A format with escape=json (a format string that
// starts with '{', or is given with an "escape=json " prefix) reads its
// quoted values as JSON strings; otherwise nginx's \xHH escapes are
// decoded. A value of "-" is empty.
//
// Two variables with nothing between them cannot be told apart, so such a
// format is refused. A value runs up to the literal text that follows its
// variable in the format.
//
// A NginxParser is not safe for concurrent use.
type NginxParser struct {
	items    []nginxItem
	jsonMode bool
	clf      CLFParser  // scratch for \xHH escapes
	json     jsonWalker // scratch for JSON strings
}

type nginxVar uint8

const (
	nvIgnored nginxVar = iota
	nvRemoteAddr
	nvRemoteUser
	nvTimeLocal
	nvTimeISO
	nvMsec
	nvRequest
	nvMethod
	nvURI
	nvStatus
	nvBodyBytes
	nvBytesSent
	nvRequestLength
	nvRequestTime
	nvUserAgent
	nvAPIKey
)

var nginxVars = map[string]nginxVar{
	"remote_addr": nvRemoteAddr, "remote_user": nvRemoteUser,
	"time_local": nvTimeLocal, "time_iso8601": nvTimeISO, "msec": nvMsec,
	"request": nvRequest, "request_method": nvMethod, "request_uri": nvURI,
	"status": nvStatus, "body_bytes_sent": nvBodyBytes, "bytes_sent": nvBytesSent,
	"request_length": nvRequestLength, "request_time": nvRequestTime,
	"http_user_agent": nvUserAgent, "http_x_api_key": nvAPIKey,
}

// nginxItem is literal text, then the variable after it (if any).
type nginxItem struct {
	lit    []byte
	v      nginxVar
	hasVar bool
	quoted bool // in JSON mode: the variable sits between double quotes
}

// Reasons an nginx line is malformed.
const (
	errNginxShape  = malformed("nginx: the line does not follow the log_format")
	errNginxTime   = malformed("nginx: the time does not parse")
	errNginxNumber = malformed("nginx: a number field does not parse")
	errNginxNoIP   = malformed("nginx: $remote_addr is empty")
)

// NewNginxParser compiles an nginx log_format string. It returns an error
// wrapping ErrInvalidConfig that says what to change.
func NewNginxParser(format string) (*NginxParser, error) {
	p := &NginxParser{}
	f := strings.TrimSpace(format)
	if rest, ok := strings.CutPrefix(f, "escape=json"); ok {
		p.jsonMode, f = true, strings.TrimSpace(rest)
	} else if rest, ok := strings.CutPrefix(f, "escape=default"); ok {
		f = strings.TrimSpace(rest)
	}
	f = strings.Trim(f, "'")
	if strings.HasPrefix(f, "{") {
		p.jsonMode = true
	}
	var lit []byte
	haveTime, haveAddr := false, false
	for i := 0; i < len(f); {
		if f[i] != '$' {
			lit = append(lit, f[i])
			i++
			continue
		}
		j := i + 1
		braced := j < len(f) && f[j] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(f) && (f[k] == '_' || f[k] >= 'a' && f[k] <= 'z' || f[k] >= 'A' && f[k] <= 'Z' || f[k] >= '0' && f[k] <= '9') {
			k++
		}
		name := f[j:k]
		if braced {
			if k >= len(f) || f[k] != '}' {
				return nil, fmt.Errorf("ingest: %w: log format: ${%s is not closed with }", ErrInvalidConfig, name)
			}
			k++
		}
		if name == "" {
			return nil, fmt.Errorf("ingest: %w: log format: a $ at byte %d names no variable", ErrInvalidConfig, i)
		}
		if n := len(p.items); n > 0 && len(lit) == 0 && p.items[n-1].hasVar {
			return nil, fmt.Errorf("ingest: %w: log format: $%s follows another variable with nothing between them, so their values cannot be told apart", ErrInvalidConfig, name)
		}
		v := nginxVars[strings.ToLower(name)]
		haveTime = haveTime || v == nvTimeLocal || v == nvTimeISO || v == nvMsec
		haveAddr = haveAddr || v == nvRemoteAddr
		p.items = append(p.items, nginxItem{lit: lit, v: v, hasVar: true,
			quoted: p.jsonMode && len(lit) > 0 && lit[len(lit)-1] == '"' && k < len(f) && f[k] == '"'})
		lit = nil
		i = k
	}
	if len(lit) > 0 {
		p.items = append(p.items, nginxItem{lit: lit})
	}
	if !haveTime {
		return nil, fmt.Errorf("ingest: %w: log format has no $time_local, $time_iso8601 or $msec, so its lines have no time", ErrInvalidConfig)
	}
	if !haveAddr {
		return nil, fmt.Errorf("ingest: %w: log format has no $remote_addr, so its lines name no client", ErrInvalidConfig)
	}
	return p, nil
}

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffers until the next call to Parse.
func (p *NginxParser) Parse(line []byte, rec *Record) error {
	*rec = Record{}
	p.clf.buf = p.clf.buf[:0]
	p.json.buf = p.json.buf[:0]
	st := nginxLine{bytesSent: -1, ids: &p.json}
	i := 0
	for k := range p.items {
		it := &p.items[k]
		if !bytes.HasPrefix(line[i:], it.lit) {
			return errNginxShape
		}
		i += len(it.lit)
		if !it.hasVar {
			continue
		}
		v, next, err := p.value(line, i, k)
		if err != nil {
			return err
		}
		i = next
		if err := st.set(rec, it.v, v); err != nil {
			return err
		}
	}
	if i != len(line) {
		return errNginxShape
	}
	return st.finish(rec)
}

// value reads the value of the variable of p.items[k], which starts at
// line[i], and returns it with the index of the literal after it. A quoted
// value in JSON mode is decoded as a JSON string; a value with a backslash
// has its \xHH escapes decoded (variables that are not read are left as
// they are).
func (p *NginxParser) value(line []byte, i, k int) (v []byte, next int, err error) {
	it := &p.items[k]
	switch {
	case it.quoted:
		if v, i, err = p.json.str(line, i); err != nil {
			return nil, 0, err
		}
		return v, i - 1, nil // the closing quote starts the next literal
	case k+1 < len(p.items):
		n := bytes.Index(line[i:], p.items[k+1].lit)
		if n < 0 {
			return nil, 0, errNginxShape
		}
		v, next = line[i:i+n:i+n], i+n
	default:
		v, next = line[i:len(line):len(line)], len(line)
	}
	if it.v != nvIgnored && bytes.IndexByte(v, '\\') >= 0 {
		v = p.clf.unescape(v)
	}
	return v, next, nil
}

// nginxLine is what Parse carries from one variable of a line to the next.
type nginxLine struct {
	haveTS bool
	// bytesSent is $bytes_sent: -1 until it is read, and -2 once
	// $body_bytes_sent is read, which wins over it.
	bytesSent int64
	// ids turns the API key of $http_x_api_key into its id.
	ids *jsonWalker
}

// set stores the value v of the variable which in rec.
func (st *nginxLine) set(rec *Record, which nginxVar, v []byte) error {
	var ok bool
	switch which {
	case nvRemoteAddr:
		rec.ClientIP = hostOnly(dashEmpty(v))
	case nvRemoteUser:
		rec.User = dashEmpty(v)
	case nvTimeLocal, nvTimeISO, nvMsec:
		if rec.TS, ok = nginxTime(which, v); !ok {
			return errNginxTime
		}
		st.haveTS = true
	case nvRequest:
		rec.Method, rec.Path = splitRequest(v)
	case nvMethod:
		rec.Method = dashEmpty(v)
	case nvURI:
		rec.Path = dashEmpty(v)
	case nvUserAgent:
		rec.UserAgent = dashEmpty(v)
	case nvAPIKey:
		rec.APIKey = st.ids.keyID(dashEmpty(v))
	case nvStatus:
		n, ok := nginxInt(v)
		if !ok || n > 999 {
			return errNginxNumber
		}
		rec.Status = int(n)
	case nvBodyBytes:
		if rec.RespBytes, ok = nginxInt(v); !ok {
			return errNginxNumber
		}
		st.bytesSent = -2
	case nvBytesSent:
		if st.bytesSent != -2 {
			if st.bytesSent, ok = nginxInt(v); !ok {
				return errNginxNumber
			}
		}
	case nvRequestLength:
		if rec.ReqBytes, ok = nginxInt(v); !ok {
			return errNginxNumber
		}
	case nvRequestTime:
		if len(v) > 0 && !(len(v) == 1 && v[0] == '-') {
			if rec.DurationMS, ok = nginxMillis(v); !ok {
				return errNginxNumber
			}
		}
	}
	return nil
}

// finish completes rec once every variable of the line is read.
func (st *nginxLine) finish(rec *Record) error {
	if st.bytesSent >= 0 {
		rec.RespBytes = st.bytesSent
	}
	if !st.haveTS {
		return errNoTS
	}
	if len(rec.ClientIP) == 0 {
		return errNginxNoIP
	}
	return nil
}

// nginxTime reads the time variable which ($time_local, $time_iso8601 or
// $msec) in Unix nanoseconds.
func nginxTime(which nginxVar, v []byte) (int64, bool) {
	switch which {
	case nvTimeLocal:
		return parseCLFTime(v)
	case nvTimeISO:
		return parseRFC3339(v)
	}
	j, isInt, ok := scanNumber(v, 0)
	if !ok || j != len(v) {
		return 0, false
	}
	return unixFromNumber(v, isInt)
}

// nginxMillis reads $request_time, in seconds, as milliseconds; a
// negative time reads as 0.
func nginxMillis(v []byte) (float64, bool) {
	j, _, ok := scanNumber(v, 0)
	if !ok || j != len(v) {
		return 0, false
	}
	f, ok := parseFloat(v)
	if !ok {
		return 0, false
	}
	return max(f, 0) * 1000, true
}

// nginxInt reads a non-negative integer; "" and "-" are 0.
func nginxInt(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) == 1 && v[0] == '-' {
		return 0, true
	}
	n, ok := parseInt(v)
	return max(n, 0), ok
}

// NginxJSONExample is the escape=json log_format of
// examples/nginx/portcullis-http.conf. Auto-detection reads JSON lines
// with a "remote_addr" field with it; give --log-format for another.
const NginxJSONExample = `escape=json '{"time":"$time_iso8601","remote_addr":"$remote_addr","remote_user":"$remote_user",` +
	`"request":"$request","status":$status,"body_bytes_sent":$body_bytes_sent,"request_length":$request_length,` +
	`"request_time":$request_time,"http_referer":"$http_referer","http_user_agent":"$http_user_agent"}'`
