// Package buildinfo says which build of portcullis is running: the version,
// commit and build date stamped at link time, or, for a binary built with
// "go install" or "go build" without them, what the Go toolchain recorded.
//
// The release build and "make install" stamp them with
//
//	-ldflags "-X github.com/portcullis/portcullis/internal/buildinfo.version=v1.2.3
//	          -X github.com/portcullis/portcullis/internal/buildinfo.commit=abc1234
//	          -X github.com/portcullis/portcullis/internal/buildinfo.date=2026-01-02T03:04:05Z"
package buildinfo

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// Set at link time with -X; see the package comment. They are strings
// because -X only sets strings, and they are never written at run time.
var (
	version = ""
	commit  = ""
	date    = ""
)

// Info describes one build.
type Info struct {
	// Version is a release tag (v1.2.3), a module pseudo-version from go
	// install, or "dev" when nothing recorded one.
	Version string `json:"version"`
	// Commit is the VCS revision the binary was built from, "unknown" when
	// neither the linker flags nor the toolchain recorded it.
	Commit string `json:"commit"`
	// Date is when the binary was built (or, without linker flags, the time
	// of its commit), RFC 3339, "unknown" when not recorded.
	Date string `json:"date"`
	// Modified is true when the toolchain recorded uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string `json:"go"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
}

// Get returns this binary's build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(version, commit, date, bi)
}

// resolve prefers the linker-stamped values and fills the rest from bi,
// which may be nil.
func resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	info := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	if info.Date == "" {
		info.Date = "unknown"
	}
	return info
}

// ShortCommit is the commit cut to 12 characters, as git shows it.
func (i Info) ShortCommit() string {
	if len(i.Commit) > 12 {
		return i.Commit[:12]
	}
	return i.Commit
}

// String is the one line "portcullis --version" prints after the name.
func (i Info) String() string {
	dirty := ""
	if i.Modified {
		dirty = ", modified"
	}
	return fmt.Sprintf("%s (commit %s%s, built %s, %s, %s)", i.Version, i.ShortCommit(), dirty, i.Date, i.GoVersion, i.Platform)
}

// Collector returns the portcullis_build_info gauge: always 1, with the
// build in its labels, so a dashboard can show which build each process
// runs and join it to other series.
func (i Info) Collector() prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "portcullis_build_info",
		Help: "Always 1; the labels say which build of portcullis this process runs.",
		ConstLabels: prometheus.Labels{
			"version":   i.Version,
			"revision":  i.Commit,
			"built":     i.Date,
			"goversion": i.GoVersion,
		},
	})
	g.Set(1)
	return g
}

// Write writes i for "portcullis version": as indented JSON, or as one
// field a line.
func (i Info) Write(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(i)
	}
	modified := ""
	if i.Modified {
		modified = " (with uncommitted changes)"
	}
	_, err := fmt.Fprintf(w, "portcullis %s\n  commit:   %s%s\n  built:    %s\n  go:       %s\n  platform: %s\n",
		i.Version, i.Commit, modified, i.Date, i.GoVersion, i.Platform)
	return err
}
