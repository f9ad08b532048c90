// Command b2bsim writes labeled synthetic access logs of "Freightline", a
// B2B shipping API: merchants' systems create shipments and labels with API
// keys, carriers and partners post status webhooks, drivers' phones on
// IPv6 scan parcels, operators work in a dashboard, and consumers follow
// their parcels on a public tracking page.
//
// -site fixes the service (accounts, route mix, recurring integrations, the
// user pool); -seed is the day: who shows up, the tracking rush after a
// big retailer's dispatch e-mail, incidents, newcomers and every attacker.
// It is a traffic model kept apart from portcullis gen, tools/holdout and
// tools/shopsim, so that a backtest on its recordings shows whether
// detection carries over to a site it was not built on.
//
//	go run ./tools/b2bsim -seed 2 -site 3 -out day2.jsonl -labels day2.labels.jsonl
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "b2bsim:", err)
		os.Exit(2)
	}
}

// config is what the flags set.
type config struct {
	seed, site uint64
	start      time.Time
	minutes    int
	clients    int
	out        string
	labels     string
}

func parse(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("b2bsim", flag.ContinueOnError)
	fs.Uint64Var(&c.seed, "seed", 1, "the day: behaviour, tracking rush, incidents and attackers")
	fs.Uint64Var(&c.site, "site", 3, "the service: accounts, route mix, recurring clients, user pool")
	start := fs.String("start", "2026-06-02T07:30:00Z", "start of the recording (RFC 3339)")
	fs.IntVar(&c.minutes, "minutes", 15, "length of the recording")
	fs.IntVar(&c.clients, "clients", 3000, "ordinary client addresses (attackers, heavy clients and the rush come on top)")
	fs.StringVar(&c.out, "out", "events.jsonl", "events output (JSON lines)")
	fs.StringVar(&c.labels, "labels", "labels.jsonl", "labels output (one JSON object per client)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.start, err = time.Parse(time.RFC3339, *start); err != nil {
		return c, fmt.Errorf("-start %q: %w (write it like 2026-06-02T07:30:00Z)", *start, err)
	}
	if c.minutes < 2 || c.minutes > 24*60 {
		return c, fmt.Errorf("-minutes %d: give between 2 and 1440", c.minutes)
	}
	if c.clients < 10 {
		return c, fmt.Errorf("-clients %d: give at least 10", c.clients)
	}
	return c, nil
}

func run(args []string, stdout io.Writer) error {
	c, err := parse(args)
	if err != nil {
		return err
	}
	log := generate(c)
	if err := writeFile(c.out, log.WriteEvents); err != nil {
		return err
	}
	if err := writeFile(c.labels, log.WriteLabels); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s", c.out, log.Summary())
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w (is the disk full?)", path, err)
	}
	return nil
}
