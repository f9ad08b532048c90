package ingest

// TraefikParser parses Traefik's JSON access log (accessLog.format: json),
// one object per line:
//
//	{"ClientAddr":"203.0.113.7:51234","ClientHost":"203.0.113.7","ClientPort":"51234",
//	 "ClientUsername":"-","DownstreamContentSize":512,"DownstreamStatus":200,
//	 "Duration":1234567,"OriginContentSize":512,"OriginDuration":1100000,"OriginStatus":200,
//	 "RequestAddr":"api.example","RequestContentSize":0,"RequestCount":7,
//	 "RequestHost":"api.example","RequestMethod":"GET","RequestPath":"/api/items?page=2",
//	 "RequestPort":"-","RequestProtocol":"HTTP/1.1","RequestScheme":"http",
//	 "RouterName":"api@docker","StartUTC":"2026-03-02T09:00:00.123456789Z",
//	 "entryPointName":"web","level":"info","msg":"","request_User-Agent":"curl/8.5.0",
//	 "time":"2026-03-02T09:00:00Z"}
//
// The time is StartUTC (the request start; StartLocal when StartUTC is
// dropped); the client is ClientHost, else ClientAddr, without a port;
// status is DownstreamStatus, what the client got; req_bytes is
// RequestContentSize and resp_bytes DownstreamContentSize; Duration, in
// nanoseconds, becomes milliseconds; user is ClientUsername. The user agent
// and API key come from request_User-Agent and request_X-Api-Key, which
// Traefik writes when accessLog.fields.headers keeps those headers. "-"
// reads as empty. Other fields are skipped.
//
// The zero TraefikParser is ready to use. It is not safe for concurrent use.
type TraefikParser struct {
	w jsonWalker
}

const (
	errTraefikNoTS = malformed("traefik: StartUTC and StartLocal are missing")
	errTraefikNoIP = malformed("traefik: ClientHost and ClientAddr are missing")
)

// traefikJSON is the form of a Traefik access log line: the keys that
// make a Record.
var traefikJSON = jsonForm{noTS: errTraefikNoTS, noClient: errTraefikNoIP, keys: newJSONKeys(
	jsonKey{name: "StartUTC", to: toTS},
	jsonKey{name: "StartLocal", to: toTSText},
	jsonKey{name: "ClientHost", to: toClientIP, dash: true},
	jsonKey{name: "ClientAddr", to: toClientIPAlt, dash: true},
	jsonKey{name: "RequestMethod", to: toMethod},
	jsonKey{name: "RequestPath", to: toPath},
	jsonKey{name: "DownstreamStatus", to: toStatus},
	jsonKey{name: "RequestContentSize", to: toReqBytes},
	jsonKey{name: "DownstreamContentSize", to: toRespBytes},
	jsonKey{name: "Duration", to: toDurationNS},
	jsonKey{name: "ClientUsername", to: toUser, dash: true},
	jsonKey{name: "request_User-Agent", to: toUserAgent},
	jsonKey{name: "request_X-Api-Key", to: toAPIKeyRaw},
)}

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffer until the next call to Parse.
func (p *TraefikParser) Parse(line []byte, rec *Record) error {
	return p.w.parse(line, &traefikJSON, rec)
}
