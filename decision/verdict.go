package decision

import "time"

// Kinds of a Verdict.
const (
	// VerdictUnblock: an operator lifted a block (the review API or page,
	// portcullis blocklist remove).
	VerdictUnblock = "unblock"
	// VerdictAllow: an operator allowlisted a client, lifting its block
	// when it had one (portcullis blocklist allow, the review API).
	VerdictAllow = "allow"
	// VerdictBlock: an operator blocked a client by hand (portcullis
	// blocklist add).
	VerdictBlock = "block"
)

// Labels of a Verdict: what the operator's act says about the client.
const (
	LabelBenign = "benign" // unblocked or allowlisted: the block was wrong
	LabelAttack = "attack" // blocked by hand: the detector missed it
)

// Verdict is an operator's judgement of a client, recorded when an
// operator unblocks, allowlists or blocks it: a labeled example for
// training and the ground truth of portcullis report. portcullis feedback
// export writes one JSON object per line in this shape.
type Verdict struct {
	Kind  string `json:"kind"`  // VerdictUnblock, VerdictAllow or VerdictBlock
	Label string `json:"label"` // LabelBenign or LabelAttack
	// Client is the client the verdict is about: the decision's client,
	// or the allowlist entry when it lifted no decision.
	Client string `json:"client"`
	// Entry is the allowlist entry of an allow verdict, which may cover
	// more than Client (a CIDR prefix).
	Entry string `json:"entry,omitempty"`
	// At is when the operator acted.
	At time.Time `json:"at"`
	// Via is the path the verdict came by: "api", "page" or "cli"; By
	// says who, as far as that path knows: the peer address of an API
	// call, the user running the CLI.
	Via string `json:"via,omitempty"`
	By  string `json:"by,omitempty"`
	// Decision is the decision the verdict reverses (unblock, allow) or
	// makes (block), as the blocklist stored it: its reasons with their
	// features' values, score, threshold, model id, origin and event
	// time. Nil for an allowlist entry that lifted no decision.
	Decision *Decision `json:"decision,omitempty"`
	// Stored is when the blocklist stored Decision, by its clock: At less
	// Stored is how long the block stood before an operator reversed it.
	Stored time.Time `json:"stored,omitzero"`
}

// Reverses says whether v lifts a decision the detector took: an unblock
// or allow of a decision that was not taken by hand.
func (v *Verdict) Reverses() bool {
	return v.Label == LabelBenign && v.Decision != nil && !v.Decision.Manual()
}

// MainReason names what drove d, for counting decisions by reason as the
// detector's metrics do: the feature of its first reason, the strongest;
// "manual" for an operator's decision, "none" without a reason.
func (d *Decision) MainReason() string {
	switch {
	case d.Manual():
		return string(OriginManual)
	case len(d.Reasons) > 0:
		return d.Reasons[0].Feature
	}
	return "none"
}
