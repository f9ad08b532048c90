// Package campaign finds attacks spread over many client addresses.
//
// It sits beside features in the data flow: the detector folds every
// record into event-time aggregates per endpoint template, per network and
// per client fingerprint (Tracker), next to the per-client state that
// features keeps. No single address of a distributed campaign sends enough
// to be judged on its own (judgement starts at a client's 4th event), but
// the endpoint it targets departs from what it did in training: a login's
// failures ten times their usual in a minute, a payment endpoint's
// declines, a burst of new addresses on one path. Training (Trainer, fed
// by the first pass of detector.Train) learns each endpoint's robust
// per-minute tail into Norms, which the model file carries. Online, a
// departure opens a campaign; the detector blocks the clients that share
// it (unknown to training, concentrated on the endpoint, failing there) as
// members of one campaign, named by what defines it so that detectors on
// several partitions name it alike.
package campaign
