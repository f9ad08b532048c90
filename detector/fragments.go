package detector

import (
	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// fragmentCounts is what training's first pass counts of the payload
// fragments (features.IsFragment) each endpoint was sent: by endpoint
// (campaign.EndpointKey), the clients that sent one and how many requests
// each carried, up to models.MarkerBurst, so that the model knows where a
// site's own users send them (models.MarkerEndpoint). It is bounded:
// maxFragmentEndpoints endpoints, maxFragmentClients clients each.
type fragmentCounts struct {
	eps map[uint64]map[string]uint8
}

const (
	maxFragmentEndpoints = 4096
	maxFragmentClients   = 1024
)

func newFragmentCounts() *fragmentCounts {
	return &fragmentCounts{eps: map[uint64]map[string]uint8{}}
}

// observe counts rec, from the client named client, if it carries a
// payload fragment: marker is the payload marker the feature table found
// in it (features.Table.LastMarker).
func (f *fragmentCounts) observe(client string, rec *ingest.Record, marker int) {
	if !features.IsFragment(marker) {
		return
	}
	key := campaign.EndpointKey(rec.Method, rec.Path)
	clients := f.eps[key]
	if clients == nil {
		if len(f.eps) >= maxFragmentEndpoints {
			return
		}
		clients = map[string]uint8{}
		f.eps[key] = clients
	}
	if n, ok := clients[client]; ok || len(clients) < maxFragmentClients {
		clients[client] = min(n+1, models.MarkerBurst)
	}
}

// endpoints returns the counts of the endpoints of norms that were sent
// fragments, with their requests in training.
func (f *fragmentCounts) endpoints(norms *campaign.Norms) []models.MarkerEndpoint {
	if norms == nil {
		return nil
	}
	var out []models.MarkerEndpoint
	for _, n := range norms.Endpoints {
		clients := f.eps[n.Key]
		if clients == nil {
			continue
		}
		var marked int64
		for _, k := range clients {
			marked += int64(k)
		}
		out = append(out, models.MarkerEndpoint{
			Endpoint: n.Endpoint, Template: campaign.TemplateOf(n.Key),
			Clients: int64(len(clients)), Marked: marked, Requests: n.Total,
		})
	}
	return out
}
