package main

import (
	"errors"
	"log/slog"

	"github.com/spf13/cobra"

	detectapp "github.com/portcullis/portcullis/app/detect"
)

func newDetectCommand() *cobra.Command {
	var (
		configPath, modelPath, listen string
	)
	cmd := &cobra.Command{
		Use:   "detect --config FILE",
		Short: "Run the online detector: Kafka or a log file in, Redis blocklist out",
		Long: `detect joins a Kafka consumer group on the access-log topic, runs every event
through the same pipeline as "portcullis score", stores decisions in the Redis
blocklist, and commits offsets only after the decisions behind them are
stored. With input.file instead of kafka, it follows an access-log file
through rotation and keeps its position in a checkpoint file, written only
after the decisions behind it are stored. SIGTERM or SIGINT drains, stores
and commits; SIGHUP, or a change of the model file, reloads the model
without losing client state.

It serves /metrics, /healthz and /readyz on the admin listener, and, with an
admin token (PORTCULLIS_ADMIN_TOKEN or admin.token_file), the review API under
/api/v1/ and the review page under /review/.`,
		Example: `  portcullis detect --config detect.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return errors.New("no config: pass a YAML file with --config (see deploy/detect.example.yaml and docs/configuration.md)")
			}
			cfg, err := detectapp.LoadConfig(configPath)
			if err != nil {
				return err
			}
			if modelPath != "" {
				cfg.Model = modelPath
			}
			if listen != "" {
				cfg.Admin.Listen = listen
			}
			a, err := detectapp.New(cfg, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
			if err != nil {
				return err
			}
			return openRun(cmd, a)
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration file")
	f.StringVar(&modelPath, "model", "", "model file (overrides the config)")
	f.StringVar(&listen, "listen", "", "admin listener for /metrics, /healthz and /readyz (overrides the config)")
	return cmd
}
