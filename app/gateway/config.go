package gateway

import (
	"errors"
	"fmt"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	gw "github.com/portcullis/portcullis/gateway"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/portcullis/portcullis/internal/yamlconf"
)

// Config is the YAML configuration of portcullis gateway. Unknown keys are
// an error.
type Config struct {
	gw.Config `yaml:",inline"`
	Blocklist BlocklistConfig `yaml:"blocklist"`
	// Kafka receives the access log, keyed by client.
	Kafka kafka.Config `yaml:"kafka"`
}

// BlocklistConfig is where the gateway reads the blocklist and what it
// does when its view of it is stale.
type BlocklistConfig struct {
	Redis redisstore.Config `yaml:"redis"`
	// FailMode applies when the local view of the blocklist is older
	// than MaxStaleness: "open" or "closed". Routes may override it.
	FailMode     string        `yaml:"fail_mode"`
	MaxStaleness time.Duration `yaml:"max_staleness"`
}

// Example is the file that shows every key of a Config.
const Example = "deploy/gateway.example.yaml"

// LoadConfig reads the YAML file at path.
func LoadConfig(path string) (Config, error) {
	var c Config
	err := yamlconf.Load(path, &c, Example)
	return c, err
}

// failMode is the blocklist's fail mode.
func (c Config) failMode() (blocklist.FailMode, error) {
	switch c.Blocklist.FailMode {
	case "open":
		return blocklist.FailOpen, nil
	case "closed":
		return blocklist.FailClosed, nil
	}
	return 0, fmt.Errorf("blocklist.fail_mode is %q; set it to open (serve when the blocklist is stale) or closed (refuse)", c.Blocklist.FailMode)
}

// Validate says what in c is wrong or missing, and what to set instead.
func (c Config) Validate() error {
	if _, err := c.failMode(); err != nil {
		return err
	}
	if c.AccessLog.Enabled && len(c.Kafka.Brokers) == 0 {
		return errors.New("access_log.enabled is true but there is no kafka section, so the access log would go nowhere: " +
			"add kafka: {brokers: [host:9092], topic: access-logs}, or set access_log: {enabled: false}")
	}
	return nil
}
