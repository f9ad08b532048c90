package auth

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkJWT compares a token verified before (a hash and a map
// lookup) with a full check (parse, signature, claims).
func BenchmarkJWT(b *testing.B) {
	clk := newClock()
	for _, alg := range []string{"RS256", "ES256"} {
		s := newSigner(b, "k-"+alg, alg)
		srv := newJWKSServer(b, s)
		v := testVerifier(b, srv, clk)
		tok := s.sign(b, claimsAt(clk.Now(), "alice", "reader", "writer"))
		ctx := context.Background()
		if _, err := v.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
		b.Run(alg+"/cached", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/full", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := v.verify(ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAPIKeyCheck(b *testing.B) {
	ctx := context.Background()
	h := testHasher(b)
	store := NewFileKeyStore(filepath.Join(b.TempDir(), "keys.json"))
	m := NewKeyManager(store, h, nil)
	var secret string
	for i := range 1000 {
		_, s, err := m.Create(ctx, "owner", []string{"reader"}, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		if i == 500 {
			secret = s
		}
	}
	ring := NewKeyRing(store, h, time.Second, time.Minute, nil, nil)
	if err := ring.Load(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ring.Check(secret); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRBACDecide(b *testing.B) {
	a, err := Compile(testPolicy, testRoutes)
	if err != nil {
		b.Fatal(err)
	}
	roles := []string{"writer"}
	b.ReportAllocs()
	for b.Loop() {
		if d := a.Decide("POST", "/api/items/42", roles); !d.Allowed {
			b.Fatal(d.Explain())
		}
	}
}
