// Package detect is the online detector as one long-running object:
// "portcullis detect" turns its flags into a Config and runs an App, and
// tests run the same App on 127.0.0.1:0 and read the address it bound.
//
// An App reads access logs from Kafka or a followed file, runs every event
// through detector.Online, stores decisions in the Redis blocklist, and
// serves /metrics, /healthz, /readyz and, with an admin token, the review
// API and page on its admin listener. It reloads the model on SIGHUP or
// when the model file changes, and warns when the share of malformed
// input crosses max_malformed.
package detect
