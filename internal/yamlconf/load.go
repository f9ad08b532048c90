package yamlconf

import (
	"fmt"
	"os"
)

// Load decodes the YAML file at path into v as Decode does; an error points
// at example, the file that shows every key.
func Load(path string, v any, example string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := Decode(path, data, v); err != nil {
		return fmt.Errorf("config %w\n(%s shows every key)", err, example)
	}
	return nil
}
