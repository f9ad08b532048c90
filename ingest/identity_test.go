package ingest

import (
	"errors"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/decision"
)

func TestParseIdentity(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Identity
	}{
		{"ip is the IP", "ip", IdentityIP},
		{"an empty name is the IP", "", IdentityIP},
		{"api_key is the API key", "api_key", IdentityAPIKey},
		{"user is the user", "user", IdentityUser},
		{"ipv6_64 is the IPv6 /64 prefix", "ipv6_64", IdentityIPv6Prefix64},
		{"case and spaces are ignored", " API_KEY ", IdentityAPIKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIdentity(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseIdentity(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if strings.TrimSpace(tt.in) != "" && got.String() != strings.ToLower(strings.TrimSpace(tt.in)) {
				t.Errorf("String() = %q does not round-trip %q", got, tt.in)
			}
		})
	}
}

func TestParseIdentityRejectsUnknownNamesAndListsTheValidOnes(t *testing.T) {
	_, err := ParseIdentity("cookie")
	if !errors.Is(err, ErrUnknownIdentity) {
		t.Fatalf("ParseIdentity(cookie) = %v, want ErrUnknownIdentity", err)
	}
	for _, v := range []string{`"ip"`, `"api_key"`, `"user"`, `"ipv6_64"`} {
		if !strings.Contains(err.Error(), v) {
			t.Errorf("error %q does not mention %s", err, v)
		}
	}
	var id Identity
	if err := id.UnmarshalText([]byte("user")); err != nil || id != IdentityUser {
		t.Fatalf("UnmarshalText(user) = %v, %v", id, err)
	}
	if s := Identity(42).String(); s != "Identity(42)" {
		t.Errorf("String of an unknown identity = %q", s)
	}
}

func TestIdentityKey(t *testing.T) {
	full := Record{ClientIP: []byte("203.0.113.7"), APIKey: []byte("key_1"), User: []byte("alice")}
	ipOnly := Record{ClientIP: []byte("203.0.113.7")}
	v6 := Record{ClientIP: []byte("2001:db8:1:2:3:4:5:6"), APIKey: []byte("key_1")}
	tests := []struct {
		name      string
		id        Identity
		rec       Record
		wantKey   string
		wantScope string
	}{
		{"ip uses the client IP", IdentityIP, full, "203.0.113.7", decision.ScopeIP},
		{"api_key uses the API key", IdentityAPIKey, full, "key_1", decision.ScopeAPIKey},
		{"api_key falls back to the IP without a key", IdentityAPIKey, ipOnly, "203.0.113.7", decision.ScopeIP},
		{"user uses the user", IdentityUser, full, "alice", decision.ScopeUser},
		{"user falls back to the IP without a user", IdentityUser, ipOnly, "203.0.113.7", decision.ScopeIP},
		{"ipv6_64 reduces an IPv6 address to its /64", IdentityIPv6Prefix64, v6, "2001:db8:1:2::/64", decision.ScopeIPv6Prefix64},
		{"ipv6_64 drops a zone", IdentityIPv6Prefix64, Record{ClientIP: []byte("fe80::1%eth0")}, "fe80::/64", decision.ScopeIPv6Prefix64},
		{"ipv6_64 keeps an IPv4 address", IdentityIPv6Prefix64, ipOnly, "203.0.113.7", decision.ScopeIP},
		{"ipv6_64 writes an IPv4-mapped address as IPv4", IdentityIPv6Prefix64, Record{ClientIP: []byte("::ffff:192.0.2.1")}, "192.0.2.1", decision.ScopeIP},
		{"ipv6_64 keeps something that is not an address", IdentityIPv6Prefix64, Record{ClientIP: []byte("unix:/run/x.sock")}, "unix:/run/x.sock", decision.ScopeIP},
		{"ip falls back to the API key without an IP", IdentityIP, Record{APIKey: []byte("key_2"), User: []byte("bob")}, "key_2", decision.ScopeAPIKey},
		{"ip falls back to the user without an IP or key", IdentityIP, Record{User: []byte("bob")}, "bob", decision.ScopeUser},
		{"an empty record gives an empty key", IdentityUser, Record{}, "", decision.ScopeIP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, scope := tt.id.Key([]byte("prefix:"), &tt.rec)
			if string(key) != "prefix:"+tt.wantKey || scope != tt.wantScope {
				t.Errorf("Key = %q, %q; want %q, %q", key, scope, "prefix:"+tt.wantKey, tt.wantScope)
			}
		})
	}
}

func TestIdentityKeyDoesNotAllocate(t *testing.T) {
	rec := Record{ClientIP: []byte("203.0.113.7"), APIKey: []byte("key_1"), User: []byte("alice")}
	dst := make([]byte, 0, 64)
	for _, id := range []Identity{IdentityIP, IdentityAPIKey, IdentityUser, IdentityIPv6Prefix64} {
		if n := testing.AllocsPerRun(100, func() { dst, _ = id.Key(dst[:0], &rec) }); n != 0 {
			t.Errorf("%v: Key allocates %v times for an IPv4 record, want 0", id, n)
		}
	}
}
