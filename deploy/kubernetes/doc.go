// Package kubernetes holds plain Kubernetes manifests for portcullis: the
// detector and the gateway as Deployments with probes, resources and a
// non-root security context, their ConfigMaps, Services,
// PodDisruptionBudgets and ServiceMonitors, and the claim the model files
// live on. Apply them with
//
//	kubectl apply -f deploy/kubernetes/
//
// It is a module of its own, so the Kubernetes API types its test decodes
// the manifests into are not dependencies of portcullis. Its test decodes
// every document strictly, so a misspelt field fails, and checks what the
// manifests promise: probes on /healthz and /readyz, resources, non-root,
// secrets by reference, a disruption budget and a ServiceMonitor for each
// Deployment.
package kubernetes
