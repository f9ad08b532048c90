package main

import (
	"encoding/json"
	"io"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/internal/buildinfo"
)

// flagNameRE finds the flag names in pflag's usage lines.
var flagNameRE = regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([\w-]+)`)

func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string // besides the command's own flags
	}{
		{
			name: "portcullis --help lists the commands",
			args: []string{"--help"},
			want: []string{"Usage:", "gen", "train", "score", "--version"},
		},
		{
			name: "portcullis help lists the commands",
			args: []string{"help"},
			want: []string{"Usage:", "gen", "train", "score"},
		},
		{
			name: "gen --help shows its flags and examples",
			args: []string{"gen", "--help"},
			want: []string{"portcullis gen --out FILE", "Examples:", "--labels"},
		},
		{
			name: "train --help shows its flags and examples",
			args: []string{"train", "--help"},
			want: []string{"portcullis train --in FILE... --out MODEL", "Examples:", "stdin"},
		},
		{
			name: "score --help shows its flags and examples",
			args: []string{"score", "--help"},
			want: []string{"portcullis score --model MODEL", "Examples:", "--labels"},
		},
		{
			name: "help score is score --help",
			args: []string{"help", "score"},
			want: []string{"portcullis score --model MODEL", "--decisions"},
		},
		{
			name: "-h is --help",
			args: []string{"train", "-h"},
			want: []string{"portcullis train --in FILE... --out MODEL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := execute(t.Context(), tt.args...)
			if err != nil {
				t.Fatalf("portcullis %s: %v", strings.Join(tt.args, " "), err)
			}
			want := append([]string(nil), tt.want...)
			// Every flag of the command is shown, with its usage.
			args := tt.args
			if args[0] == "help" {
				args = args[1:]
			}
			cmd, _, err := newRootCommand(io.Discard, io.Discard).Find(args)
			if err != nil {
				t.Fatal(err)
			}
			flags := cmd.LocalFlags()
			for _, m := range flagNameRE.FindAllStringSubmatch(flags.FlagUsages(), -1) {
				want = append(want, "--"+m[1], firstLine(flags.Lookup(m[1]).Usage))
			}
			for _, s := range want {
				if !strings.Contains(out.stdout, s) {
					t.Errorf("help does not mention %q:\n%s", s, out.stdout)
				}
			}
			if out.stderr != "" {
				t.Errorf("help wrote to stderr: %q", out.stderr)
			}
		})
	}
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestVersion(t *testing.T) {
	t.Parallel()
	build := buildinfo.Get()
	t.Run("--version prints the version, commit, date and Go version on one line", func(t *testing.T) {
		out, err := execute(t.Context(), "--version")
		if err != nil {
			t.Fatal(err)
		}
		if want := "portcullis version " + build.String() + "\n"; out.stdout != want {
			t.Errorf("--version printed %q, want %q", out.stdout, want)
		}
	})
	t.Run("version prints the same build, one field a line", func(t *testing.T) {
		out := run(t, "version")
		for _, s := range []string{"portcullis " + build.Version + "\n", "commit:   " + build.Commit, "built:    " + build.Date, "go:       " + runtime.Version()} {
			if !strings.Contains(out.stdout, s) {
				t.Errorf("version does not say %q:\n%s", s, out.stdout)
			}
		}
	})
	t.Run("version --json is the same build as JSON", func(t *testing.T) {
		out := run(t, "version", "--json")
		var got buildinfo.Info
		if err := json.Unmarshal([]byte(out.stdout), &got); err != nil {
			t.Fatalf("%v in %q", err, out.stdout)
		}
		if got != build {
			t.Errorf("version --json says %+v, want %+v", got, build)
		}
	})
}

func TestMisspeltNamesGetSuggestions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a misspelt flag names the flag meant", []string{"train", "--min-event", "3"}, "unknown flag: --min-event: did you mean --min-events?"},
		{"a misspelt flag with a value names the flag meant", []string{"score", "--thershold=3"}, "did you mean --threshold?"},
		{"an unknown flag with no near name points at the help", []string{"train", "--colour"}, `unknown flag: --colour (run "portcullis train --help" for the flags)`},
		{"a misspelt command names the command meant", []string{"trian"}, "Did you mean this?\n\ttrain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := execute(t.Context(), tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("portcullis %s: error %v, want it to say %q", strings.Join(tt.args, " "), err, tt.want)
			}
		})
	}
}
