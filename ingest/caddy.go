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
	w jsonWalker
}

// Reasons a Caddy line is malformed.
const (
	errCaddyRequest = malformed("caddy: request: want an object")
	errCaddyHeaders = malformed("caddy: request.headers: want an object")
	errCaddyNoIP    = malformed("caddy: request.remote_ip and request.client_ip are missing")
)

// caddyJSON is the form of a Caddy access log line.
var caddyJSON = jsonForm{noTS: errNoTS, noClient: errCaddyNoIP, keys: newJSONKeys(
	jsonKey{name: "ts", to: toTS},
	jsonKey{name: "request", notObject: errCaddyRequest, kids: newJSONKeys(
		jsonKey{name: "remote_ip", to: toClientIPAlt},
		jsonKey{name: "client_ip", to: toClientIP},
		jsonKey{name: "method", to: toMethod},
		jsonKey{name: "uri", to: toPath},
		jsonKey{name: "headers", notObject: errCaddyHeaders, kids: newJSONKeys(
			jsonKey{name: "User-Agent", to: toUserAgent, first: true},
			jsonKey{name: "X-Api-Key", to: toAPIKeyRaw, first: true},
		)},
	)},
	jsonKey{name: "status", to: toStatus},
	jsonKey{name: "bytes_read", to: toReqBytes},
	jsonKey{name: "size", to: toRespBytes},
	jsonKey{name: "duration", to: toDurationS},
	jsonKey{name: "user_id", to: toUser},
)}

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffer until the next call to Parse.
func (p *CaddyParser) Parse(line []byte, rec *Record) error {
	return p.w.parse(line, &caddyJSON, rec)
}
