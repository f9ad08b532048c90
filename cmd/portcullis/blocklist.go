package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/review"

	detectapp "github.com/portcullis/portcullis/app/detect"
)

// blocklistFlags choose the Redis blocklist the commands work on.
type blocklistFlags struct {
	config  string
	addr    string
	prefix  string
	pwEnv   string
	pwFile  string
	jsonOut bool
}

func (f *blocklistFlags) open(log *slog.Logger) (*blocklist.Redis, error) {
	var cfg blocklist.RedisConfig
	if f.config != "" {
		dc, err := detectapp.LoadConfig(f.config)
		if err != nil {
			return nil, err
		}
		cfg = dc.Redis
	}
	if f.addr != "" {
		cfg.Addrs = strings.Split(f.addr, ",")
	}
	if f.prefix != "" {
		cfg.KeyPrefix = f.prefix
	}
	if f.pwEnv != "" {
		cfg.PasswordEnv = f.pwEnv
	}
	if f.pwFile != "" {
		cfg.PasswordFile = f.pwFile
	}
	if len(cfg.Addrs) == 0 {
		return nil, errors.New("no Redis: pass --config detect.yaml (its redis section) or --redis host:port")
	}
	return blocklist.NewRedis(cfg, log)
}

func newBlocklistCommand() *cobra.Command {
	var f blocklistFlags
	cmd := &cobra.Command{
		Use:   "blocklist",
		Short: "List, explain, add, remove and allowlist blocked clients in the Redis blocklist",
		Long: `blocklist works on the Redis blocklist that portcullis detect writes and
gateways read. Every change is pushed to the gateways' caches at once.

The Redis connection comes from the redis section of a detect config
(--config), or from --redis; a password only from an environment variable or a
file, never from a flag.`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.config, "config", "", "detect YAML config whose redis section to use")
	pf.StringVar(&f.addr, "redis", "", "Redis host:port (comma-separated for Sentinel or Cluster)")
	pf.StringVar(&f.prefix, "prefix", "", `key prefix (default "portcullis:")`)
	pf.StringVar(&f.pwEnv, "password-env", "", "environment variable holding the Redis password")
	pf.StringVar(&f.pwFile, "password-file", "", "file holding the Redis password")
	pf.BoolVar(&f.jsonOut, "json", false, "print JSON: decisions in the shape portcullis score writes")

	with := func(run func(ctx context.Context, r *blocklist.Redis, w io.Writer, args []string) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			r, err := f.open(slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				return err
			}
			defer r.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			return run(ctx, r, cmd.OutOrStdout(), args)
		}
	}

	var ttl time.Duration
	var reason string
	add := &cobra.Command{
		Use: "add CLIENT", Short: "Block a client by hand", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, r *blocklist.Redis, w io.Writer, args []string) error {
			if ttl < time.Second {
				return fmt.Errorf("--ttl %v; give 1s or more", ttl)
			}
			scope, err := clientScope(args[0])
			if err != nil {
				return err
			}
			d := &detector.Decision{Client: args[0], Scope: scope, TS: time.Now().UTC(), Action: detector.ActionBlock,
				TTLSec: int64(ttl / time.Second), Model: "manual", Reasons: []detector.Reason{{Feature: "manual: " + reason}}}
			out, err := r.Apply(ctx, []*detector.Decision{d})
			if err != nil {
				return err
			}
			o := out[0]
			if o.Result != blocklist.Stored && o.Result != blocklist.Simulated {
				return fmt.Errorf("%s not blocked: %s", escapeText(args[0]), o.Result)
			}
			fmt.Fprintf(w, "%s %s until %s\n", escapeText(args[0]), o.Result, o.Expires.UTC().Format(time.RFC3339))
			return nil
		}),
	}
	add.Flags().DurationVar(&ttl, "ttl", detector.DefaultTTL, "how long the block lasts")
	add.Flags().StringVar(&reason, "reason", "blocked by an operator", "why, stored with the decision")

	var force bool
	allow := &cobra.Command{
		Use: "allow ENTRY", Short: "Allowlist an IP, CIDR prefix, API key or user (unblocks it)", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, r *blocklist.Redis, w io.Writer, args []string) error {
			svc := review.NewService(r, nil)
			do := svc.Allow
			if force {
				do = svc.AllowAll
			}
			if err := do(ctx, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(w, "%s allowlisted\n", escapeText(args[0]))
			return nil
		}),
	}
	allow.Flags().BoolVar(&force, "force", false, "take an entry that covers every address (0.0.0.0/0, ::/0), which lifts every block")

	cmd.AddCommand(
		&cobra.Command{
			Use: "list", Short: "List active decisions", Args: cobra.NoArgs,
			RunE: with(func(ctx context.Context, r *blocklist.Redis, w io.Writer, _ []string) error {
				s, err := r.List(ctx)
				if err != nil {
					return err
				}
				if f.jsonOut {
					enc := json.NewEncoder(w)
					for _, d := range s.Decisions {
						if err := enc.Encode(d); err != nil {
							return err
						}
					}
					return nil
				}
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "CLIENT\tSCOPE\tSCORE\tEXPIRES\tTOP REASON")
				for i, d := range s.Decisions {
					top := ""
					if len(d.Reasons) > 0 {
						top = fmt.Sprintf("%s %.4g (typical %.4g)", escapeText(d.Reasons[0].Feature), d.Reasons[0].Value, d.Reasons[0].Typical)
					}
					fmt.Fprintf(tw, "%s\t%s\t%.3f\t%s\t%s\n", escapeText(d.Client), escapeText(d.Scope), d.Score, s.Expires[i].UTC().Format(time.RFC3339), top)
				}
				fmt.Fprintf(tw, "%d active decisions, version %d, %d allowlist entries\n", len(s.Decisions), s.Version, len(s.Allow))
				return tw.Flush()
			}),
		},
		&cobra.Command{
			Use: "explain CLIENT", Short: "Show the decision about a client with its reasons", Args: cobra.ExactArgs(1),
			RunE: with(func(ctx context.Context, r *blocklist.Redis, w io.Writer, args []string) error {
				d, err := r.Get(ctx, args[0])
				if err != nil {
					return err
				}
				if d == nil {
					return fmt.Errorf("%s is not blocked", escapeText(args[0]))
				}
				if f.jsonOut {
					return json.NewEncoder(w).Encode(d)
				}
				fmt.Fprintf(w, "%s (%s) blocked at %s by model %s: score %.2f, threshold %.2f, after %d events, for %ds\n",
					escapeText(d.Client), escapeText(d.Scope), d.TS.Format(time.RFC3339), escapeText(d.Model), d.Score, d.Threshold, d.Events, d.TTLSec)
				if d.Known {
					fmt.Fprintln(w, "a client known from training: judged against its own history as well as the population")
				}
				fmt.Fprintf(w, "surprise %.1f: at least this unusual, about 1 normal client in 10^%.1f; the threshold is 10^%.1f\n", d.Score, d.Score, d.Threshold)
				if d.Rule == detector.RuleVolume {
					fmt.Fprintln(w, "blocked by the volume limit: an anonymous client new to the model sending more to a few routes than ordinary clients ever do")
				}
				if d.Rule == detector.RuleCampaign {
					fmt.Fprintf(w, "blocked as a member of campaign %s: %s\n", escapeText(d.Campaign), escapeText(d.CampaignReason))
				}
				for _, r := range d.Reasons {
					fmt.Fprintf(w, "  %s\n", escapeText(r.String()))
				}
				return nil
			}),
		},
		add,
		&cobra.Command{
			Use: "remove CLIENT", Short: "Unblock a client", Args: cobra.ExactArgs(1),
			RunE: with(func(ctx context.Context, r *blocklist.Redis, w io.Writer, args []string) error {
				if err := review.NewService(r, nil).Unblock(ctx, args[0]); err != nil {
					if errors.Is(err, review.ErrNotBlocked) {
						return fmt.Errorf("%s was not blocked", escapeText(args[0]))
					}
					return err
				}
				fmt.Fprintf(w, "%s unblocked\n", escapeText(args[0]))
				return nil
			}),
		},
		allow,
		&cobra.Command{
			Use: "unallow ENTRY", Short: "Remove an allowlist entry", Args: cobra.ExactArgs(1),
			RunE: with(func(ctx context.Context, r *blocklist.Redis, w io.Writer, args []string) error {
				if err := review.NewService(r, nil).Unallow(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(w, "%s removed from the allowlist\n", escapeText(args[0]))
				return nil
			}),
		},
		&cobra.Command{
			Use: "breaker [reset]", Short: "Show the safety breaker, or reset it", Args: cobra.MaximumNArgs(1),
			RunE: with(func(ctx context.Context, r *blocklist.Redis, w io.Writer, args []string) error {
				if len(args) == 1 {
					if args[0] != "reset" {
						return fmt.Errorf("breaker %q: the only action is reset", args[0])
					}
					if err := r.ResetBreaker(ctx); err != nil {
						return err
					}
					fmt.Fprintln(w, "breaker reset")
					return nil
				}
				b, err := r.Breaker(ctx)
				if err != nil {
					return err
				}
				if f.jsonOut {
					return json.NewEncoder(w).Encode(b)
				}
				if !b.Tripped {
					fmt.Fprintf(w, "breaker closed: %d new decisions in the current window\n", b.Recent)
					return nil
				}
				fmt.Fprintf(w, "breaker OPEN since %s (%s); resets by itself at %s, or with: portcullis blocklist breaker reset\n",
					b.Since.UTC().Format(time.RFC3339), b.Reason, b.Until.UTC().Format(time.RFC3339))
				return nil
			}),
		},
	)
	return cmd
}

// clientScope returns the scope of a client given by hand, or why it is
// not one: an IP address or an IPv6 /64 prefix in canonical form (a block
// on another spelling would match no request), or an API key id or user
// of printable characters.
func clientScope(client string) (string, error) {
	if strings.Contains(client, "/") {
		p, err := netip.ParsePrefix(client)
		if err != nil || !p.Addr().Is6() || p.Bits() != 64 || p.Addr().Is4In6() {
			return "", fmt.Errorf("%s: a prefix must be an IPv6 /64 such as 2001:db8:1:2::/64; block an IPv4 address by itself", escapeText(client))
		}
		if c := p.Masked().String(); c != client {
			return "", fmt.Errorf("%s is not in canonical form; write %s", escapeText(client), c)
		}
		return "ipv6_64", nil
	}
	if strings.Contains(client, ":") || strings.Trim(client, "0123456789.") == "" {
		a, err := netip.ParseAddr(client)
		if err != nil || a.Zone() != "" {
			return "", fmt.Errorf("%s is not an IP address (such as 203.0.113.7 or 2001:db8::1)", escapeText(client))
		}
		if c := a.Unmap().String(); c != client {
			return "", fmt.Errorf("%s is not in canonical form; write %s", escapeText(client), c)
		}
		return "ip", nil
	}
	if len(client) > 256 || escapeText(client) != client || strings.ContainsAny(client, " \t") {
		return "", fmt.Errorf("%s: an API key id or user is at most 256 printable characters without spaces", escapeText(client))
	}
	return "api_key", nil
}

// escapeText returns s with every byte outside printable ASCII escaped as
// in a Go string (\x1b, \u202e): what the blocklist holds came from logs
// and requests, and must not reach a terminal as control sequences.
func escapeText(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			q := strconv.QuoteToASCII(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}

// printable returns s with control and non-ASCII bytes replaced by '?':
// a decision's campaign names an endpoint from the logs, and the store it
// is read from is not trusted to keep it clean.
func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}
