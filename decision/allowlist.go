package decision

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Allowlist holds the clients that are never blocked: IP addresses, CIDR
// prefixes (IPv4 or IPv6) and exact identities such as an API key or a user
// name. The detector reads it from its policy, the blocklist store and the
// gateway check from the store's allowlist; all of them parse it here, so
// an entry means the same everywhere.
//
// An Allowlist is immutable once parsed and safe for concurrent use. Its
// lookups take no lock and allocate nothing.
type Allowlist struct {
	v4     map[uint64]struct{}     // IPv4 addresses and prefixes, by v4Key
	ips    map[netip.Addr]struct{} // IPv6 addresses
	v6     map[v6Key]struct{}      // IPv6 prefixes, masked
	v4Lens []int                   // lengths in v4, longest first (32 for an address)
	v6Lens []int                   // lengths in v6, longest first
	ids    map[string]struct{}     // exact identities
}

// The map keys of addresses and prefixes are plain integers and bytes, not
// netip values: the runtime hashes an integer key in a few cycles and one
// of plain memory in one pass, where a netip.Prefix, which has padding, is
// hashed field by field. The prefix walk is most of the cost of a check
// that consults the list.

// v4Key is an IPv4 prefix's key: its length, then its masked address.
func v4Key(p netip.Prefix) uint64 {
	b := p.Addr().As4()
	return uint64(p.Bits())<<32 | uint64(binary.BigEndian.Uint32(b[:]))
}

// v6Key is an IPv6 prefix's key: its masked address with the bit after
// the prefix set, which tells the length of a prefix shorter than an
// address, in 16 bytes, a key size the runtime hashes fastest.
type v6Key [2]uint64

func v6KeyOf(p netip.Prefix) v6Key {
	b := p.Addr().As16()
	k := v6Key{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
	if bits := p.Bits(); bits < 64 {
		k[0] |= 1 << (63 - bits)
	} else {
		k[1] |= 1 << (127 - bits)
	}
	return k
}

// ErrAllowEntry is wrapped by the errors ParseAllowlist returns for
// entries it cannot read.
var ErrAllowEntry = errors.New("bad allowlist entry")

// ParseAllowlist reads entries. An entry with a "/" must be a CIDR prefix;
// an entry that parses as an IP address is that address (an IPv4-mapped
// IPv6 address is its IPv4 address); anything else is an exact identity.
// Surrounding space is ignored.
//
// It returns an Allowlist of the entries it could read and, when some
// could not, an error naming each of them (wrapping ErrAllowEntry), so that
// a caller that must not stop on one bad entry still gets the others.
func ParseAllowlist(entries []string) (*Allowlist, error) {
	a := &Allowlist{v4: map[uint64]struct{}{}, ips: map[netip.Addr]struct{}{}, v6: map[v6Key]struct{}{}, ids: map[string]struct{}{}}
	var errs []error
	for _, e := range entries {
		ip, p, err := parseEntry(e)
		switch {
		case err != nil:
			errs = append(errs, err)
		case ip.Is4():
			a.addV4(netip.PrefixFrom(ip, 32))
		case ip.IsValid():
			a.ips[ip] = struct{}{}
		case p.Addr().Is4():
			a.addV4(p)
		case p.IsValid():
			a.v6[v6KeyOf(p)] = struct{}{}
			a.v6Lens = addLen(a.v6Lens, p.Bits())
		default:
			a.ids[strings.TrimSpace(e)] = struct{}{}
		}
	}
	return a, errors.Join(errs...)
}

// ValidateAllowEntry reports whether ParseAllowlist reads e, with an error
// that says how to write it when it does not.
func ValidateAllowEntry(e string) error {
	_, _, err := parseEntry(e)
	return err
}

// parseEntry returns e as an address, as a prefix shorter than an address,
// or neither for an identity.
func parseEntry(e string) (netip.Addr, netip.Prefix, error) {
	e = strings.TrimSpace(e)
	if e == "" {
		return netip.Addr{}, netip.Prefix{}, fmt.Errorf("%w: an empty entry; remove it", ErrAllowEntry)
	}
	if strings.IndexByte(e, '/') >= 0 {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return netip.Addr{}, netip.Prefix{}, fmt.Errorf("%w: %q is not a CIDR prefix (%v); write it like 10.0.0.0/8 or 2001:db8::/32", ErrAllowEntry, e, err)
		}
		ip, p := unmapPrefix(p)
		return ip, p, nil
	}
	if ip, err := netip.ParseAddr(e); err == nil {
		return ip.Unmap().WithZone(""), netip.Prefix{}, nil
	}
	return netip.Addr{}, netip.Prefix{}, nil
}

// unmapPrefix returns p with an IPv4-mapped address turned into IPv4, and
// masked; as an address when it has the full length.
func unmapPrefix(p netip.Prefix) (netip.Addr, netip.Prefix) {
	bits := p.Bits()
	if p.Addr().Is4In6() {
		bits = max(0, bits-96)
	}
	p = netip.PrefixFrom(p.Addr().Unmap().WithZone(""), bits).Masked()
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr(), netip.Prefix{}
	}
	return netip.Addr{}, p
}

func (a *Allowlist) addV4(p netip.Prefix) {
	a.v4[v4Key(p)] = struct{}{}
	a.v4Lens = addLen(a.v4Lens, p.Bits())
}

// addLen returns lens with bits, longest first.
func addLen(lens []int, bits int) []int {
	if !slices.Contains(lens, bits) {
		lens = append(lens, bits)
		slices.SortFunc(lens, func(x, y int) int { return y - x })
	}
	return lens
}

// Len returns the number of entries read.
func (a *Allowlist) Len() int {
	if a == nil {
		return 0
	}
	return len(a.v4) + len(a.ips) + len(a.v6) + len(a.ids)
}

// AllowsRequest reports whether a request from ip with apiKey and user
// (empty when absent) is allowlisted. ip must be unmapped. A nil Allowlist
// allows nothing.
func (a *Allowlist) AllowsRequest(ip netip.Addr, apiKey, user string) bool {
	if a == nil {
		return false
	}
	if len(a.ids) > 0 && (apiKey != "" && a.hasID(apiKey) || user != "" && a.hasID(user)) {
		return true
	}
	return a.allowsAddr(ip)
}

func (a *Allowlist) allowsAddr(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	if ip.Is4() {
		for _, bits := range a.v4Lens {
			p, _ := ip.Prefix(bits)
			if _, ok := a.v4[v4Key(p)]; ok {
				return true
			}
		}
		return false
	}
	if len(a.ips) > 0 {
		if _, ok := a.ips[ip]; ok {
			return true
		}
	}
	for _, bits := range a.v6Lens {
		p, _ := ip.Prefix(bits)
		if _, ok := a.v6[v6KeyOf(p)]; ok {
			return true
		}
	}
	return false
}

// allowsPrefix reports whether an entry covers every address of p.
func (a *Allowlist) allowsPrefix(p netip.Prefix) bool {
	is4 := p.Addr().Is4()
	lens := a.v6Lens
	if is4 {
		lens = a.v4Lens
	}
	for _, bits := range lens {
		if bits > p.Bits() {
			continue
		}
		q, _ := p.Addr().Prefix(bits)
		if is4 {
			if _, ok := a.v4[v4Key(q)]; ok {
				return true
			}
		} else if _, ok := a.v6[v6KeyOf(q)]; ok {
			return true
		}
	}
	return false
}

// Covers reports whether the allowlist covers client, a decision's client:
// an address or a prefix inside an allowlisted prefix, or an identity on
// the list.
func (a *Allowlist) Covers(client string) bool {
	if a == nil {
		return false
	}
	if _, ok := a.ids[client]; ok {
		return true
	}
	ip, p, err := parseEntry(client)
	switch {
	case err != nil:
		return false
	case ip.IsValid():
		return a.allowsAddr(ip)
	case p.IsValid():
		return a.allowsPrefix(p)
	}
	return false
}

// Allows reports whether a client is allowlisted, by its identity key (an
// address, a prefix or an identity, as Covers reads it), the IP address of
// its request, and the API key or user of its request (empty when absent).
func (a *Allowlist) Allows(key string, ip, apiKey, user []byte) bool {
	if a == nil {
		return false
	}
	if len(a.ids) > 0 && (len(apiKey) > 0 && a.hasIDBytes(apiKey) || len(user) > 0 && a.hasIDBytes(user)) {
		return true
	}
	if len(ip) > 0 {
		if addr, err := netip.ParseAddr(string(ip)); err == nil && a.allowsAddr(addr.Unmap().WithZone("")) {
			return true
		}
	}
	return a.Covers(key)
}

func (a *Allowlist) hasID(id string) bool {
	_, ok := a.ids[id]
	return ok
}

func (a *Allowlist) hasIDBytes(b []byte) bool {
	_, ok := a.ids[string(b)] // no copy: the compiler reads b in place
	return ok
}
