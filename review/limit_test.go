package review

import (
	"net/netip"
	"testing"
	"time"
)

func TestFailLimiter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newFailLimiter()
	l.now = func() time.Time { return now }
	guesser, admin := netip.MustParseAddr("198.51.100.9"), netip.MustParseAddr("192.0.2.10")
	for i := range maxWrongTokens {
		if w := l.wait(guesser); w != 0 {
			t.Fatalf("refused after %d wrong tokens, want %d allowed", i, maxWrongTokens)
		}
		l.fail(guesser)
	}
	if w := l.wait(guesser); w != time.Minute {
		t.Fatalf("wait %v after %d wrong tokens from the address, want a minute", w, maxWrongTokens)
	}
	if w := l.wait(admin); w != 0 {
		t.Fatalf("another address waits %v", w)
	}
	now = now.Add(40 * time.Second)
	if w := l.wait(guesser); w != 20*time.Second {
		t.Fatalf("wait %v 40 s into the window, want 20 s", w)
	}
	now = now.Add(20 * time.Second)
	if w := l.wait(guesser); w != 0 {
		t.Fatalf("still refused (%v) once the window ended", w)
	}
	if len(l.hosts) != 0 {
		t.Fatalf("the ended window is kept: %v", l.hosts)
	}
	t.Run("memory stays bounded under many addresses", func(t *testing.T) {
		for i := range 2*maxFailHosts + 10 {
			l.fail(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
		}
		if len(l.hosts) > maxFailHosts {
			t.Fatalf("%d addresses held, cap %d", len(l.hosts), maxFailHosts)
		}
	})
}

// TestFailLimiterKeysIPv6By64 pins that one host cannot rotate through its
// IPv6 /64 for more guesses.
func TestFailLimiterKeysIPv6By64(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newFailLimiter()
	l.now = func() time.Time { return now }
	for i := range maxWrongTokens {
		l.fail(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, byte(i >> 8), byte(i)}))
	}
	if w := l.wait(netip.MustParseAddr("2001:db8:0:1:ffff::1")); w == 0 {
		t.Error("another address of the same /64 may guess on")
	}
	if w := l.wait(netip.MustParseAddr("2001:db8:0:2::1")); w != 0 {
		t.Errorf("another /64 waits %v", w)
	}
	if w := l.wait(netip.MustParseAddr("::ffff:198.51.100.9")); w != 0 {
		t.Errorf("an IPv4 address waits %v", w)
	}
}

// TestFailLimiterKeepsLockoutsWhenFull pins that filling the limiter with
// new addresses evicts the oldest windows, not the lockouts too.
func TestFailLimiterKeepsLockoutsWhenFull(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newFailLimiter()
	l.now = func() time.Time { return now }
	guesser := netip.MustParseAddr("198.51.100.9")
	for range maxWrongTokens {
		l.fail(guesser)
	}
	now = now.Add(time.Second)
	for i := range 3 * maxFailHosts {
		l.fail(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	if len(l.hosts) > maxFailHosts {
		t.Fatalf("%d addresses held, cap %d", len(l.hosts), maxFailHosts)
	}
	if w := l.wait(guesser); w == 0 {
		t.Error("the lockout was lifted when the limiter filled up")
	}
	n := 3*maxFailHosts - 1
	last := netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)})
	if _, ok := l.hosts[last]; !ok {
		t.Error("the newest window was evicted")
	}
}
