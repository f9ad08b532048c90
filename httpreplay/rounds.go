package httpreplay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/trafficgen"
)

// DriveConfig says what Drive generates and where it sends it.
type DriveConfig struct {
	// Gateway is the base URL of the gateway's data listener.
	Gateway string
	// Site and Seed are those of the generated traffic; each round uses
	// the seed after the last.
	Site, Seed int64
	// Clients is the normal clients a round, Minutes its length.
	Clients, Minutes int
	// Rounds is how many rounds to run; 0 runs until ctx ends.
	Rounds int
	// Workers is how many requests are in flight at most.
	Workers     int
	AttackShare float64
	// APIKeyHeader and UserHeader carry the recorded API keys and users.
	APIKeyHeader, UserHeader string
}

// Validate says what is wrong with c.
func (c DriveConfig) Validate() error {
	switch {
	case c.Gateway == "":
		return errors.New("pass the gateway's data URL with --gateway, such as http://gateway:8080")
	case c.Workers < 1:
		return fmt.Errorf("--workers is %d; give 1 or more", c.Workers)
	case c.Rounds < 0:
		return fmt.Errorf("--rounds is %d; give 0 (until stopped) or more", c.Rounds)
	}
	return nil
}

// Drive generates rounds of traffic, starting each now, and replays each
// through the gateway in real time, printing to out what the gateway
// refused after every round.
func Drive(ctx context.Context, out io.Writer, c DriveConfig) error {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.Workers}}
	defer client.CloseIdleConnections()
	d := &Replayer{Client: client, Base: strings.TrimSuffix(c.Gateway, "/"), Workers: c.Workers,
		APIKeyHeader: c.APIKeyHeader, UserHeader: c.UserHeader, MaxBody: MaxBody}
	for round := 0; c.Rounds == 0 || round < c.Rounds; round++ {
		if err := d.round(ctx, out, c, round); err != nil {
			return err
		}
	}
	return nil
}

// round generates and replays one round.
func (d *Replayer) round(ctx context.Context, out io.Writer, c DriveConfig, round int) error {
	start := time.Now().UTC().Truncate(time.Millisecond).Add(time.Second)
	cfg := trafficgen.Config{Seed: c.Seed + int64(round), Site: c.Site, Start: start, Minutes: c.Minutes,
		Clients: c.Clients, Attacks: c.AttackShare > 0, AttackShare: c.AttackShare}.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	var logs, labels bytes.Buffer
	if _, err := trafficgen.Generate(cfg, &logs, &labels); err != nil {
		return err
	}
	recs, err := ReadRecords(&logs)
	if err != nil {
		return err
	}
	kinds, err := backtest.ReadLabels(&labels)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "round %d: %d requests over %d minute(s) from %d clients, seed %d\n", round+1, len(recs), c.Minutes, len(kinds), cfg.Seed)
	st, err := d.Replay(ctx, recs, start, func(r *ingest.Record) bool { return kinds[string(r.ClientIP)].Kind != backtest.KindNormal })
	fmt.Fprintf(out, "round %d: %d sent, %d failed; refused by the blocklist: %d from attackers, %d from normal clients\n",
		round+1, st.Sent, st.Failed, st.RefusedAttack, st.RefusedNormal)
	return err
}
