package main

import (
	"io"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "portcullis",
		Short: "Detect anomalous API clients from gateway access logs and block them",
		Long: `portcullis learns what normal clients of an API look like from its access logs,
scores every client as its requests arrive, and blocks the ones that stand out,
with the reasons for every block.

Train offline on a recording, backtest on another, then run the detector online.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newGenCommand(), newTrainCommand(), newScoreCommand(), newDetectCommand(), newReplayCommand(), newBlocklistCommand(), newGatewayCommand(), newDemoCommand(), newUpstreamCommand(), newKeysCommand(), newDriveCommand(), newEnforceCommand())
	return root
}
