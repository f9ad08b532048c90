package features

// The features of a Vector, by index.
const (
	Rate            = iota // requests per second over the last ~10 s
	Volume                 // requests over the last ~2 min (decayed count)
	ErrorRatio             // share of responses with status >= 400
	AuthFailRatio          // share of 401 responses to writes or to changed credentials, and of 403 responses to writes or to paths new to the client
	NotFoundRatio          // share of 404 and 410 responses to paths new to the client
	OtherErrorRatio        // share of other 4xx responses (400, 405, 413, 429...); 5xx are the server's own
	PathEntropy            // Shannon entropy (bits) of path templates over the last 32 requests
	PathNovelty            // share of requests to a path not among the client's previous 32
	IDSweep                // distinct paths within the most used template, over the last 32 requests
	ReqBytes               // mean request size (bytes)
	RespBytes              // mean response size (bytes)
	WriteRatio             // share of methods other than GET, HEAD and OPTIONS
	PayloadMarks           // share of requests whose path or query carries injection or traversal markers
	GapCV                  // coefficient of variation of the time between requests
	RefusedCount           // refused requests (the auth_fail and not_found ones) over the last ~2 min (decayed count)
	MarkedCount            // requests with payload markers over the last ~2 min (decayed count)
	RefusedPaths           // distinct paths refused (403, 404, 410) among the last 32 requests
	WAFRatio               // share of requests that matched WAF rules (the access log's waf field)
	ReqBytesTotal          // request bytes over the last ~2 min (decayed sum)
	RefusedLong            // refused requests over the last ~10 min (decayed count)
	NumFeatures            // the number of features
)

// Ratios are shrunk towards zero by ratioPrior clean pseudo-events, so five
// failures in five requests weigh less than fifty in fifty: k/(n+3).
const ratioPrior = 3.0

// Vector is one client's features at one moment. It is an array so that
// computing and scoring it allocates nothing.
type Vector [NumFeatures]float64

// Direction says which way a feature moves when a client misbehaves.
type Direction int8

// Directions of Spec.
const (
	Neutral Direction = 0  // unusual either way, but neither way is suspicious by itself
	Up      Direction = 1  // higher is more suspicious
	Down    Direction = -1 // lower is more suspicious
)

// Spec describes one feature: how models transform it and how to explain it.
type Spec struct {
	Name string
	Unit string
	// Log means models see log1p(value): the feature spans orders of magnitude.
	Log bool
	// Dir is the suspicious direction, used to gate and explain decisions.
	Dir Direction
	// Counted means the feature counts events a normal client meets now and
	// then (refused requests): models fit its tail in counts, where a
	// normal client's few make a thin, geometric tail.
	Counted bool
	// MinScale is the smallest spread models assume for the transformed
	// feature, so a population with no spread (for example an error ratio
	// that is zero for most clients) does not turn a tiny change into an
	// extreme one.
	MinScale float64
}

// Specs lists the features in Vector order. The slice is shared; do not
// modify it.
func Specs() []Spec { return specs[:] }

var specs = [NumFeatures]Spec{
	Rate:   {Name: "rate", Unit: "req/s", Log: true, Dir: Up, MinScale: 0.15},
	Volume: {Name: "requests_2m", Unit: "req", Log: true, Dir: Up, MinScale: 0.3},
	// The parts of error_ratio carry the evidence; the total informs the forest.
	ErrorRatio:      {Name: "error_ratio", Dir: Neutral, MinScale: 0.05},
	OtherErrorRatio: {Name: "other_error_ratio", Dir: Up, MinScale: 0.05},
	AuthFailRatio:   {Name: "auth_fail_ratio", Dir: Up, MinScale: 0.05},
	NotFoundRatio:   {Name: "not_found_ratio", Dir: Up, MinScale: 0.05},
	PathEntropy:     {Name: "path_entropy", Unit: "bits", Dir: Up, MinScale: 0.25},
	PathNovelty:     {Name: "path_novelty", Dir: Up, MinScale: 0.08},
	IDSweep:         {Name: "id_sweep", Dir: Up, MinScale: 0.08},
	ReqBytes:        {Name: "req_bytes", Unit: "bytes", Log: true, Dir: Up, MinScale: 0.4},
	RespBytes:       {Name: "resp_bytes", Unit: "bytes", Log: true, Dir: Neutral, MinScale: 0.4},
	WriteRatio:      {Name: "write_ratio", Dir: Neutral, MinScale: 0.08},
	PayloadMarks:    {Name: "payload_marks", Dir: Up, MinScale: 0.03},
	GapCV:           {Name: "gap_cv", Dir: Neutral, MinScale: 0.15},
	// Counts, unlike ratios, are not diluted by ordinary requests mixed in.
	RefusedCount: {Name: "refused_2m", Unit: "req", Log: true, Counted: true, Dir: Up, MinScale: 0.3},
	MarkedCount:  {Name: "marked_2m", Unit: "req", Log: true, Dir: Up, MinScale: 0.3},
	// Guessing spreads refusals over many resources (ids, files, users);
	// a confused client or a forgotten password repeats one.
	RefusedPaths: {Name: "refused_paths", Unit: "paths", Dir: Up, MinScale: 1},
	// The gateway's WAF (OWASP CRS) judged these requests; a client whose
	// requests keep matching rules is probing.
	WAFRatio: {Name: "waf_ratio", Dir: Up, MinScale: 0.03},
	// A large upload now and then is ordinary (a user's media, an import);
	// many of them in a few minutes is not, and only the sum says so.
	ReqBytesTotal: {Name: "req_bytes_2m", Unit: "bytes", Log: true, Dir: Up, MinScale: 0.4},
	// A user's failures come in bursts and stop; guessing that keeps a
	// modest pace (a login every few seconds) does not, and only a longer
	// count outgrows every user.
	RefusedLong: {Name: "refused_10m", Unit: "req", Log: true, Counted: true, Dir: Up, MinScale: 0.3},
}

// Names returns the feature names in Vector order.
func Names() []string {
	n := make([]string, NumFeatures)
	for i, s := range specs {
		n[i] = s.Name
	}
	return n
}
