// Package redistest starts a real redis-server for tests, listening only
// on a Unix socket in a directory of its own (no TCP port, so nothing to
// pick or race for), with no persistence, and stops it when the test ends.
// Its address is the socket's absolute path, which the blocklist's Redis
// config and go-redis both take as an address.
//
// A test that needs Redis fails, rather than skips, when redis-server is
// not installed: install it with apt-get install -y redis-server.
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

// Start starts a redis-server for t and returns its address, the path of
// its Unix socket. Extra
// arguments go to redis-server, for example "--requirepass", "secret".
func Start(t testing.TB, args ...string) (addr string) {
	t.Helper()
	return StartServer(t, args...).Addr()
}

// Server is a redis-server process owned by a test.
type Server struct {
	t    testing.TB
	bin  string
	dir  string // its socket, log and working directory
	sock string // the path of its Unix socket
	args []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// StartServer starts a redis-server for t, and stops it at t.Cleanup.
func StartServer(t testing.TB, args ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server is not installed (%v); install it with: apt-get install -y redis-server", err)
	}
	// Not t.TempDir(): its path holds the test's name and can pass the 107
	// bytes a Unix socket path may have.
	dir, err := os.MkdirTemp("", "redis")
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	s := &Server{t: t, bin: bin, dir: dir, sock: filepath.Join(dir, "redis.sock"), args: args}
	if len(s.sock) > maxUnixPath {
		t.Fatalf("redistest: the socket path %s is longer than %d bytes; set TMPDIR to a shorter directory", s.sock, maxUnixPath)
	}
	t.Cleanup(s.stop) // runs before the directory is removed
	if err := s.start(); err != nil {
		t.Fatalf("redistest: %v", err)
	}
	return s
}

// maxUnixPath is the longest Unix socket path Linux takes (sun_path is
// 108 bytes, with a terminating NUL).
const maxUnixPath = 107

// Addr returns the address of the server: the absolute path of its Unix
// socket, the same across Stop and Restart.
func (s *Server) Addr() string { return s.sock }

// Stop kills the server, as in an outage: no shutdown, nothing saved.
func (s *Server) Stop() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again at the same address, empty, after Stop
// (or kills it first), and waits until it answers. redis-server removes
// the socket file a killed server left before it binds the path again.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	logPath := filepath.Join(s.dir, "redis.log")
	args := append([]string{
		"--port", "0", // no TCP listener
		"--unixsocket", s.sock,
		"--unixsocketperm", "700",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--daemonize", "no",
		"--logfile", logPath,
	}, s.args...)
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	limit := testwait.Scale(s.t, 10*time.Second)
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-done:
			return fmt.Errorf("redis-server on %s exited at start: %s", s.sock, tail(logPath))
		default:
		}
		if ping(s.sock) == nil {
			s.cmd, s.done = cmd, done
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			return fmt.Errorf("redis-server on %s did not answer PING within %v: %s", s.sock, limit, tail(logPath))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop ends the server gracefully, or kills it after 5s.
func (s *Server) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// ping sends an inline PING to the socket at path and expects +PONG, or
// -NOAUTH from a server that requires a password (it answers, so it is
// up).
func ping(path string) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.HasPrefix(line, "+PONG") || strings.HasPrefix(line, "-NOAUTH") {
		return nil
	}
	return errors.New("unexpected reply " + strconv.Quote(line))
}

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log)"
	}
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// TCPAddr returns host:port of a listener on 127.0.0.1:0 that relays each
// connection to the server's socket, for tests of the TCP path of a
// client. The listener and its connections close when the test ends;
// while the server is stopped, a connection it takes is closed at once.
func (s *Server) TCPAddr() string {
	s.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatalf("redistest: relay: %v", err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		track = func(c net.Conn) bool { // false once the relay is closed
			mu.Lock()
			defer mu.Unlock()
			if conns == nil {
				return false
			}
			conns[c] = true
			return true
		}
	)
	s.t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		conns = nil
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				u, err := net.DialTimeout("unix", s.sock, time.Second)
				if err != nil {
					return
				}
				defer u.Close()
				if !track(c) || !track(u) {
					return
				}
				// When either side ends, close both, which ends the other copy.
				wg.Go(func() { _, _ = io.Copy(u, c); u.Close(); c.Close() })
				_, _ = io.Copy(c, u)
				u.Close()
				c.Close()
			})
		}
	})
	return ln.Addr().String()
}
