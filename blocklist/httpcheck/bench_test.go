package httpcheck

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
)

// BenchmarkCheckHeaders is the check of a request held as a peer and
// header fields, as the decision service asks it: the client from a
// trusted proxy's X-Forwarded-For and a presented API key checked by its
// id.
func BenchmarkCheckHeaders(b *testing.B) {
	id, err := NewIdentity(RequestIdentity{TrustedProxies: []string{"127.0.0.1"}, APIKeyHeader: "X-Api-Key"})
	if err != nil {
		b.Fatal(err)
	}
	c, _ := loadedChecker(b, blocklist.CheckerConfig{FailMode: blocklist.FailOpen},
		blocklist.Snapshot{Decisions: []*decision.Decision{blockOf(APIKeyID("key_bad"), "api_key", 600)}})
	h := http.Header{"X-Forwarded-For": {"198.51.100.7, 192.0.2.1"}, "X-Api-Key": {"sk_live_4eC39HqLyjWDarjtT1zdp7dcTw8xQ2"}}
	peer := netip.MustParseAddr("127.0.0.1")
	b.ReportAllocs()
	for b.Loop() {
		if id.CheckHeaders(c, peer, h, 0).Blocked {
			b.Fatal("blocked")
		}
	}
}
