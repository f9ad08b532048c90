package redisstore

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

var prefixes atomic.Int64

// newRedis returns a store on addr with a key prefix of its own, so tests
// share a server. Jitter is off unless the test sets it.
func newRedis(t testing.TB, addr string, set func(*Config)) *Store {
	t.Helper()
	cfg := Config{
		Addrs:     []string{addr},
		KeyPrefix: fmt.Sprintf("t%d:", prefixes.Add(1)),
		Policy:    Policy{TTLJitter: -1},
	}
	if set != nil {
		set(&cfg)
	}
	r, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// sibling returns another store on the same key prefix as r.
func sibling(t *testing.T, r *Store, set func(*Config)) *Store {
	t.Helper()
	cfg := r.cfg
	if set != nil {
		set(&cfg)
	}
	s, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func apply(t testing.TB, r *Store, ds ...*decision.Decision) []blocklist.Outcome {
	t.Helper()
	out, err := r.Apply(t.Context(), ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(ds) {
		t.Fatalf("%d outcomes for %d decisions", len(out), len(ds))
	}
	return out
}

func results(out []blocklist.Outcome) []blocklist.Result {
	rs := make([]blocklist.Result, len(out))
	for i, o := range out {
		rs[i] = o.Result
	}
	return rs
}

func clients(ds []*decision.Decision) []string {
	cs := make([]string, len(ds))
	for i, d := range ds {
		cs[i] = d.Client
	}
	return cs
}

func TestRedisTTL(t *testing.T) {
	addr := redistest.Start(t)
	t.Run("a stored decision keeps its fields and its TTL plus at most the jitter", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, func(c *Config) { c.TTLJitter = 0.1 })
		d := testDecision("203.0.113.7", 0, 600)
		d.Score, d.Threshold, d.Model, d.Events = 0.81, 0.62, "m1", 42
		d.Reasons = []decision.Reason{{Feature: "error_ratio", Value: 0.97, Typical: 0.02}}
		before := time.Now()
		o := apply(t, r, d)[0]
		if o.Result != blocklist.Stored || !o.New || o.Offenses != 1 || o.Version == 0 {
			t.Fatalf("outcome = %+v", o)
		}
		if o.TTL < 600*time.Second || o.TTL > 660*time.Second {
			t.Errorf("TTL = %v, want 600s to 660s", o.TTL)
		}
		if lag := o.Expires.Sub(before) - o.TTL; lag < -time.Second || lag > time.Second {
			t.Errorf("expires %v is not TTL %v from now", o.Expires, o.TTL)
		}
		got, err := r.Get(t.Context(), d.Client)
		if err != nil || got == nil {
			t.Fatalf("get = %v, %v", got, err)
		}
		want := *d
		want.TTLSec = int64((o.TTL + time.Second - 1) / time.Second)
		if fmt.Sprint(*got) != fmt.Sprint(want) || !got.TS.Equal(d.TS) {
			t.Errorf("stored\n %+v\nwant\n %+v", *got, want)
		}
		if d.TTLSec != 600 || d.Simulated {
			t.Error("Apply modified the caller's decision")
		}
	})
	t.Run("jitter spreads the expiries of a batch", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, func(c *Config) { c.TTLJitter = 0.1 })
		var ds []*decision.Decision
		for i := range 100 {
			ds = append(ds, testDecision(fmt.Sprintf("198.51.100.%d", i), 0, 600))
		}
		seconds := map[int64]bool{}
		for _, o := range apply(t, r, ds...) {
			if o.Result != blocklist.Stored || o.TTL < 600*time.Second || o.TTL > 660*time.Second {
				t.Fatalf("outcome = %+v, want stored with TTL 600s to 660s", o)
			}
			seconds[o.Expires.Unix()] = true
		}
		if len(seconds) < 30 {
			t.Errorf("100 blocks lapse in only %d distinct seconds", len(seconds))
		}
	})
	t.Run("a negative jitter turns it off", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		for _, o := range apply(t, r, testDecision("a", 0, 600), testDecision("b", 0, 600)) {
			if o.TTL != 600*time.Second {
				t.Errorf("TTL = %v, want 600s", o.TTL)
			}
		}
	})
	t.Run("a decision lapses at its TTL and leaves the list", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		apply(t, r, testDecision("short", 0, 1), testDecision("long", time.Second, 600))
		s, err := r.List(t.Context())
		if err != nil || !slices.Equal(clients(s.Decisions), []string{"short", "long"}) || len(s.Expires) != 2 {
			t.Fatalf("list = %+v, %v", s, err)
		}
		time.Sleep(1100 * time.Millisecond)
		if d, err := r.Get(t.Context(), "short"); d != nil || err != nil {
			t.Errorf("get after TTL = %v, %v", d, err)
		}
		s, err = r.List(t.Context())
		if err != nil || !slices.Equal(clients(s.Decisions), []string{"long"}) {
			t.Errorf("list after TTL = %v, %v", clients(s.Decisions), err)
		}
	})
}

func TestRedisEscalation(t *testing.T) {
	addr := redistest.Start(t)
	esc := func(f float64, max, forgive time.Duration) func(*Config) {
		return func(c *Config) { c.Escalation = Escalation{Factor: f, Max: max, Forgive: forgive} }
	}
	t.Run("each repeat offense multiplies the TTL by the factor, up to the max", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, esc(2, 3*time.Second, time.Minute))
		for i, want := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second} {
			o := apply(t, r, testDecision("a", 0, 1))[0]
			if o.Offenses != i+1 || o.TTL != want {
				t.Fatalf("offense %d: offenses %d, TTL %v; want TTL %v", i+1, o.Offenses, o.TTL, want)
			}
			if i < 2 {
				time.Sleep(want + 50*time.Millisecond)
			}
		}
		if d, _ := r.Get(t.Context(), "a"); d == nil || d.TTLSec != 3 {
			t.Errorf("stored ttl_s = %v, want 3", d)
		}
	})
	t.Run("a refresh of an active block is no new offense and never shortens it", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		first := apply(t, r, testDecision("a", 0, 600))[0]
		o := apply(t, r, testDecision("a", time.Second, 60))[0]
		if o.Result != blocklist.Stored || o.New || o.Offenses != 1 || !o.Expires.Equal(first.Expires) {
			t.Errorf("refresh = %+v, first = %+v", o, first)
		}
	})
	t.Run("the offense count is forgiven once the forgiveness period after the block passes", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, esc(2, time.Hour, 200*time.Millisecond))
		apply(t, r, testDecision("a", 0, 1))
		time.Sleep(1400 * time.Millisecond)
		if o := apply(t, r, testDecision("a", 0, 1))[0]; o.Offenses != 1 || o.TTL != time.Second {
			t.Errorf("after forgiveness: %+v", o)
		}
	})
	t.Run("remove unblocks and forgets the offenses", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		apply(t, r, testDecision("a", 0, 60))
		if ok, err := r.Remove(t.Context(), "a"); !ok || err != nil {
			t.Fatalf("remove = %v, %v", ok, err)
		}
		if ok, _ := r.Remove(t.Context(), "a"); ok {
			t.Error("removed twice")
		}
		if o := apply(t, r, testDecision("a", 0, 60))[0]; !o.New || o.Offenses != 1 {
			t.Errorf("after remove: %+v", o)
		}
	})
}

func TestRedisAllowlist(t *testing.T) {
	addr := redistest.Start(t)
	t.Run("allowlisted clients are refused by exact key, IP and CIDR", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		for _, e := range []string{"203.0.113.0/24", "key_1a2b", "2001:db8::/32", "198.51.100.7"} {
			if err := r.Allow(t.Context(), e); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			client string
			want   blocklist.Result
		}{
			{"203.0.113.9", blocklist.RefusedAllowlisted},
			{"key_1a2b", blocklist.RefusedAllowlisted},
			{"key_1a2c", blocklist.Stored},
			{"2001:db8:1:2::/64", blocklist.RefusedAllowlisted},
			{"2001:db9:1:2::/64", blocklist.Stored},
			{"198.51.100.7", blocklist.RefusedAllowlisted},
			{"198.51.100.8", blocklist.Stored},
			{"::ffff:203.0.113.9", blocklist.RefusedAllowlisted},
		}
		var ds []*decision.Decision
		for _, tt := range tests {
			ds = append(ds, testDecision(tt.client, 0, 60))
		}
		for i, o := range apply(t, r, ds...) {
			if o.Result != tests[i].want || o.Client != tests[i].client {
				t.Errorf("%s: %v, want %v", tests[i].client, o.Result, tests[i].want)
			}
		}
		got, err := r.Allowlist(t.Context())
		if want := []string{"198.51.100.7", "2001:db8::/32", "203.0.113.0/24", "key_1a2b"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("allowlist = %v, %v; want %v", got, err, want)
		}
	})
	t.Run("allowing a blocked client unblocks it, and another detector sees the entry at once", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		other := sibling(t, r, nil)
		apply(t, r, testDecision("10.1.2.3", 0, 60), testDecision("10.2.0.1", 0, 60))
		apply(t, other, testDecision("10.9.9.9", 0, 60)) // warms other's allowlist cache
		if err := r.Allow(t.Context(), "10.1.0.0/16"); err != nil {
			t.Fatal(err)
		}
		if d, _ := r.Get(t.Context(), "10.1.2.3"); d != nil {
			t.Error("still blocked after Allow")
		}
		if d, _ := r.Get(t.Context(), "10.2.0.1"); d == nil {
			t.Error("a client outside the entry was unblocked")
		}
		if o := apply(t, other, testDecision("10.1.2.3", 0, 60))[0]; o.Result != blocklist.RefusedAllowlisted {
			t.Errorf("other detector: %v, want allowlisted", o.Result)
		}
	})
	t.Run("unallow lets a client be blocked again", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		r.Allow(t.Context(), "key_x")
		apply(t, r, testDecision("key_x", 0, 60))
		if err := r.Unallow(t.Context(), "key_x"); err != nil {
			t.Fatal(err)
		}
		if err := r.Unallow(t.Context(), "key_x"); err != nil {
			t.Errorf("unallow of an absent entry: %v", err)
		}
		if o := apply(t, r, testDecision("key_x", 0, 60))[0]; o.Result != blocklist.Stored {
			t.Errorf("%v, want stored", o.Result)
		}
	})
	t.Run("an entry that is not a valid prefix is refused with a hint", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		if err := r.Allow(t.Context(), "10.0.0.0/33"); err == nil || !strings.Contains(err.Error(), "10.0.0.0/8") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestRedisBreaker(t *testing.T) {
	addr := redistest.Start(t)
	brk := func(maxNew int, window, cooldown time.Duration) func(*Config) {
		return func(c *Config) { c.Breaker = BreakerConfig{MaxNew: maxNew, Window: window, Cooldown: cooldown} }
	}
	batch := func(prefix string, n int) []*decision.Decision {
		var ds []*decision.Decision
		for i := range n {
			ds = append(ds, testDecision(fmt.Sprintf("%s%d", prefix, i), 0, 600))
		}
		return ds
	}
	t.Run("more new blocks than max_new in the window trip it, and it refuses blocks until its cooldown passes", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, brk(3, time.Minute, 500*time.Millisecond))
		got := results(apply(t, r, batch("a", 5)...))
		if want := []blocklist.Result{blocklist.Stored, blocklist.Stored, blocklist.Stored, blocklist.RefusedBreaker, blocklist.RefusedBreaker}; !slices.Equal(got, want) {
			t.Fatalf("results = %v, want %v", got, want)
		}
		s, err := r.Breaker(t.Context())
		if err != nil || !s.Tripped || !strings.Contains(s.Reason, "max_new is 3") || (s.Until.Sub(s.Since)-500*time.Millisecond).Abs() > 10*time.Millisecond {
			t.Fatalf("breaker = %+v, %v", s, err)
		}
		if o := apply(t, r, testDecision("a0", 0, 600))[0]; o.Result != blocklist.RefusedBreaker {
			t.Errorf("refresh while open: %v, want refused", o.Result)
		}
		time.Sleep(600 * time.Millisecond)
		if s, _ := r.Breaker(t.Context()); s.Tripped {
			t.Errorf("still open after cooldown: %+v", s)
		}
		if got := results(apply(t, r, batch("b", 3)...)); !slices.Equal(got, []blocklist.Result{blocklist.Stored, blocklist.Stored, blocklist.Stored}) {
			t.Errorf("after cooldown: %v", got)
		}
	})
	t.Run("blocks older than the window do not count", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, brk(2, 300*time.Millisecond, time.Hour))
		apply(t, r, batch("a", 2)...)
		if s, _ := r.Breaker(t.Context()); s.Recent != 2 {
			t.Errorf("recent = %d, want 2", s.Recent)
		}
		time.Sleep(350 * time.Millisecond)
		if got := results(apply(t, r, batch("b", 2)...)); !slices.Equal(got, []blocklist.Result{blocklist.Stored, blocklist.Stored}) {
			t.Errorf("results = %v", got)
		}
	})
	t.Run("refreshes of active blocks do not count", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, brk(2, time.Minute, time.Hour))
		apply(t, r, batch("a", 2)...)
		if got := results(apply(t, r, batch("a", 2)...)); !slices.Equal(got, []blocklist.Result{blocklist.Stored, blocklist.Stored}) {
			t.Errorf("results = %v", got)
		}
	})
	t.Run("reset closes it at once", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, brk(1, time.Minute, time.Hour))
		apply(t, r, batch("a", 2)...)
		if s, _ := r.Breaker(t.Context()); !s.Tripped {
			t.Fatal("did not trip")
		}
		if err := r.ResetBreaker(t.Context()); err != nil {
			t.Fatal(err)
		}
		if s, _ := r.Breaker(t.Context()); s.Tripped || s.Recent != 0 {
			t.Errorf("after reset: %+v", s)
		}
		if o := apply(t, r, testDecision("b", 0, 600))[0]; o.Result != blocklist.Stored {
			t.Errorf("after reset: %v", o.Result)
		}
	})
}

func TestRedisCap(t *testing.T) {
	addr := redistest.Start(t)
	t.Run("the cap refuses new clients and frees as decisions lapse", func(t *testing.T) {
		r := newRedis(t, addr, func(c *Config) { c.MaxActive = 2 })
		got := results(apply(t, r, testDecision("a", 0, 1), testDecision("b", 0, 600), testDecision("c", 0, 600)))
		if want := []blocklist.Result{blocklist.Stored, blocklist.Stored, blocklist.RefusedCap}; !slices.Equal(got, want) {
			t.Fatalf("results = %v, want %v", got, want)
		}
		if o := apply(t, r, testDecision("b", time.Second, 600))[0]; o.Result != blocklist.Stored {
			t.Errorf("refresh of a held client: %v", o.Result)
		}
		time.Sleep(1100 * time.Millisecond)
		if o := apply(t, r, testDecision("c", 0, 600))[0]; o.Result != blocklist.Stored {
			t.Errorf("after a lapse: %v", o.Result)
		}
	})
}

func TestRedisDryRun(t *testing.T) {
	addr := redistest.Start(t)
	t.Run("a dry run records simulated decisions and blocks nobody", func(t *testing.T) {
		live := newRedis(t, addr, nil)
		dry := sibling(t, live, func(c *Config) { c.DryRun = true })
		if o := apply(t, dry, testDecision("a", 0, 600))[0]; o.Result != blocklist.Simulated {
			t.Fatalf("result = %v, want simulated", o.Result)
		}
		if d, err := dry.Get(t.Context(), "a"); err != nil || d == nil || !d.Simulated {
			t.Errorf("dry get = %+v, %v", d, err)
		}
		if d, _ := live.Get(t.Context(), "a"); d != nil {
			t.Error("a dry-run decision blocks")
		}
		if s, _ := live.List(t.Context()); len(s.Decisions) != 0 {
			t.Errorf("live list = %v", clients(s.Decisions))
		}
		if s, _ := dry.List(t.Context()); len(s.Decisions) != 1 || !s.Decisions[0].Simulated {
			t.Errorf("dry list = %+v", s)
		}
		if o := apply(t, live, testDecision("a", 0, 600))[0]; o.Result != blocklist.Stored || !o.New {
			t.Errorf("live after dry run: %+v", o)
		}
	})
}

func TestRedisChanges(t *testing.T) {
	addr := redistest.Start(t)
	t.Run("every change is published with the next version, in order, and a snapshot names the last", func(t *testing.T) {
		r := newRedis(t, addr, func(c *Config) { c.Breaker.MaxNew = 5 })
		leaks := goleak.IgnoreCurrent()
		ctx, cancel := context.WithCancel(t.Context())
		ch, err := r.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, r, testDecision("a", 0, 600), testDecision("b", 0, 600))
		r.Remove(t.Context(), "a")
		r.Allow(t.Context(), "10.0.0.0/8")
		r.Unallow(t.Context(), "10.0.0.0/8")
		r.Allow(t.Context(), "b") // removes b
		apply(t, r, testDecision("c", 0, 600), testDecision("d", 0, 600), testDecision("e", 0, 600), testDecision("f", 0, 600))
		r.ResetBreaker(t.Context())
		want := []string{"store a", "store b", "remove a", "allow 10.0.0.0/8", "unallow 10.0.0.0/8", "allow b", "remove b",
			"store c", "store d", "store e", "breaker ", "breaker_reset "}
		var got []string
		var last uint64
		timeout := time.After(time.Until(testwait.Deadline(t, 5*time.Second)))
		for len(got) < len(want) {
			select {
			case c := <-ch:
				if last != 0 && c.Version != last+1 {
					t.Errorf("version %d after %d", c.Version, last)
				}
				last = c.Version
				got = append(got, c.Op+" "+c.Client+c.Entry)
				if c.Op == blocklist.OpStore && (c.Decision == nil || c.Decision.Client != c.Client || c.Expires().Before(time.Now())) {
					t.Errorf("store change without its decision or expiry: %+v", c)
				}
				if c.Op == blocklist.OpBreaker && (c.Reason == "" || c.ExpiresMS == 0) {
					t.Errorf("breaker change without reason or reset time: %+v", c)
				}
			case <-timeout:
				t.Fatalf("got %q, want %q", got, want)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("changes\n %q\nwant\n %q", got, want)
		}
		s, err := r.List(t.Context())
		if err != nil || s.Version != last || !slices.Equal(clients(s.Decisions), []string{"c", "d", "e"}) || len(s.Allow) != 1 {
			t.Errorf("snapshot = version %d, %v, allow %v, %v; want version %d", s.Version, clients(s.Decisions), s.Allow, err, last)
		}
		if v, err := r.Version(t.Context()); v != last || err != nil {
			t.Errorf("version = %d, %v; want %d", v, err, last)
		}
		cancel()
		for range ch {
		}
		goleak.VerifyNone(t, leaks)
	})
}

func TestRedisOutage(t *testing.T) {
	t.Run("apply fails fast while redis is down and works again after a restart", func(t *testing.T) {
		srv := redistest.StartServer(t)
		r := newRedis(t, srv.Addr(), nil)
		apply(t, r, testDecision("a", 0, 600))
		srv.Stop()
		ctx := testwait.Context(t, 10*time.Second)
		start := time.Now()
		if _, err := r.Apply(ctx, []*decision.Decision{testDecision("b", 0, 600)}); err == nil {
			t.Fatal("apply succeeded with redis down")
		}
		// Fast: a refused connection, not a dial timeout or the context's end.
		if took := time.Since(start); took > testwait.Scale(t, 3*time.Second) {
			t.Errorf("apply took %v to fail", took)
		}
		if err := r.Ping(ctx); err == nil {
			t.Error("ping succeeded with redis down")
		}
		srv.Restart()
		if err := r.Ping(ctx); err != nil {
			t.Fatalf("ping after restart: %v", err)
		}
		o, err := r.Apply(ctx, []*decision.Decision{testDecision("b", 0, 600)})
		if err != nil || o[0].Result != blocklist.Stored {
			t.Fatalf("apply after restart = %v, %v", o, err)
		}
		// Redis restarted empty, so the version starts again: a follower
		// sees a version that is not one past its last, and resyncs.
		if o[0].Version != 1 {
			t.Errorf("version after an empty restart = %d, want 1", o[0].Version)
		}
	})
	t.Run("a subscription resumes after a restart", func(t *testing.T) {
		srv := redistest.StartServer(t)
		r := newRedis(t, srv.Addr(), nil)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ch, err := r.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		srv.Restart()
		within := testwait.Scale(t, 10*time.Second)
		deadline := time.After(within)
		for i := 0; ; i++ {
			// Changes made before the subscription is back are lost; keep
			// making them until one arrives.
			r.Apply(ctx, []*decision.Decision{testDecision(fmt.Sprint("c", i), 0, 600)})
			select {
			case c := <-ch:
				if c.Op != blocklist.OpStore {
					t.Errorf("change = %+v", c)
				}
				return
			case <-time.After(100 * time.Millisecond):
			case <-deadline:
				t.Fatalf("no change delivered within %v of the restart", within)
			}
		}
	})
}

func TestRedisSecrets(t *testing.T) {
	const secret = "s3cr3t-pw"
	addr := redistest.Start(t, "--requirepass", secret)
	file := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(file, []byte(secret+"\n"), 0o600)
	wrong := filepath.Join(t.TempDir(), "wrong")
	os.WriteFile(wrong, []byte("not-"+secret), 0o600)
	t.Setenv("PORTCULLIS_TEST_REDIS_PASSWORD", secret)
	tests := []struct {
		name    string
		set     func(*Config)
		wantErr string // at New or Ping; "" for none
	}{
		{"the password is read from the environment", func(c *Config) { c.PasswordEnv = "PORTCULLIS_TEST_REDIS_PASSWORD" }, ""},
		{"the password is read from a file without its newline", func(c *Config) { c.PasswordFile = file }, ""},
		{"no password is refused by redis", func(c *Config) {}, "NOAUTH"},
		{"a wrong password is refused by redis", func(c *Config) { c.PasswordFile = wrong }, "WRONGPASS"},
		{"an empty variable is an error that names it", func(c *Config) { c.PasswordEnv = "PORTCULLIS_TEST_UNSET" }, "PORTCULLIS_TEST_UNSET"},
		{"both sources are an error", func(c *Config) { c.PasswordEnv, c.PasswordFile = "X", file }, "keep one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			cfg := Config{Addrs: []string{addr}, KeyPrefix: "secrets:"}
			tt.set(&cfg)
			r, err := New(cfg, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			if err == nil {
				defer r.Close()
				err = r.Ping(t.Context())
				if err == nil {
					_, err = r.Apply(t.Context(), []*decision.Decision{testDecision("a", 0, 60)})
				}
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
				t.Errorf("the password leaked: err %v, logs %s", err, logs.String())
			}
		})
	}
}

func TestRedisConfig(t *testing.T) {
	tests := []struct {
		name string
		set  func(*Config)
		want string // in the error; "" for valid
	}{
		{"one address is valid", func(c *Config) {}, ""},
		{"no address is an error", func(c *Config) { c.Addrs = nil }, "set at least one host:port"},
		{"an address without a port is an error", func(c *Config) { c.Addrs = []string{"redis"} }, "host:port"},
		{"a cluster needs a hash tag in the prefix", func(c *Config) { c.Addrs = []string{"a:1", "b:1"} }, "{portcullis}:"},
		{"a cluster with a hash tag is valid", func(c *Config) { c.Addrs, c.KeyPrefix = []string{"a:1", "b:1"}, "{pc}:" }, ""},
		{"sentinel addresses are not a cluster", func(c *Config) { c.Addrs, c.MasterName = []string{"a:1", "b:1"}, "m" }, ""},
		{"a cluster has only db 0", func(c *Config) { c.Cluster, c.KeyPrefix, c.DB = true, "{pc}:", 2 }, "remove db"},
		{"a client certificate needs its key", func(c *Config) { c.TLS = &TLS{CertFile: "c.pem"} }, "key_file"},
		{"a Unix socket written unix:/path is valid", func(c *Config) { c.Addrs = []string{"unix:/run/redis/redis.sock"} }, ""},
		{"a Unix socket written as its absolute path is valid", func(c *Config) { c.Addrs = []string{"/run/redis/redis.sock"} }, ""},
		{"a Unix socket with a relative path is an error", func(c *Config) { c.Addrs = []string{"unix:redis.sock"} }, "absolute path"},
		{"a Unix socket path longer than the system allows is an error", func(c *Config) { c.Addrs = []string{"/" + strings.Repeat("s", 107)} }, "longer than the 107"},
		{"a Unix socket is not a cluster node", func(c *Config) { c.Addrs, c.KeyPrefix = []string{"/run/redis.sock", "b:1"}, "{pc}:" }, "list it alone"},
		{"a Unix socket is not a Sentinel", func(c *Config) { c.Addrs, c.MasterName = []string{"/run/redis.sock"}, "m" }, "list it alone"},
		{"a Unix socket has no TLS", func(c *Config) { c.Addrs, c.TLS = []string{"unix:/run/redis.sock"}, &TLS{} }, "remove tls"},
		{"jitter above 1 is an error", func(c *Config) { c.TTLJitter = 1.5 }, "ttl_jitter"},
		{"an escalation factor below 1 is an error", func(c *Config) { c.Escalation.Factor = 0.5 }, "escalation.factor"},
		{"a negative cap is an error", func(c *Config) { c.MaxActive = -1 }, "max_active"},
		{"a negative max_new is an error", func(c *Config) { c.Breaker.MaxNew = -1 }, "breaker.max_new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{Addrs: []string{"127.0.0.1:6379"}}
			tt.set(&c)
			err := c.WithDefaults().Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("a missing CA file is an error at New", func(t *testing.T) {
		_, err := New(Config{Addrs: []string{"127.0.0.1:1"}, TLS: &TLS{CAFile: "/nonexistent/ca.pem"}}, nil)
		if err == nil || !strings.Contains(err.Error(), "ca_file") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestRedisAddressForms stores and lists a decision through each way of
// writing the address of one node: its Unix socket as a path or with
// unix:, and host:port over TCP.
func TestRedisAddressForms(t *testing.T) {
	srv := redistest.StartServer(t)
	for _, tt := range []struct{ name, addr string }{
		{"a Unix socket as its absolute path", srv.Addr()},
		{"a Unix socket written unix:/path", "unix:" + srv.Addr()},
		{"host:port over TCP", srv.TCPAddr()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRedis(t, tt.addr, nil)
			if err := r.Ping(t.Context()); err != nil {
				t.Fatal(err)
			}
			apply(t, r, testDecision("via-"+tt.addr, 0, 600))
			s, err := r.List(t.Context())
			if err != nil || !slices.Equal(clients(s.Decisions), []string{"via-" + tt.addr}) {
				t.Fatalf("list = %v, %v", clients(s.Decisions), err)
			}
		})
	}
	t.Run("a Unix socket where nothing listens is an error that names it", func(t *testing.T) {
		r := newRedis(t, "unix:/nonexistent/redis.sock", nil)
		err := r.Ping(t.Context())
		if err == nil || !strings.Contains(err.Error(), "/nonexistent/redis.sock") {
			t.Fatalf("ping = %v", err)
		}
	})
}
