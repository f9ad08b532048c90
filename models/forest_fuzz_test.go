package models_test

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/portcullis/portcullis/models"
)

// FuzzForestUnmarshal checks that UnmarshalBinary never panics, that what it
// rejects wraps ErrCorruptForest, and that what it accepts scores without
// panicking, within (0, 1], identically through Score and ScoreBatch, and
// marshals back to the same bytes. Each input is tried as it is and with its
// checksum fixed, so that the fuzzer also reaches the structural checks.
func FuzzForestUnmarshal(f *testing.F) {
	for _, seed := range []struct {
		rows, dim int
		cfg       models.ForestConfig
	}{
		{200, 3, models.ForestConfig{Trees: 3, SampleSize: 16, Seed: 1}},
		{50, 1, models.ForestConfig{Trees: 9, SampleSize: 4, MaxDepth: 1, Seed: 2}},
		{2, 2, models.ForestConfig{Trees: 1, Seed: 3}},
	} {
		data, _ := forestData(seed.rows, seed.dim, 1)
		b := mustMarshalForest(f, mustFitForest(f, data, seed.dim, seed.cfg))
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(withChecksum(b[:len(b)-12]))
	}
	f.Add([]byte("PCIF"))

	f.Fuzz(func(t *testing.T, b []byte) {
		checkForestDecode(t, b)
		if len(b) >= 4 {
			checkForestDecode(t, withChecksum(b))
		}
	})
}

func checkForestDecode(t *testing.T, b []byte) {
	t.Helper()
	var g models.Forest
	if err := g.UnmarshalBinary(b); err != nil {
		if !errors.Is(err, models.ErrCorruptForest) {
			t.Fatalf("error %v does not wrap ErrCorruptForest", err)
		}
		return
	}
	b2, err := g.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary of a decoded forest: %v", err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("decoded forest marshals to different bytes")
	}
	if g.Dim() > 1<<12 {
		return // valid, but too wide to score cheaply
	}
	var rows [][]float64
	for _, v := range []float64{0, 0.5, -1e300, math.Inf(1), math.NaN()} {
		rows = append(rows, repeatFloat(v, g.Dim()))
	}
	var data []float64
	for _, x := range rows {
		data = append(data, x...)
	}
	out := make([]float64, len(rows))
	g.ScoreBatch(data, out)
	for i, x := range rows {
		s := g.Score(x)
		if !(s > 0 && s <= 1) {
			t.Fatalf("row %d scores %v, want it in (0, 1]", i, s)
		}
		if s != out[i] {
			t.Fatalf("row %d: Score = %v, ScoreBatch = %v", i, s, out[i])
		}
	}
}

func repeatFloat(v float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}
