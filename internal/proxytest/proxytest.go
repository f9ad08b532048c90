// Package proxytest starts the proxies users already run, real nginx and
// Caddy, for tests: one process each, on a free port of 127.0.0.1, with its
// pid file, logs, temporary files and state in the test's temporary
// directory, so it runs without root. The process is stopped when the test
// ends, and killed if the test binary dies first.
//
// A test that needs a proxy fails, rather than skips, when it is not
// installed: install them with apt-get install -y nginx caddy (make deps).
package proxytest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

// Proxy is a running nginx or Caddy owned by a test.
type Proxy struct {
	// Addr is host:port of its listener.
	Addr string
	// Dir is the directory of its config, logs and state.
	Dir string
	// AccessLog is the path of its access log, when the config writes one
	// there.
	AccessLog string

	log  string // its error log or output
	cmd  *exec.Cmd
	done chan struct{}
}

// URL returns http://Addr.
func (p *Proxy) URL() string { return "http://" + p.Addr }

// Log returns the end of the proxy's error log, for a failure message.
func (p *Proxy) Log() string { return tail(p.log) }

// lookPath finds a program in PATH or in the sbin directories, where
// Debian puts nginx.
func lookPath(t testing.TB, name, pkg string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	t.Fatalf("proxytest: %s is not installed; install it with: apt-get install -y %s (or run make deps)", name, pkg)
	return ""
}

// Replace returns s with each old of pairs replaced by its new, and fails
// t when an old is not in s, so that a test notices when an example it
// adapts has changed.
func Replace(t testing.TB, name, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("proxytest: %s no longer holds %q; update the test with the example", name, pairs[i])
		}
		s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
	}
	return s
}

// NginxSite returns the nginx.conf of a test: non-root paths under dir,
// one process, the access log in dir/access.log, and httpBlock (the
// example's includes and server blocks) inside http {}.
func NginxSite(dir, httpBlock string) string {
	// One process (master_process off), so that it dies with the test
	// binary; the examples' server blocks are the same either way.
	return fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    access_log %[1]s/access.log;
%[2]s
}
`, dir, httpBlock)
}

// StartNginx starts nginx with the config conf(dir, port) returns, after
// checking it with nginx -t, and waits until it accepts connections. dir
// is the proxy's directory, where conf may put included files.
func StartNginx(t testing.TB, conf func(dir string, port int) string) *Proxy {
	t.Helper()
	bin := lookPath(t, "nginx", "nginx")
	return start(t, "nginx", func(dir string, port int) (*exec.Cmd, string) {
		path := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(path, []byte(conf(dir, port)), 0o644); err != nil {
			t.Fatal(err)
		}
		errLog := filepath.Join(dir, "error.log")
		args := []string{"-p", dir, "-c", path, "-e", errLog}
		if out, err := exec.Command(bin, append(args, "-t", "-q")...).CombinedOutput(); err != nil {
			t.Fatalf("proxytest: nginx -t rejects the config: %v\n%s\n%s", err, out, tail(errLog))
		}
		return exec.Command(bin, args...), errLog
	})
}

// StartCaddy starts Caddy with the Caddyfile caddyfile(dir, port)
// returns, after checking it with caddy validate, and waits until it
// accepts connections. Its admin endpoint is off, and its state under dir.
func StartCaddy(t testing.TB, caddyfile func(dir string, port int) string) *Proxy {
	t.Helper()
	bin := lookPath(t, "caddy", "caddy")
	return start(t, "caddy", func(dir string, port int) (*exec.Cmd, string) {
		path := filepath.Join(dir, "Caddyfile")
		if err := os.WriteFile(path, []byte(caddyfile(dir, port)), 0o644); err != nil {
			t.Fatal(err)
		}
		env := append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
		args := []string{"--config", path, "--adapter", "caddyfile"}
		v := exec.Command(bin, append([]string{"validate"}, args...)...)
		v.Env = env
		if out, err := v.CombinedOutput(); err != nil {
			t.Fatalf("proxytest: caddy validate rejects the Caddyfile: %v\n%s", err, out)
		}
		logPath := filepath.Join(dir, "caddy.log")
		cmd := exec.Command(bin, append([]string{"run"}, args...)...)
		cmd.Env = env
		return cmd, logPath
	})
}

// start runs the command mk builds on a free port, retrying on another
// port when the process exits at start (another process took the port).
func start(t testing.TB, name string, mk func(dir string, port int) (*exec.Cmd, string)) *Proxy {
	t.Helper()
	var last error
	for range 5 {
		port, err := freePort()
		if err != nil {
			t.Fatalf("proxytest: %v", err)
		}
		dir := t.TempDir()
		cmd, logPath := mk(dir, port)
		p := &Proxy{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: dir, AccessLog: filepath.Join(dir, "access.log"), log: logPath}
		if last = p.run(t, cmd, name); last == nil {
			return p
		}
	}
	t.Fatalf("proxytest: %v", last)
	return nil
}

func (p *Proxy) run(t testing.TB, cmd *exec.Cmd, name string) error {
	out, err := os.OpenFile(p.log+".out", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = p.Dir
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := testwait.Deadline(t, 10*time.Second)
	for {
		select {
		case <-p.done:
			return fmt.Errorf("%s on %s exited at start: %s %s", name, p.Addr, tail(p.log), tail(p.log+".out"))
		default:
		}
		if c, err := net.DialTimeout("tcp", p.Addr, time.Second); err == nil {
			c.Close()
			t.Cleanup(p.stop)
			return nil
		}
		if time.Now().After(deadline) {
			p.stop()
			return fmt.Errorf("%s on %s did not accept connections in time: %s %s", name, p.Addr, tail(p.log), tail(p.log+".out"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop ends the proxy gracefully, or kills it after 5 s.
func (p *Proxy) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return ""
		}
		return "(" + err.Error() + ")"
	}
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
