package kubernetes

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// ServiceMonitor is the part of the prometheus-operator's ServiceMonitor
// (monitoring.coreos.com/v1) that the manifests use. Decoding is strict, so
// a field it does not list fails the test: add it here when a manifest
// needs it.
type ServiceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		JobLabel  string               `json:"jobLabel,omitempty"`
		Selector  metav1.LabelSelector `json:"selector"`
		Endpoints []struct {
			Port     string `json:"port"`
			Path     string `json:"path,omitempty"`
			Interval string `json:"interval,omitempty"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// manifests holds every object of the folder, by kind.
type manifests struct {
	deployments     []*appsv1.Deployment
	services        []*corev1.Service
	configMaps      []*corev1.ConfigMap
	claims          []*corev1.PersistentVolumeClaim
	budgets         []*policyv1.PodDisruptionBudget
	serviceMonitors []*ServiceMonitor
}

// load decodes every YAML document of the folder strictly into its type.
func load(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	var m manifests
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range splitDocuments(data) {
			where := fmt.Sprintf("%s document %d", f, i+1)
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			var obj any
			switch tm.APIVersion + " " + tm.Kind {
			case "apps/v1 Deployment":
				d := &appsv1.Deployment{}
				m.deployments, obj = append(m.deployments, d), d
			case "v1 Service":
				s := &corev1.Service{}
				m.services, obj = append(m.services, s), s
			case "v1 ConfigMap":
				c := &corev1.ConfigMap{}
				m.configMaps, obj = append(m.configMaps, c), c
			case "v1 PersistentVolumeClaim":
				c := &corev1.PersistentVolumeClaim{}
				m.claims, obj = append(m.claims, c), c
			case "policy/v1 PodDisruptionBudget":
				b := &policyv1.PodDisruptionBudget{}
				m.budgets, obj = append(m.budgets, b), b
			case "monitoring.coreos.com/v1 ServiceMonitor":
				s := &ServiceMonitor{}
				m.serviceMonitors, obj = append(m.serviceMonitors, s), s
			default:
				t.Errorf("%s: %s %s is a kind this test does not know; add it", where, tm.APIVersion, tm.Kind)
				continue
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				t.Errorf("%s (%s): %v", where, tm.Kind, err)
			}
		}
	}
	return m
}

// splitDocuments splits a multi-document YAML file at its "---" lines.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(data, []byte("\n---\n")) {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func stripComments(d []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(d, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(append(out, line...), '\n')
		}
	}
	return out
}

func TestStrictDecodingCatchesATypo(t *testing.T) {
	doc := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: 1\n  selectr: {}\n")
	if err := yaml.UnmarshalStrict(doc, &appsv1.Deployment{}); err == nil || !strings.Contains(err.Error(), "selectr") {
		t.Errorf("a misspelt field decoded: %v", err)
	}
	sm := []byte("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec:\n  endpoints: [{port: admin, pth: /metrics}]\n")
	if err := yaml.UnmarshalStrict(sm, &ServiceMonitor{}); err == nil || !strings.Contains(err.Error(), "pth") {
		t.Errorf("a misspelt ServiceMonitor field decoded: %v", err)
	}
}

func TestManifests(t *testing.T) {
	m := load(t)
	if len(m.deployments) != 2 {
		t.Fatalf("%d Deployments; want the detector and the gateway", len(m.deployments))
	}
	configMaps := map[string]*corev1.ConfigMap{}
	for _, c := range m.configMaps {
		configMaps[c.Name] = c
	}
	claims := map[string]bool{}
	for _, c := range m.claims {
		claims[c.Name] = true
	}
	for _, d := range m.deployments {
		t.Run(d.Name, func(t *testing.T) {
			checkDeployment(t, d, configMaps, claims)
			checkSelected(t, m, d)
		})
	}
}

func checkDeployment(t *testing.T, d *appsv1.Deployment, configMaps map[string]*corev1.ConfigMap, claims map[string]bool) {
	spec := d.Spec.Template.Spec
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("the selector %v does not select the pod template's labels %v", d.Spec.Selector, d.Spec.Template.Labels)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		t.Error("fewer than 2 replicas: a disruption budget cannot keep one up")
	}
	psc := spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		t.Error("the pod does not run as a non-root user")
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Error("the pod has no RuntimeDefault seccomp profile")
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token it does not use")
	}
	if len(spec.Containers) == 0 {
		t.Fatal("no containers")
	}
	for _, c := range spec.Containers {
		if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
			t.Errorf("%s: image %q is not pinned to a version", c.Name, c.Image)
		}
		for _, p := range []struct {
			name  string
			probe *corev1.Probe
			path  string
		}{{"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
			if p.probe == nil || p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path {
				t.Errorf("%s: the %s probe is not an HTTP GET of %s", c.Name, p.name, p.path)
				continue
			}
			if port := p.probe.HTTPGet.Port.String(); !slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool {
				return cp.Name == port || fmt.Sprint(cp.ContainerPort) == port
			}) {
				t.Errorf("%s: the %s probe asks port %s, which the container does not declare", c.Name, p.name, port)
			}
		}
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
			t.Errorf("%s: resources %v; want CPU and memory requests and a memory limit", c.Name, c.Resources)
		}
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
			sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			t.Errorf("%s: security context %+v; want no privilege escalation, a read-only root and all capabilities dropped", c.Name, sc)
		}
		for _, e := range c.Env {
			if e.Value != "" && (strings.Contains(e.Name, "TOKEN") || strings.Contains(e.Name, "PASSWORD") || strings.Contains(e.Name, "SECRET")) {
				t.Errorf("%s: %s has a value in the manifest; reference a Secret", c.Name, e.Name)
			}
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && (e.ValueFrom.SecretKeyRef.Name == "" || e.ValueFrom.SecretKeyRef.Key == "") {
				t.Errorf("%s: %s references no Secret key", c.Name, e.Name)
			}
		}
		// The --config file is in a mounted ConfigMap that has it.
		cfg := ""
		for i, a := range c.Args {
			if a == "--config" && i+1 < len(c.Args) {
				cfg = c.Args[i+1]
			}
		}
		if cfg == "" {
			t.Errorf("%s: no --config", c.Name)
			continue
		}
		found := false
		for _, vm := range c.VolumeMounts {
			if filepath.Dir(cfg) != vm.MountPath {
				continue
			}
			for _, v := range spec.Volumes {
				if v.Name == vm.Name && v.ConfigMap != nil {
					cm := configMaps[v.ConfigMap.Name]
					if cm == nil {
						t.Errorf("%s: mounts ConfigMap %s, which is not in the manifests", c.Name, v.ConfigMap.Name)
					} else if _, ok := cm.Data[filepath.Base(cfg)]; !ok {
						t.Errorf("%s: ConfigMap %s has no %s", c.Name, cm.Name, filepath.Base(cfg))
					} else {
						found = true
					}
				}
			}
		}
		if !found {
			t.Errorf("%s: --config %s is not in a mounted ConfigMap", c.Name, cfg)
		}
		for _, vm := range c.VolumeMounts {
			if !slices.ContainsFunc(spec.Volumes, func(v corev1.Volume) bool { return v.Name == vm.Name }) {
				t.Errorf("%s: mounts volume %s, which the pod does not declare", c.Name, vm.Name)
			}
		}
	}
	for _, v := range spec.Volumes {
		if v.PersistentVolumeClaim != nil && !claims[v.PersistentVolumeClaim.ClaimName] {
			t.Errorf("volume %s claims %s, which is not in the manifests", v.Name, v.PersistentVolumeClaim.ClaimName)
		}
	}
}

// checkSelected checks that d's pods have a disruption budget, a Service
// on their admin port, and a ServiceMonitor that scrapes it.
func checkSelected(t *testing.T, m manifests, d *appsv1.Deployment) {
	pods := labels.Set(d.Spec.Template.Labels)
	budgets := 0
	for _, b := range m.budgets {
		if s, err := metav1.LabelSelectorAsSelector(b.Spec.Selector); err == nil && !s.Empty() && s.Matches(pods) {
			budgets++
			if b.Spec.MinAvailable == nil && b.Spec.MaxUnavailable == nil {
				t.Errorf("PodDisruptionBudget %s sets neither minAvailable nor maxUnavailable", b.Name)
			}
		}
	}
	if budgets != 1 {
		t.Errorf("%d PodDisruptionBudgets select the pods; want 1", budgets)
	}
	monitored := false
	for _, svc := range m.services {
		if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(pods) {
			continue
		}
		for _, p := range svc.Spec.Ports {
			if p.TargetPort.String() != "" && !slices.ContainsFunc(d.Spec.Template.Spec.Containers[0].Ports, func(cp corev1.ContainerPort) bool {
				return cp.Name == p.TargetPort.String() || fmt.Sprint(cp.ContainerPort) == p.TargetPort.String()
			}) {
				t.Errorf("Service %s targets port %s, which the pods do not declare", svc.Name, p.TargetPort.String())
			}
		}
		for _, sm := range m.serviceMonitors {
			s, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
			if err != nil || s.Empty() || !s.Matches(labels.Set(svc.Labels)) {
				continue
			}
			for _, e := range sm.Spec.Endpoints {
				if e.Path == "/metrics" && slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == e.Port && p.Name == "admin" }) {
					monitored = true
				}
			}
			if sm.Spec.JobLabel != "" && svc.Labels[sm.Spec.JobLabel] != d.Name {
				t.Errorf("ServiceMonitor %s names the job %q; the alert rules expect %q", sm.Name, svc.Labels[sm.Spec.JobLabel], d.Name)
			}
		}
	}
	if !monitored {
		t.Error("no ServiceMonitor scrapes /metrics on the admin port of a Service of the pods")
	}
}
