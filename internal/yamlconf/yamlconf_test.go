package yamlconf

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

type level int

func (l *level) UnmarshalText(b []byte) error {
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 0 || n > 3 {
		return errors.New("level is 0 to 3")
	}
	*l = level(n)
	return nil
}

type common struct {
	Name string `yaml:"name"`
}

type config struct {
	common `yaml:",inline"`
	Model  string `yaml:"model"`
	Policy struct {
		Threshold float64       `yaml:"threshold"`
		TTL       time.Duration `yaml:"ttl"`
		Allow     []string      `yaml:"allow"`
		DryRun    bool          `yaml:"dry_run"`
	} `yaml:"policy"`
	Kafka struct {
		MinBytes int `yaml:"min_bytes"`
		TLS      *struct {
			CAFile string `yaml:"ca_file"`
		} `yaml:"tls"`
	} `yaml:"kafka"`
	Routes []struct {
		Path  string `yaml:"path"`
		Limit uint   `yaml:"limit"`
	} `yaml:"routes"`
	Labels map[string]int `yaml:"labels"`
	Level  level          `yaml:"level"`
}

func TestDecodeNamesLineKeyAndType(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // each a line of the error
	}{
		{
			name: "an unknown key names its parent and the key meant",
			yaml: "model: m.pcm\npolicy:\n  threshhold: 3\n",
			want: []string{`detect.yaml line 3: unknown key "threshhold" under "policy" (did you mean "threshold"?)`},
		},
		{
			name: "an unknown top-level key with no near name gets no guess",
			yaml: "model: m.pcm\ncolour: red\n",
			want: []string{`detect.yaml line 2: unknown key "colour" at the top level`},
		},
		{
			name: "a word where a whole number goes names the path and the type",
			yaml: "kafka:\n  min_bytes: lots\n",
			want: []string{`detect.yaml line 2: kafka.min_bytes: want a whole number, got "lots"`},
		},
		{
			name: "a bad duration says what a duration looks like",
			yaml: "policy:\n  ttl: ten minutes\n",
			want: []string{`detect.yaml line 2: policy.ttl: want a duration such as 30s, 5m or 1h30m, got "ten minutes"`},
		},
		{
			name: "a scalar where a list goes says so",
			yaml: "policy:\n  allow: 10.0.0.0/8\n",
			want: []string{`detect.yaml line 2: policy.allow: want a list ([a, b] or lines starting with "- "), got "10.0.0.0/8"`},
		},
		{
			name: "a key in a list item is checked with its index",
			yaml: "routes:\n  - path: /a\n    limit: -1\n  - path: /b\n    limt: 3\n",
			want: []string{
				`detect.yaml line 3: routes[0].limit: want a whole number, 0 or more, got "-1"`,
				`detect.yaml line 5: unknown key "limt" under "routes[1]" (did you mean "limit"?)`,
			},
		},
		{
			name: "a key under an optional section is checked",
			yaml: "kafka:\n  tls:\n    ca_fil: x\n",
			want: []string{`detect.yaml line 3: unknown key "ca_fil" under "kafka.tls" (did you mean "ca_file"?)`},
		},
		{
			name: "a map's values are checked by key",
			yaml: "labels:\n  a: 1\n  b: two\n",
			want: []string{`detect.yaml line 3: labels.b: want a whole number, got "two"`},
		},
		{
			name: "a type that parses itself gives its own reason",
			yaml: "level: 9\n",
			want: []string{`detect.yaml line 1: level: level is 0 to 3`},
		},
		{
			name: "a mapping where a string goes says so",
			yaml: "model:\n  path: m.pcm\n",
			want: []string{`detect.yaml line 2: model: want a string, got a mapping`},
		},
		{
			name: "an empty file says it is empty",
			yaml: "",
			want: []string{`detect.yaml: the file is empty`},
		},
		{
			name: "broken YAML names the line",
			yaml: "model: [m.pcm\n",
			want: []string{`detect.yaml: line 1: did not find expected ',' or ']'`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c config
			err := Decode("detect.yaml", []byte(tt.yaml), &c)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("error\n%s\nwant\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestDecodeAcceptsAGoodFile(t *testing.T) {
	var c config
	err := Decode("detect.yaml", []byte(`name: one
model: m.pcm
policy: {threshold: 3.5, ttl: 10m, allow: [10.0.0.0/8], dry_run: true}
kafka:
  min_bytes: 1
  tls: {ca_file: ca.pem}
routes:
  - {path: /a, limit: 5}
labels: {a: 1}
level: 2
defaults: &d {path: /x}
`), &c)
	if err == nil || !strings.Contains(err.Error(), `unknown key "defaults"`) {
		t.Fatalf("an unknown key with an anchor: %v", err)
	}
	err = Decode("detect.yaml", []byte("name: one\nmodel: m.pcm\npolicy: {threshold: 3.5, ttl: 10m, allow: [10.0.0.0/8], dry_run: true}\nkafka:\n  min_bytes: 1\n  tls: {ca_file: ca.pem}\nroutes:\n  - {path: /a, limit: 5}\nlabels: {a: 1}\nlevel: 2\n"), &c)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "one" || c.Policy.TTL != 10*time.Minute || c.Kafka.TLS == nil || c.Kafka.TLS.CAFile != "ca.pem" || c.Routes[0].Limit != 5 || c.Level != 2 {
		t.Errorf("decoded %+v", c)
	}
}
