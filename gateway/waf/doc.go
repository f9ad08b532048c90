// Package waf is the gateway's web application firewall: Coraza running the
// OWASP Core Rule Set (CRS), embedded, over a request's line, headers and
// the first part of its body.
//
// It sits at the front of the data flow. The gateway runs an Engine per
// route that asks for one: in blocking mode inline, refusing a request
// whose CRS anomaly score reaches the threshold; in detect mode off the
// request path, after the response. Either way the number of CRS rules the
// request matched goes into its access-log record (ingest.Record.WAF), and
// from there into the detector's waf_ratio feature.
//
// Loading the CRS takes about a second and tens of megabytes, so an Engine
// is built once at start and shared (Engines) by the routes whose settings
// are equal.
package waf
