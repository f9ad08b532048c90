package syncbuf

import (
	"strings"
	"sync"
	"testing"
)

// TestBufferKeepsEveryWriteWhileItIsRead writes from several goroutines
// while reading (which -race checks) and finds every write whole.
func TestBufferKeepsEveryWriteWhileItIsRead(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				b.Write([]byte("line\n"))
			}
		}()
	}
	for range 50 {
		_ = b.String()
	}
	wg.Wait()
	if got := b.String(); got != strings.Repeat("line\n", 400) {
		t.Fatalf("%d bytes, want 400 whole lines", len(got))
	}
}
