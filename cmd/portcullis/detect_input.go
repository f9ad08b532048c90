package main

import (
	"context"
	"errors"
	"log/slog"
	"reflect"

	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
)

// detectInput is where portcullis detect reads access logs when it is not
// Kafka: input.file, a log file on the same machine.
type detectInput struct {
	File *ingest.FileConfig `yaml:"file"`
}

// errInputDone ends a detector whose input has an end (a file read without
// follow) once every line is acted on.
var errInputDone = errors.New("input read to its end")

// inputConsumer is the consumer behind portcullis detect.
type inputConsumer interface {
	detector.Consumer
	Close() error
}

// openDetectInput opens the one input the config names, kafka or
// input.file, and returns it with its lag for the metrics (nil when it has
// none) and log attributes that say what it reads.
func openDetectInput(ctx context.Context, cfg detectConfig, log *slog.Logger) (inputConsumer, func() float64, []any, error) {
	hasKafka := !reflect.ValueOf(cfg.Kafka).IsZero()
	switch {
	case hasKafka && cfg.Input.File != nil:
		return nil, nil, nil, errors.New("config: both kafka and input.file are set: keep the one the detector reads from")
	case cfg.Input.File != nil:
		c, err := ingest.NewFileConsumer(*cfg.Input.File, log.With("component", "file"))
		if err != nil {
			return nil, nil, nil, err
		}
		return c, nil, []any{"file", cfg.Input.File.Path, "follow", cfg.Input.File.Follow}, nil
	case hasKafka:
		c, err := kafka.NewConsumer(ctx, cfg.Kafka, log.With("component", "kafka"))
		if err != nil {
			return nil, nil, nil, err
		}
		return c, func() float64 { return float64(c.Lag()) }, []any{"topic", cfg.Kafka.Topic, "group", cfg.Kafka.GroupID}, nil
	}
	return nil, nil, nil, errors.New("config: no input: set kafka (brokers, topic, group) or input.file (path, checkpoint); see deploy/detect.example.yaml")
}
