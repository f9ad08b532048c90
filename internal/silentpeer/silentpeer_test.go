package silentpeer

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestStartAcceptsAndNeverAnswers connects, writes, and finds that a read
// waits until its deadline: the peer accepted the connection and said
// nothing.
func TestStartAcceptsAndNeverAnswers(t *testing.T) {
	defer goleak.VerifyNone(t)
	t.Run("peer", func(t *testing.T) {
		c, err := net.DialTimeout("tcp", Start(t), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("hello?")); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := c.Read(make([]byte, 1))
		if n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Read = %d, %v; want 0 bytes and a deadline error", n, err)
		}
	})
	// The subtest's cleanup closed the listener and its connections and
	// waited for the goroutines, which goleak checks.
}
