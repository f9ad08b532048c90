package ingest

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"

	"github.com/portcullis/portcullis/decision"
)

// Identity chooses which field of a Record names the client that the later
// stages keep state for and that decisions block.
type Identity int

// The client identities.
const (
	// IdentityIP keys clients by ClientIP. It is the zero value.
	IdentityIP Identity = iota
	// IdentityAPIKey keys clients by APIKey, falling back to the IP.
	IdentityAPIKey
	// IdentityUser keys clients by User, falling back to the IP.
	IdentityUser
	// IdentityIPv6Prefix64 keys IPv6 clients by their /64 prefix, which an
	// attacker usually holds whole, and IPv4 clients by their address.
	IdentityIPv6Prefix64
)

// validIdentityValues lists the identity names. Identity.Key returns the
// scope of the same name (decision.ScopeIP, ...).
const validIdentityValues = `"ip", "api_key", "user" or "ipv6_64"`

// ParseIdentity parses an identity name: "ip", "api_key", "user" or
// "ipv6_64", ignoring case and surrounding space. The empty string is "ip".
func ParseIdentity(s string) (Identity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", decision.ScopeIP:
		return IdentityIP, nil
	case decision.ScopeAPIKey:
		return IdentityAPIKey, nil
	case decision.ScopeUser:
		return IdentityUser, nil
	case decision.ScopeIPv6Prefix64:
		return IdentityIPv6Prefix64, nil
	}
	return 0, fmt.Errorf("ingest: identity %q: %w; use %s", s, ErrUnknownIdentity, validIdentityValues)
}

// String returns the identity's name, as ParseIdentity reads it.
func (id Identity) String() string {
	switch id {
	case IdentityIP:
		return decision.ScopeIP
	case IdentityAPIKey:
		return decision.ScopeAPIKey
	case IdentityUser:
		return decision.ScopeUser
	case IdentityIPv6Prefix64:
		return decision.ScopeIPv6Prefix64
	}
	return fmt.Sprintf("Identity(%d)", int(id))
}

// MarshalText implements encoding.TextMarshaler.
func (id Identity) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseIdentity, so
// an Identity can be read straight from a configuration file.
func (id *Identity) UnmarshalText(text []byte) error {
	v, err := ParseIdentity(string(text))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// Key appends rec's client identity to dst and returns the extended slice
// with the scope it used (decision.ScopeIP, decision.ScopeAPIKey, decision.ScopeUser or
// decision.ScopeIPv6Prefix64).
//
// IdentityAPIKey and IdentityUser fall back to the IP for a record without
// that field. IdentityIPv6Prefix64 writes an IPv6 address's /64 prefix, as
// in "2001:db8:1:2::/64"; an IPv4 address (an IPv4-mapped IPv6 address is
// written in IPv4 form) and anything that is not an IP address are kept as
// the IP. A record without an IP falls back to its API key, then its user,
// and appends nothing if it has neither.
//
// Key does not allocate when dst has room, except that IdentityIPv6Prefix64
// allocates to parse an IPv6 address.
func (id Identity) Key(dst []byte, rec *Record) (key []byte, scope string) {
	switch id {
	case IdentityAPIKey:
		if len(rec.APIKey) > 0 {
			return append(dst, rec.APIKey...), decision.ScopeAPIKey
		}
	case IdentityUser:
		if len(rec.User) > 0 {
			return append(dst, rec.User...), decision.ScopeUser
		}
	case IdentityIPv6Prefix64:
		if bytes.IndexByte(rec.ClientIP, ':') >= 0 {
			if addr, err := netip.ParseAddr(string(rec.ClientIP)); err == nil {
				if addr.Is4In6() {
					return addr.Unmap().AppendTo(dst), decision.ScopeIP
				}
				p, err := addr.WithZone("").Prefix(64)
				if err == nil {
					return p.AppendTo(dst), decision.ScopeIPv6Prefix64
				}
			}
		}
	}
	switch {
	case len(rec.ClientIP) > 0:
		return append(dst, rec.ClientIP...), decision.ScopeIP
	case len(rec.APIKey) > 0:
		return append(dst, rec.APIKey...), decision.ScopeAPIKey
	case len(rec.User) > 0:
		return append(dst, rec.User...), decision.ScopeUser
	}
	return dst, decision.ScopeIP
}
