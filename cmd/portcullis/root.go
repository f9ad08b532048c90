package main

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/internal/buildinfo"
)

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	build := buildinfo.Get()
	root := &cobra.Command{
		Use:   "portcullis",
		Short: "Detect anomalous API clients from gateway access logs and block them",
		Long: `portcullis learns what normal clients of an API look like from its access logs,
scores every client as its requests arrive, and blocks the ones that stand out,
with the reasons for every block.

Train offline on a recording, backtest on another, then run the detector online.`,
		Version:       build.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// A misspelt command gets "Did you mean this?" from cobra.
		SuggestionsMinimumDistance: 2,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("portcullis version {{.Version}}\n")
	root.AddCommand(newGenCommand(), newTrainCommand(), newScoreCommand(), newDetectCommand(), newReplayCommand(), newBlocklistCommand(), newGatewayCommand(), newDemoCommand(), newUpstreamCommand(), newKeysCommand(), newDriveCommand(), newEnforceCommand(), newLimitsCommand(), newVersionCommand(build))
	root.AddCommand(newFeedbackCommand(), newReportCommand())
	suggestFlags(root)
	return root
}

func newVersionCommand(build buildinfo.Info) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, build date and Go version of this binary",
		Long: `version prints which build of portcullis this is: the release version (or the
module version go install recorded, or "dev"), the commit, when it was built,
and the Go toolchain and platform. "portcullis --version" prints the same on
one line, and every /metrics the binary serves exports it as
portcullis_build_info.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return build.Write(cmd.OutOrStdout(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// app is the object of a long-running command (detect, gateway):
// commands turn their flags into its Config, and tests run the same object.
type app interface {
	Open(ctx context.Context) error
	Run(ctx context.Context) error
	Close() error
}

// openRun opens a, runs it until the command's context ends, and closes it
// (an Open that fails releases what it took itself). Interrupted while it
// opens, it stops as it does once running: without an error.
func openRun(cmd *cobra.Command, a app) error {
	if err := a.Open(cmd.Context()); err != nil {
		if cmd.Context().Err() != nil {
			return nil
		}
		return err
	}
	return errors.Join(a.Run(cmd.Context()), a.Close())
}
