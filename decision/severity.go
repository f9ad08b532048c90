package decision

// Severity says how far d is past its threshold, from 0 to 1, for scores
// in [0, 1] as the isolation forest gives them: 0 at or below the
// threshold (a decision on volume, a campaign or an operator's, whose
// score did not pass it), 1 at a score of 1, linear in between. It sets,
// for example, the difficulty of a challenge.
func (d *Decision) Severity() float64 {
	if !(d.Threshold < 1) || !(d.Score > d.Threshold) {
		return 0
	}
	return min(1, (d.Score-d.Threshold)/(1-d.Threshold))
}
