package main

import (
	"net"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/httpreplay"
)

// newUpstreamCommand is a tiny upstream for benchmarks and demos: it answers
// every request with 200 and a short body, or with --echo what the driver
// asks for.
func newUpstreamCommand() *cobra.Command {
	var (
		listen string
		echo   bool
	)
	cmd := &cobra.Command{
		Use:    "upstream --listen HOST:PORT",
		Short:  "Serve 200 to every request (an upstream for benchmarks and demos)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			return httpreplay.ServeUpstream(cmd.Context(), ln, echo)
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:18000", "address to listen on")
	cmd.Flags().BoolVar(&echo, "echo", false, "answer with the status and body size in X-Demo-Status and X-Demo-Resp-Bytes (set by portcullis drive)")
	return cmd
}
