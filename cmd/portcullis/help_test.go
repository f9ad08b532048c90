package main

import (
	"io"
	"regexp"
	"strings"
	"testing"
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
	out, err := execute(t.Context(), "--version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.stdout, "portcullis version "+version) {
		t.Errorf("--version printed %q, want the version %q", out.stdout, version)
	}
}
