package enforce

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/decision"
)

// FeedPath is where the admin listener serves the feed: the view of the
// blocklist for a proxy that checks requests itself (the nginx Lua check
// of examples/nginx), as a snapshot and then the changes, long-polled.
//
// It is on the admin listener, not on listen, because the forward-auth
// listener answers on any path and Caddy and Traefik ask it with the
// client's own URI: there, a client could read the blocklist.
const FeedPath = "/v1/feed"

// FeedVersion is the version of the feed's format, the second field of
// its first line.
const FeedVersion = 1

// Bounds of a feed request's wait.
const (
	maxFeedWait = 60 * time.Second
	// feedLogLen is how many changes the feed keeps for followers that
	// are behind; one further behind reloads the snapshot.
	feedLogLen = 1 << 16
)

// feed mirrors the Checker's view, from its OnView calls, as the lines a
// follower reads. Each change to a decision the follower can match (an
// address or a prefix) is one line with a sequence number; a follower
// asks for those after the last it has, and gets the snapshot when it
// names another epoch (this process's, random) or a sequence number the
// log no longer holds.
//
// The format (text/plain, one record a line, fields split by one space;
// nothing from a request or a decision's client appears but as hex or
// percent-escaped):
//
//	portcullis-feed 1 <epoch> <seq> snapshot|delta
//	s <age ms, -1: never synced> <max_staleness ms> <open|closed> <refuse status> <max Retry-After s> <identity decisions> <identity allow entries>
//	h <API key header|-> <user header|->        (lower case, as nginx's $http_ variables name them)
//	l <IPv4 prefix lengths|-> <IPv6 prefix lengths|->   (comma-separated, longest first, of the P keys held)
//	a <allow entries|->                          (comma-separated <hex address>/<bits>; the whole allowlist)
//	r <open|closed> <path prefix, escaped>       (one a route; snapshot only)
//	+ <key hex> <b|t|c|l> <expires Unix ms> <decision id>
//	- <key hex>
//	end <seq>
//
// A key is the bytes a follower builds from nginx's $binary_remote_addr:
// the 4 bytes of an IPv4 address, the 16 of an IPv6 address, the first 8
// of an IPv6 /64, or for any other prefix "P", "4" or "6", one byte of
// length and the masked address. A snapshot holds every + line; the
// follower drops what it holds that the snapshot does not name. A delta
// holds the + and - lines after the follower's seq. "end" closes a
// complete answer: a follower applies a snapshot's removals and moves to
// its seq only after it.
type feed struct {
	epoch   string
	checker *blocklist.Checker
	cfg     Config
	head    string // the h line and the r lines, which the config fixes

	mu      sync.Mutex
	seq     uint64
	entries map[string]string   // + lines by key
	ids     map[string]struct{} // identity decisions: API keys, users
	lens    [2]map[int]int      // how many P keys of each prefix length, IPv4 and IPv6
	allow   []string            // the allowlist, sorted
	log     []feedLine          // the changes, oldest first
	wake    chan struct{}       // closed when lines are added
	closed  bool
}

type feedLine struct {
	seq  uint64
	line string
}

func newFeed(cfg Config) *feed {
	var b [8]byte
	rand.Read(b[:])
	f := &feed{epoch: hex.EncodeToString(b[:]), cfg: cfg, entries: map[string]string{}, ids: map[string]struct{}{},
		lens: [2]map[int]int{{}, {}}, wake: make(chan struct{})}
	var h strings.Builder
	fmt.Fprintf(&h, "h %s %s\n", headerVar(cfg.Client.APIKeyHeader), headerVar(cfg.Client.UserHeader))
	for _, r := range cfg.Routes {
		if r.FailMode != "" {
			fmt.Fprintf(&h, "r %s %s\n", r.FailMode, url.PathEscape(r.PathPrefix))
		}
	}
	f.head = h.String()
	return f
}

// headerVar is h as the name of nginx's variable for it follows $http_:
// lower case, - as _; "-" for none.
func headerVar(h string) string {
	if h == "" {
		return "-"
	}
	return url.PathEscape(strings.ReplaceAll(strings.ToLower(h), "-", "_"))
}

// feedKey returns the key of client, hex-encoded, and for a prefix other
// than an IPv6 /64 its family index (0 for IPv4, 1 for IPv6) and length;
// ok is false for an identity.
func feedKey(client string) (key string, fam, bits int, ok bool) {
	if strings.IndexByte(client, '/') < 0 {
		a, err := netip.ParseAddr(client)
		if err != nil {
			return "", 0, 0, false
		}
		a = a.Unmap().WithZone("")
		return hex.EncodeToString(a.AsSlice()), 0, 0, true
	}
	p, err := netip.ParsePrefix(client)
	if err != nil {
		return "", 0, 0, false
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
	}
	p = p.Masked()
	raw := p.Addr().AsSlice()
	switch {
	case p.Bits() == len(raw)*8:
		return hex.EncodeToString(raw), 0, 0, true
	case p.Addr().Is6() && p.Bits() == 64:
		return hex.EncodeToString(raw[:8]), 0, 0, true
	}
	fam = 0
	tag := byte('4')
	if p.Addr().Is6() {
		fam, tag = 1, '6'
	}
	return hex.EncodeToString(append([]byte{'P', tag, byte(p.Bits())}, raw...)), fam, p.Bits(), true
}

// actLetter is the letter of a decision's action in a + line.
func actLetter(d *decision.Decision) byte {
	if d == nil {
		return 'b'
	}
	switch d.Action {
	case decision.ActionThrottle:
		return 't'
	case decision.ActionChallenge:
		return 'c'
	case decision.ActionLog:
		return 'l'
	}
	return 'b'
}

// entryLine returns the + line of a decision on client, lapsing at expMS.
func entryLine(key, client string, d *decision.Decision, expMS int64) string {
	return fmt.Sprintf("+ %s %c %d %s", key, actLetter(d), expMS, httpcheck.DecisionID(client, time.UnixMilli(expMS)))
}

// onView is the Checker's OnView: it brings the mirror to the view and
// logs what changed for the followers.
func (f *feed) onView(s *blocklist.Snapshot, cs []blocklist.Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.log)
	if s != nil {
		f.resync(s)
	}
	for _, c := range cs {
		switch c.Op {
		case blocklist.OpStore:
			f.store(c.Client, c.Decision, c.ExpiresMS)
		case blocklist.OpRemove:
			f.remove(c.Client)
		case blocklist.OpAllow:
			if i, found := slices.BinarySearch(f.allow, c.Entry); !found {
				f.allow = slices.Insert(f.allow, i, c.Entry)
				f.add("") // the a line of every answer carries it: wake the followers
			}
		case blocklist.OpUnallow:
			if i, found := slices.BinarySearch(f.allow, c.Entry); found {
				f.allow = slices.Delete(f.allow, i, i+1)
				f.add("")
			}
		}
	}
	if len(f.log) > feedLogLen {
		f.log = slices.Delete(f.log, 0, len(f.log)-feedLogLen/2)
	}
	if len(f.log) != n {
		close(f.wake)
		f.wake = make(chan struct{})
	}
}

// resync brings the mirror to snapshot s: a - line for each key s does
// not hold, a + line for each it holds otherwise.
func (f *feed) resync(s *blocklist.Snapshot) {
	keep := make(map[string]struct{}, len(s.Decisions))
	ids := map[string]struct{}{}
	for i, d := range s.Decisions {
		key, _, _, ok := feedKey(d.Client)
		if !ok {
			ids[d.Client] = struct{}{}
			continue
		}
		keep[key] = struct{}{}
		f.store(d.Client, d, s.Expires[i].UnixMilli())
	}
	for key := range f.entries {
		if _, ok := keep[key]; !ok {
			f.dropKey(key)
		}
	}
	f.ids = ids
	if !slices.Equal(f.allow, s.Allow) {
		f.allow = slices.Clone(s.Allow)
		f.add("")
	}
}

func (f *feed) store(client string, d *decision.Decision, expMS int64) {
	key, fam, bits, ok := feedKey(client)
	if !ok {
		f.ids[client] = struct{}{}
		return
	}
	line := entryLine(key, client, d, expMS)
	old, had := f.entries[key]
	if had && old == line {
		return
	}
	if !had && bits > 0 {
		f.lens[fam][bits]++
	}
	f.entries[key] = line
	f.add(line)
}

func (f *feed) remove(client string) {
	key, _, _, ok := feedKey(client)
	if !ok {
		delete(f.ids, client)
		return
	}
	f.dropKey(key)
}

func (f *feed) dropKey(key string) {
	if _, had := f.entries[key]; !had {
		return
	}
	delete(f.entries, key)
	if raw, _ := hex.DecodeString(key); len(raw) > 3 && raw[0] == 'P' {
		fam := 0
		if raw[1] == '6' {
			fam = 1
		}
		if f.lens[fam][int(raw[2])]--; f.lens[fam][int(raw[2])] <= 0 {
			delete(f.lens[fam], int(raw[2]))
		}
	}
	f.add("- " + key)
}

// add logs line under the next sequence number; an empty line changes
// nothing but the sequence, which wakes followers to read the a line.
func (f *feed) add(line string) {
	f.seq++
	f.log = append(f.log, feedLine{seq: f.seq, line: line})
}

// close wakes the waiting followers for good, so that a shutdown does not
// wait out their long polls.
func (f *feed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.wake)
		f.wake = make(chan struct{}) // for onView to close, should a change still arrive
	}
}

// ServeHTTP answers GET FeedPath?epoch=&since=&wait=: the snapshot when
// epoch is not this feed's or the log no longer reaches since, else the
// changes after since, waiting up to wait (at most max_staleness/2, so
// that a follower hears of the view's staleness in time) for one.
func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	since, err := strconv.ParseUint(q.Get("since"), 10, 64)
	if err != nil && q.Get("since") != "" {
		http.Error(w, "since: give the seq of the last answer (an unsigned integer), or leave it out for the snapshot", http.StatusBadRequest)
		return
	}
	var wait time.Duration
	if s := q.Get("wait"); s != "" {
		if wait, err = time.ParseDuration(s); err != nil || wait < 0 {
			http.Error(w, "wait: give a duration such as 20s", http.StatusBadRequest)
			return
		}
	}
	maxStale := f.cfg.checkerConfig(nil).MaxStaleness
	wait = min(wait, maxFeedWait, maxStale/2)
	epoch := q.Get("epoch")

	f.mu.Lock()
	if epoch == f.epoch && since == f.seq && wait > 0 && !f.closed {
		wake := f.wake
		f.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-wake:
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
		f.mu.Lock()
	}
	snapshot := epoch != f.epoch || since > f.seq || (since < f.seq && (len(f.log) == 0 || since+1 < f.log[0].seq))
	var out []string
	if snapshot {
		out = make([]string, 0, len(f.entries))
		for _, line := range f.entries {
			out = append(out, line)
		}
	} else if since < f.seq {
		i, _ := slices.BinarySearchFunc(f.log, since+1, func(l feedLine, s uint64) int { return int64cmp(l.seq, s) })
		for _, l := range f.log[i:] {
			if l.line != "" {
				out = append(out, l.line)
			}
		}
	}
	seq, ids := f.seq, len(f.ids)
	lens := [2]string{lensList(f.lens[0]), lensList(f.lens[1])}
	allow, allowIDs := allowList(f.allow)
	f.mu.Unlock()

	age := int64(-1)
	if st := f.checker.Staleness(); st < 100*365*24*time.Hour {
		age = st.Milliseconds()
	}
	kind := "delta"
	if snapshot {
		kind = "snapshot"
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "portcullis-feed %d %s %d %s\n", FeedVersion, f.epoch, seq, kind)
	fmt.Fprintf(bw, "s %d %d %s %d %d %d %d\n", age, maxStale.Milliseconds(), f.cfg.Blocklist.FailMode,
		f.cfg.Refuse.Status, int64(f.cfg.Refuse.MaxRetryAfter/time.Second), ids, allowIDs)
	fmt.Fprintf(bw, "l %s %s\n", lens[0], lens[1])
	fmt.Fprintf(bw, "a %s\n", allow)
	if snapshot {
		bw.WriteString(f.head)
	} else {
		bw.WriteString(f.head[:strings.IndexByte(f.head, '\n')+1])
	}
	for _, line := range out {
		bw.WriteString(line)
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "end %d\n", seq)
	bw.Flush()
}

func int64cmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// lensList is the prefix lengths of m, longest first, comma-separated;
// "-" for none.
func lensList(m map[int]int) string {
	if len(m) == 0 {
		return "-"
	}
	ls := make([]int, 0, len(m))
	for l := range m {
		ls = append(ls, l)
	}
	slices.SortFunc(ls, func(a, b int) int { return b - a })
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(l))
	}
	return b.String()
}

// allowList returns the address and prefix entries of the allowlist
// entries as <hex masked address>/<bits>, comma-separated ("-" for none),
// and how many entries name an identity. An entry that does not parse
// allows nothing, as in the Checker.
func allowList(entries []string) (string, int) {
	var b strings.Builder
	ids := 0
	for _, e := range entries {
		if decision.ValidateAllowEntry(e) != nil {
			continue
		}
		e = strings.TrimSpace(e)
		var p netip.Prefix
		if strings.IndexByte(e, '/') >= 0 {
			p, _ = netip.ParsePrefix(e)
		} else if a, err := netip.ParseAddr(e); err == nil {
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if !p.IsValid() {
			ids++
			continue
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		p = netip.PrefixFrom(p.Addr().WithZone(""), p.Bits()).Masked()
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(hex.EncodeToString(p.Addr().AsSlice()))
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(p.Bits()))
	}
	if b.Len() == 0 {
		return "-", ids
	}
	return b.String(), ids
}
