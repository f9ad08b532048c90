package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

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
			var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintln(w, `{"ok":true}`)
			})
			if echo {
				h = http.HandlerFunc(httpreplay.EchoHandler)
			}
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
			go func() {
				<-cmd.Context().Done()
				srv.Close()
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:18000", "address to listen on")
	cmd.Flags().BoolVar(&echo, "echo", false, "answer with the status and body size in X-Demo-Status and X-Demo-Resp-Bytes (set by portcullis drive)")
	return cmd
}
