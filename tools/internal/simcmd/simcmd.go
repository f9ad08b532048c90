// Package simcmd is the command line every traffic model under tools/
// shares: the same flags with the same limits, and the same two output
// files. A model gives its name, its defaults and the function that builds
// its day; the traffic itself stays in the model.
package simcmd

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simlog"
)

// Config is what the flags set.
type Config struct {
	Seed, Site uint64
	Start      time.Time
	Minutes    int
	Clients    int
	Out        string
	Labels     string
}

// Model is what one traffic model brings to the command line.
type Model struct {
	// Name names the flag set and prefixes the errors Main prints.
	Name string
	// Site is the default -site; Start the default -start (RFC 3339),
	// which the -start error also shows as the form to write.
	Site  uint64
	Start string
	// SeedHelp, SiteHelp and ClientsHelp describe -seed, -site and
	// -clients in the model's own words.
	SeedHelp, SiteHelp, ClientsHelp string
	// Generate builds the recording the flags describe.
	Generate func(Config) *simlog.Log
}

// Main runs the model on the process's arguments and exits with status 2
// on an error, which it prints after the model's name.
func (m Model) Main() {
	if err := m.Run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, m.Name+":", err)
		os.Exit(2)
	}
}

// Parse reads the flags in args.
func (m Model) Parse(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet(m.Name, flag.ContinueOnError)
	fs.Uint64Var(&c.Seed, "seed", 1, m.SeedHelp)
	fs.Uint64Var(&c.Site, "site", m.Site, m.SiteHelp)
	start := fs.String("start", m.Start, "start of the recording (RFC 3339)")
	fs.IntVar(&c.Minutes, "minutes", 15, "length of the recording")
	fs.IntVar(&c.Clients, "clients", 3000, m.ClientsHelp)
	fs.StringVar(&c.Out, "out", "events.jsonl", "events output (JSON lines)")
	fs.StringVar(&c.Labels, "labels", "labels.jsonl", "labels output (one JSON object per client)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.Start, err = time.Parse(time.RFC3339, *start); err != nil {
		return c, fmt.Errorf("-start %q: %w (write it like %s)", *start, err, m.Start)
	}
	if c.Minutes < 2 || c.Minutes > 24*60 {
		return c, fmt.Errorf("-minutes %d: give between 2 and 1440", c.Minutes)
	}
	if c.Clients < 10 {
		return c, fmt.Errorf("-clients %d: give at least 10", c.Clients)
	}
	return c, nil
}

// Run parses args, generates the recording, writes the -out and -labels
// files and prints the summary to stdout.
func (m Model) Run(args []string, stdout io.Writer) error {
	c, err := m.Parse(args)
	if err != nil {
		return err
	}
	log := m.Generate(c)
	if err := writeFile(c.Out, log.WriteEvents); err != nil {
		return err
	}
	if err := writeFile(c.Labels, log.WriteLabels); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s", c.Out, log.Summary())
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
