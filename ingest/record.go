package ingest

// Record is one request from an access log.
//
// The byte-slice fields alias memory owned by the parser that filled the
// Record (the input line or the parser's scratch buffer). They are valid only
// until the next call to that parser; use Clone to keep a Record longer.
// Missing optional fields are zero.
type Record struct {
	// TS is the event time in Unix nanoseconds (UTC).
	TS         int64
	ClientIP   []byte
	Method     []byte
	Path       []byte // path with its query string, as logged
	Status     int
	ReqBytes   int64
	RespBytes  int64
	DurationMS float64
	UserAgent  []byte
	APIKey     []byte
	User       []byte
	// WAF is how many WAF (OWASP CRS) rules the request matched; 0 when
	// none did or no WAF looked at it.
	WAF int
}

// Clone returns a deep copy of r whose slices the caller owns.
func (r *Record) Clone() Record {
	c := *r
	c.ClientIP = clone(r.ClientIP)
	c.Method = clone(r.Method)
	c.Path = clone(r.Path)
	c.UserAgent = clone(r.UserAgent)
	c.APIKey = clone(r.APIKey)
	c.User = clone(r.User)
	return c
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
