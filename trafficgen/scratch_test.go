package trafficgen

import (
	"io"
	"testing"
)

func BenchmarkScratch20k(b *testing.B) {
	for b.Loop() {
		Generate(Config{Minutes: 10, Clients: 20000, Attacks: true}, io.Discard, io.Discard)
	}
}
