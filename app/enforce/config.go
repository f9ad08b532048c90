package enforce

import (
	svc "github.com/portcullis/portcullis/enforce"
	"github.com/portcullis/portcullis/internal/yamlconf"
)

// Config is the YAML configuration of portcullis enforce: the service's
// own (see package enforce). Unknown keys are an error.
type Config struct {
	svc.Config `yaml:",inline"`
}

// Example is the file that shows a Config for nginx.
const Example = "examples/nginx/enforce.yaml"

// LoadConfig reads the YAML file at path.
func LoadConfig(path string) (Config, error) {
	var c Config
	err := yamlconf.Load(path, &c, Example)
	return c, err
}

// Validate says what in c is wrong or missing, and what to set instead.
func (c Config) Validate() error {
	return c.Config.WithDefaults().Validate()
}
