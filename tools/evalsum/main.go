// Command evalsum adds up backtests of several recordings: given the
// labels and the decisions of each, it prints one table per attack kind
// over all of them (clients, blocked, recall, median time to detect, with
// times pooled over every client rather than averaged over sites), then
// the campaigns and the false positives. tools/eval.sh runs it at the end.
//
//	go run ./tools/evalsum site1.labels site1.decisions site2.labels site2.decisions ...
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/decision"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "evalsum:", err)
		os.Exit(2)
	}
}

func run(args []string, w io.Writer) error {
	if len(args) == 0 || len(args)%2 != 0 {
		return fmt.Errorf("give pairs of files: LABELS DECISIONS [LABELS DECISIONS ...]")
	}
	var reports []backtest.Report
	for i := 0; i < len(args); i += 2 {
		rep, err := evaluate(args[i], args[i+1])
		if err != nil {
			return err
		}
		reports = append(reports, rep)
	}
	return printReport(w, backtest.Merge(reports...), len(reports))
}

func evaluate(labelsPath, decisionsPath string) (backtest.Report, error) {
	f, err := os.Open(labelsPath)
	if err != nil {
		return backtest.Report{}, err
	}
	labels, err := backtest.ReadLabels(f)
	f.Close()
	if err != nil {
		return backtest.Report{}, fmt.Errorf("%s: %w", labelsPath, err)
	}
	g, err := os.Open(decisionsPath)
	if err != nil {
		return backtest.Report{}, err
	}
	defer g.Close()
	rec := backtest.NewRecorder()
	sc := bufio.NewScanner(g)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var d decision.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return backtest.Report{}, fmt.Errorf("%s line %d: %w (is it a file portcullis score --decisions wrote?)", decisionsPath, n, err)
		}
		rec.Add(&d)
	}
	if err := sc.Err(); err != nil {
		return backtest.Report{}, fmt.Errorf("%s: %w", decisionsPath, err)
	}
	return rec.Evaluate(labels), nil
}

func printReport(w io.Writer, r backtest.Report, sites int) error {
	fmt.Fprintf(w, "all %d sites, per kind:\n", sites)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tclients\tblocked\trecall\tttd p50\t")
	for _, k := range r.Kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t%s\t\n", backtest.Safe(k.Kind), k.Clients, k.Caught, 100*k.Recall(), dur(backtest.Quantile(k.TTD, .5)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	addr, early, own := 0, 0, 0
	for _, c := range r.Campaigns {
		addr += c.Addresses
		early += c.Early
		own += c.Own
	}
	if addr > 0 {
		fmt.Fprintf(w, "campaigns: %d, %d addresses, %d blocked within 60 s of onset (%.1f%%), %d within 60 s of their own (%.1f%%)\n",
			len(r.Campaigns), addr, early, 100*float64(early)/float64(addr), own, 100*float64(own)/float64(addr))
	}
	fmt.Fprintf(w, "normal clients blocked: %d of %d (%.3f%%); heavy: %d of %d\n", len(r.NormalBlocked), r.Normal, 100*r.FPRate(), len(r.HeavyBlocked), r.Heavy)
	return nil
}

func dur(d time.Duration) string {
	if d < 0 {
		return "-"
	}
	return d.Round(100 * time.Millisecond).String()
}
