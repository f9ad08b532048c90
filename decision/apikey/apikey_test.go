package apikey

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestID(t *testing.T) {
	long := string(make([]byte, 300))
	for _, key := range []string{"key_1a2b", "sk_live_4f9a2c7e1b", long} {
		sum := sha256.Sum256([]byte(key))
		want := "key_" + hex.EncodeToString(sum[:4])
		if got := ID(key); got != want {
			t.Errorf("ID(%.20q) = %q; want %q", key, got, want)
		}
		if got := string(AppendID([]byte("x"), []byte(key))); got != "x"+want {
			t.Errorf("AppendID of bytes = %q; want %q", got, "x"+want)
		}
	}
	if ID("") != "" || AppendID([]byte(nil), []byte{}) != nil {
		t.Error("an empty key has an id; want none")
	}
	buf := make([]byte, 0, IDLen)
	key := []byte("sk_live_4f9a2c7e1b")
	if allocs := testing.AllocsPerRun(100, func() { AppendID(buf[:0], key) }); allocs != 0 {
		t.Errorf("%v allocations; want none", allocs)
	}
}

func BenchmarkAppendID(b *testing.B) {
	buf := make([]byte, 0, IDLen)
	key := []byte("sk_live_4f9a2c7e1b0d3e5f")
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendID(buf[:0], key)
	}
}
