package challenge

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math/bits"
	"net/netip"
	"strconv"
	"time"
)

// Why a seed, a solution or a pass is refused. Each is a reason of the
// failed-challenge metric (see Reason).
var (
	// ErrBadSignature: the token was not made with this key, was
	// altered, or is not a token at all.
	ErrBadSignature = errors.New("challenge: bad signature")
	// ErrExpired: the token's time is up.
	ErrExpired = errors.New("challenge: expired")
	// ErrWrongAddress: the token was issued to another address (another
	// IPv4 address, or another IPv6 /64).
	ErrWrongAddress = errors.New("challenge: issued to another address")
	// ErrWrongRoute: the token was issued for another route class.
	ErrWrongRoute = errors.New("challenge: issued for another route class")
	// ErrBadPoW: the nonce does not give the digest the seed asks for.
	ErrBadPoW = errors.New("challenge: the nonce does not solve the seed")
	// ErrMalformed: the answer lacks a field, or its return URL is not a
	// path on this site.
	ErrMalformed = errors.New("challenge: malformed answer")
)

// Reason returns the metric label of err, one of the errors above:
// bad_signature, expired, wrong_address, wrong_route, bad_pow or
// malformed.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrExpired):
		return "expired"
	case errors.Is(err, ErrWrongAddress):
		return "wrong_address"
	case errors.Is(err, ErrWrongRoute):
		return "wrong_route"
	case errors.Is(err, ErrBadPoW):
		return "bad_pow"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	}
	return "bad_signature"
}

// reasons are the labels Reason returns, created up front.
var reasons = []string{"bad_signature", "expired", "wrong_address", "wrong_route", "bad_pow", "malformed"}

// b64 encodes tokens: strict, so that each token has one spelling.
var b64 = base64.RawURLEncoding.Strict()

// Token kinds: the first byte of a token, under the signature, so that a
// seed is never taken for a pass.
const (
	kindSeed = 1
	kindPass = 2
)

// A token is kind | expiry (Unix seconds, big endian) | network | class
// | extra, then the HMAC-SHA256 of all that, in unpadded base64url. The
// network is the client's address masked to /32 (IPv4) or /64 (IPv6),
// after a family byte; the class is the first bytes of the SHA-256 of the
// route class. A seed's extra is its difficulty in bits and random bytes
// that make each seed new; a pass has none.
const (
	offExpiry  = 1
	offNet     = offExpiry + 8
	offClass   = offNet + netLen
	headerLen  = offClass + classLen
	netLen     = 17
	classLen   = 8
	seedRandom = 12
	seedLen    = headerLen + 1 + seedRandom
	passLen    = headerLen
	macLen     = sha256.Size
	// maxNonceLen bounds the decimal nonce of an answer.
	maxNonceLen = 20
)

// network returns the client's network as a token holds it: the address
// masked to /32 or /64, after its family (4 or 6). An invalid address is
// all zeros.
func network(a netip.Addr) [netLen]byte {
	var b [netLen]byte
	a = a.Unmap()
	switch {
	case a.Is4():
		b[0] = 4
		v := a.As4()
		copy(b[1:], v[:])
	case a.Is6():
		b[0] = 6
		v := a.As16()
		copy(b[1:9], v[:8])
	}
	return b
}

// classID returns the class as a token holds it.
func classID(class string) [classLen]byte {
	sum := sha256.Sum256([]byte(class))
	return [classLen]byte(sum[:classLen])
}

// sign appends the MAC of payload to it and encodes the whole.
func (c *Challenger) sign(payload []byte) string {
	m := hmac.New(sha256.New, c.key)
	m.Write(payload)
	return b64.EncodeToString(m.Sum(payload))
}

// open decodes token, checks its signature and kind and length, then its
// expiry, network and class, in that order, and returns its payload.
func (c *Challenger) open(token string, kind byte, size int, client netip.Addr, class string, now time.Time) ([]byte, error) {
	if b64.DecodedLen(len(token)) != size+macLen {
		return nil, ErrBadSignature
	}
	raw, err := b64.DecodeString(token)
	if err != nil || len(raw) != size+macLen {
		return nil, ErrBadSignature
	}
	payload, mac := raw[:size], raw[size:]
	m := hmac.New(sha256.New, c.key)
	m.Write(payload)
	if !hmac.Equal(m.Sum(nil), mac) || payload[0] != kind {
		return nil, ErrBadSignature
	}
	exp := int64(binary.BigEndian.Uint64(payload[offExpiry:]))
	switch {
	case now.Unix() >= exp:
		return nil, ErrExpired
	case [netLen]byte(payload[offNet:offClass]) != network(client):
		return nil, ErrWrongAddress
	case [classLen]byte(payload[offClass:headerLen]) != classID(class):
		return nil, ErrWrongRoute
	}
	return payload, nil
}

// header writes a token's kind, expiry, network and class into b.
func header(b []byte, kind byte, exp time.Time, client netip.Addr, class string) {
	b[0] = kind
	binary.BigEndian.PutUint64(b[offExpiry:], uint64(exp.Unix()))
	n, cl := network(client), classID(class)
	copy(b[offNet:], n[:])
	copy(b[offClass:], cl[:])
}

// Seed returns a new seed for client on the route class, asking for bits
// leading zero bits; it expires after SeedTTL.
func (c *Challenger) Seed(client netip.Addr, class string, bits int) string {
	b := make([]byte, seedLen, seedLen+macLen)
	header(b, kindSeed, c.now().Add(SeedTTL), client, class)
	b[headerLen] = byte(bits)
	rand.Read(b[headerLen+1:])
	return c.sign(b)
}

// CheckSolution says whether nonce solves seed for client on the route
// class: nil, or one of the errors above.
func (c *Challenger) CheckSolution(seed, nonce string, client netip.Addr, class string) error {
	payload, err := c.open(seed, kindSeed, seedLen, client, class, c.now())
	if err != nil {
		return err
	}
	if len(nonce) == 0 || len(nonce) > maxNonceLen {
		return ErrMalformed
	}
	if _, err := strconv.ParseUint(nonce, 10, 64); err != nil {
		return ErrMalformed
	}
	if LeadingZeros(seed, nonce) < int(payload[headerLen]) {
		return ErrBadPoW
	}
	return nil
}

// LeadingZeros returns the leading zero bits of SHA-256(seed || nonce),
// the digest the page computes.
func LeadingZeros(seed, nonce string) int {
	h := sha256.New()
	h.Write([]byte(seed))
	h.Write([]byte(nonce))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	n := 0
	for _, x := range sum {
		if x != 0 {
			return n + bits.LeadingZeros8(x)
		}
		n += 8
	}
	return n
}

// Pass returns a pass for client on the route class, valid for the
// configured cookie_ttl.
func (c *Challenger) Pass(client netip.Addr, class string) string {
	b := make([]byte, passLen, passLen+macLen)
	header(b, kindPass, c.now().Add(c.cfg.CookieTTL), client, class)
	return c.sign(b)
}

// CheckPass says whether pass lets client through on the route class:
// nil, or one of the errors above.
func (c *Challenger) CheckPass(pass string, client netip.Addr, class string) error {
	_, err := c.open(pass, kindPass, passLen, client, class, c.now())
	return err
}
