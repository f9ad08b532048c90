package challenge_test

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/portcullis/portcullis/challenge"
)

// A seed issued to one address and route is solved, redeemed for a pass,
// and the pass is good for that address and route only.
func Example() {
	c, err := challenge.New(challenge.Config{MinBits: 8, MaxBits: 12}, nil)
	if err != nil {
		panic(err)
	}
	client := netip.MustParseAddr("203.0.113.7")
	bits := c.Bits(0) // just past the threshold: MinBits
	seed := c.Seed(client, "shop", bits)

	// What the page does in the browser.
	nonce := 0
	for challenge.LeadingZeros(seed, strconv.Itoa(nonce)) < bits {
		nonce++
	}

	fmt.Println("bits:", bits)
	fmt.Println("solution:", c.CheckSolution(seed, strconv.Itoa(nonce), client, "shop"))
	pass := c.Pass(client, "shop")
	fmt.Println("pass, same address:", c.CheckPass(pass, client, "shop"))
	fmt.Println("pass, other address:", c.CheckPass(pass, netip.MustParseAddr("198.51.100.1"), "shop"))
	fmt.Println("pass, other route:", c.CheckPass(pass, client, "admin"))
	// Output:
	// bits: 8
	// solution: <nil>
	// pass, same address: <nil>
	// pass, other address: challenge: issued to another address
	// pass, other route: challenge: issued for another route class
}
