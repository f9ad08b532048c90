package redistest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

func TestServer(t *testing.T) {
	t.Run("a started server answers PING", func(t *testing.T) {
		if err := ping(Start(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a server listens on a Unix socket, not on TCP", func(t *testing.T) {
		addr := Start(t)
		fi, err := os.Stat(addr)
		if err != nil || fi.Mode()&os.ModeSocket == 0 || !filepath.IsAbs(addr) {
			t.Fatalf("Addr() = %q (%v, %v), want the absolute path of a socket", addr, fi, err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("socket mode = %v, want 0700", fi.Mode().Perm())
		}
		c, err := net.Dial("unix", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(testwait.Scale(t, 5*time.Second)))
		// The port redis-server listens on: 0 is none.
		if _, err := c.Write([]byte("CONFIG GET port\r\n")); err != nil {
			t.Fatal(err)
		}
		reply := make([]byte, 64)
		n, _ := io.ReadAtLeast(c, reply, len("*2\r\n$4\r\nport\r\n$1\r\n0\r\n"))
		if got := string(reply[:n]); got != "*2\r\n$4\r\nport\r\n$1\r\n0\r\n" {
			t.Errorf("CONFIG GET port = %q, want port 0", got)
		}
	})
	t.Run("the socket's directory is removed when the test ends", func(t *testing.T) {
		var addr string
		t.Run("a test using the server", func(t *testing.T) { addr = Start(t) })
		if _, err := os.Stat(filepath.Dir(addr)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s is left after the test: %v", filepath.Dir(addr), err)
		}
	})
	t.Run("a stopped server is unreachable and answers again at the same address after a restart", func(t *testing.T) {
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
	t.Run("TCPAddr relays to the server, and fails fast while it is stopped", func(t *testing.T) {
		s := StartServer(t)
		addr := s.TCPAddr()
		if err := pingTCP(addr); err != nil {
			t.Fatal(err)
		}
		s.Stop()
		if pingTCP(addr) == nil {
			t.Fatal("answers after Stop")
		}
		s.Restart()
		if err := pingTCP(addr); err != nil {
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

// pingTCP sends an inline PING to host:port and expects +PONG.
func pingTCP(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	reply := make([]byte, 7)
	if _, err := io.ReadFull(c, reply); err != nil {
		return err
	}
	if string(reply) != "+PONG\r\n" {
		return fmt.Errorf("reply %q", reply)
	}
	return nil
}
