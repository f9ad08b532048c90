package proxytest

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseProcAddr(t *testing.T) {
	// /proc/net/tcp writes each 32-bit word of the address in host order.
	word := func(b ...byte) string {
		var w [4]byte
		binary.NativeEndian.PutUint32(w[:], binary.BigEndian.Uint32(b))
		return strings.ToUpper(hex.EncodeToString(w[:]))
	}
	tests := []struct {
		name, in, want string
	}{
		{"an IPv4 address", word(127, 0, 0, 1) + ":1F90", "127.0.0.1:8080"},
		{"an IPv6 address", word(0x20, 0x01, 0x0d, 0xb8) + word(0, 0, 0, 0) + word(0, 0, 0, 0) + word(0, 0, 0, 1) + ":0050", "[2001:db8::1]:80"},
		{"an IPv4-mapped IPv6 address", word(0, 0, 0, 0) + word(0, 0, 0, 0) + word(0, 0, 0xff, 0xff) + word(127, 0, 0, 1) + ":0050", "127.0.0.1:80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcAddr(tt.in)
			if err != nil || got.String() != tt.want {
				t.Fatalf("parseProcAddr(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "0100007F", "0100007F:", "01007F:1F90", "zz00007F:1F90", "0100007F:1F9000"} {
		if a, err := parseProcAddr(bad); err == nil {
			t.Errorf("parseProcAddr(%q) = %v, want an error", bad, a)
		}
	}
}

func TestListeningFindsTheProcessListeners(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// A connected socket is not a listener.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	addrs, err := listening(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	want := netip.MustParseAddrPort(ln.Addr().String())
	found := false
	for _, a := range addrs {
		found = found || a == want
		if a == netip.MustParseAddrPort(c.LocalAddr().String()) {
			t.Errorf("listening holds the connected socket %v", a)
		}
	}
	if !found {
		t.Fatalf("listening = %v, want it to hold %v", addrs, want)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	defer c.CloseIdleConnections()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStartNginx(t *testing.T) {
	var (
		addr string
		pids []int
	)
	t.Run("nginx serves on the listeners the test handed it and binds none of its own", func(t *testing.T) {
		var v6 string
		p := StartNginx(t, func(dir string, port int) string {
			v6 = fmt.Sprintf("[::1]:%d", port)
			return NginxSite(dir, fmt.Sprintf("server {\n listen 127.0.0.1:%d;\n listen %s;\n location / { return 200 \"hello\\n\"; }\n}\n", port, v6))
		})
		addr = p.Addr
		for _, url := range []string{p.URL(), "http://" + v6} {
			if got := get(t, url+"/"); got != "hello\n" {
				t.Fatalf("%s: body = %q", url, got)
			}
		}
		// The master and its worker hold the two inherited sockets, and
		// listen on nothing else.
		pids = append(pids, p.cmd.Process.Pid)
		kids, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", p.cmd.Process.Pid, p.cmd.Process.Pid))
		for _, f := range strings.Fields(string(kids)) {
			var pid int
			fmt.Sscan(f, &pid)
			pids = append(pids, pid)
		}
		if len(pids) != 2 {
			t.Fatalf("nginx processes = %v, want a master and one worker", pids)
		}
		for _, pid := range pids {
			got, err := listening(pid)
			if err != nil || len(got) != 2 || got[0].String() != p.Addr || got[1].String() != v6 {
				t.Errorf("process %d listens on %v (%v), want only %s and %s", pid, got, err, p.Addr, v6)
			}
		}
		if log := p.Log(); !strings.Contains(log, `using inherited sockets from "3;4;"`) {
			t.Errorf("nginx's log does not say it took the inherited socket:\n%s", log)
		}
	})
	t.Run("when the test ends, nginx and its worker are gone and nothing listens there", func(t *testing.T) {
		for _, pid := range pids {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && strings.Contains(string(b), "nginx") {
				t.Errorf("nginx process %d is still running", pid)
			}
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections", addr)
		}
	})
	t.Run("a config on 127.0.0.1 only leaves ::1 alone", func(t *testing.T) {
		var port int
		p := StartNginx(t, func(dir string, pt int) string {
			port = pt
			return NginxSite(dir, fmt.Sprintf("server {\n listen 127.0.0.1:%d;\n location / { return 200 \"hello\\n\"; }\n}\n", pt))
		})
		if got := get(t, p.URL()+"/"); got != "hello\n" {
			t.Fatalf("body = %q", got)
		}
		if got, err := listening(p.cmd.Process.Pid); err != nil || len(got) != 1 || got[0].String() != p.Addr {
			t.Errorf("nginx listens on %v (%v), want only %s", got, err, p.Addr)
		}
		if c, err := net.DialTimeout("tcp6", fmt.Sprintf("[::1]:%d", port), time.Second); err == nil {
			c.Close()
			t.Errorf("[::1]:%d accepts connections", port)
		}
	})
	t.Run("a config that does not listen on the handed port fails the start and says so", func(t *testing.T) {
		// nginx -t takes it, and nginx would start, never accepting on the
		// handed listener.
		ft := &fatalTB{TB: t}
		var wg sync.WaitGroup
		wg.Go(func() {
			StartNginx(ft, func(dir string, port int) string {
				return NginxSite(dir, "server {\n listen unix:"+dir+"/other.sock;\n}\n")
			})
		})
		wg.Wait()
		if !strings.Contains(ft.msg, "listen 127.0.0.1:") {
			t.Fatalf("Fatal message = %q", ft.msg)
		}
	})
}

func TestStartCaddy(t *testing.T) {
	p := StartCaddy(t, func(dir string) string {
		return "{\n\tadmin off\n}\n:0 {\n\tbind 127.0.0.1\n\trespond \"hello\" 200\n}\n"
	})
	a, err := netip.ParseAddrPort(p.Addr)
	if err != nil || !a.Addr().IsLoopback() || a.Port() == 0 {
		t.Fatalf("Addr = %q (%v), want 127.0.0.1 and the port Caddy bound", p.Addr, err)
	}
	if got := get(t, p.URL()+"/"); got != "hello" {
		t.Fatalf("body = %q", got)
	}
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
