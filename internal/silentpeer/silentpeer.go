// Package silentpeer starts, for tests, a TCP listener that accepts
// connections and never answers: a server that hangs, or one behind a
// firewall that drops its replies. A client's requests to it wait for
// their context or their timeout, which is what tests of cancellation
// need. It sits outside the data flow.
package silentpeer

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Start listens on 127.0.0.1:0 and returns the address. The listener
// accepts every connection, reads and drops what the client sends, and
// never writes. It and its connections are closed, and its goroutines
// waited for, when the test ends.
func Start(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() { // read and drop what the client sends
				defer wg.Done()
				io.Copy(io.Discard, c)
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}
