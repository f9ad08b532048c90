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
	v4  []v4Len                 // IPv4 prefixes and addresses (/32), longest first
	ips map[netip.Addr]struct{} // IPv6 addresses
	v6  []v6Len                 // IPv6 prefixes, longest first
	ids map[string]struct{}     // exact identities
}

// v4Len holds the IPv4 prefixes of one length, by masked address, and
// v6Len the IPv6 ones: the first 64 bits of a prefix up to /64, the
// address of a longer one. A check takes the request's address as
// integers once and masks it for each length present. The keys are
// integers and plain arrays, which the runtime hashes in a few cycles
// (a netip.Prefix has padding and is hashed field by field): the walk over
// the lengths is most of the cost of a check that consults the list.
type v4Len struct {
	bits int
	keys map[uint32]struct{}
}

type v6Len struct {
	bits int
	hi   map[uint64]struct{}    // bits <= 64
	full map[[2]uint64]struct{} // bits > 64
}

func v4Mask(bits int) uint32 { return ^uint32(0) << (32 - bits) } // 0 for bits 0

func v6Mask(bits int) uint64 { return ^uint64(0) << (64 - bits) } // bits in 0..64

func v4Bits(ip netip.Addr) uint32 {
	b := ip.As4()
	return binary.BigEndian.Uint32(b[:])
}

// v6Bits returns the bits of ip, an IPv6 address. It reads them through
// AppendBinary rather than As16, whose array is written in halves and then
// copied whole: the processor cannot forward those stores to the copy's
// load and waits for them, which costs more than the rest of the lookup.
// Without its zone ip takes 16 bytes, which buf holds.
func v6Bits(ip netip.Addr) (hi, lo uint64) {
	var buf [16]byte
	b, _ := ip.WithZone("").AppendBinary(buf[:0])
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16])
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
	a := &Allowlist{ips: map[netip.Addr]struct{}{}, ids: map[string]struct{}{}}
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
			a.addV6(p)
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

// addV4 adds p, masked.
func (a *Allowlist) addV4(p netip.Prefix) {
	i := slices.IndexFunc(a.v4, func(l v4Len) bool { return l.bits == p.Bits() })
	if i < 0 {
		a.v4 = append(a.v4, v4Len{bits: p.Bits(), keys: map[uint32]struct{}{}})
		slices.SortFunc(a.v4, func(x, y v4Len) int { return y.bits - x.bits })
		i = slices.IndexFunc(a.v4, func(l v4Len) bool { return l.bits == p.Bits() })
	}
	a.v4[i].keys[v4Bits(p.Addr())] = struct{}{}
}

// addV6 adds p, masked and shorter than an address.
func (a *Allowlist) addV6(p netip.Prefix) {
	i := slices.IndexFunc(a.v6, func(l v6Len) bool { return l.bits == p.Bits() })
	if i < 0 {
		a.v6 = append(a.v6, v6Len{bits: p.Bits(), hi: map[uint64]struct{}{}, full: map[[2]uint64]struct{}{}})
		slices.SortFunc(a.v6, func(x, y v6Len) int { return y.bits - x.bits })
		i = slices.IndexFunc(a.v6, func(l v6Len) bool { return l.bits == p.Bits() })
	}
	hi, lo := v6Bits(p.Addr())
	if p.Bits() <= 64 {
		a.v6[i].hi[hi] = struct{}{}
	} else {
		a.v6[i].full[[2]uint64{hi, lo}] = struct{}{}
	}
}

// Len returns the number of entries read.
func (a *Allowlist) Len() int {
	if a == nil {
		return 0
	}
	n := len(a.ips) + len(a.ids)
	for _, l := range a.v4 {
		n += len(l.keys)
	}
	for _, l := range a.v6 {
		n += len(l.hi) + len(l.full)
	}
	return n
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
	switch {
	case ip.Is4():
		return a.coversV4(v4Bits(ip), 32)
	case !ip.IsValid():
		return false
	}
	if len(a.ips) > 0 {
		if _, ok := a.ips[ip]; ok {
			return true
		}
	}
	return a.coversV6(ip, 128)
}

// allowsPrefix reports whether an entry covers every address of p.
func (a *Allowlist) allowsPrefix(p netip.Prefix) bool {
	if p.Addr().Is4() {
		return a.coversV4(v4Bits(p.Addr()), p.Bits())
	}
	return a.coversV6(p.Addr(), p.Bits())
}

// coversV4 reports whether an IPv4 entry of at most maxBits covers x.
func (a *Allowlist) coversV4(x uint32, maxBits int) bool {
	for _, l := range a.v4 {
		if l.bits > maxBits {
			continue
		}
		if _, ok := l.keys[x&v4Mask(l.bits)]; ok {
			return true
		}
	}
	return false
}

// coversV6 reports whether an IPv6 prefix of at most maxBits covers ip.
func (a *Allowlist) coversV6(ip netip.Addr, maxBits int) bool {
	if len(a.v6) == 0 {
		return false
	}
	hi, lo := v6Bits(ip)
	for i := range a.v6 {
		l := &a.v6[i]
		if l.bits > maxBits {
			continue
		}
		if l.bits <= 64 {
			if _, ok := l.hi[hi&v6Mask(l.bits)]; ok {
				return true
			}
		} else if _, ok := l.full[[2]uint64{hi, lo & v6Mask(l.bits-64)}]; ok {
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
