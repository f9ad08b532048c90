package enforce

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/testwait"
)

// feedAnswer is one answer of the feed, split into its records.
type feedAnswer struct {
	status              int
	epoch, seq, kind    string
	lines               []string // every line after the first
	plus, minus, others []string
}

func readFeed(t testing.TB, s *Service, query string) feedAnswer {
	t.Helper()
	resp, err := http.Get("http://" + s.AdminAddr().String() + FeedPath + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := feedAnswer{status: resp.StatusCode}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return a
	}
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() {
		t.Fatal("an empty feed answer")
	}
	f := strings.Fields(sc.Text())
	if len(f) != 5 || f[0] != "portcullis-feed" || f[1] != "1" {
		t.Fatalf("first line %q; want portcullis-feed 1 <epoch> <seq> <kind>", sc.Text())
	}
	a.epoch, a.seq, a.kind = f[2], f[3], f[4]
	for sc.Scan() {
		line := sc.Text()
		a.lines = append(a.lines, line)
		switch {
		case strings.HasPrefix(line, "+ "):
			a.plus = append(a.plus, line)
		case strings.HasPrefix(line, "- "):
			a.minus = append(a.minus, line)
		default:
			a.others = append(a.others, line)
		}
	}
	if n := len(a.lines); n == 0 || a.lines[n-1] != "end "+a.seq {
		t.Fatalf("the answer does not close with end %s: %q", a.seq, a.lines)
	}
	return a
}

func (a feedAnswer) line(prefix string) string {
	for _, l := range a.lines {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func (a feedAnswer) has(prefix string) bool { return a.line(prefix) != "" }

func TestFeed(t *testing.T) {
	_, cfg := exampleOn(t, "nginx", "open")
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	v4 := applyOne(t, store, block("192.0.2.7", decision.ScopeIP, 600))
	applyOne(t, store, block("2001:db8::9", decision.ScopeIP, 600))
	applyOne(t, store, block("2001:db8:1:2::/64", decision.ScopeIPv6Prefix64, 600))
	applyOne(t, store, block("198.51.100.0/24", decision.ScopeIP, 600))
	th := block("192.0.2.8", decision.ScopeIP, 600)
	th.Action, th.Limit = decision.ActionThrottle, 2
	applyOne(t, store, th)
	applyOne(t, store, block("key_0badf00d", decision.ScopeAPIKey, 600))
	applyOne(t, store, block("mallory <script>\"\r\n", decision.ScopeUser, 600))
	for _, e := range []string{"203.0.113.0/25", "::ffff:192.0.2.200", "partner-1"} {
		if err := store.Allow(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	var snap feedAnswer
	testwait.Eventually(t, 5*time.Second, "the decisions and allowlist in the feed", func() (bool, string) {
		snap = readFeed(t, s, "")
		return len(snap.plus) == 5 && snap.line("a ") != "a -" && strings.HasSuffix(snap.line("s "), " 2 1"), strings.Join(snap.lines, "|")
	})

	t.Run("without an epoch the feed answers the snapshot, keyed as nginx's $binary_remote_addr is", func(t *testing.T) {
		if snap.kind != "snapshot" {
			t.Fatalf("kind %q; want snapshot", snap.kind)
		}
		want := []string{
			"+ c0000207 b " + itoa(v4.Expires.UnixMilli()) + " " + DecisionID("192.0.2.7", v4.Expires), // IPv4: 4 bytes
			"+ 20010db8000000000000000000000009 b ",                                                    // IPv6: 16 bytes
			"+ 20010db800010002 b ",                                                                    // IPv6 /64: its first 8 bytes
			"+ 503418c6336400 b ",                                                                      // "P", "4", 24, then the masked address
			"+ c0000208 t ",                                                                            // a throttle
		}
		for _, w := range want {
			if !snap.has(w) {
				t.Errorf("no line %q in %q", w, snap.plus)
			}
		}
		if l := snap.line("l "); l != "l 24 -" {
			t.Errorf("prefix lengths %q; want \"l 24 -\"", l)
		}
		if l := snap.line("a "); l != "a cb007100/25,c00002c8/32" {
			t.Errorf("allowlist %q; want a cb007100/25,c00002c8/32 (the mapped address unmapped)", l)
		}
		if l := snap.line("s "); !strings.HasPrefix(l, "s ") || !strings.HasSuffix(l, " 3000 open 403 3600 2 1") {
			t.Errorf("state %q; want max_staleness 3000 ms, open, 403, Retry-After cap 3600 s, 2 identity decisions, 1 identity allow entry", l)
		}
		if l := snap.line("h "); l != "h x_api_key -" {
			t.Errorf("headers %q; want \"h x_api_key -\"", l)
		}
		if l := snap.line("r "); l != "r closed %2Flogin" {
			t.Errorf("route %q; want \"r closed %%2Flogin\"", l)
		}
	})

	t.Run("the clients of identity decisions, untrusted strings, are left out", func(t *testing.T) {
		for _, l := range snap.lines {
			if strings.ContainsAny(l, "<\"\r") || strings.Contains(l, "mallory") || strings.Contains(l, "0badf00d") || strings.Contains(l, "partner") {
				t.Errorf("line %q carries an identity", l)
			}
		}
	})

	q := func(a feedAnswer, wait string) string {
		return "?" + url.Values{"epoch": {a.epoch}, "since": {a.seq}, "wait": {wait}}.Encode()
	}
	t.Run("a follower in step waits for the next change, and gets only it", func(t *testing.T) {
		done := make(chan feedAnswer, 1)
		go func() { done <- readFeed(t, s, q(snap, "20s")) }()
		time.Sleep(100 * time.Millisecond) // let the poll wait; a change before it is answered the same
		d := applyOne(t, store, block("192.0.2.9", decision.ScopeIP, 600))
		start := time.Now()
		a := testwait.Recv(t, done, 5*time.Second, "the long poll's answer")
		t.Logf("change to answer: %v", time.Since(start))
		want := "+ c0000209 b " + itoa(d.Expires.UnixMilli()) + " " + DecisionID("192.0.2.9", d.Expires)
		if a.kind != "delta" || len(a.plus) != 1 || a.plus[0] != want || len(a.minus) != 0 {
			t.Fatalf("%s %q %q; want delta with %q alone", a.kind, a.plus, a.minus, want)
		}
		if _, err := store.Remove(t.Context(), "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
		var b feedAnswer
		testwait.Eventually(t, 5*time.Second, "the removal", func() (bool, string) {
			b = readFeed(t, s, q(a, "0s"))
			return len(b.minus) == 1, strings.Join(b.lines, "|")
		})
		if b.minus[0] != "- c0000209" || len(b.plus) != 0 {
			t.Errorf("%q %q; want - c0000209 alone", b.minus, b.plus)
		}
	})

	t.Run("with nothing new the poll ends within max_staleness/2 with the state alone", func(t *testing.T) {
		a := readFeed(t, s, "")
		start := time.Now()
		b := readFeed(t, s, q(a, "20s"))
		if el := time.Since(start); el > cfg.Blocklist.MaxStaleness {
			t.Errorf("the poll took %v; want it capped at max_staleness/2 (%v)", el, cfg.Blocklist.MaxStaleness/2)
		}
		if b.kind != "delta" || len(b.plus)+len(b.minus) != 0 || !b.has("s ") {
			t.Errorf("%s %q; want an empty delta with the state", b.kind, b.lines)
		}
	})

	t.Run("another epoch, or a seq ahead of the feed's, gets the snapshot", func(t *testing.T) {
		for _, query := range []string{"?epoch=0123456789abcdef&since=" + snap.seq, "?epoch=" + snap.epoch + "&since=999999999"} {
			if a := readFeed(t, s, query); a.kind != "snapshot" || len(a.plus) != 5 {
				t.Errorf("%s: %s with %d decisions; want the snapshot of 5", query, a.kind, len(a.plus))
			}
		}
	})

	t.Run("a bad since or wait is refused with 400", func(t *testing.T) {
		for _, query := range []string{"?since=-1", "?since=x", "?wait=forever", "?wait=-1s"} {
			if a := readFeed(t, s, query); a.status != http.StatusBadRequest {
				t.Errorf("%s: %d; want 400", query, a.status)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A follower further behind than the feed's log holds gets the snapshot;
// one within it gets the changes it missed, in order.
func TestFeedFollowerBehindTheLog(t *testing.T) {
	cfg := testConfig("127.0.0.1:1").WithDefaults()
	cfg.Blocklist.FailMode = "open"
	f := newFeed(cfg)
	f.checker = blocklist.NewChecker(nil, cfg.checkerConfig(nil), nil)
	f.onView(&blocklist.Snapshot{}, nil)
	n := feedLogLen + 10
	cs := make([]blocklist.Change, n)
	for i := range cs {
		cs[i] = blocklist.Change{Version: uint64(i + 1), Op: blocklist.OpStore, Client: fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), ExpiresMS: time.Now().Add(time.Hour).UnixMilli()}
	}
	f.onView(nil, cs)
	f.onView(nil, []blocklist.Change{{Version: uint64(n + 1), Op: blocklist.OpRemove, Client: "10.0.0.1"}})
	ask := func(since uint64) feedAnswer {
		t.Helper()
		w := httptest.NewRecorder()
		f.ServeHTTP(w, httptest.NewRequest(http.MethodGet, fmt.Sprintf("%s?epoch=%s&since=%d", FeedPath, f.epoch, since), nil))
		if w.Code != http.StatusOK {
			t.Fatalf("since %d: %d %s", since, w.Code, w.Body)
		}
		lines := strings.Split(strings.TrimSuffix(w.Body.String(), "\n"), "\n")
		head := strings.Fields(lines[0])
		a := feedAnswer{kind: head[4], seq: head[3], lines: lines[1:]}
		for _, l := range a.lines {
			switch {
			case strings.HasPrefix(l, "+ "):
				a.plus = append(a.plus, l)
			case strings.HasPrefix(l, "- "):
				a.minus = append(a.minus, l)
			}
		}
		return a
	}
	seq := uint64(n + 1)
	if a := ask(1); a.kind != "snapshot" || len(a.plus) != n-1 || len(a.minus) != 0 {
		t.Errorf("since 1, past the log: %s with %d + and %d - lines; want the snapshot of %d", a.kind, len(a.plus), len(a.minus), n-1)
	}
	a := ask(seq - 2)
	if a.kind != "delta" || len(a.plus) != 1 || len(a.minus) != 1 || a.seq != fmt.Sprint(seq) {
		t.Fatalf("since %d: %s, seq %s, %q %q; want the last store and the removal", seq-2, a.kind, a.seq, a.plus, a.minus)
	}
	if i, j := slices.Index(a.lines, a.plus[0]), slices.Index(a.lines, a.minus[0]); i > j || a.minus[0] != "- 0a000001" {
		t.Errorf("%q; want the store, then - 0a000001", a.lines)
	}
}
