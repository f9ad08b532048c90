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
	s := line
	i := 0
	haveTS := false
	var bytesSent int64 = -1
	for k := range p.items {
		it := &p.items[k]
		if !bytes.HasPrefix(s[i:], it.lit) {
			return errNginxShape
		}
		i += len(it.lit)
		if !it.hasVar {
			continue
		}
		var v []byte
		switch {
		case it.quoted:
			var err error
			if v, i, err = p.json.str(s, i); err != nil {
				return err
			}
			i-- // the closing quote starts the next literal
		case k+1 < len(p.items):
			n := bytes.Index(s[i:], p.items[k+1].lit)
			if n < 0 {
				return errNginxShape
			}
			v = s[i : i+n : i+n]
			i += n
		default:
			v = s[i:len(s):len(s)]
			i = len(s)
		}
		if !it.quoted && it.v != nvIgnored && bytes.IndexByte(v, '\\') >= 0 {
			v = p.clf.unescape(v)
		}
		var ok bool
		switch it.v {
		case nvRemoteAddr:
			rec.ClientIP = hostOnly(dashEmpty(v))
		case nvRemoteUser:
			rec.User = dashEmpty(v)
		case nvTimeLocal:
			rec.TS, ok = parseCLFTime(v)
			if !ok {
				return errNginxTime
			}
			haveTS = true
		case nvTimeISO:
			rec.TS, ok = parseRFC3339(v)
			if !ok {
				return errNginxTime
			}
			haveTS = true
		case nvMsec:
			j, isInt, okNum := scanNumber(v, 0)
			if !okNum || j != len(v) {
				return errNginxTime
			}
			if rec.TS, ok = unixFromNumber(v, isInt); !ok {
				return errNginxTime
			}
			haveTS = true
		case nvRequest:
			rec.Method, rec.Path = splitRequest(v)
		case nvMethod:
			rec.Method = dashEmpty(v)
		case nvURI:
			rec.Path = dashEmpty(v)
		case nvUserAgent:
			rec.UserAgent = dashEmpty(v)
		case nvAPIKey:
			rec.APIKey = dashEmpty(v)
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
			bytesSent = -2 // $body_bytes_sent wins over $bytes_sent
		case nvBytesSent:
			if bytesSent != -2 {
				if bytesSent, ok = nginxInt(v); !ok {
					return errNginxNumber
				}
			}
		case nvRequestLength:
			if rec.ReqBytes, ok = nginxInt(v); !ok {
				return errNginxNumber
			}
		case nvRequestTime:
			if len(v) > 0 && !(len(v) == 1 && v[0] == '-') {
				j, _, okNum := scanNumber(v, 0)
				if !okNum || j != len(v) {
					return errNginxNumber
				}
				f, ok := parseFloat(v)
				if !ok {
					return errNginxNumber
				}
				rec.DurationMS = max(f, 0) * 1000
			}
		}
	}
	if i != len(s) {
		return errNginxShape
	}
	if bytesSent >= 0 {
		rec.RespBytes = bytesSent
	}
	if !haveTS {
		return errNoTS
	}
	if len(rec.ClientIP) == 0 {
		return errNginxNoIP
	}
	return nil
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
