package redistest

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestServer(t *testing.T) {
	t.Run("a started server answers PING", func(t *testing.T) {
		if err := ping(Start(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a stopped server is unreachable and answers again on the same port after a restart", func(t *testing.T) {
		s := StartServer(t)
		addr := s.Addr()
		s.Stop()
		if ping(addr) == nil {
			t.Fatal("answers after Stop")
		}
		s.Restart()
		if s.Addr() != addr {
			t.Fatalf("restarted on %s, want %s", s.Addr(), addr)
		}
		if err := ping(addr); err != nil {
			t.Fatalf("no answer after Restart: %v", err)
		}
	})
	t.Run("extra arguments reach redis-server", func(t *testing.T) {
		// A server with a password answers PING with -NOAUTH.
		if err := ping(Start(t, "--requirepass", "x")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a missing redis-server fails the test and says how to install it", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		ft := &fatalTB{TB: t}
		var wg sync.WaitGroup
		wg.Go(func() { Start(ft) })
		wg.Wait()
		if !strings.Contains(ft.msg, "apt-get install -y redis-server") {
			t.Fatalf("Fatal message = %q", ft.msg)
		}
	})
}

// fatalTB records Fatalf instead of failing the real test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
