// Package models scores per-client feature vectors.
//
// It sits between features and detector in the data flow:
//
//	features.Vector -> Transform -> Forest (isolation forest) + Baseline (robust
//	statistics) + IdentityBaseline (a recurring client's own history)
//	-> Combine -> Result{Score, Reasons}
//
// The isolation forest is written here in plain Go with flat arrays (see
// Forest); the baselines use gonum's quantiles. A Model bundles them with a
// threshold calibrated on the training data, and is stored as a versioned
// model file (see Read and Write).
package models
