// Package blocklistctl is what "portcullis blocklist" does to the Redis
// blocklist by hand: open it from a detect config or flags, block a client
// (in canonical form only), and print decisions, the allowlist and the
// breaker for a terminal, every string that came from logs or requests
// escaped.
package blocklistctl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	detectapp "github.com/portcullis/portcullis/app/detect"
	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"

	"github.com/portcullis/portcullis/review"
)

// StoreConfig names the Redis blocklist to work on: the redis section of a
// detect config, with each field set here taking its place (the errors
// name the flags).
type StoreConfig struct {
	// Config is a detect YAML file whose redis section to use.
	Config string
	// Redis is host:port (comma-separated for Sentinel or Cluster), with
	// keys under Prefix.
	Redis, Prefix string
	// PasswordEnv and PasswordFile hold the Redis password.
	PasswordEnv, PasswordFile string
}

// Open connects to the blocklist c names.
func Open(c StoreConfig, log *slog.Logger) (*redisstore.Store, error) {
	var cfg redisstore.Config
	if c.Config != "" {
		dc, err := detectapp.LoadConfig(c.Config)
		if err != nil {
			return nil, err
		}
		cfg = dc.Redis
		cfg.Policy = dc.Policy.Store()
	}
	if c.Redis != "" {
		cfg.Addrs = strings.Split(c.Redis, ",")
	}
	if c.Prefix != "" {
		cfg.KeyPrefix = c.Prefix
	}
	if c.PasswordEnv != "" {
		cfg.PasswordEnv = c.PasswordEnv
	}
	if c.PasswordFile != "" {
		cfg.PasswordFile = c.PasswordFile
	}
	if len(cfg.Addrs) == 0 {
		return nil, errors.New("no Redis: pass --config detect.yaml (its redis section) or --redis host:port")
	}
	return redisstore.New(cfg, log)
}

// Add blocks client by hand for ttl, with a note saying why, through the
// review service (the one code path of an operator's decision: origin
// manual, the store's allowlist, breaker and cap), and writes to w until
// when.
func Add(ctx context.Context, r *redisstore.Store, w io.Writer, client string, ttl time.Duration, note string) error {
	return Decide(ctx, r, w, review.Manual{Client: client, TTL: ttl, Note: note})
}

// Decide is Add with the action of m: a block, a throttle, a challenge or
// a log. It writes the action too when it is not a block.
func Decide(ctx context.Context, r *redisstore.Store, w io.Writer, m review.Manual) error {
	o, err := review.NewService(r, nil).Decide(cliActor(ctx), m)
	if err != nil && !errors.Is(err, review.ErrVerdictNotRecorded) {
		return err
	}
	what := ""
	if m.Action != "" && m.Action != decision.ActionBlock {
		what = " (" + m.Action + ")"
	}
	fmt.Fprintf(w, "%s %s%s until %s\n", EscapeText(m.Client), o.Result, what, o.Expires.UTC().Format(time.RFC3339))
	return warnVerdict(w, err)
}

// cliActor says the verdicts recorded under ctx come from the CLI, run by
// the user the process runs as.
func cliActor(ctx context.Context) context.Context {
	by := ""
	if u, err := user.Current(); err == nil {
		by = u.Username
	}
	return review.WithActor(ctx, review.ViaCLI, by)
}

// warnVerdict writes a warning for an error wrapping
// review.ErrVerdictNotRecorded, whose change was made: the command
// succeeded. Other errors are returned.
func warnVerdict(w io.Writer, err error) error {
	if err == nil || !errors.Is(err, review.ErrVerdictNotRecorded) {
		return err
	}
	fmt.Fprintf(w, "warning: %s\n", EscapeText(strings.TrimPrefix(err.Error(), "review: ")))
	return nil
}

// WriteList writes the snapshot's decisions: as JSON lines in the shape
// portcullis score writes, or as a table, every string escaped.
func WriteList(w io.Writer, s blocklist.Snapshot, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, d := range s.Decisions {
			if err := enc.Encode(d); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CLIENT\tSCOPE\tACTION\tSCORE\tEXPIRES\tTOP REASON")
	for i, d := range s.Decisions {
		top := ""
		switch {
		case d.Manual() && d.Note != "":
			top = "by hand: " + EscapeText(d.Note)
		case d.Manual():
			top = "by hand"
		}
		if top == "" && len(d.Reasons) > 0 {
			top = fmt.Sprintf("%s %.4g (typical %.4g)", EscapeText(d.Reasons[0].Feature), d.Reasons[0].Value, d.Reasons[0].Typical)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%s\t%s\n", EscapeText(d.Client), EscapeText(d.Scope), actionOf(d), d.Score, s.Expires[i].UTC().Format(time.RFC3339), top)
	}
	fmt.Fprintf(tw, "%d active decisions, version %d, %d allowlist entries\n", len(s.Decisions), s.Version, len(s.Allow))
	return tw.Flush()
}

// actionOf writes d's action for a person: with its rate for a throttle
// or a challenge. The stores read only known actions.
func actionOf(d *decision.Decision) string {
	if d.Limit > 0 && (d.Action == decision.ActionThrottle || d.Action == decision.ActionChallenge) {
		return fmt.Sprintf("%s %.4g/s", d.Action, d.Limit)
	}
	return EscapeText(d.Action)
}

// WriteExplain writes the decision d with its reasons: as JSON, or for a
// person, every string escaped.
func WriteExplain(w io.Writer, d *decision.Decision, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(d)
	}
	if d.Manual() {
		fmt.Fprintf(w, "%s (%s) blocked by hand at %s for %ds\n", EscapeText(d.Client), EscapeText(d.Scope), d.TS.Format(time.RFC3339), d.TTLSec)
		if d.Note != "" {
			fmt.Fprintf(w, "note: %s\n", EscapeText(d.Note))
		}
		for _, r := range d.Reasons { // blocks added by hand before decisions had a note
			fmt.Fprintf(w, "  %s\n", EscapeText(r.Feature))
		}
		return nil
	}
	fmt.Fprintf(w, "%s (%s) blocked at %s by model %s: score %.2f, threshold %.2f, after %d events, for %ds\n",
		EscapeText(d.Client), EscapeText(d.Scope), d.TS.Format(time.RFC3339), EscapeText(d.Model), d.Score, d.Threshold, d.Events, d.TTLSec)
	if d.Known {
		fmt.Fprintln(w, "a client known from training: judged against its own history as well as the population")
	}
	fmt.Fprintf(w, "surprise %.1f: at least this unusual, about 1 normal client in 10^%.1f; the threshold is 10^%.1f\n", d.Score, d.Score, d.Threshold)
	if d.Rule == decision.RuleVolume {
		fmt.Fprintln(w, "blocked by the volume limit: an anonymous client new to the model sending more to a few routes than ordinary clients ever do")
	}
	if d.Rule == decision.RuleCampaign {
		fmt.Fprintf(w, "blocked as a member of campaign %s: %s\n", EscapeText(d.Campaign), EscapeText(d.CampaignReason))
	}
	for _, r := range d.Reasons {
		fmt.Fprintf(w, "  %s\n", EscapeText(r.String()))
	}
	return nil
}

// WriteBreaker writes the state of the safety breaker.
func WriteBreaker(w io.Writer, b blocklist.BreakerState, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(b)
	}
	if !b.Tripped {
		fmt.Fprintf(w, "breaker closed: %d new decisions in the current window\n", b.Recent)
		return nil
	}
	fmt.Fprintf(w, "breaker OPEN since %s (%s); resets by itself at %s, or with: portcullis blocklist breaker reset\n",
		b.Since.UTC().Format(time.RFC3339), b.Reason, b.Until.UTC().Format(time.RFC3339))
	return nil
}

// EscapeText returns s with every byte outside printable ASCII escaped as
// in a Go string (\x1b, \u202e): what the blocklist holds came from logs
// and requests, and must not reach a terminal as control sequences.
func EscapeText(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			q := strconv.QuoteToASCII(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

// Allow allowlists entry through the review service, as the review API
// does; force takes an entry that covers every address.
func Allow(ctx context.Context, r *redisstore.Store, w io.Writer, entry string, force bool) error {
	svc := review.NewService(r, nil)
	do := svc.Allow
	if force {
		do = svc.AllowAll
	}
	err := do(cliActor(ctx), entry)
	if err != nil && !errors.Is(err, review.ErrVerdictNotRecorded) {
		return err
	}
	fmt.Fprintf(w, "%s allowlisted\n", EscapeText(entry))
	return warnVerdict(w, err)
}

// Unblock lifts the block on client through the review service.
func Unblock(ctx context.Context, r *redisstore.Store, w io.Writer, client string) error {
	err := review.NewService(r, nil).Unblock(cliActor(ctx), client)
	if errors.Is(err, review.ErrNotBlocked) {
		return fmt.Errorf("%s was not blocked", EscapeText(client))
	}
	if err != nil && !errors.Is(err, review.ErrVerdictNotRecorded) {
		return err
	}
	fmt.Fprintf(w, "%s unblocked\n", EscapeText(client))
	return warnVerdict(w, err)
}

// Unallow removes an allowlist entry through the review service.
func Unallow(ctx context.Context, r *redisstore.Store, w io.Writer, entry string) error {
	if err := review.NewService(r, nil).Unallow(ctx, entry); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s removed from the allowlist\n", EscapeText(entry))
	return nil
}
