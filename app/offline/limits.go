package offline

import (
	"fmt"
	"io"
	"regexp"

	"github.com/portcullis/portcullis/limits"
	"github.com/portcullis/portcullis/models"
)

// upstreamName is what --upstream and --cluster accept: a URL or a name,
// without spaces, quotes or semicolons that would end a directive.
var upstreamName = regexp.MustCompile(`^[A-Za-z0-9._:/\[\]-]+$`)

// LimitsConfig is what "portcullis limits" is asked to print.
type LimitsConfig struct {
	// Model is the model file; Format text, gateway, nginx or envoy; Mode
	// log or enforce.
	Model, Format, Mode string
	// Upstream is the proxy_pass target of the nginx locations, Cluster
	// the cluster of the Envoy routes.
	Upstream, Cluster string
}

// Limits writes to w the per-endpoint rate limits the model recommends,
// in c.Format.
func Limits(c LimitsConfig, w io.Writer) error {
	if c.Model == "" {
		return fmt.Errorf("no model: pass a file written by portcullis train with --model")
	}
	md, err := limits.ParseMode(c.Mode)
	if err != nil {
		return fmt.Errorf("--mode %q: use log (count would-be refusals) or enforce", c.Mode)
	}
	if !upstreamName.MatchString(c.Upstream) {
		return fmt.Errorf("--upstream %q: give a URL such as http://127.0.0.1:8080", c.Upstream)
	}
	if !upstreamName.MatchString(c.Cluster) {
		return fmt.Errorf("--cluster %q: give an Envoy cluster name", c.Cluster)
	}
	m, err := models.ReadFile(c.Model)
	if err != nil {
		return err
	}
	if m.Limits == nil {
		return fmt.Errorf("%s has no learned limits: it was trained by an earlier version; train it again", c.Model)
	}
	ls := m.Limits.Recommend()
	switch c.Format {
	case "text":
		return limits.WriteText(w, m.Limits, ls)
	case "gateway":
		return limits.WriteGateway(w, ls, md)
	case "nginx":
		return limits.WriteNginx(w, ls, md, c.Upstream)
	case "envoy":
		return limits.WriteEnvoy(w, ls, md, c.Cluster)
	}
	return fmt.Errorf("--format %q: use text, gateway, nginx or envoy", c.Format)
}
