package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestResolve(t *testing.T) {
	toolchain := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/portcullis/portcullis", Version: "v0.3.1"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	cases := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
	}{
		{
			name:    "linker flags win over what the toolchain recorded",
			version: "v1.0.0", commit: "feedface", date: "2026-03-04T05:06:07Z", bi: toolchain,
			want: Info{Version: "v1.0.0", Commit: "feedface", Date: "2026-03-04T05:06:07Z", Modified: true, GoVersion: "go1.26.8"},
		},
		{
			name: "go install without flags takes the module version and the commit",
			bi:   toolchain,
			want: Info{Version: "v0.3.1", Commit: "0123456789abcdef0123", Date: "2026-01-02T03:04:05Z", Modified: true, GoVersion: "go1.26.8"},
		},
		{
			name: "a build from a work tree with nothing recorded says dev and unknown",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: Info{Version: "dev", Commit: "unknown", Date: "unknown", GoVersion: "go1.26.8"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := resolve(c.version, c.commit, c.date, c.bi)
			got.Platform = ""
			if got != c.want {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestStringNamesEverything(t *testing.T) {
	i := Info{Version: "v1.0.0", Commit: "0123456789abcdef", Date: "2026-03-04T05:06:07Z", GoVersion: "go1.26.8", Platform: "linux/amd64"}
	want := "v1.0.0 (commit 0123456789ab, built 2026-03-04T05:06:07Z, go1.26.8, linux/amd64)"
	if got := i.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCollectorExportsOneSeries(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(Info{Version: "v1.0.0", Commit: "abc", Date: "d", GoVersion: "go1.26.8"}.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(mfs) != 1 || mfs[0].GetName() != "portcullis_build_info" || len(mfs[0].GetMetric()) != 1 {
		t.Fatalf("gathered %v, want one portcullis_build_info series", mfs)
	}
	m := mfs[0].GetMetric()[0]
	if v := m.GetGauge().GetValue(); v != 1 {
		t.Errorf("value %v, want 1", v)
	}
	var labels []string
	for _, l := range m.GetLabel() {
		labels = append(labels, l.GetName()+"="+l.GetValue())
	}
	if got, want := strings.Join(labels, ","), "built=d,goversion=go1.26.8,revision=abc,version=v1.0.0"; got != want {
		t.Errorf("labels %s, want %s", got, want)
	}
}
