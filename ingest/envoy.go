package ingest

import "bytes"

// EnvoyDefaultFormat is the access log format Envoy writes when none is
// configured, as its documentation gives it (one line, a newline ends it):
const EnvoyDefaultFormat = `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ` +
	`%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ` +
	`%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ` +
	`"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"`

// EnvoyExtendedFormat is the longer default that Istio sets for its Envoy
// sidecars and gateways: Envoy's default with %RESPONSE_CODE_DETAILS%,
// %CONNECTION_TERMINATION_DETAILS% and "%UPSTREAM_TRANSPORT_FAILURE_REASON%"
// after the response flags, and the upstream cluster, the local and remote
// addresses, the SNI and the route name at the end.
const EnvoyExtendedFormat = `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ` +
	`%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% ` +
	`"%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ` +
	`%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ` +
	`"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER% ` +
	`%UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% ` +
	`%REQUESTED_SERVER_NAME% %ROUTE_NAME%`

// EnvoyParser parses lines in EnvoyDefaultFormat or EnvoyExtendedFormat,
// telling them apart line by line:
//
//	[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"
//
// Envoy writes "-" for a value it does not have: such a text field reads
// as empty and such a number as 0. The time is %START_TIME%, the request
// start, in RFC 3339 with milliseconds. The client is the first address of
// X-Forwarded-For, which is what the default format logs; when that header
// is absent and the line is in the extended format, it is
// %DOWNSTREAM_REMOTE_ADDRESS% without its port. A line with neither is
// malformed. req_bytes is %BYTES_RECEIVED% and resp_bytes %BYTES_SENT%
// (bodies only), duration_ms %DURATION%. The API key and the user are not
// in these formats; log them with a JSON format (EnvoyJSONParser) or map
// them (FieldMapParser).
//
// The first X-Forwarded-For address is what the client's first proxy
// wrote, or what the client itself sent: it names the client when a proxy
// in front of Envoy sets the header afresh, and can be forged otherwise.
// When Envoy is the edge, log with EnvoyJSONExample minus x_forwarded_for,
// so that the client is %DOWNSTREAM_REMOTE_ADDRESS%, the peer Envoy saw.
//
// Envoy does not escape quotes in text values, so a quoted value ends at
// the first quote followed by a space (or the end of the line).
//
// The zero EnvoyParser is ready to use. It is not safe for concurrent use.
type EnvoyParser struct{}

// Reasons an Envoy line is malformed.
const (
	errEnvoyShape  = malformed("envoy: the line does not follow Envoy's default access log format")
	errEnvoyTime   = malformed("envoy: [%START_TIME%] does not parse as an RFC 3339 time")
	errEnvoyNumber = malformed("envoy: a number field does not parse")
	errEnvoyNoIP   = malformed(`envoy: X-Forwarded-For is "-" and the line has no %DOWNSTREAM_REMOTE_ADDRESS%`)
)

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line
// until it is modified; they are capped, so appending to them copies.
func (p *EnvoyParser) Parse(line []byte, rec *Record) error {
	*rec = Record{}
	s := envoyScanner{s: line, i: skipBlanks(line, 0)}
	var err error
	if rec.TS, err = s.startTime(); err != nil {
		return err
	}
	if err = s.response(rec); err != nil {
		return err
	}
	extended, err := s.extendedDetails()
	if err != nil {
		return err
	}
	if err = s.sizes(rec); err != nil {
		return err
	}
	xff, err := s.headers(rec)
	if err != nil {
		return err
	}
	rec.ClientIP = firstForwarded(xff)
	if extended {
		remote, err := s.downstreamRemote()
		if err != nil {
			return err
		}
		if len(rec.ClientIP) == 0 {
			rec.ClientIP = hostOnly(dashEmpty(remote))
		}
	}
	if len(rec.ClientIP) == 0 {
		return errEnvoyNoIP
	}
	return nil
}

// startTime reads [%START_TIME%].
func (e *envoyScanner) startTime() (int64, error) {
	if e.i >= len(e.s) || e.s[e.i] != '[' {
		return 0, errEnvoyShape
	}
	end := bytes.IndexByte(e.s[e.i:], ']')
	if end < 0 {
		return 0, errEnvoyShape
	}
	ts, ok := parseTimestamp(e.s[e.i+1 : e.i+end])
	if !ok {
		return 0, errEnvoyTime
	}
	e.i += end + 1
	return ts, nil
}

// response reads "%REQ(:METHOD)% %REQ(...:PATH)% %PROTOCOL%"
// %RESPONSE_CODE% %RESPONSE_FLAGS%.
func (e *envoyScanner) response(rec *Record) error {
	reqLine, ok := e.quoted('0') // a status follows
	if !ok {
		return errEnvoyShape
	}
	rec.Method, rec.Path = splitRequestLine(reqLine)
	code, ok := e.token()
	if !ok {
		return errEnvoyShape
	}
	n, ok := dashInt(code)
	if !ok || n > 999 {
		return errEnvoyNumber
	}
	rec.Status = int(n)
	if _, ok = e.token(); !ok { // %RESPONSE_FLAGS%
		return errEnvoyShape
	}
	return nil
}

// extendedDetails skips %RESPONSE_CODE_DETAILS%
// %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%"
// when the line has them, and reports whether it did: the extended format
// has two fields and a quoted one here, where the default has the byte
// counts and the duration.
func (e *envoyScanner) extendedDetails() (bool, error) {
	mark := e.i
	_, ok1 := e.token()
	_, ok2 := e.token()
	if k := skipBlanks(e.s, e.i); ok1 && ok2 && k < len(e.s) && e.s[k] == '"' {
		if _, ok := e.quoted('0'); !ok {
			return false, errEnvoyShape
		}
		return true, nil
	}
	e.i = mark
	return false, nil
}

// sizes reads %BYTES_RECEIVED% %BYTES_SENT% %DURATION% and skips
// %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%.
func (e *envoyScanner) sizes(rec *Record) error {
	var d int64
	for _, to := range [3]*int64{&rec.ReqBytes, &rec.RespBytes, &d} {
		tok, ok := e.token()
		if !ok {
			return errEnvoyShape
		}
		if *to, ok = dashInt(tok); !ok {
			return errEnvoyNumber
		}
	}
	rec.DurationMS = float64(d)
	if _, ok := e.token(); !ok { // upstream service time
		return errEnvoyShape
	}
	return nil
}

// headers reads "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
// "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" and returns
// the X-Forwarded-For value.
func (e *envoyScanner) headers(rec *Record) (xff []byte, err error) {
	xff, ok := e.quoted('"')
	if !ok {
		return nil, errEnvoyShape
	}
	ua, ok := e.quoted('"')
	if !ok {
		return nil, errEnvoyShape
	}
	rec.UserAgent = dashEmpty(ua)
	for _, next := range [3]byte{'"', '"', 0} { // request id, authority, upstream host
		if _, ok = e.quoted(next); !ok {
			return nil, errEnvoyShape
		}
	}
	return xff, nil
}

// downstreamRemote skips %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS%
// %DOWNSTREAM_LOCAL_ADDRESS% and returns %DOWNSTREAM_REMOTE_ADDRESS%.
func (e *envoyScanner) downstreamRemote() ([]byte, error) {
	var remote []byte
	for k := 0; k < 4; k++ {
		var ok bool
		if remote, ok = e.token(); !ok {
			return nil, errEnvoyShape
		}
	}
	return remote, nil
}

// envoyScanner reads the space-separated fields of an Envoy text line.
type envoyScanner struct {
	s []byte
	i int
}

// token returns the next run of non-blank bytes.
func (e *envoyScanner) token() ([]byte, bool) {
	i := skipBlanks(e.s, e.i)
	j := i
	for j < len(e.s) && e.s[j] != ' ' && e.s[j] != '\t' {
		j++
	}
	e.i = j
	return e.s[i:j:j], j > i
}

// quoted returns the next "..." value. Envoy does not escape quotes in
// it, so the value ends at the first quote that is followed by a blank and
// then by next (by anything when next is 0), or by the end of the line.
func (e *envoyScanner) quoted(next byte) ([]byte, bool) {
	i := skipBlanks(e.s, e.i)
	if i >= len(e.s) || e.s[i] != '"' {
		return nil, false
	}
	i++
	for j := i; j < len(e.s); j++ {
		if e.s[j] != '"' {
			continue
		}
		k := j + 1
		if k == len(e.s) {
			e.i = k
			return e.s[i:j:j], true
		}
		if e.s[k] != ' ' && e.s[k] != '\t' {
			continue
		}
		if next == 0 || k+1 < len(e.s) && (e.s[k+1] == next || next == '0' && (isDigit(e.s[k+1]) || e.s[k+1] == '-')) {
			e.i = k
			return e.s[i:j:j], true
		}
	}
	return nil, false
}

// splitRequestLine splits "METHOD PATH PROTOCOL" (the protocol may be
// missing); "-" parts read as empty.
func splitRequestLine(r []byte) (method, path []byte) {
	sp := bytes.IndexByte(r, ' ')
	if sp < 0 {
		return dashEmpty(r[:len(r):len(r)]), nil
	}
	method = dashEmpty(r[:sp:sp])
	rest := r[sp+1:]
	if last := bytes.LastIndexByte(rest, ' '); last >= 0 {
		rest = rest[:last]
	}
	return method, dashEmpty(rest[:len(rest):len(rest)])
}

// dashInt parses a non-negative decimal number; "-" reads as 0.
func dashInt(b []byte) (int64, bool) {
	if len(b) == 1 && b[0] == '-' {
		return 0, true
	}
	if len(b) == 0 || b[0] == '-' {
		return 0, false
	}
	return parseInt(b)
}

// firstForwarded returns the first address of an X-Forwarded-For value,
// without surrounding space or a port; "-" reads as empty.
func firstForwarded(xff []byte) []byte {
	xff = dashEmpty(xff)
	if c := bytes.IndexByte(xff, ','); c >= 0 {
		xff = xff[:c]
	}
	xff = bytes.TrimSpace(xff)
	return hostOnly(xff[:len(xff):len(xff)])
}

// EnvoyJSONExample is an Envoy json_format that EnvoyJSONParser reads and
// DetectFormat recognises: the command operators of EnvoyExtendedFormat
// under the key names of Istio's JSON access log encoding, which are the
// operators' names in lower case. Give it as the access logger's
// log_format.json_format (typed_json_format keeps numbers as numbers; both
// are read).
const EnvoyJSONExample = `{
  "start_time": "%START_TIME%",
  "method": "%REQ(:METHOD)%",
  "path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
  "protocol": "%PROTOCOL%",
  "response_code": "%RESPONSE_CODE%",
  "response_flags": "%RESPONSE_FLAGS%",
  "bytes_received": "%BYTES_RECEIVED%",
  "bytes_sent": "%BYTES_SENT%",
  "duration": "%DURATION%",
  "upstream_service_time": "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
  "x_forwarded_for": "%REQ(X-FORWARDED-FOR)%",
  "user_agent": "%REQ(USER-AGENT)%",
  "request_id": "%REQ(X-REQUEST-ID)%",
  "authority": "%REQ(:AUTHORITY)%",
  "upstream_host": "%UPSTREAM_HOST%",
  "downstream_remote_address": "%DOWNSTREAM_REMOTE_ADDRESS%",
  "api_key": "%REQ(X-API-KEY)%"
}`

// EnvoyJSONParser parses Envoy's JSON access log lines written with the
// keys of EnvoyJSONExample:
//
//	{"start_time":"2026-03-02T09:00:00.123Z","method":"GET","path":"/api/items?page=2",
//	 "protocol":"HTTP/1.1","response_code":200,"response_flags":"-","bytes_received":0,
//	 "bytes_sent":512,"duration":3,"x_forwarded_for":"203.0.113.7, 10.0.0.2",
//	 "user_agent":"curl/8.5.0","downstream_remote_address":"10.0.0.2:51234"}
//
// The client is the first address of x_forwarded_for, as in Envoy's
// default format, else downstream_remote_address (%DOWNSTREAM_REMOTE_ADDRESS%)
// without its port: behind a proxy the first is the client, and without
// one Envoy sets no X-Forwarded-For unless told to. A client can forge the
// header when nothing in front of Envoy replaces it: at the edge, drop
// x_forwarded_for from the format so that the peer address is used. Optional keys api_key
// and user give the Record's fields of those names. "-" (Envoy's "no
// value") reads as empty or 0, as does null. Numbers may be numbers or
// strings. Other keys are skipped.
//
// The zero EnvoyJSONParser is ready to use. It is not safe for concurrent
// use.
type EnvoyJSONParser struct {
	w jsonWalker
}

const (
	errEnvoyJSONNoTS = malformed("envoy: start_time is missing")
	errEnvoyJSONNoIP = malformed("envoy: x_forwarded_for and downstream_remote_address are both missing")
)

// envoyJSON is the form of EnvoyJSONExample: the keys that make a Record.
var envoyJSON = jsonForm{noTS: errEnvoyJSONNoTS, noClient: errEnvoyJSONNoIP, keys: newJSONKeys(
	jsonKey{name: "start_time", to: toTS},
	jsonKey{name: "method", to: toMethod, dash: true},
	jsonKey{name: "path", to: toPath, dash: true},
	jsonKey{name: "response_code", to: toStatus},
	jsonKey{name: "bytes_received", to: toReqBytes},
	jsonKey{name: "bytes_sent", to: toRespBytes},
	jsonKey{name: "duration", to: toDurationMS},
	jsonKey{name: "x_forwarded_for", to: toForwardedFor},
	jsonKey{name: "downstream_remote_address", to: toClientIPAlt, dash: true},
	jsonKey{name: "user_agent", to: toUserAgent, dash: true},
	jsonKey{name: "api_key", to: toAPIKeyRaw, dash: true},
	jsonKey{name: "user", to: toUser, dash: true},
)}

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffer until the next call to Parse.
func (p *EnvoyJSONParser) Parse(line []byte, rec *Record) error {
	return p.w.parse(line, &envoyJSON, rec)
}
