package offline

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/portcullis/portcullis/trafficgen"
)

// GenConfig is what "portcullis gen" is asked to generate.
type GenConfig struct {
	Traffic trafficgen.Config
	// Out is the file to write the log to ("-" for stdout), Labels the
	// file to write the labels to (none when empty), Start the RFC 3339
	// time the recording starts at (the default when empty).
	Out, Labels, Start string
}

// Gen generates c's traffic and writes a summary of it to stderr.
func Gen(c GenConfig, stdout, stderr io.Writer) error {
	cfg := c.Traffic
	if c.Start != "" {
		t, err := time.Parse(time.RFC3339, c.Start)
		if err != nil {
			return fmt.Errorf("--start %q is not an RFC 3339 time such as 2026-03-02T09:00:00Z", c.Start)
		}
		cfg.Start = t
	}
	switch {
	case cfg.Minutes < 1:
		return fmt.Errorf("--minutes is %d; give the length of the recording in minutes, 1 or more", cfg.Minutes)
	case cfg.Clients < 1:
		return fmt.Errorf("--clients is %d; give the number of normal clients, 1 or more", cfg.Clients)
	case cfg.Attacks && (cfg.AttackShare <= 0 || cfg.AttackShare >= 1):
		return fmt.Errorf("--attack-share is %v; give a share between 0 and 1 such as 0.02, or --attacks=false for none", cfg.AttackShare)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	w, closeOut, err := Create(c.Out, stdout)
	if err != nil {
		return err
	}
	var lw io.Writer
	closeLabels := func() error { return nil }
	if c.Labels != "" {
		lw, closeLabels, err = Create(c.Labels, nil)
		if err != nil {
			closeOut()
			return err
		}
	}
	sum, err := trafficgen.Generate(cfg, w, lw)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if cerr := closeLabels(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	kinds := make([]string, 0, len(sum.ByKind))
	for k := range sum.ByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(stderr, "generated %d events from %d clients (", sum.Events, sum.Clients)
	for i, k := range kinds {
		if i > 0 {
			fmt.Fprint(stderr, ", ")
		}
		fmt.Fprintf(stderr, "%s %d", k, sum.ByKind[k])
	}
	fmt.Fprintln(stderr, ")")
	return nil
}
