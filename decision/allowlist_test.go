package decision

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseAllowlist(t *testing.T) {
	t.Run("a bad entry is an error that names it, and the good entries are kept", func(t *testing.T) {
		a, err := ParseAllowlist([]string{"10.0.0.0/33", "203.0.113.7", "", "key_partner", "300.1.2.3/8"})
		if !errors.Is(err, ErrAllowEntry) {
			t.Fatalf("error %v, want ErrAllowEntry", err)
		}
		for _, want := range []string{`"10.0.0.0/33"`, `"300.1.2.3/8"`, "empty entry"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
		}
		if a.Len() != 2 || !a.Covers("203.0.113.7") || !a.Covers("key_partner") {
			t.Errorf("kept %d entries", a.Len())
		}
	})
	t.Run("good entries parse without error", func(t *testing.T) {
		if _, err := ParseAllowlist([]string{" 10.0.0.0/8 ", "2001:db8::/32", "::ffff:192.0.2.0/120", "alice"}); err != nil {
			t.Fatal(err)
		}
		if ValidateAllowEntry("10.0.0.0/33") == nil || ValidateAllowEntry("alice") != nil {
			t.Error("ValidateAllowEntry disagrees with ParseAllowlist")
		}
	})
}

func TestAllowlistMatches(t *testing.T) {
	a, err := ParseAllowlist([]string{"203.0.113.0/24", "2001:db8::/32", "::ffff:192.0.2.0/120", "198.51.100.7", "key_partner", "alice"})
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddr
	requests := []struct {
		name         string
		ip           netip.Addr
		apiKey, user string
		want         bool
	}{
		{"an address inside an allowed prefix is allowed", addr("203.0.113.9"), "", "", true},
		{"an IPv6 address inside an allowed prefix is allowed", addr("2001:db8::1"), "", "", true},
		{"an IPv4-mapped prefix covers IPv4 addresses", addr("192.0.2.10"), "", "", true},
		{"an allowed address is allowed", addr("198.51.100.7"), "", "", true},
		{"its neighbour is not", addr("198.51.100.8"), "", "", false},
		{"an allowed API key is allowed from any address", addr("192.0.0.1"), "key_partner", "", true},
		{"an allowed user is allowed", netip.Addr{}, "", "alice", true},
		{"an empty key matches no entry", addr("192.0.0.1"), "", "", false},
	}
	for _, tt := range requests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.AllowsRequest(tt.ip, tt.apiKey, tt.user); got != tt.want {
				t.Errorf("AllowsRequest = %v, want %v", got, tt.want)
			}
			ip := []byte(nil)
			if tt.ip.IsValid() {
				ip = []byte(tt.ip.String())
			}
			if got := a.Allows("client", ip, []byte(tt.apiKey), []byte(tt.user)); got != tt.want {
				t.Errorf("Allows = %v, want %v", got, tt.want)
			}
		})
	}
	clients := []struct {
		client string
		want   bool
	}{
		{"203.0.113.9", true},
		{"203.0.113.128/25", true},
		{"203.0.112.0/23", false},
		{"2001:db8:1:2::/64", true},
		{"2001:db9::/64", false},
		{"key_partner", true},
		{"key_other", false},
		{"10.0.0.0/33", false},
	}
	for _, tt := range clients {
		if got := a.Covers(tt.client); got != tt.want {
			t.Errorf("Covers(%q) = %v, want %v", tt.client, got, tt.want)
		}
		if got := a.Allows(tt.client, nil, nil, nil); got != tt.want {
			t.Errorf("Allows(%q) = %v, want %v", tt.client, got, tt.want)
		}
	}
	var none *Allowlist
	if none.AllowsRequest(addr("203.0.113.9"), "", "") || none.Covers("x") || none.Len() != 0 {
		t.Error("a nil allowlist allowed something")
	}
}

func BenchmarkAllowsRequest(b *testing.B) {
	a, err := ParseAllowlist([]string{"203.0.113.0/24", "2001:db8::/32", "198.51.100.7", "key_partner"})
	if err != nil {
		b.Fatal(err)
	}
	ip := netip.MustParseAddr("192.0.2.1")
	b.ReportAllocs()
	for b.Loop() {
		if a.AllowsRequest(ip, "key_x", "bob") {
			b.Fatal("allowed")
		}
	}
}

// TestAllowlistPrefixLengths checks that prefixes of neighbouring lengths
// and the same address stay apart, around the 64-bit halves of an IPv6
// address and at the longest prefix shorter than an address.
func TestAllowlistPrefixLengths(t *testing.T) {
	a, err := ParseAllowlist([]string{"2001:db8:0:0:8000::/65", "2001:db8:0:1::/64", "2001:db8:1::/63",
		"2001:db8:2::1:0/127", "2001:db8:3::/64", "2001:db9::/48", "10.0.0.128/25", "10.0.1.0/24", "10.0.4.0/22"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		ip   string
		want bool
	}{
		{"2001:db8::8000:0:0:1", true}, {"2001:db8::1", false},
		{"2001:db8:0:1::1", true}, {"2001:db8:0:2::1", false},
		{"2001:db8:1:1::1", true}, {"2001:db8:1:2::1", false},
		{"2001:db8:2::1:1", true}, {"2001:db8:2::1:2", false}, {"2001:db8:2::1", false},
		{"2001:db8:3::1", true}, {"2001:db8:3:5::1", false}, // its /48 is the /64's address
		{"2001:db8:3::1%eth0", true}, // a zone does not change the prefix
		{"10.0.0.200", true}, {"10.0.0.100", false}, {"10.0.1.1", true}, {"10.0.2.1", false}, {"10.0.7.1", true},
	} {
		if got := a.AllowsRequest(netip.MustParseAddr(tt.ip), "", ""); got != tt.want {
			t.Errorf("AllowsRequest(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
	for _, tt := range []struct {
		client string
		want   bool
	}{
		{"2001:db8:0:1::/64", true}, {"2001:db8:0:1::/63", false}, {"2001:db8:0:1:8000::/65", true},
		{"2001:db8::/64", false}, {"2001:db8:0:0:c000::/66", true}, {"10.0.0.192/26", true}, {"10.0.0.0/24", false},
	} {
		if got := a.Covers(tt.client); got != tt.want {
			t.Errorf("Covers(%s) = %v, want %v", tt.client, got, tt.want)
		}
	}
}
