package models

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/limits"
)

// FormatName and FormatVersion identify the model file format. A model file
// is gzip-compressed JSON; the forest is embedded in its binary form.
const (
	FormatName    = "portcullis-model"
	FormatVersion = 2
)

// Errors of ReadModel, for errors.Is.
var (
	ErrCorruptModel  = errors.New("model file is corrupt")
	ErrModelVersion  = errors.New("model file version is not supported")
	ErrModelFeatures = errors.New("model was trained on other features")
)

// FeatureInfo records a feature's spec in the model file, so a model is
// only used with the features it was trained on.
type FeatureInfo struct {
	Name string `json:"name"`
	Log  bool   `json:"log"`
}

// Calibration says how the threshold was chosen and what it is expected to
// do.
type Calibration struct {
	// Budget is the expected number of normal clients blocked per 10,000
	// clients of a recording like the training one.
	Budget float64 `json:"budget"`
	// Signals is how many signals a judgement takes the most surprising of
	// (the suspicious features, the payload evidence and the forest), and
	// Effective how many independent signals they are worth on the
	// training recording: the threshold spreads the budget over those.
	Signals   int     `json:"signals"`
	Effective float64 `json:"effective_signals"`
	// Clients is the number of training clients judged (enough events).
	Clients int `json:"clients"`
	// AboveThreshold is how many training clients reached the threshold at
	// some point: attacks hidden in the recording, or the budget's normal
	// clients.
	AboveThreshold int `json:"above_threshold"`
	// BySignal counts, per signal name, the training clients above the
	// threshold whose most surprising signal it was.
	BySignal map[string]int `json:"by_signal,omitempty"`
	// Q50 to Q99 are quantiles of the training clients' highest surprise.
	Q50 float64 `json:"q50"`
	Q90 float64 `json:"q90"`
	Q99 float64 `json:"q99"`
	// Feedback says what operators' verdicts changed (train --feedback);
	// nil without them.
	Feedback *Feedback `json:"feedback,omitempty"`
}

// TrainingSummary describes the data a model was trained on.
type TrainingSummary struct {
	Inputs    []string `json:"inputs"`
	Events    int64    `json:"events"`
	Malformed int64    `json:"malformed"`
	Clients   int64    `json:"clients"`
	Samples   int      `json:"samples"`
	// Late is how many events came later than the reader's re-ordering
	// allowed and were learnt from as they came.
	Late int64 `json:"late,omitempty"`
	// Excluded is how many samples were left out of the final fit because
	// the first fit found them anomalous (presumed attacks).
	Excluded   int `json:"excluded"`
	Identities int `json:"identities"`
	// KeyIdentities is how many API keys recurred (see Model.KeyIdentities).
	KeyIdentities int `json:"key_identities,omitempty"`
	// IdentitiesWithheld is how many recurring clients and keys got no
	// baseline of their own because their history shows guessing.
	IdentitiesWithheld int `json:"identities_withheld,omitempty"`
	// CampaignMembers is how many training clients the model's own
	// campaign detection found to be members of a campaign in the
	// recording; they are left out of the tails and the calibration.
	CampaignMembers int       `json:"campaign_members,omitempty"`
	From            time.Time `json:"from"`
	To              time.Time `json:"to"`
	Identity        string    `json:"identity"`
	MinEvents       int       `json:"min_events"`
	// Build is the version of portcullis that trained the model, so a model
	// file says which build wrote it. It is not part of the model's ID.
	Build string `json:"build,omitempty"`
}

// Model is a trained detector: the calibrated tail of every signal, an
// isolation forest, population and per-identity baselines, and a threshold
// set from the operator's budget.
type Model struct {
	ID      string        `json:"id"`
	Created time.Time     `json:"created"`
	Specs   []FeatureInfo `json:"features"`

	Forest     *Forest                      `json:"-"`
	Population Baseline                     `json:"population"`
	Identities map[string]*IdentityBaseline `json:"identities"`
	// KeyIdentities are baselines of the API keys that recurred through
	// the training data, for a client identified by address whose address
	// is new but whose key is not: an integration whose egress addresses
	// rotate is still judged against its own history. Empty when clients
	// are identified by API key.
	KeyIdentities map[string]*IdentityBaseline `json:"key_identities,omitempty"`
	// SharedKeys are the API keys that many addresses presented in
	// training (more than SharedKeyClients): a client application's own
	// key, built into every copy of a mobile app or a web page, not one
	// integration's. A request that carries one is judged as if it carried
	// no key.
	SharedKeys []string `json:"shared_keys,omitempty"`

	// Tails are the calibrated tails of the signals, by signal index (see
	// SignalName): the features in their suspicious direction, the payload
	// evidence and the forest's score. A neutral feature's tail is empty.
	Tails [NumSignals]Tail `json:"tails"`
	// MarkerWeights are the weights of the payload markers, by marker: how
	// rare each is in training traffic, in decimal digits (see
	// PayloadEvidence).
	MarkerWeights map[string]float64 `json:"marker_weights"`
	markerW       []float64
	// MarkerEndpoints are the endpoints where training saw payload
	// fragments from MarkerCrowd or more clients (see SetMarkerEndpoints):
	// a fragment sent there weighs no more than the endpoint's own rate
	// of them says. Empty in a model from an older build.
	MarkerEndpoints []MarkerEndpoint `json:"marker_endpoints,omitempty"`
	// LargeSize is the request size, in bytes, from which a request counts
	// as large (features.Table.SetLargeSize): the largest request of the
	// client at the 99th percentile of training clients, at least
	// MinLargeSize. 0 (a model from an older build) counts none.
	LargeSize int64 `json:"large_size,omitempty"`

	// Threshold is the surprise (in decimal digits) at or above which a
	// client is blocked; see Calibration for how the budget set it.
	Threshold float64 `json:"threshold"`

	// Volume is the flood rule: a limit on the requests an anonymous
	// client unknown to the model sends to a few routes.
	Volume VolumeLimit `json:"volume_limit"`

	// Campaigns is what training learned of each endpoint's usual traffic,
	// against which campaigns over many addresses are found. Optional: a
	// model without it finds none.
	Campaigns *campaign.Norms `json:"campaigns,omitempty"`
	// Limits are the per-endpoint request peaks of training's clients,
	// from which portcullis limits recommends rate limits. Optional: a
	// model trained before them has none. Not part of the model's ID:
	// they do not change a judgement.
	Limits *limits.Table `json:"limits,omitempty"`

	Calibration Calibration     `json:"calibration"`
	Training    TrainingSummary `json:"training"`
}

// VolumeLimit is the flood rule, calibrated on the training recording. The
// score judges how a client's requests look; a flood can look like an
// ordinary page or API call repeated, and only its volume gives it away.
// Volume beyond what ordinary clients ever reach is that signal, so the
// rule compares a client's decayed two-minute request count with the
// peaks of the training clients. It applies to clients that are not known
// from training (known clients are judged against their own history), that
// send most requests without an API key (a key names an integration, which
// is accountable and may be busy and new; a browser or an app signed in as
// a user is a person, who cannot keep up a machine's pace), and whose
// recent requests went to a few URLs (a crawler, a scraper or an office
// behind NAT walks many). A client whose user agent names its service
// (features.SelfNamed) answers for that name as a keyed one does for its
// key, and is left out as well. So is a client that the site already holds
// to its pace, ThrottledShare or more of its last requests refused for it
// (features.Paced: a 429 to a read or to an integration's write; a guess
// throttled 429 is a refusal, not pace): the gateway's own limit does what
// the rule would, and the clients it throttles for minutes on end are
// mostly people reloading a page (a waiting room, a sale) by hand. The
// score still judges them.
type VolumeLimit struct {
	// Requests is the limit on requests_2m; 0 disables the rule.
	Requests float64 `json:"requests"`
	// Peak is the Quantile of the highest requests_2m each training client
	// reached, over the clients that are not heavy hitters with a baseline
	// of their own; Requests is Factor times Peak.
	Peak     float64 `json:"peak"`
	Quantile float64 `json:"quantile"`
	Factor   float64 `json:"factor"`
	// MaxURLs is the most distinct paths (the query left out) a client's
	// last 32 requests may go to for the limit to apply.
	MaxURLs int `json:"max_urls"`
	// Clients is how many training clients the peaks came from, and Over
	// how many of them reached the limit (whatever their keys and URLs).
	Clients int `json:"clients"`
	Over    int `json:"over"`
}

// Exceeded reports whether a client with features v, known from training
// or not, sending the share keyed of its requests with an API key, named
// by its user agent or not, whose last requests went to urls distinct
// paths and were refused for their pace for the share throttled of them
// (features.Client.Throttled), is past the volume limit while the site is
// crowd times as busy as usual (campaign.Tracker.Crowd, 1 when unknown).
// Past the highest requests_2m any training client reached (highest,
// attacks and known heavy hitters included), the URLs do not matter: a
// crawler or an office walks many, but none of the recording's did that
// much, and a flood over an app's calls walks many too (on a SaaS
// model's site, a signed-in flood of 28 requests a second over search
// suggestions, GraphQL and the task lists of a dozen projects, ten
// distinct paths in any 32 requests, was never blocked: its rate and
// volume each scored 4.4 and 3.9 against a threshold of 5.28, the site's
// single-page app loading fifty assets at once making the rate's tail
// heavy).
// The limit scales with the crowd as the campaigns' lines do: in a crowd
// (a sale, an on-sale, a storm's rebooking), ordinary people reload more
// (on the box-office model, 20 normal clients, fans and two carrier NAT
// addresses, were blocked on one site by the limit training set).
func (l *VolumeLimit) Exceeded(v *features.Vector, known bool, keyed float64, named bool, urls int, throttled, crowd, highest float64) bool {
	lim := l.At(crowd)
	few := urls <= l.MaxURLs || v[features.Volume] > highest
	return l.Reached(v) && v[features.Volume] >= lim && !known && !Keyed(keyed) && !named && few && !heldToPace(v, throttled, lim)
}

// At returns the limit on requests_2m while the site is crowd times as
// busy as usual: Requests, scaled by the crowd when it is over 1.
func (l *VolumeLimit) At(crowd float64) float64 { return l.Requests * max(crowd, 1) }

// heldToPace says the site holds a client whose last requests were refused
// for their pace for the share throttled of them to a pace the volume
// limit allows: ThrottledShare or more of them refused, and what it was
// served (requests_2m less that share) under limit. A gateway that lets a
// flood through at several times the limit, answering the rest 429, does
// not do the rule's work (on an airline's site, a flood of 7 requests a
// second, 70 % throttled, was served 2 a second and never blocked).
func heldToPace(v *features.Vector, throttled, limit float64) bool {
	return throttled >= ThrottledShare && (1-throttled)*v[features.Volume] < limit
}

// ThrottledShare is the share of a client's last requests refused for
// their pace (features.Paced) from which the volume limit leaves it to the
// site's own rate limit.
const ThrottledShare = 0.25

// Keyed says a client that sends the share keyed of its requests with an
// API key is an integration by its key: most of its requests carry one.
// The volume limit leaves it out, and a key training never saw is judged
// against NewKeyBaseline.
func Keyed(keyed float64) bool { return keyed >= 0.5 }

// Reached reports whether requests_2m in v is at the limit, the one
// condition of Exceeded that takes no other facts about the client.
func (l *VolumeLimit) Reached(v *features.Vector) bool {
	return l.Requests > 0 && v[features.Volume] >= l.Requests
}

// SetVolumeLimit calibrates m.Volume from the highest requests_2m of each
// training client (peaks), leaving out the known heavy hitters.
func (m *Model) SetVolumeLimit(peaks []float64, cfg TrainConfig) {
	cfg = cfg.WithDefaults()
	l := VolumeLimit{Quantile: cfg.VolumeQuantile, Factor: cfg.VolumeFactor, MaxURLs: cfg.VolumeMaxURLs, Clients: len(peaks)}
	if len(peaks) >= minVolumeClients && cfg.VolumeFactor > 0 {
		s := slices.Clone(peaks)
		slices.Sort(s)
		l.Peak = stat.Quantile(cfg.VolumeQuantile, stat.Empirical, s, nil)
		l.Requests = math.Ceil(cfg.VolumeFactor * max(l.Peak, 1))
		for _, p := range peaks {
			if p >= l.Requests {
				l.Over++
			}
		}
	}
	m.Volume = l
}

// minVolumeClients is the fewest training clients that calibrate the
// volume limit: fewer leave the rule off, since a high quantile of a
// handful of peaks says little.
const minVolumeClients = 200

type modelFile struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	*Model
	Forest []byte `json:"forest"`
}

// Signals other than the features, by index after them.
const (
	SignalPayload = features.NumFeatures     // payload evidence (see PayloadEvidence)
	SignalForest  = features.NumFeatures + 1 // the isolation forest's score
	SignalLarge   = features.NumFeatures + 2 // large requests over ~10 min (see LargeSize)
	NumSignals    = features.NumFeatures + 3
)

// SignalName names signal i: a feature name, "payload_evidence",
// "isolation" or "large_requests_10m".
func SignalName(i int) string {
	switch i {
	case SignalPayload:
		return "payload_evidence"
	case SignalForest:
		return "isolation"
	case SignalLarge:
		return "large_requests_10m"
	}
	return features.Specs()[i].Name
}

// SignalNames returns the names of every signal, in index order.
func SignalNames() []string {
	out := make([]string, NumSignals)
	for i := range out {
		out[i] = SignalName(i)
	}
	return out
}

// active reports whether signal i takes part in judgements: the features
// with a suspicious direction, the payload evidence and the forest.
func active(i int) bool {
	return i >= features.NumFeatures || features.Specs()[i].Dir == features.Up
}

// NumActiveSignals is how many signals a judgement takes the most
// surprising of.
func NumActiveSignals() int {
	n := 0
	for i := range NumSignals {
		if active(i) {
			n++
		}
	}
	return n
}

// signalMinScale is the smallest fall-off spread of a signal's tail beyond
// its cut: the feature's MinScale, one decade per decade for the payload
// evidence (already in decimal digits), and for the forest a twentieth of
// its (0,1) score.
func signalMinScale(i int) float64 {
	switch i {
	case SignalPayload:
		return 1 / math.Ln10
	case SignalForest:
		return 0.02
	case SignalLarge:
		return largeMinScale
	}
	return features.Specs()[i].MinScale
}

// MarkerWeightsByIndex returns the payload markers' weights in marker
// index order, for features.Table.SetMarkerWeights; a marker the model does
// not know (a build with new markers) gets the weight of a marker training
// never saw. The slice is shared; do not modify it.
func (m *Model) MarkerWeightsByIndex() []float64 {
	if m.markerW == nil {
		w := make([]float64, features.NumMarkers)
		unseen := m.MarkerWeights[unseenMarker]
		for i, name := range features.MarkerNames() {
			if x, ok := m.MarkerWeights[name]; ok {
				w[i] = x
			} else {
				w[i] = unseen
			}
		}
		m.markerW = w
	}
	return m.markerW
}

// unseenMarker is the MarkerWeights key of the weight of a marker that
// training traffic never carried.
const unseenMarker = ""

// SetMarkerWeights sets the markers' weights from how many training
// clients sent each (clients, by marker index) over events training
// requests: a marker's weight is -log10 of its rate per request, a client
// counted once, so one prober repeating a marker does not make it common.
func (m *Model) SetMarkerWeights(clients [features.NumMarkers]int64, events int64) {
	n := float64(max(events, 1))
	m.MarkerWeights = map[string]float64{unseenMarker: math.Log10(2 * n)}
	for i, name := range features.MarkerNames() {
		m.MarkerWeights[name] = round3(math.Log10(n / (float64(clients[i]) + 0.5)))
	}
	m.markerW = nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// PayloadEvidence returns how unlikely a client's payload markers are for
// an ordinary client, in decimal digits: the log-probability of its marked
// requests if each of its requests carried each marker at the rate training
// traffic does. weight is the sum of the marked requests' marker weights,
// marked their count and requests the count of all its recent requests
// (features.Client.Payload). Two requests carrying markers training never
// saw are decisive; a search for "rock && roll" now and then is not.
func PayloadEvidence(weight, marked, requests float64) float64 {
	if marked <= 0 {
		return 0
	}
	// Poisson: P(k marked) ~ prod(n*p_i)/k! = 10^-(weight - k*log10 n) / k!
	lg, _ := math.Lgamma(marked + 1)
	e := weight - marked*math.Log10(max(requests, 1)) + lg/math.Ln10
	return max(e, 0)
}

// Identity returns the baseline of the client named key whose requests
// carry the API key apiKey: its own, the Roaming baseline of the key, or
// both together (IdentityBaseline.WithKey); nil when neither recurred
// through the training data. A baseline with the key's is a new copy:
// callers that look keys up often keep it.
func (m *Model) Identity(key string, apiKey []byte) *IdentityBaseline {
	b := m.Identities[key]
	if k := m.KeyIdentity(apiKey); k != nil {
		return b.WithKey(k.Roaming())
	}
	return b
}

// KeyIdentity returns the baseline of the API key apiKey as training
// learned it, nil when the key did not recur (or is empty).
func (m *Model) KeyIdentity(apiKey []byte) *IdentityBaseline {
	if len(apiKey) == 0 || len(m.KeyIdentities) == 0 {
		return nil
	}
	return m.KeyIdentities[string(apiKey)]
}

// SharedKeyClients is how many addresses may present one API key in
// training for it to be one integration's: a partner's jobs call from a
// few egress addresses, while every install of a mobile app sends the key
// built into it (on the recordings of five traffic models, an app's key
// came from 360 to 980 addresses in a quarter hour and a partner's from
// at most 6). A key that many addresses share names the application, not
// the client: its history, merged over every install, would excuse a
// flood that sends it as the busiest install once was, and its presence
// would pass a flood as an integration.
const SharedKeyClients = 64

// MarkerEndpoint is an endpoint whose own traffic carries payload
// fragments: a forum's search, where members quote SQL and markup.
type MarkerEndpoint struct {
	// Endpoint is the method and path template, for display.
	Endpoint string `json:"endpoint"`
	// Template is the path template's hash (features.TemplateHash).
	Template uint32 `json:"template"`
	// Clients is how many training clients sent a fragment there, in
	// Marked of the Requests requests to it (each client's counted up to
	// MarkerBurst).
	Clients  int64 `json:"clients"`
	Marked   int64 `json:"marked"`
	Requests int64 `json:"requests"`
	// Weight is the most a fragment sent there weighs: -log10 of the
	// endpoint's rate of fragment-carrying requests.
	Weight float64 `json:"weight"`
}

// MarkerCrowd is how many training clients must send payload fragments to
// one endpoint for them to be part of its traffic. On the nineteen
// traffic models' training days, the attacks hidden in them sent fragments
// to one endpoint from at most 7 addresses, where a forum's members
// searching for code sent them to its search from 15 to 106, and a
// service's users searching "rock && roll" from over 200.
const MarkerCrowd = 12

// MarkerBurst is the most fragment-carrying requests one client counts
// for in an endpoint's rate of them: a member typing "{{ .Values }}" into
// a search box with suggestions sends five or six in as many seconds,
// and a prober of the training recording hundreds, which would make the
// endpoint's fragments common.
const MarkerBurst = 8

// minMarkerWeight is the least weight an endpoint's fragments may have:
// where a quarter of the requests to an endpoint carry fragments, the
// endpoint is taken for an attack's (a traversal path probed from many
// addresses), not one its users send fragments to now and then. No
// traffic model's training day has such an endpoint (the forum's search,
// the busiest in fragments, has them in 18 % of its requests at most);
// the line guards against a campaign of probers in a recording.
var minMarkerWeight = math.Log10(4)

// SetMarkerEndpoints keeps, of the endpoints eps, those where training
// clients sent payload fragments now and then: MarkerCrowd or more
// clients, in at most a quarter of the requests to the endpoint; and sets
// their weights.
func (m *Model) SetMarkerEndpoints(eps []MarkerEndpoint) {
	m.MarkerEndpoints = nil
	for _, e := range eps {
		if e.Clients < MarkerCrowd {
			continue
		}
		e.Weight = round3(math.Log10(float64(e.Requests) / (float64(e.Marked) + 0.5)))
		if e.Weight >= minMarkerWeight {
			m.MarkerEndpoints = append(m.MarkerEndpoints, e)
		}
	}
}

// EndpointMarkerWeights returns the weights of MarkerEndpoints by template
// hash, for features.Table.SetEndpointMarkerWeights (the lowest where two
// methods share a template); nil when there are none.
func (m *Model) EndpointMarkerWeights() map[uint32]float64 {
	if len(m.MarkerEndpoints) == 0 {
		return nil
	}
	w := make(map[uint32]float64, len(m.MarkerEndpoints))
	for _, e := range m.MarkerEndpoints {
		if x, ok := w[e.Template]; !ok || e.Weight < x {
			w[e.Template] = e.Weight
		}
	}
	return w
}

// SharedKeySet returns the model's shared keys as a set, nil when it has
// none.
func (m *Model) SharedKeySet() map[string]struct{} {
	if len(m.SharedKeys) == 0 {
		return nil
	}
	set := make(map[string]struct{}, len(m.SharedKeys))
	for _, k := range m.SharedKeys {
		set[k] = struct{}{}
	}
	return set
}

// MaxReasons is how many signals a Result explains at most.
const MaxReasons = 3

// Reason is one signal that drove a judgement, in the signal's unit.
type Reason struct {
	Signal  int // a feature index, SignalPayload or SignalForest
	Value   float64
	Typical float64
	// Surprise is -log10 of the share of training clients that ever
	// looked at least this unusual in this signal.
	Surprise float64
	// Beyond says the value is past every training client's peak.
	Beyond bool
}

// Result is the judgement of one vector.
type Result struct {
	// Score is the judgement's surprise, in decimal digits: that of its
	// most surprising signal, after a known client's own history excused
	// what is usual for it.
	Score float64
	// Forest is the isolation forest's score in (0,1), or 0 when the
	// features were too ordinary to consult it (Scored false).
	Forest float64
	Scored bool
	Known  bool
	// OverVolume says the client is past the model's volume limit (set by
	// CheckVolume, not Judge), VolumeLimit the limit it passed, the
	// model's scaled by the crowd (see VolumeLimit.Exceeded).
	OverVolume  bool
	VolumeLimit float64
	// Reasons are the signals with the most surprise, strongest first.
	Reasons  [MaxReasons]Reason
	NReasons int
}

// ForestGate is the surprise one feature must reach before the forest is
// consulted: the forest adds up moderate anomalies in several features,
// and a client with none past the ninetieth percentile has none to add.
const ForestGate = 1.0

// Judge judges v, whose payload evidence is payload (PayloadEvidence) and
// whose count of large requests is large (features.Client.Large), for a
// client with history ident (nil if the client is not known from
// training), into r. It allocates nothing.
func (m *Model) Judge(v *features.Vector, payload, large float64, ident *IdentityBaseline, r *Result) {
	var p Point
	Transform(v, &p)
	*r = Result{Known: ident.known()}
	var sur [NumSignals]float64
	top := 0.0
	for i := range features.NumFeatures {
		if !active(i) {
			continue
		}
		s := m.excused(i, p[i], ident)
		sur[i] = s
		top = max(top, s)
	}
	if ident == nil {
		for _, i := range [...]int{features.Rate, features.Volume} {
			sur[i] = max(sur[i], m.pastHighest(i, p[i]))
			top = max(top, sur[i])
		}
	}
	m.holdRefusalCounts(&p, &sur)
	sur[SignalPayload] = m.excused(SignalPayload, payload, ident)
	lx := math.Log1p(large)
	sur[SignalLarge] = m.excused(SignalLarge, lx, ident)
	m.holdSizes(&p, &sur)
	if top >= ForestGate {
		r.Scored = true
		r.Forest = m.Forest.Score(p[:])
		sur[SignalForest] = m.excused(SignalForest, r.Forest, ident)
	}
	m.conclude(v, payload, large, ident, &sur, r)
}

// EarlySignals are the signals a client is judged on before it has sent
// enough events to be judged on all of them (see JudgeEarly): those that
// one request can carry whole. The payload evidence and the count of large
// requests are read per request, and the bytes a client sent in two
// minutes only grow with its requests; a rate, a ratio or a spread over
// one to three requests says nothing yet.
var EarlySignals = [...]int{SignalPayload, SignalLarge, features.ReqBytesTotal}

// JudgeEarly judges, into r, a client that has sent fewer events than a
// judgement needs but already carries evidence that one request can hold:
// a payload marker or a large request. Only EarlySignals count, against
// the same tails as in Judge; training calibrates them on such early
// judgements as well. A first request that uploads a hundred megabytes, or
// opens with two injection payloads, is judged at once. It allocates
// nothing.
func (m *Model) JudgeEarly(v *features.Vector, payload, large float64, ident *IdentityBaseline, r *Result) {
	*r = Result{Known: ident.known()}
	var sur [NumSignals]float64
	sur[SignalPayload] = m.excused(SignalPayload, payload, ident)
	sur[SignalLarge] = m.excused(SignalLarge, math.Log1p(large), ident)
	i := features.ReqBytesTotal
	var p Point
	p[i] = transform(i, v[i])
	sur[i] = m.excused(i, p[i], ident)
	m.holdSizes(&p, &sur)
	m.conclude(v, payload, large, ident, &sur, r)
}

// conclude sets r's score, the highest of the signals' surprises sur, and
// its reasons, the signals with the most surprise, strongest first.
func (m *Model) conclude(v *features.Vector, payload, large float64, ident *IdentityBaseline, sur *[NumSignals]float64, r *Result) {
	for _, s := range sur {
		r.Score = max(r.Score, s)
	}
	lx := math.Log1p(large)
	for r.NReasons < MaxReasons {
		k, ks := -1, reasonMin
		for i, s := range sur {
			if s >= ks {
				k, ks = i, s
			}
		}
		if k < 0 {
			break
		}
		x := Reason{Signal: k, Surprise: ks}
		switch k {
		case SignalPayload:
			x.Value, x.Beyond = payload, m.Tails[k].Beyond(payload)
			if ident.known() {
				x.Typical = ident.MaxPayload
			}
		case SignalLarge:
			x.Value, x.Beyond = large, m.Tails[k].Beyond(lx)
			if ident.known() {
				x.Typical = math.Expm1(ident.MaxLarge)
			}
		case SignalForest:
			// Typical: the knot nearest the median (share 10^-0.25).
			x.Value, x.Typical, x.Beyond = r.Forest, m.Tails[k].X[min(2, len(m.Tails[k].X)-1)], m.Tails[k].Beyond(r.Forest)
			if ident.known() {
				x.Typical = ident.MaxScore
			}
		default:
			x.Value, x.Beyond = v[k], m.Tails[k].Beyond(transform(k, v[k]))
			x.Typical = m.Population.Typical(k)
			if ident.known() {
				x.Typical = untransform(k, ident.Typical[k])
			}
		}
		r.Reasons[r.NReasons] = x
		r.NReasons++
		sur[k] = -1
	}
}

// CheckVolume applies the volume limit to a judged client (see
// VolumeLimit.Exceeded) and, when it is exceeded, sets r.OverVolume and
// r.VolumeLimit and puts requests_2m first among the reasons, with the
// training peak as what is typical.
func (m *Model) CheckVolume(v *features.Vector, keyed float64, named bool, urls int, throttled, crowd float64, r *Result) {
	highest, ok := m.Highest(features.Volume)
	if !ok {
		highest = math.Inf(1)
	}
	if !m.Volume.Exceeded(v, r.Known, keyed, named, urls, throttled, crowd, highest) {
		return
	}
	r.OverVolume, r.VolumeLimit = true, m.Volume.At(crowd)
	t := &m.Tails[features.Volume]
	x := math.Log1p(v[features.Volume])
	rs := [MaxReasons]Reason{{Signal: features.Volume, Value: v[features.Volume], Typical: m.Volume.Peak,
		Surprise: t.Surprise(x), Beyond: t.Beyond(x)}}
	n := 1
	for _, x := range r.Reasons[:r.NReasons] {
		if x.Signal != features.Volume && n < MaxReasons {
			rs[n] = x
			n++
		}
	}
	r.Reasons, r.NReasons = rs, n
}

// pastDigits is how many decimal digits of surprise each doubling past
// the highest value of any training client adds to a volume signal (see
// pastHighest).
const pastDigits = 1.0

// pastHighest returns the surprise of x (model space) of the volume signal
// i (rate, requests_2m) past the highest value any training client reached
// (attacks included): at that value, one client of the recording's N, and
// pastDigits rarer for each doubling past it; 0 at or under it. Past the
// cut a volume's tail falls off as a power law whose exponent the clients
// just under the cut set; where a single-page app loads fifty assets at
// once, or pollers keep a steady pace, they set a heavy one, and a flood
// several times the recording's extreme reads as only a few times rarer
// than the extreme itself (on a SaaS model's site, requests_2m gains 0.6
// of a digit per doubling past its cut). However heavy the body, four
// times what the busiest client of the recording ever did is a hundred
// times rarer than that client: on a recording of 3,000 clients whose
// busiest address keeps under 2 requests a second, a flood of 13 is 2.7
// doublings past it, at least 6.2 digits, past the thresholds of 4.7 to
// 5.3 the twelve traffic models' budgets set (arithmetic; the test,
// TestJudgeFarPastTheBusiestClientDecides, checks four times the busiest
// against its own model's threshold).
func (m *Model) pastHighest(i int, x float64) float64 {
	t := &m.Tails[i]
	hi, ok := m.Highest(i)
	if !ok || !t.Beyond(x) || hi <= 0 {
		return 0
	}
	return math.Log10(float64(t.N)) + pastDigits*math.Log2(math.Expm1(x)/hi)
}

// Highest returns the highest peak of feature i that any training client
// reached (attacks included), in the feature's own unit (requests, not
// their log), and false when the model has no tail for it.
func (m *Model) Highest(i int) (float64, bool) {
	t := &m.Tails[i]
	switch {
	case t.N == 0:
		return 0, false
	case !t.Counted && features.Specs()[i].Log:
		return math.Expm1(t.Max), true // t.Max is in model space
	}
	return t.Max, true
}

// refusedCountMargin is how much rarer, in decimal digits, a client's
// count of refusals may be than its refused share (see holdRefusalCounts):
// a hundredfold. (Of 2, 2.5 and 3, compared on the repository's traffic
// models, 2 blocked the fewest normal and heavy clients and no fewer
// attackers; it was then checked on eight sites not used to choose it.)
const refusedCountMargin = 2.0

// holdShare is the refused share from which a client's refusal counts
// are not held to it (see holdRefusalCounts): refused as often as served.
// (Of 0.2, 0.3 and 0.5, compared on 72 sites of the twelve traffic
// models, 0.3 and 0.5 blocked no normal or heavy client more, 0.2 blocked
// 6 normal and 5 heavy clients more.)
const holdShare = 0.5

// holdRefusalCounts holds the surprise of the refusal counts (refused_2m,
// refused_10m, refused_paths) to within refusedCountMargin of the surprise
// of the client's refused share. A client whose share of refusals is
// ordinary is refused often because it asks often: a partner's
// integration that looks up a thousand ids and misses one in ten meets
// more missing ids in ten minutes than any training client, and its
// volume is judged by volume's own signals. A guesser's share is not
// ordinary, so its counts keep their surprise. Each part of the share is
// read on its own tail (auth_fail on auth_fail's, not_found on
// not_found's), and the two together (they have one denominator) on the
// tail that calls the sum more ordinary, since no tail is fitted for the
// sum; the hold takes the rarest of the three. A partner whose refusals
// are all missing ids is judged on how often clients miss ids, not on
// how rarely they fail to sign in.
//
// A client refused on half its requests or more (holdShare) is not held:
// its share reads as ordinary only where the training day's own guessers
// fill the share's tail past its cut. On a SaaS model's site, where
// invitation spammers and enumerators in training put the top 2 % of
// not_found_ratio at 0.70, an enumerator refused 168 times in 200 s on
// invitation tokens (share 0.95) was held at 4.6 against a threshold of
// 5.28 and never blocked.
func (m *Model) holdRefusalCounts(p *Point, sur *[NumSignals]float64) {
	af, nf := &m.Tails[features.AuthFailRatio], &m.Tails[features.NotFoundRatio]
	if len(af.X) == 0 || len(nf.X) == 0 { // no tails to read a share on
		return
	}
	auth, missing := p[features.AuthFailRatio], p[features.NotFoundRatio]
	share := auth + missing
	if share >= holdShare {
		// Refused as often as served: whatever the tails say of the
		// share, this client is not an integration missing a few ids.
		return
	}
	held := max(af.Surprise(auth), nf.Surprise(missing), min(af.Surprise(share), nf.Surprise(share))) + refusedCountMargin
	for _, i := range [...]int{features.RefusedCount, features.RefusedLong, features.RefusedPaths} {
		sur[i] = min(sur[i], held)
	}
}

// sizeMargin is how much rarer, in decimal digits, a client's request
// sizes may be than its count of large requests (see holdSizes): tenfold.
// A hundredfold (two digits, as for the refusal counts) let one or two
// photos of a few megabytes decide alone: ticket holders uploading an ID,
// readers attaching a picture (on 81 sites of seven traffic models: 51
// ordinary and 4 heavy clients fewer blocked at thirtyfold, one upload
// attack missed, whose refused uploads count as large since). Thirtyfold
// still let two passports uploaded for a booking decide, at an airport's
// Wi-Fi or a carrier NAT address during a storm's rebooking (on 105 sites
// of eleven models, tenfold blocked 30 normal clients and one heavy
// fewer and found the same upload attacks, their median time to detect
// 2 to 6 s later).
const sizeMargin = 1.0

// holdSizes holds the surprise of the request sizes (req_bytes, the mean,
// and req_bytes_2m, the sum) to within sizeMargin of the surprise of the
// client's count of large requests, unless the size is sizesPast times
// the largest of any training client. The sizes' tails past the cut are
// extrapolated from the body of ordinary requests, a few hundred bytes
// each, and call one picture a reader attaches to a comment one client in
// a billion, where the recording may show one in a thousand doing it. The count of large
// requests is calibrated on exactly that: how many clients send one, two
// or ten. So one large request is as rare as one large request is, many
// in minutes are rarer with every one, and their sizes add at most
// sizeMargin; a size far past everything training saw keeps its own
// surprise. A model without a large size (an older build's) has no count
// to hold to, and its sizes are not held.
func (m *Model) holdSizes(p *Point, sur *[NumSignals]float64) {
	if m.LargeSize == 0 {
		return
	}
	held := sur[SignalLarge] + sizeMargin
	for _, i := range [...]int{features.ReqBytes, features.ReqBytesTotal} {
		if t := &m.Tails[i]; !t.Beyond(p[i]) || p[i] < t.Max+math.Log(sizesPast) {
			sur[i] = min(sur[i], held)
		}
	}
}

// sizesPast is how many times the highest size of any training client a
// client's sizes must reach before they are no longer held (see
// holdSizes): a little past the highest is where the next day's ordinary
// uploaders land as often as not.
const sizesPast = 2.0

// reasonMin is the least surprise a signal needs to be named as a reason:
// rarer than one client in a hundred.
const reasonMin = 2.0

// excused returns the surprise of value x of signal i (model space for a
// feature), less what a known client's own history makes usual: only the
// part of the rarity beyond the client's highest value in training counts.
//
// A counted feature's tail falls off per event (see Tail.Counted), so there
// a client whose own peak is past the cut is judged on its count scaled
// down by how far its peak was past the cut: a crawler that met 20 missing
// pages in training and meets 50 today is as unusual as a user who met 4
// (the cut) and meets 10, not as one who meets 50.
func (m *Model) excused(i int, x float64, ident *IdentityBaseline) float64 {
	t := &m.Tails[i]
	if ident == nil {
		return t.Surprise(x)
	}
	h := ident.highest(i)
	if t.Counted {
		if cut, peak := t.X[len(t.X)-1], math.Expm1(h); cut > 0 && peak > cut {
			return t.Surprise(math.Log1p(math.Expm1(x) * cut / peak))
		}
	}
	return max(0, t.Surprise(x)-t.Surprise(h))
}

// Threshold returns the surprise threshold that blocks about budget normal
// clients per 10,000 when a judgement takes the most surprising of signals
// independent signals: each passes its threshold for a share
// budget/10,000/signals of normal clients, so all of them together for at
// most budget/10,000.
func Threshold(budget, signals float64) float64 {
	return math.Log10(signals * 10_000 / budget)
}

// CheckFeatures reports whether the model was trained on the features this
// build computes.
func (m *Model) CheckFeatures() error {
	specs := features.Specs()
	if len(m.Specs) != len(specs) {
		return fmt.Errorf("%w: the model has %d features and this build computes %d; retrain the model with this build (portcullis train)",
			ErrModelFeatures, len(m.Specs), len(specs))
	}
	for i, s := range specs {
		if m.Specs[i].Name != s.Name || m.Specs[i].Log != s.Log {
			return fmt.Errorf("%w: feature %d is %q in the model and %q in this build; retrain the model with this build (portcullis train)",
				ErrModelFeatures, i, m.Specs[i].Name, s.Name)
		}
	}
	if m.Forest == nil || m.Forest.Dim() != len(specs) {
		return fmt.Errorf("%w: the forest does not take %d features", ErrCorruptModel, len(specs))
	}
	return nil
}

// CurrentSpecs returns the FeatureInfo of this build's features.
func CurrentSpecs() []FeatureInfo {
	specs := features.Specs()
	out := make([]FeatureInfo, len(specs))
	for i, s := range specs {
		out[i] = FeatureInfo{Name: s.Name, Log: s.Log}
	}
	return out
}

// Write encodes m to w in the model file format and sets m.ID from its
// contents if it is empty, so training twice on the same data with the same
// seed gives the same ID.
func (m *Model) Write(w io.Writer) error {
	fb, err := m.Forest.MarshalBinary()
	if err != nil {
		return fmt.Errorf("models: encode forest: %w", err)
	}
	if m.ID == "" {
		h := sha256.New()
		h.Write(fb)
		fmt.Fprintf(h, "%v|%d|%d|%d|%v", m.Threshold, len(m.Identities), len(m.KeyIdentities), m.Training.Events, m.Volume.Requests)
		if len(m.SharedKeys) > 0 {
			fmt.Fprintf(h, "|%q", m.SharedKeys)
		}
		if len(m.MarkerEndpoints) > 0 {
			fmt.Fprintf(h, "|%v", m.MarkerEndpoints)
		}
		if m.Campaigns != nil {
			json.NewEncoder(h).Encode(m.Campaigns)
		}
		for i := range m.Tails {
			fmt.Fprintf(h, "|%v|%v", m.Tails[i].X, m.Tails[i].Beta)
		}
		m.ID = "pc-" + hex.EncodeToString(h.Sum(nil))[:12]
	}
	zw := gzip.NewWriter(w)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(modelFile{Format: FormatName, Version: FormatVersion, Model: m, Forest: fb}); err != nil {
		return fmt.Errorf("models: encode model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("models: encode model: %w", err)
	}
	return nil
}

// Read decodes a model file. A file of another format version, or one that
// is damaged, gets an error wrapping ErrModelVersion or ErrCorruptModel.
func Read(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: not a gzip-compressed model (%v); pass a file written by portcullis train", ErrCorruptModel, err)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v; the file is damaged or cut off, pass a file written by portcullis train", ErrCorruptModel, err)
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %v; pass a file written by portcullis train", ErrCorruptModel, err)
	}
	if head.Format != FormatName {
		return nil, fmt.Errorf("%w: format is %q, not %q; pass a file written by portcullis train", ErrCorruptModel, head.Format, FormatName)
	}
	if head.Version != FormatVersion {
		return nil, fmt.Errorf("%w: the file is version %d and this build reads version %d; retrain the model with this build (portcullis train)",
			ErrModelVersion, head.Version, FormatVersion)
	}
	mf := modelFile{Model: &Model{}}
	if err := json.Unmarshal(data, &mf); err != nil {
		return nil, fmt.Errorf("%w: %v; retrain the model with portcullis train", ErrCorruptModel, err)
	}
	m := mf.Model
	m.Forest = &Forest{}
	if err := m.Forest.UnmarshalBinary(mf.Forest); err != nil {
		return nil, fmt.Errorf("%w: %w; retrain the model with portcullis train", ErrCorruptModel, err)
	}
	if err := m.CheckFeatures(); err != nil {
		return nil, err
	}
	if math.IsNaN(m.Threshold) || m.Threshold <= 0 || m.Threshold > 100 {
		return nil, fmt.Errorf("%w: threshold %v is outside (0,100]", ErrCorruptModel, m.Threshold)
	}
	for i := range m.Tails {
		if t := &m.Tails[i]; active(i) && (len(t.X) == 0 || len(t.X) != len(t.L) || !(t.Beta > 0)) {
			return nil, fmt.Errorf("%w: the tail of %s is missing or damaged; retrain the model with portcullis train", ErrCorruptModel, SignalName(i))
		}
	}
	for _, e := range m.MarkerEndpoints {
		if !(e.Weight >= minMarkerWeight) {
			return nil, fmt.Errorf("%w: the payload fragments' weight on %q is %v, below %.3f; retrain the model with portcullis train", ErrCorruptModel, e.Endpoint, e.Weight, minMarkerWeight)
		}
	}
	return m, nil
}

// WriteFile writes m to path atomically (a temporary file, then rename), so
// a detector watching the path never reads half a model.
func (m *Model) WriteFile(path string) (err error) {
	f, err := os.CreateTemp(dirOf(path), ".model-*")
	if err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	if err = m.Write(f); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("models: write %s: %w", path, err)
	}
	return nil
}

// ReadFile reads the model file at path.
func ReadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("models: read %s: %w", path, err)
	}
	return m, nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}
