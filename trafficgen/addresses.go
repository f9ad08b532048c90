package trafficgen

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
)

// An ipBlock is an IPv4 block given by its first octets: one octet for a
// /8, two for a /16, three for a /24.
type ipBlock []byte

// Consumer access networks by region (first octet, or first two). The
// documentation ranges (RFC 5737) are mixed in with the others.
var (
	blocksNorthAmerica = []ipBlock{{24}, {67}, {68}, {69}, {70}, {71}, {72}, {73}, {74}, {75}, {76}, {96}, {97}, {98}, {99}, {107}, {108}, {173}, {174}, {184}}
	blocksEurope       = []ipBlock{{2}, {5}, {31}, {37}, {46}, {62}, {77}, {78}, {79}, {80}, {81}, {82}, {83}, {84}, {85}, {86}, {87}, {88}, {89}, {90}, {91}, {92}, {93}, {94}, {95}, {109}, {176}, {178}, {188}, {212}, {213}, {217}}
	blocksAsia         = []ipBlock{{1}, {14}, {27}, {36}, {39}, {42}, {49}, {58}, {59}, {60}, {61}, {101}, {110}, {111}, {112}, {113}, {114}, {115}, {116}, {117}, {118}, {119}, {120}, {121}, {122}, {123}, {124}, {125}, {175}, {180}, {182}, {183}, {202}, {210}, {211}, {218}, {219}, {220}, {221}, {222}}
	blocksLatAm        = []ipBlock{{177}, {179}, {181}, {186}, {187}, {189}, {190}, {191}, {200}, {201}}
	blocksAfrica       = []ipBlock{{41}, {102}, {105}, {154}, {196}, {197}}
	blocksDoc          = []ipBlock{{192, 0, 2}, {198, 51, 100}, {203, 0, 113}}

	// Cloud and hosting networks: big clouds for partners and monitors, VPS
	// and small hosters (where most attack traffic comes from) for the rest.
	blocksCloud = []ipBlock{{3}, {13}, {18}, {34}, {35}, {44}, {52}, {54}, {20}, {40}, {51, 104}, {51, 105}, {104, 40}, {104, 42}, {104, 45}, {130, 211}, {146, 148}}
	blocksVPS   = []ipBlock{
		{104, 131}, {104, 236}, {138, 68}, {138, 197}, {139, 59}, {142, 93}, {143, 198}, {146, 190}, {157, 230}, {159, 65}, {159, 89}, {159, 203}, {161, 35}, {164, 90}, {165, 22}, {165, 227}, {167, 71}, {167, 99}, {167, 172}, {178, 62}, {178, 128}, {188, 166}, {206, 189},
		{5, 9}, {23, 88}, {49, 12}, {65, 21}, {65, 108}, {78, 46}, {78, 47}, {88, 99}, {88, 198}, {91, 107}, {94, 130}, {95, 216}, {116, 202}, {128, 140}, {135, 181}, {136, 243}, {138, 201}, {142, 132}, {144, 76}, {148, 251}, {157, 90}, {159, 69}, {162, 55}, {167, 235}, {168, 119}, {176, 9}, {188, 34}, {195, 201},
		{51, 68}, {51, 75}, {51, 77}, {51, 79}, {51, 89}, {51, 91}, {51, 178}, {51, 195}, {54, 36}, {54, 37}, {54, 38}, {91, 121}, {92, 222}, {135, 125}, {137, 74}, {141, 94}, {141, 95}, {144, 217}, {145, 239}, {147, 135}, {149, 56}, {149, 202}, {151, 80}, {158, 69}, {164, 132}, {176, 31}, {178, 32}, {188, 165}, {193, 70},
		{45, 33}, {45, 56}, {45, 79}, {50, 116}, {66, 175}, {69, 164}, {96, 126}, {139, 144}, {139, 162}, {172, 104}, {172, 105}, {173, 230}, {173, 255}, {176, 58}, {178, 79}, {194, 195}, {198, 58},
		{45, 32}, {45, 63}, {45, 76}, {45, 77}, {64, 176}, {66, 42}, {95, 179}, {104, 156}, {104, 207}, {108, 61}, {136, 244}, {139, 180}, {140, 82}, {144, 202}, {149, 28}, {155, 138}, {207, 148}, {208, 167}, {216, 128},
		{8, 210}, {8, 218}, {47, 74}, {47, 88}, {47, 236}, {47, 242}, {47, 250}, {43, 130}, {43, 133}, {43, 153}, {43, 156}, {49, 232}, {119, 28}, {129, 226}, {150, 109}, {162, 14},
		{185}, {193}, {194}, {195}, {45}, {80, 66}, {80, 94}, {89, 248}, {91, 92}, {91, 191},
	}
)

// IPv6 prefixes (the leading 16-bit groups) of consumer, mobile and hosting
// networks, with the documentation prefix 2001:db8::/32.
var (
	v6Consumer = [][]uint16{{0x2a02, 0x810d}, {0x2003, 0xe5}, {0x2003, 0xc7}, {0x2a01, 0xcb00}, {0x2a01, 0xe0a}, {0x2600, 0x1700}, {0x2601, 0x18}, {0x2601, 0x646}, {0x2603, 0x6000}, {0x2605, 0xa601}, {0x2a00, 0x23c7}, {0x2001, 0xdb8}, {0x2001, 0xdb8}}
	v6Mobile   = [][]uint16{{0x2607, 0xfb90}, {0x2600, 0x387}, {0x2409, 0x40e0}, {0x240e, 0x3b4}, {0x2a01, 0x599}, {0x2001, 0xdb8}}
	v6Hosting  = [][]uint16{{0x2a01, 0x4f8}, {0x2a01, 0x4f9}, {0x2604, 0xa880}, {0x2a03, 0xb0c0}, {0x2001, 0x41d0}, {0x2600, 0x3c00}, {0x2001, 0x19f0}, {0x2001, 0xdb8}}
)

// region weights for the consumer networks, in the order of regionBlocks.
var regionBlocks = [][]ipBlock{blocksNorthAmerica, blocksEurope, blocksAsia, blocksLatAm, blocksAfrica, blocksDoc}

// v4From draws an address in one of the blocks.
func v4From(r *rand.Rand, blocks []ipBlock) string {
	b := pick(r, blocks)
	var o [4]byte
	copy(o[:], b)
	for i := len(b); i < 3; i++ {
		o[i] = byte(r.IntN(256))
	}
	o[3] = byte(1 + r.IntN(254))
	buf := make([]byte, 0, 15)
	for i, x := range o {
		if i > 0 {
			buf = append(buf, '.')
		}
		buf = strconv.AppendUint(buf, uint64(x), 10)
	}
	return string(buf)
}

// v4In draws an address in a.b.c0-c1.x.
func v4In(r *rand.Rand, a, b, c0, c1 byte) string {
	return v4From(r, []ipBlock{{a, b, c0 + byte(r.IntN(int(c1-c0)+1))}})
}

// v6From draws an address under one of the prefixes. Consumer devices use
// random (privacy) interface identifiers; servers often use small ones.
func v6From(r *rand.Rand, prefixes [][]uint16, server bool) string {
	p := pick(r, prefixes)
	var a [16]byte
	for i := range 8 {
		var g uint16
		switch {
		case i < len(p):
			g = p[i]
		case i < 4:
			g = uint16(r.IntN(0x10000))
			if i == 3 && server {
				g = uint16(r.IntN(0x100))
			}
		case server && i < 7:
			g = 0
		case server:
			g = uint16(1 + r.IntN(0x1ff))
		default:
			g = uint16(r.IntN(0x10000))
		}
		a[2*i], a[2*i+1] = byte(g>>8), byte(g)
	}
	return netip.AddrFrom16(a).String()
}

// addressBook hands out distinct client addresses.
type addressBook struct{ used map[string]struct{} }

func newAddressBook() *addressBook { return &addressBook{used: make(map[string]struct{})} }

// take draws addresses with draw until one is unused and reserves it.
func (b *addressBook) take(draw func() string) string {
	for {
		ip := draw()
		if _, ok := b.used[ip]; !ok {
			b.used[ip] = struct{}{}
			return ip
		}
	}
}

// consumerIP draws a home or mobile address with the site's regional mix;
// a share of them are IPv6.
func consumerIP(r *rand.Rand, regions []float64, v6Share float64, mobile bool) string {
	if chance(r, v6Share) {
		if mobile {
			return v6From(r, v6Mobile, false)
		}
		return v6From(r, v6Consumer, false)
	}
	return v4From(r, regionBlocks[weighted(r, regions)])
}

// hostingIP draws a VPS or hosting address, now and then an IPv6 one.
func hostingIP(r *rand.Rand) string {
	if chance(r, 0.1) {
		return v6From(r, v6Hosting, true)
	}
	return v4From(r, blocksVPS)
}
