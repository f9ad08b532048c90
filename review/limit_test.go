package review

import (
	"fmt"
	"testing"
	"time"
)

func TestFailLimiter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := newFailLimiter()
	l.now = func() time.Time { return now }
	const guesser, admin = "198.51.100.9:40001", "192.0.2.10:50000"
	for i := range maxWrongTokens {
		if w := l.wait(guesser); w != 0 {
			t.Fatalf("refused after %d wrong tokens, want %d allowed", i, maxWrongTokens)
		}
		l.fail(guesser)
	}
	if w := l.wait("198.51.100.9:40999"); w != time.Minute {
		t.Fatalf("wait %v after %d wrong tokens from the address (another port), want a minute", w, maxWrongTokens)
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
			l.fail(fmt.Sprintf("10.%d.%d.%d:443", i>>16&255, i>>8&255, i&255))
		}
		if len(l.hosts) > maxFailHosts {
			t.Fatalf("%d addresses held, cap %d", len(l.hosts), maxFailHosts)
		}
	})
}
