package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portcullis/portcullis/internal/suggest"
)

// suggestFlags makes an unknown flag's error name the flag meant, as cobra
// does for a misspelt command, and say where the flags are listed.
func suggestFlags(root *cobra.Command) {
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
		if !ok {
			return fmt.Errorf("%w (run \"%s --help\" for the flags)", err, cmd.CommandPath())
		}
		name, _, _ = strings.Cut(name, "=")
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				names = append(names, f.Name)
			}
		})
		cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		if best := suggest.Closest(name, names); best != "" {
			return fmt.Errorf("%w: did you mean --%s? (run \"%s --help\" for the flags)", err, best, cmd.CommandPath())
		}
		return fmt.Errorf("%w (run \"%s --help\" for the flags)", err, cmd.CommandPath())
	})
}
