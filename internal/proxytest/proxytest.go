// Package proxytest starts the proxies users already run, real nginx and
// Caddy, for tests: one each, on 127.0.0.1 at a port no other process
// can take first, with its pid file, logs, temporary files and state in
// the test's temporary directory, so it runs without root. The proxy is
// stopped when the test ends, and killed if the test binary dies first.
//
// Neither proxy can report a port it picked itself the way a Go server's
// Addr() does, so neither is given one to pick up later:
//   - nginx inherits a listener the test opened on 127.0.0.1:0, through
//     its NGINX environment variable (the mechanism of its binary
//     upgrade), and binds nothing itself;
//   - Caddy binds 127.0.0.1:0 itself, and the port it got is read back
//     from Linux: the listening TCP socket among its open files.
//
// A test that needs a proxy fails, rather than skips, when it is not
// installed: install them with apt-get install -y nginx caddy (make deps).
package proxytest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
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
// the pid file in dir/nginx.pid (StartNginx waits for it), one worker,
// the access log in dir/access.log, and httpBlock (the example's includes
// and server blocks) inside http {}.
func NginxSite(dir, httpBlock string) string {
	// A master and one worker: nginx takes an inherited listener only
	// with its master process (without it, nginx 1.22 crashes at start).
	// Run as root, the worker stays root, as the test's files are the
	// test's only.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	return fmt.Sprintf(`daemon off;
%[3]sworker_processes 1;
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
`, dir, httpBlock, user)
}

// StartNginx starts nginx with the config conf(dir, port) returns, after
// checking it with nginx -t, and waits until nginx has started. dir is the
// proxy's directory, where conf may put included files; the config writes
// its pid file to dir/nginx.pid, as NginxSite does.
//
// port is that of a listener on 127.0.0.1 the test opened and hands to
// nginx, which takes it in place of binding its own: the config must
// listen on exactly 127.0.0.1:port, once. It may also listen [::1]:port,
// which is handed over the same way. The listeners exist before nginx
// starts, so nothing else can take the port.
func StartNginx(t testing.TB, conf func(dir string, port int) string) *Proxy {
	t.Helper()
	bin := lookPath(t, "nginx", "nginx")
	dir := t.TempDir()
	lns, err := listenLoopback()
	if err != nil {
		t.Fatalf("proxytest: %v", err)
	}
	// nginx takes copies of the sockets. The test's stay open until nginx
	// has stopped (cleanups run last first), so the port stays the test's.
	t.Cleanup(func() {
		for _, l := range lns {
			l.Close()
		}
	})
	port := lns[0].Addr().(*net.TCPAddr).Port
	path := filepath.Join(dir, "nginx.conf")
	text := conf(dir, port)
	if !strings.Contains(text, fmt.Sprintf("listen 127.0.0.1:%d", port)) {
		// nginx would start, hold the listener and never accept on it.
		t.Fatalf("proxytest: the nginx config does not listen 127.0.0.1:%d, the listener handed to it", port)
	}
	if strings.Contains(text, fmt.Sprintf("listen [::1]:%d", port)) {
		if len(lns) < 2 {
			t.Fatalf("proxytest: the nginx config listens [::1]:%d, but this system has no IPv6 loopback", port)
		}
	} else if len(lns) == 2 {
		lns[1].Close() // unused: nginx would hold it without serving it
		lns = lns[:1]
	}
	var files []*os.File
	env := "NGINX="
	for _, l := range lns {
		f, err := l.File()
		if err != nil {
			t.Fatalf("proxytest: %v", err)
		}
		defer f.Close()
		env += strconv.Itoa(3+len(files)) + ";" // ExtraFiles start at fd 3
		files = append(files, f)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	errLog := filepath.Join(dir, "error.log")
	args := []string{"-p", dir, "-c", path, "-e", errLog}
	// nginx -t tries to bind the address too, and takes "in use" (by the
	// test's listener) as fine.
	if out, err := exec.Command(bin, append(args, "-t", "-q")...).CombinedOutput(); err != nil {
		t.Fatalf("proxytest: nginx -t rejects the config: %v\n%s\n%s", err, out, tail(errLog))
	}
	cmd := exec.Command(bin, args...)
	cmd.ExtraFiles = files
	cmd.Env = append(os.Environ(), env) // the inherited listeners' fds
	p := &Proxy{Addr: lns[0].Addr().String(), Dir: dir, AccessLog: filepath.Join(dir, "access.log"), log: errLog}
	pidFile := filepath.Join(dir, "nginx.pid")
	if err := p.run(t, cmd, "nginx", true, func() (bool, error) {
		// nginx writes its pid file once its configuration is loaded and
		// the listener taken; connections made before its worker accepts
		// wait in the listener's queue.
		_, err := os.Stat(pidFile)
		return err == nil, nil
	}); err != nil {
		t.Fatalf("proxytest: %v", err)
	}
	return p
}

// listenLoopback listens on 127.0.0.1:0 and, where the system has an IPv6
// loopback, on [::1] at the same port, for the configs that listen on
// both. When that port is taken on ::1 it tries another.
func listenLoopback() ([]*net.TCPListener, error) {
	for range 10 {
		l4, l6, err := loopbackPair()
		switch {
		case err == nil:
			return []*net.TCPListener{l4, l6}, nil
		case errors.Is(err, syscall.EADDRINUSE):
			l4.Close()
		case l4 != nil: // no IPv6
			return []*net.TCPListener{l4}, nil
		default:
			return nil, err
		}
	}
	return nil, errors.New("no port was free on both 127.0.0.1 and ::1 in 10 tries")
}

// loopbackPair listens on 127.0.0.1:0 and on [::1] at the port it got.
// When only the first succeeds, it returns that listener with the error.
func loopbackPair() (l4, l6 *net.TCPListener, err error) {
	l4, err = net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, nil, err
	}
	l6, err = net.ListenTCP("tcp6", &net.TCPAddr{IP: net.IPv6loopback, Port: l4.Addr().(*net.TCPAddr).Port})
	return l4, l6, err
}

// StartCaddy starts Caddy with the Caddyfile caddyfile(dir) returns, after
// checking it with caddy validate, and waits until it accepts
// connections. The Caddyfile has one site, on port 0 of 127.0.0.1 (":0"
// with "bind 127.0.0.1", or "127.0.0.1:0"), and its admin endpoint off
// ("admin off"); Addr is where Caddy listens. Its state is under dir.
func StartCaddy(t testing.TB, caddyfile func(dir string) string) *Proxy {
	t.Helper()
	bin := lookPath(t, "caddy", "caddy")
	dir := t.TempDir()
	path := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(caddyfile(dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	args := []string{"--config", path, "--adapter", "caddyfile"}
	v := exec.Command(bin, append([]string{"validate"}, args...)...)
	v.Env = env
	if out, err := v.CombinedOutput(); err != nil {
		t.Fatalf("proxytest: caddy validate rejects the Caddyfile: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append([]string{"run"}, args...)...)
	cmd.Env = env
	p := &Proxy{Dir: dir, AccessLog: filepath.Join(dir, "access.log"), log: filepath.Join(dir, "caddy.log")}
	if err := p.run(t, cmd, "caddy", false, func() (bool, error) {
		addrs, err := listening(cmd.Process.Pid)
		switch {
		case err != nil || len(addrs) == 0:
			return false, err
		case len(addrs) > 1:
			return false, fmt.Errorf("caddy listens on %v; give the Caddyfile one site and admin off", addrs)
		case !addrs[0].Addr().IsLoopback():
			return false, fmt.Errorf("caddy listens on %v, not on loopback; bind the site to 127.0.0.1", addrs[0])
		}
		c, err := net.DialTimeout("tcp", addrs[0].String(), time.Second)
		if err != nil {
			return false, nil
		}
		c.Close()
		p.Addr = addrs[0].String()
		return true, nil
	}); err != nil {
		t.Fatalf("proxytest: %v", err)
	}
	return p
}

// run starts cmd and waits until ready reports true (or an error), the
// process exits, or the deadline passes. ownPIDs runs it in a PID
// namespace of its own where the system allows it (see sysProcAttr).
func (p *Proxy) run(t testing.TB, cmd *exec.Cmd, name string, ownPIDs bool, ready func() (bool, error)) error {
	out, err := os.OpenFile(p.log+".out", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = p.Dir
	cmd.SysProcAttr = sysProcAttr(ownPIDs)
	err = cmd.Start()
	if err != nil && errors.Is(err, syscall.EPERM) && cmd.SysProcAttr.Cloneflags != 0 {
		// A container may refuse a new PID namespace even to root.
		cmd.SysProcAttr.Cloneflags = 0
		err = cmd.Start()
	}
	if err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := testwait.Deadline(t, 10*time.Second)
	for {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited at start: %s %s", name, tail(p.log), tail(p.log+".out"))
		default:
		}
		ok, err := ready()
		if ok {
			t.Cleanup(p.stop)
			return nil
		}
		if err != nil || time.Now().After(deadline) {
			p.stop()
			if err == nil {
				err = errors.New("did not start in time")
			}
			return fmt.Errorf("%s: %w: %s %s", name, err, tail(p.log), tail(p.log+".out"))
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

// listening returns the addresses of the TCP sockets process pid listens
// on: its open files that are sockets, matched by inode against the
// LISTEN entries of /proc/<pid>/net/tcp and tcp6.
func listening(pid int) ([]netip.AddrPort, error) {
	fdDir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, err := os.ReadDir(fdDir)
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		l, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
		if inode, ok := strings.CutPrefix(l, "socket:["); err == nil && ok {
			inodes[strings.TrimSuffix(inode, "]")] = true
		}
	}
	var addrs []netip.AddrPort
	for _, table := range []string{"tcp", "tcp6"} {
		as, err := listenEntries(fmt.Sprintf("/proc/%d/net/%s", pid, table), inodes)
		if err != nil && !errors.Is(err, os.ErrNotExist) { // no tcp6 without IPv6
			return nil, err
		}
		addrs = append(addrs, as...)
	}
	return addrs, nil
}

// listenEntries returns the local addresses of the entries of a
// /proc/net/tcp or tcp6 table in state LISTEN whose inode is in inodes.
// A line reads: sl local_address rem_address st tx:rx tr:when retrnsmt
// uid timeout inode ..., with addresses as hex IP:port, the IP in the
// host's byte order 32 bits at a time.
func listenEntries(path string, inodes map[string]bool) ([]netip.AddrPort, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var addrs []netip.AddrPort
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Scan() // the header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[3] != "0A" || !inodes[f[9]] {
			continue
		}
		a, err := parseProcAddr(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		addrs = append(addrs, a)
	}
	return addrs, sc.Err()
}

// parseProcAddr parses an address of /proc/net/tcp: "0100007F:1F90" is
// 127.0.0.1:8080 on a little-endian machine.
func parseProcAddr(s string) (netip.AddrPort, error) {
	ipHex, portHex, ok := strings.Cut(s, ":")
	raw, err := hex.DecodeString(ipHex)
	if !ok || err != nil || len(raw) != 4 && len(raw) != 16 {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad port in %q", s)
	}
	for i := 0; i < len(raw); i += 4 { // each 32-bit word is in host order
		binary.BigEndian.PutUint32(raw[i:], binary.NativeEndian.Uint32(raw[i:]))
	}
	ip, _ := netip.AddrFromSlice(raw)
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
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
