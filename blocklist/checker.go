package blocklist

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/portcullis/portcullis/decision"
)

// FailMode says what a Checker does with a request once its view of the
// blocklist is older than MaxStaleness.
type FailMode uint8

// Fail modes. The zero FailMode, in a per-call override, means "the
// Checker's configured mode".
const (
	// FailOpen keeps enforcing the blocks the view holds (until they
	// lapse) and lets every other client through.
	FailOpen FailMode = iota + 1
	// FailClosed blocks every client that is not allowlisted.
	FailClosed
)

// String returns "open" or "closed".
func (m FailMode) String() string {
	switch m {
	case FailOpen:
		return "open"
	case FailClosed:
		return "closed"
	}
	return "default"
}

// CheckerConfig configures a Checker.
type CheckerConfig struct {
	// FailMode applies once the view is older than MaxStaleness. It must
	// be set: there is no default, because either choice is a policy.
	FailMode FailMode `yaml:"fail_mode"`
	// MaxStaleness is how long the view may go unconfirmed by Redis before
	// FailMode applies.
	MaxStaleness time.Duration `yaml:"max_staleness"`
	// ResyncInterval is how often the full snapshot is reloaded, whatever
	// the pushed changes say.
	ResyncInterval time.Duration `yaml:"resync_interval"`
	// ProbeInterval is how often the store's version is read to confirm
	// the view is in sync while no change arrives. It must be below
	// MaxStaleness.
	ProbeInterval time.Duration `yaml:"probe_interval"`
	// OnApplied, when set, is called from Run for every store change
	// applied, with how long the change took from being stored in Redis
	// (by the Redis clock, so clocks must be in sync) to being visible to
	// Check. It must not block.
	OnApplied func(latency time.Duration) `yaml:"-"`
	// OnView, when set, is called from Run each time the view changes by
	// more than a sweep: with the snapshot a resync loaded (cs nil), or
	// with the changes applied, in version order (s nil). A follower of
	// the view, such as enforce's feed, mirrors it from these calls. It
	// must not block, and must not keep s or cs past the call.
	OnView func(s *Snapshot, cs []Change) `yaml:"-"`
}

// Defaults for CheckerConfig.
const (
	DefaultMaxStaleness   = 10 * time.Second
	DefaultResyncInterval = 30 * time.Second
)

// WithDefaults returns c with zero fields set to their defaults.
func (c CheckerConfig) WithDefaults() CheckerConfig {
	if c.MaxStaleness == 0 {
		c.MaxStaleness = DefaultMaxStaleness
	}
	if c.ResyncInterval == 0 {
		c.ResyncInterval = DefaultResyncInterval
	}
	if c.ProbeInterval == 0 {
		c.ProbeInterval = c.MaxStaleness / 4
	}
	return c
}

// Validate reports what is wrong with c, after WithDefaults.
func (c CheckerConfig) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("blocklist: checker "+format, args...))
	}
	if c.FailMode != FailOpen && c.FailMode != FailClosed {
		bad("fail_mode is not set; choose open (keep serving) or closed (block all but the allowlist) when the view is stale")
	}
	if c.MaxStaleness <= 0 {
		bad("max_staleness is %v; set it above 0", c.MaxStaleness)
	}
	if c.ResyncInterval <= 0 {
		bad("resync_interval is %v; set it above 0", c.ResyncInterval)
	}
	if c.ProbeInterval <= 0 || c.ProbeInterval >= c.MaxStaleness {
		bad("probe_interval is %v; set it above 0 and below max_staleness (%v)", c.ProbeInterval, c.MaxStaleness)
	}
	return errors.Join(errs...)
}

// Verdict is what a Checker says about one request.
type Verdict struct {
	// Blocked says the request must be refused: a block decision matched,
	// or the fail mode closed the route. A decision with another action
	// leaves it false, and its Action says what to do instead.
	Blocked bool
	// Action is the action of the decision that matched (decision.Action*):
	// ActionBlock when Blocked; ActionThrottle or ActionChallenge, which
	// the caller enforces (see Enforce); ActionLog, which it only counts.
	// Empty when nothing matched and the route is open.
	Action string
	// Limit is the rate, in requests a second, the matching decision
	// throttles the client to (throttle and challenge); 0 otherwise.
	Limit float64
	// Severity is how far the matching decision is past its threshold,
	// from 0 to 1 (decision.Decision.Severity, to 1/255): the difficulty
	// of a challenge grows with it.
	Severity float64
	// Client is the decision's client that matched (an IP, a prefix, an API
	// key or a user); empty when nothing matched.
	Client string
	// Expires is when the matching decision lapses; zero when Blocked comes
	// from the fail mode.
	Expires time.Time
	// Stale says the view was older than MaxStaleness.
	Stale bool
	// FailMode is the fail mode applied because the view was stale; zero
	// when it was fresh.
	FailMode FailMode
}

// CheckerStats are a Checker's counters, for the caller to export.
type CheckerStats struct {
	Version   uint64
	Decisions int
	Allow     int
	Staleness time.Duration
	// Changes counts the changes applied, Resyncs the snapshots loaded,
	// Gaps the version gaps or rewinds that forced a resync.
	Changes, Resyncs, Gaps uint64
}

// Checker is a gateway's local, in-memory view of the blocklist, kept in
// sync with Redis by Run, so that no request waits on Redis.
//
// Check and its variants are safe for concurrent use, take no lock and do
// not allocate. Only Run writes the view.
type Checker struct {
	src    Source
	cfg    CheckerConfig
	logger *slog.Logger

	view    atomic.Pointer[view]
	start   time.Time    // monotonic base for synced and for the clock of Check
	startNS int64        // start, Unix ns: Check's wall clock is startNS + time since start
	synced  atomic.Int64 // ns since start when the view was last confirmed; <0: never
	// clock is the ns since start that Check reads while Run keeps it
	// (see tick); 0 when no Run keeps it, and Check reads the clock itself.
	clock atomic.Int64

	changes, resyncs, gaps atomic.Uint64

	// downSince is when the follower lost the store, zero while it is in
	// sync: an outage is logged once as a warning when it starts and once
	// when it ends, and its retries at debug level. Only Run's goroutine
	// reads and writes it.
	downSince time.Time
}

// NewChecker returns a Checker following src. cfg is taken WithDefaults;
// Run reports a config that does not validate. Until Run has loaded a first
// snapshot, the view is empty and stale.
func NewChecker(src Source, cfg CheckerConfig, logger *slog.Logger) *Checker {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Checker{src: src, cfg: cfg.WithDefaults(), logger: logger.With("component", "blocklist.checker"), start: time.Now()}
	c.startNS = c.start.UnixNano()
	c.view.Store(emptyView())
	c.synced.Store(-1)
	return c
}

// FailMode returns the fail mode the Checker applies when a call does not
// give its own.
func (c *Checker) FailMode() FailMode { return c.cfg.FailMode }

// ProbeInterval returns how often the Checker confirms its view while no
// change arrives: the Retry-After of a refusal by the fail mode.
func (c *Checker) ProbeInterval() time.Duration { return c.cfg.ProbeInterval }

// Staleness returns how long ago the view was last confirmed in sync with
// the store, by the clock Check reads, so a view is stale to both at once;
// a very large value before the first snapshot.
func (c *Checker) Staleness() time.Duration {
	s := c.synced.Load()
	if s < 0 {
		return time.Duration(1<<63 - 1)
	}
	return max(c.elapsed()-time.Duration(s), 0)
}

// Stats returns the Checker's counters.
func (c *Checker) Stats() CheckerStats {
	v := c.view.Load()
	return CheckerStats{
		Version:   v.version,
		Decisions: v.count,
		Allow:     len(v.allowEntries),
		Staleness: c.Staleness(),
		Changes:   c.changes.Load(),
		Resyncs:   c.resyncs.Load(),
		Gaps:      c.gaps.Load(),
	}
}

// nowMS is the clock blocks lapse by: the wall clock at start plus the
// monotonic time since, so a step of the wall clock does not lift or
// extend blocks.
func (c *Checker) nowMS() int64 { return (c.startNS + int64(time.Since(c.start))) / 1e6 }

func (c *Checker) markSynced() { c.synced.Store(int64(time.Since(c.start))) }

// clockTick bounds how far the clock that Check reads lags the real one
// while Run keeps it: blocks lapse at most this late, and the view is
// found stale at most this late. Reading the clock costs about a quarter
// of a check on a virtual machine (25 of 90 ns), and checks outnumber
// ticks by far on a busy gateway; an idle one wakes 20 times a second.
const clockTick = 50 * time.Millisecond

// tick keeps the clock Check reads until ctx ends, and then leaves Check
// to read the clock itself. The tick is at most a tenth of MaxStaleness.
func (c *Checker) tick(ctx context.Context) {
	defer c.clock.Store(0)
	t := time.NewTicker(max(min(clockTick, c.cfg.MaxStaleness/10), time.Millisecond))
	defer t.Stop()
	for {
		c.clock.Store(max(int64(time.Since(c.start)), 1))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// elapsed is the time since start as Check reads it: the clock that Run
// keeps, or the real one.
func (c *Checker) elapsed() time.Duration {
	if n := c.clock.Load(); n > 0 {
		return time.Duration(n)
	}
	return time.Since(c.start)
}

// Check says whether a request from ip, with apiKey and user (empty when
// absent), is blocked, applying the configured fail mode when the view is
// stale.
func (c *Checker) Check(ip netip.Addr, apiKey, user string) Verdict {
	return c.CheckRoute(ip, apiKey, user, 0)
}

// CheckRoute is Check with a fail mode of its own, so routes can differ;
// a zero mode means the configured one. A stale view on a fail-closed
// route blocks, whatever the action of a matching decision.
func (c *Checker) CheckRoute(ip netip.Addr, apiKey, user string, mode FailMode) (out Verdict) {
	v := c.view.Load()
	el := c.elapsed() // one clock read serves staleness and expiry
	s := c.synced.Load()
	ip = ip.Unmap()
	e, hit := v.blocked(ip, apiKey, user, (c.startNS+int64(el))/1e6)
	if s >= 0 && el-time.Duration(s) <= c.cfg.MaxStaleness { // fresh
		if hit { // else the common case: nothing matched, so no allowlist to consult
			v.verdict(&out, &e, ip, apiKey, user, 0)
		}
		return out
	}
	if mode == 0 {
		mode = c.cfg.FailMode
	}
	switch {
	case hit:
		v.verdict(&out, &e, ip, apiKey, user, mode)
	case mode == FailClosed:
		v.verdict(&out, nil, ip, apiKey, user, mode)
	default:
		out = Verdict{Stale: true, FailMode: mode}
	}
	return out
}

// verdict sets out, a zero Verdict, to the verdict on a request that e
// matches, if not nil, or that the fail mode of a stale view, if not zero,
// may refuse. It writes in place: a Verdict is too large to return in
// registers, and the check is mostly copying otherwise. Only a match or a
// stale view on a fail-closed route consults the allowlist.
func (v *view) verdict(out *Verdict, e *entry, ip netip.Addr, apiKey, user string, stale FailMode) {
	out.Stale = stale != 0
	if v.allow.AllowsRequest(ip, apiKey, user) {
		return
	}
	out.FailMode, out.Action = stale, decision.ActionBlock
	if e == nil { // the view is stale and the route fails closed
		out.Blocked = true
		return
	}
	// A stale fail-closed route refuses whatever the decision's action.
	out.Blocked = e.act == actBlock || stale == FailClosed
	out.Client, out.Expires = e.client, time.UnixMilli(e.exp)
	out.Severity = float64(e.sev) / 255
	if !out.Blocked {
		out.Action, out.Limit = actionNames[e.act], float64(e.limit)
	}
}

// act is a decision's action, as a view holds it: the zero act is a
// block, as a decision without an action is.
type act uint8

const (
	actBlock act = iota
	actThrottle
	actChallenge
	actLog
)

// actionNames are the actions by act.
var actionNames = [...]string{actBlock: decision.ActionBlock, actThrottle: decision.ActionThrottle,
	actChallenge: decision.ActionChallenge, actLog: decision.ActionLog}

// actOf returns the act of action. An action the view does not know, which
// the store refuses to read, is taken as a block.
func actOf(action string) act {
	switch action {
	case decision.ActionThrottle:
		return actThrottle
	case decision.ActionChallenge:
		return actChallenge
	case decision.ActionLog:
		return actLog
	}
	return actBlock
}

// entry is a decision in a view: its client, its expiry (Unix ms, by the
// store's clock), its action and the limit of a throttle. A removed entry
// in an overlay hides the base's. The action and the limit fit in the
// padding after removed, so an entry is no larger than a bare block's.
type entry struct {
	client  string
	exp     int64
	removed bool
	act     act
	sev     uint8 // the decision's Severity, in 255ths
	limit   float32
}

// entryOf returns the entry of d, which lapses at exp (Unix ms).
func entryOf(d *decision.Decision, exp int64) entry {
	return entry{client: d.Client, exp: exp, act: actOf(d.Action), sev: uint8(math.Round(d.Severity() * 255)), limit: float32(d.Limit)}
}

// table holds blocks by kind of client. IPv4 addresses and IPv6 /64
// prefixes, the common kinds, have integer keys: the runtime's fast map
// paths hash them in a few cycles, which keeps a lookup near 80 ns with
// 100k decisions.
type table struct {
	v4       map[uint32]entry       // IPv4 addresses
	ips      map[netip.Addr]entry   // IPv6 addresses
	p64      map[uint64]entry       // IPv6 /64 prefixes, by their first 64 bits
	prefixes map[netip.Prefix]entry // other prefixes, masked
	ids      map[string]entry       // API keys, users, other identities
}

func newTable(n int) *table {
	return &table{v4: make(map[uint32]entry, n), ips: map[netip.Addr]entry{}, p64: map[uint64]entry{},
		prefixes: map[netip.Prefix]entry{}, ids: map[string]entry{}}
}

func (t *table) len() int {
	return len(t.v4) + len(t.ips) + len(t.p64) + len(t.prefixes) + len(t.ids)
}

func v4Key(ip netip.Addr) uint32 {
	b := ip.As4()
	return binary.BigEndian.Uint32(b[:])
}

// p64Key returns the first 64 bits of ip, an IPv6 address. It reads them
// through AppendBinary rather than As16, whose array is written in halves
// and then copied whole: the processor cannot forward those stores to the
// copy's load and waits for them. Without its zone ip takes 16 bytes,
// which buf holds.
func p64Key(ip netip.Addr) uint64 {
	var buf [16]byte
	b, _ := ip.WithZone("").AppendBinary(buf[:0])
	return binary.BigEndian.Uint64(b[:8])
}

// isP64 says whether p, masked and unmapped, is an IPv6 /64.
func isP64(p netip.Prefix) bool { return p.Bits() == 64 && p.Addr().Is6() }

// put files e under its client, parsed.
func (t *table) put(e entry) {
	switch k := parseClient(e.client); {
	case k.ip.Is4():
		t.v4[v4Key(k.ip)] = e
	case k.ip.IsValid():
		t.ips[k.ip] = e
	case isP64(k.prefix):
		t.p64[p64Key(k.prefix.Addr())] = e
	case k.prefix.IsValid():
		t.prefixes[k.prefix] = e
	default:
		t.ids[e.client] = e
	}
}

type clientKey struct {
	ip     netip.Addr
	prefix netip.Prefix
}

// parseClient says whether client is an IP address or a prefix. A prefix
// of full length is an address.
func parseClient(client string) clientKey {
	if strings.IndexByte(client, '/') >= 0 {
		p, err := netip.ParsePrefix(client)
		if err != nil {
			return clientKey{}
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-unmapBits(p.Addr())).Masked()
		if p.Bits() == p.Addr().BitLen() {
			return clientKey{ip: p.Addr()}
		}
		return clientKey{prefix: p}
	}
	if a, err := netip.ParseAddr(client); err == nil {
		return clientKey{ip: a.Unmap().WithZone("")}
	}
	return clientKey{}
}

func unmapBits(a netip.Addr) int {
	if a.Is4In6() {
		return 96
	}
	return 0
}

// prefixLens are the prefix lengths present in a set, so that a lookup
// tries only those and allocates nothing.
type prefixLens struct {
	v4, v6 []int // prefix lengths present, longest first
}

func (l *prefixLens) add(p netip.Prefix) {
	s := &l.v6
	if p.Addr().Is4() {
		s = &l.v4
	}
	if !slices.Contains(*s, p.Bits()) {
		*s = append(slices.Clone(*s), p.Bits()) // views share lens: copy on write
		slices.SortFunc(*s, func(a, b int) int { return b - a })
	}
}

func (l *prefixLens) of(ip netip.Addr) []int {
	if ip.Is4() {
		return l.v4
	}
	return l.v6
}

// view is an immutable state of the blocklist: a base table, an overlay of
// the changes since the base was built, and the allowlist.
type view struct {
	version      uint64
	base, over   *table
	lens         prefixLens // prefix lengths in base or over
	count        int        // active blocks, lapsed ones included until a sweep
	minExp       int64      // earliest expiry in the view (Unix ms); 0 if none
	allowEntries []string   // sorted
	allow        *decision.Allowlist
	allowErr     error // the entries of allowEntries that allow could not read
}

func emptyView() *view {
	return &view{base: newTable(0), over: newTable(0), allow: &decision.Allowlist{}}
}

// setAllow parses the view's allowlist entries. An entry that does not
// parse allows nothing and is kept in allowErr for the Checker to report.
func (v *view) setAllow() {
	v.allow, v.allowErr = decision.ParseAllowlist(v.allowEntries)
}

// blocked returns the decision that covers the request, if one is active
// at now (Unix ms).
func (v *view) blocked(ip netip.Addr, apiKey, user string, now int64) (entry, bool) {
	if len(v.base.ids)+len(v.over.ids) > 0 {
		if apiKey != "" {
			if e, ok := lookup(v.over.ids, v.base.ids, apiKey); ok && e.exp > now {
				return e, true
			}
		}
		if user != "" {
			if e, ok := lookup(v.over.ids, v.base.ids, user); ok && e.exp > now {
				return e, true
			}
		}
	}
	if ip.Is4() {
		if e, ok := lookup(v.over.v4, v.base.v4, v4Key(ip)); ok && e.exp > now {
			return e, true
		}
	} else if ip.IsValid() {
		if len(v.base.ips)+len(v.over.ips) > 0 {
			if e, ok := lookup(v.over.ips, v.base.ips, ip); ok && e.exp > now {
				return e, true
			}
		}
		if len(v.base.p64)+len(v.over.p64) > 0 {
			if e, ok := lookup(v.over.p64, v.base.p64, p64Key(ip)); ok && e.exp > now {
				return e, true
			}
		}
	} else {
		return entry{}, false
	}
	for _, bits := range v.lens.of(ip) {
		p, _ := ip.Prefix(bits)
		if e, ok := lookup(v.over.prefixes, v.base.prefixes, p); ok && e.exp > now {
			return e, true
		}
	}
	return entry{}, false
}

// lookup reads over, then base: an overlay entry, even a removal, hides the
// base's. It reports a removal as not found.
func lookup[K comparable](over, base map[K]entry, k K) (entry, bool) {
	if len(over) > 0 {
		if e, ok := over[k]; ok {
			return e, !e.removed
		}
	}
	e, ok := base[k]
	return e, ok
}

// find returns the live entry of exactly client, in the overlay or the
// base.
func (v *view) find(client string) (entry, bool) {
	switch k := parseClient(client); {
	case k.ip.Is4():
		return lookup(v.over.v4, v.base.v4, v4Key(k.ip))
	case k.ip.IsValid():
		return lookup(v.over.ips, v.base.ips, k.ip)
	case isP64(k.prefix):
		return lookup(v.over.p64, v.base.p64, p64Key(k.prefix.Addr()))
	case k.prefix.IsValid():
		return lookup(v.over.prefixes, v.base.prefixes, k.prefix)
	default:
		return lookup(v.over.ids, v.base.ids, client)
	}
}

// fromSnapshot builds a view of s.
func fromSnapshot(s Snapshot) *view {
	v := &view{version: s.Version, base: newTable(len(s.Decisions)), over: newTable(0)}
	for i, d := range s.Decisions {
		e := entryOf(d, s.Expires[i].UnixMilli())
		v.base.put(e)
		v.noteExp(e.exp)
	}
	for p := range v.base.prefixes {
		v.lens.add(p)
	}
	v.count = v.base.len()
	v.allowEntries = slices.Clone(s.Allow)
	v.setAllow()
	return v
}

func (v *view) noteExp(exp int64) {
	if v.minExp == 0 || exp < v.minExp {
		v.minExp = exp
	}
}

// maxOverlay is how many changes an overlay holds before it is merged
// into a new base.
// Each batch copies the overlay and each merge rebuilds the base, so
// about sqrt of the base balances the two: ~1.3k changes for 100k blocks.
func (v *view) maxOverlay() int { return max(256, 4*int(math.Sqrt(float64(v.base.len())))) }

// with returns a new view: v with the changes cs applied, which follow one
// another from v.version. It shares the base with v unless it compacts.
func (v *view) with(cs []Change, now int64) *view {
	n := *v
	over := &table{v4: cloneMap(v.over.v4, len(cs)), ips: cloneMap(v.over.ips, 0), p64: cloneMap(v.over.p64, 0),
		prefixes: cloneMap(v.over.prefixes, 0), ids: cloneMap(v.over.ids, 0)}
	n.over = over
	allowChanged := false
	for _, c := range cs {
		n.version = c.Version
		switch c.Op {
		case OpStore:
			e := entry{client: c.Client, exp: c.ExpiresMS}
			if c.Decision != nil {
				e = entryOf(c.Decision, c.ExpiresMS)
				e.client = c.Client
			}
			if _, ok := n.find(c.Client); ok {
				n.count-- // a refresh
			}
			over.put(e)
			n.noteExp(e.exp)
			n.count++
			if k := parseClient(c.Client); k.prefix.IsValid() && !isP64(k.prefix) {
				n.lens.add(k.prefix)
			}
		case OpRemove:
			if _, ok := n.find(c.Client); ok {
				n.count--
			}
			over.put(entry{client: c.Client, removed: true})
		case OpAllow:
			if i, found := slices.BinarySearch(n.allowEntries, c.Entry); !found {
				n.allowEntries = slices.Insert(slices.Clone(n.allowEntries), i, c.Entry)
				allowChanged = true
			}
		case OpUnallow:
			if i, found := slices.BinarySearch(n.allowEntries, c.Entry); found {
				n.allowEntries = slices.Delete(slices.Clone(n.allowEntries), i, i+1)
				allowChanged = true
			}
		}
	}
	if allowChanged {
		n.setAllow()
	}
	if over.len() > n.maxOverlay() {
		return n.compact(now)
	}
	return &n
}

func cloneMap[K comparable](m map[K]entry, extra int) map[K]entry {
	c := make(map[K]entry, len(m)+extra)
	for k, e := range m {
		c[k] = e
	}
	return c
}

// merge passes keep the entries of base that over does not hide, then
// those of over.
func merge[K comparable](base, over map[K]entry, keep func(entry)) {
	for k, e := range base {
		if _, ok := over[k]; !ok {
			keep(e)
		}
	}
	for _, e := range over {
		keep(e)
	}
}

// compact returns v with its overlay merged into a new base and the blocks
// lapsed at now dropped.
func (v *view) compact(now int64) *view {
	n := &view{version: v.version, base: newTable(len(v.base.v4) + len(v.over.v4)), over: newTable(0),
		allowEntries: v.allowEntries, allow: v.allow, allowErr: v.allowErr}
	keep := func(e entry) {
		if !e.removed && e.exp > now {
			n.base.put(e)
			n.noteExp(e.exp)
		}
	}
	merge(v.base.v4, v.over.v4, keep)
	merge(v.base.ips, v.over.ips, keep)
	merge(v.base.p64, v.over.p64, keep)
	merge(v.base.prefixes, v.over.prefixes, keep)
	merge(v.base.ids, v.over.ids, keep)
	for p := range n.base.prefixes {
		n.lens.add(p)
	}
	n.count = n.base.len()
	return n
}

// Run keeps the view in sync with the store until ctx ends, then returns
// nil. It subscribes to changes, loads a snapshot, and applies the changes
// in version order; it reloads the snapshot on a version gap, on a version
// lower than the view's (Redis restarted), and every ResyncInterval. While
// Redis is unreachable it retries with backoff and the view grows stale.
// It also keeps the clock that Check reads (see clockTick). It returns an
// error only for a config that does not validate.
func (c *Checker) Run(ctx context.Context) error {
	if err := c.cfg.Validate(); err != nil {
		return err
	}
	tctx, stop := context.WithCancel(ctx)
	ticked := make(chan struct{})
	go func() { defer close(ticked); c.tick(tctx) }()
	defer func() { stop(); <-ticked }()
	backoff := 50 * time.Millisecond
	for {
		loaded := c.resyncs.Load()
		err := c.follow(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if c.resyncs.Load() != loaded { // it was in sync meanwhile: a new outage
			backoff = 50 * time.Millisecond
		}
		c.lost(ctx, err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// follow subscribes, loads a snapshot and applies changes until ctx ends
// or the store fails.
func (c *Checker) follow(ctx context.Context) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes, err := c.src.Subscribe(sctx)
	if err != nil {
		return err
	}
	defer func() { // let the subscription's goroutine end before returning
		cancel()
		for range changes {
		}
	}()
	if err := c.resync(ctx); err != nil {
		return err
	}
	c.regained(ctx)
	resync := time.NewTicker(c.cfg.ResyncInterval)
	defer resync.Stop()
	probe := time.NewTicker(c.cfg.ProbeInterval)
	defer probe.Stop()
	sweep := time.NewTicker(time.Second)
	defer sweep.Stop()
	batch := make([]Change, 0, 256)
	var ahead uint64 // a store version seen ahead of the view at the last probe
	for {
		select {
		case <-ctx.Done():
			return nil
		case ch, ok := <-changes:
			if !ok {
				return errors.New("blocklist: checker: subscription ended")
			}
			arrived := time.Now()
			batch = drainChanges(append(batch[:0], ch), changes)
			if err := c.apply(ctx, batch, arrived); err != nil {
				return err
			}
		case <-resync.C:
			if err := c.resync(ctx); err != nil {
				return err
			}
		case <-probe.C:
			if ahead, err = c.probe(ctx, ahead); err != nil {
				return err
			}
		case <-sweep.C:
			c.sweep(ctx)
		}
	}
}

// drainChanges appends to batch the changes already waiting in changes,
// up to batch's capacity, without blocking.
func drainChanges(batch []Change, changes <-chan Change) []Change {
	for len(batch) < cap(batch) {
		select {
		case ch, ok := <-changes:
			if !ok {
				return batch
			}
			batch = append(batch, ch)
		default:
			return batch
		}
	}
	return batch
}

// probe compares the store's version with the view's and returns the
// store version to remember as ahead of the view for the next probe (0 for
// none). Equal versions mark the view synced. A store behind the view (it
// restarted), or a view still behind a version that was ahead at the last
// probe (announced changes never arrived), is a gap, and it resyncs. A
// store that does not answer is lost, which is not an error: the next
// probe tries again.
func (c *Checker) probe(ctx context.Context, ahead uint64) (uint64, error) {
	pctx, cancel := context.WithTimeout(ctx, c.cfg.ProbeInterval)
	sv, err := c.src.Version(pctx)
	cancel()
	if err != nil {
		c.lost(ctx, err)
		return ahead, nil
	}
	c.regained(ctx)
	v := c.view.Load().version
	switch {
	case sv == v:
		c.markSynced()
		return 0, nil
	case sv < v || (ahead != 0 && v < ahead):
		c.gaps.Add(1)
		if err := c.resync(ctx); err != nil {
			return ahead, err
		}
		return 0, nil
	default:
		return sv, nil // changes may be in flight; check at the next probe
	}
}

// sweep drops the expired entries from the view once the earliest expiry
// has passed.
func (c *Checker) sweep(ctx context.Context) {
	now := c.nowMS()
	if v := c.view.Load(); v.minExp != 0 && v.minExp <= now {
		c.setView(ctx, v.compact(now))
	}
}

// setView makes v the view Check reads. When v's allowlist holds entries
// that do not parse (written to the store by something other than
// Store.Allow, which refuses them), it logs them as an error, once each
// time they change: such an entry allows nothing, and an operator must
// fix or remove it.
func (c *Checker) setView(ctx context.Context, v *view) {
	old := c.view.Swap(v)
	if v.allowErr == nil || old.allowErr != nil && old.allowErr.Error() == v.allowErr.Error() {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelError, "blocklist allowlist has entries that allow nothing; remove them with portcullis blocklist unallow",
		slog.Any("error", v.allowErr))
}

// lost notes that the store could not be reached: a warning at the start
// of an outage, debug lines for the retries after it.
func (c *Checker) lost(ctx context.Context, err error) {
	if c.downSince.IsZero() {
		c.downSince = time.Now()
		c.logger.LogAttrs(ctx, slog.LevelWarn, "blocklist store unreachable; serving from the local view and retrying until it is back",
			slog.Duration("staleness", c.Staleness()), slog.Any("error", err))
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "blocklist store still unreachable; retrying",
		slog.Duration("staleness", c.Staleness()), slog.Duration("outage", time.Since(c.downSince).Round(time.Millisecond)), slog.Any("error", err))
}

// regained notes that the store answered, and ends an outage with one line.
func (c *Checker) regained(ctx context.Context) {
	if c.downSince.IsZero() {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "blocklist store reachable again",
		slog.Duration("outage", time.Since(c.downSince).Round(time.Millisecond)), slog.Uint64("version", c.view.Load().version))
	c.downSince = time.Time{}
}

// resync loads a snapshot into the view.
func (c *Checker) resync(ctx context.Context) error {
	s, err := c.src.List(ctx)
	if err != nil {
		return err
	}
	c.setView(ctx, fromSnapshot(s))
	c.resyncs.Add(1)
	c.markSynced()
	if c.cfg.OnView != nil {
		c.cfg.OnView(&s, nil)
	}
	return nil
}

// apply applies a batch of changes in version order, and resyncs on a gap.
func (c *Checker) apply(ctx context.Context, batch []Change, arrived time.Time) error {
	v := c.view.Load()
	// Changes at or below the view's version: already in the snapshot, or
	// Redis restarted. Only the store can tell.
	start := 0
	for start < len(batch) && batch[start].Version <= v.version {
		start++
	}
	if start > 0 {
		sv, err := c.src.Version(ctx)
		if err != nil {
			return err
		}
		if sv < v.version {
			c.gaps.Add(1)
			return c.resync(ctx)
		}
	}
	good := batch[start:]
	n := 0
	for n < len(good) && good[n].Version == v.version+uint64(n)+1 {
		n++
	}
	if n > 0 {
		c.setView(ctx, v.with(good[:n], c.nowMS()))
		c.changes.Add(uint64(n))
		c.markSynced()
		if c.cfg.OnView != nil {
			c.cfg.OnView(nil, good[:n])
		}
		if c.cfg.OnApplied != nil {
			now := time.Now()
			for _, ch := range good[:n] {
				if ch.Op != OpStore {
					continue
				}
				lat := now.Sub(arrived)
				if ch.StoredMS > 0 {
					lat = max(now.Sub(time.UnixMilli(ch.StoredMS)), lat)
				}
				c.cfg.OnApplied(lat)
			}
		}
	}
	if n < len(good) {
		c.gaps.Add(1)
		c.logger.LogAttrs(ctx, slog.LevelInfo, "version gap in blocklist changes; reloading the snapshot",
			slog.Uint64("have", v.version+uint64(n)), slog.Uint64("got", good[n].Version))
		return c.resync(ctx)
	}
	return nil
}
