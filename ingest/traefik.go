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
// dropped); the client is ClientHost, else ClientAddr without its port;
// status is DownstreamStatus, what the client got; req_bytes is
// RequestContentSize and resp_bytes DownstreamContentSize; Duration, in
// nanoseconds, becomes milliseconds; user is ClientUsername. The user agent
// and API key come from request_User-Agent and request_X-Api-Key, which
// Traefik writes when accessLog.fields.headers keeps those headers. "-"
// reads as empty. Other fields are skipped.
//
// The zero TraefikParser is ready to use. It is not safe for concurrent use.
type TraefikParser struct {
	j JSONParser
}

const (
	errTraefikNoTS = malformed("traefik: StartUTC and StartLocal are missing")
	errTraefikNoIP = malformed("traefik: ClientHost and ClientAddr are missing")
)

// Parse parses one line into rec, overwriting all of rec. On error it
// returns an error wrapping ErrMalformed. rec's byte slices alias line or
// the parser's scratch buffer until the next call to Parse.
func (p *TraefikParser) Parse(line []byte, rec *Record) error {
	*rec = Record{}
	j := &p.j
	j.buf = j.buf[:0]
	s := line
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return errNotObject
	}
	var haveUTC bool
	var local, host, addr []byte
	end, err := j.object(s, i, func(key []byte, i int) (next int, err error) {
		var n int64
		switch string(key) {
		case "StartUTC":
			next, haveUTC, err = j.ts(s, i, rec)
		case "StartLocal": // read only if StartUTC is missing
			local, next, err = j.text(s, i, errBadTS)
		case "ClientHost":
			host, next, err = j.text(s, i, errClientIP)
		case "ClientAddr":
			addr, next, err = j.text(s, i, errClientIP)
		case "RequestMethod":
			rec.Method, next, err = j.text(s, i, errMethod)
		case "RequestPath":
			rec.Path, next, err = j.text(s, i, errPath)
		case "DownstreamStatus":
			n, next, err = j.integer(s, i, errStatus)
			if err == nil && n > 999 {
				err = errStatus
			}
			rec.Status = int(n)
		case "RequestContentSize":
			rec.ReqBytes, next, err = j.integer(s, i, errReqBytes)
		case "DownstreamContentSize":
			rec.RespBytes, next, err = j.integer(s, i, errRespBytes)
		case "Duration":
			n, next, err = j.integer(s, i, errDuration)
			rec.DurationMS = float64(n) / 1e6
		case "ClientUsername":
			rec.User, next, err = j.text(s, i, errUser)
			rec.User = dashEmpty(rec.User)
		case "request_User-Agent":
			rec.UserAgent, next, err = j.text(s, i, errUserAgent)
		case "request_X-Api-Key":
			rec.APIKey, next, err = j.text(s, i, errAPIKey)
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
	if !haveUTC {
		if local == nil {
			return errTraefikNoTS
		}
		ts, ok := parseTimestamp(local)
		if !ok {
			return errBadTS
		}
		rec.TS = ts
	}
	rec.ClientIP = dashEmpty(host)
	if len(rec.ClientIP) == 0 {
		rec.ClientIP = hostOnly(dashEmpty(addr))
	}
	if len(rec.ClientIP) == 0 {
		return errTraefikNoIP
	}
	return nil
}
