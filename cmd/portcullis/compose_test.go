package main

import (
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/portcullis/portcullis/deploy"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"

	detectapp "github.com/portcullis/portcullis/app/detect"
)

// composeFile is the part of docker-compose.yaml the test reads.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
	Secrets  map[string]struct {
		File string `yaml:"file"`
	} `yaml:"secrets"`
	Networks map[string]struct {
		IPAM struct {
			Config []struct {
				Subnet string `yaml:"subnet"`
			} `yaml:"config"`
		} `yaml:"ipam"`
	} `yaml:"networks"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       string            `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Networks    []string `yaml:"networks"`
	Healthcheck any      `yaml:"healthcheck"`
	Restart     string   `yaml:"restart"`
	Secrets     []string `yaml:"secrets"`
}

// repoRoot is the checkout's root, seen from this package.
const repoRoot = "../.."

// flagValue returns the value of --name in a command, written as
// "--name value" or "--name=value"; "" when absent.
func flagValue(cmd []string, name string) string {
	for i, a := range cmd {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
		if a == name && i+1 < len(cmd) {
			return cmd[i+1]
		}
	}
	return ""
}

// hostFile returns the file of this checkout that a service sees at
// containerPath through its bind mounts, or "" when no mount covers it.
func hostFile(s composeService, containerPath string) string {
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], ".") {
			continue
		}
		src, dst := parts[0], parts[1]
		if containerPath == dst {
			return filepath.Join(repoRoot, src)
		}
		if rest, ok := strings.CutPrefix(containerPath, dst+"/"); ok {
			return filepath.Join(repoRoot, src, rest)
		}
	}
	return ""
}

// namedVolumeAt returns the named volume a service mounts over dir or one
// of its parents.
func namedVolumeAt(s composeService, p string) string {
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && !strings.HasPrefix(parts[0], ".") && !strings.HasPrefix(parts[0], "/") &&
			(p == parts[1] || strings.HasPrefix(p, parts[1]+"/")) {
			return parts[0]
		}
	}
	return ""
}

func portOf(t *testing.T, hostport string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatalf("%q is not host:port: %v", hostport, err)
	}
	return port
}

// TestComposeFileIsConsistent checks docker-compose.yaml without a Docker
// engine: the files it mounts exist, the portcullis services run
// subcommands of this binary with configs that load and validate, and
// every address in those configs, in the Prometheus config and in the
// Grafana provisioning names a service of the file and a port that service
// listens on.
func TestComposeFileIsConsistent(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(data, &cf); err != nil {
		t.Fatalf("docker-compose.yaml: %v", err)
	}
	svc := func(name string) composeService {
		t.Helper()
		s, ok := cf.Services[name]
		if !ok {
			t.Fatalf("docker-compose.yaml has no service %q", name)
		}
		return s
	}
	config := func(name string) string {
		t.Helper()
		s := svc(name)
		p := hostFile(s, flagValue(s.Command, "--config"))
		if p == "" {
			t.Fatalf("%s: --config %q is not a file mounted from this checkout", name, flagValue(s.Command, "--config"))
		}
		return p
	}

	t.Run("mounted files exist and named volumes are declared", func(t *testing.T) {
		for name, s := range cf.Services {
			for _, v := range s.Volumes {
				src := strings.Split(v, ":")[0]
				switch {
				case strings.HasPrefix(src, "."):
					if _, err := os.Stat(filepath.Join(repoRoot, src)); err != nil {
						t.Errorf("%s mounts %s: %v", name, src, err)
					}
				case strings.HasPrefix(src, "/"):
					t.Errorf("%s mounts %s from the host; mount files of the checkout", name, src)
				default:
					if _, ok := cf.Volumes[src]; !ok {
						t.Errorf("%s mounts volume %q, which is not declared", name, src)
					}
				}
			}
		}
	})

	t.Run("dependencies name services whose conditions can be met", func(t *testing.T) {
		for name, s := range cf.Services {
			for dep, c := range s.DependsOn {
				d, ok := cf.Services[dep]
				switch {
				case !ok:
					t.Errorf("%s depends on %q, which is no service", name, dep)
				case c.Condition == "service_healthy" && d.Healthcheck == nil:
					t.Errorf("%s waits for %s to be healthy, which has no healthcheck", name, dep)
				case c.Condition == "service_completed_successfully" && d.Restart != "no":
					t.Errorf("%s waits for %s to complete, which restarts", name, dep)
				}
			}
		}
	})

	t.Run("portcullis services run subcommands of this binary", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(repoRoot, "Dockerfile")); err != nil {
			t.Fatal(err)
		}
		root := newRootCommand(io.Discard, io.Discard)
		n := 0
		for name, s := range cf.Services {
			if !strings.HasPrefix(s.Image, "portcullis") {
				continue
			}
			n++
			if s.Build != "." {
				t.Errorf("%s: build %q; want the Dockerfile at the root", name, s.Build)
			}
			c, args, err := root.Find(s.Command)
			if err != nil || c == root {
				t.Errorf("%s: %q is not a portcullis subcommand", name, s.Command)
				continue
			}
			if err := c.ParseFlags(args); err != nil {
				t.Errorf("%s: %q: %v", name, s.Command, err)
			}
		}
		if n < 6 {
			t.Errorf("%d portcullis services; want gen-training, train, detector, upstream, gateway and driver", n)
		}
	})

	dcfg, err := detectapp.LoadConfig(config("detector"))
	if err != nil {
		t.Fatal(err)
	}
	dcfg = dcfg.WithDefaults()
	gcfg, err := gatewayapp.LoadConfig(config("gateway"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the detector and gateway configs validate", func(t *testing.T) {
		if err := gcfg.Config.WithDefaults().Validate(); err != nil {
			t.Errorf("gateway: %v", err)
		}
		for what, c := range map[string]interface{ Validate() error }{
			"detector redis": dcfg.Redis.WithDefaults(), "gateway redis": gcfg.Blocklist.Redis.WithDefaults(),
			"detector kafka": dcfg.Kafka.WithDefaults(),
		} {
			if err := c.Validate(); err != nil {
				t.Errorf("%s: %v", what, err)
			}
		}
	})

	t.Run("kafka and redis addresses name services and their ports", func(t *testing.T) {
		kafka := svc("kafka")
		advertised := map[string]bool{}
		for _, l := range strings.Split(kafka.Environment["KAFKA_ADVERTISED_LISTENERS"], ",") {
			if u, err := url.Parse(l); err == nil && u.Host != "" {
				advertised[u.Host] = true
			}
		}
		for who, brokers := range map[string][]string{"detector": dcfg.Kafka.Brokers, "gateway": gcfg.Kafka.Brokers} {
			for _, b := range brokers {
				if !advertised[b] {
					t.Errorf("%s reads Kafka at %s; the kafka service advertises %v", who, b, advertised)
				}
			}
		}
		init := svc("kafka-init")
		topic := flagValue(init.Command, "--topic")
		if dcfg.Kafka.Topic != topic || gcfg.Kafka.Topic != topic {
			t.Errorf("topics: kafka-init creates %q, the gateway writes %q, the detector reads %q", topic, gcfg.Kafka.Topic, dcfg.Kafka.Topic)
		}
		if flagValue(init.Command, "--bootstrap-server") == "" || !advertised[flagValue(init.Command, "--bootstrap-server")] {
			t.Errorf("kafka-init talks to %q", flagValue(init.Command, "--bootstrap-server"))
		}
		redisPort := "6379"
		if p := flagValue(svc("redis").Command, "--port"); p != "" {
			redisPort = p
		}
		for who, addrs := range map[string][]string{"detector": dcfg.Redis.Addrs, "gateway": gcfg.Blocklist.Redis.Addrs} {
			for _, a := range addrs {
				if a != net.JoinHostPort("redis", redisPort) {
					t.Errorf("%s uses Redis at %s; want redis:%s", who, a, redisPort)
				}
			}
		}
		if dcfg.Redis.WithDefaults().KeyPrefix != gcfg.Blocklist.Redis.WithDefaults().KeyPrefix {
			t.Errorf("the detector writes key prefix %q and the gateway reads %q", dcfg.Redis.KeyPrefix, gcfg.Blocklist.Redis.KeyPrefix)
		}
	})

	t.Run("the detector loads the model that train writes", func(t *testing.T) {
		train, det := svc("train"), svc("detector")
		if out := flagValue(train.Command, "--out"); out != dcfg.Model {
			t.Errorf("train writes %q; the detector loads %q", out, dcfg.Model)
		}
		dir := path.Dir(dcfg.Model)
		if v := namedVolumeAt(det, dir); v == "" || v != namedVolumeAt(train, dir) {
			t.Errorf("the detector sees %s through volume %q, train through %q", dir, v, namedVolumeAt(train, dir))
		}
		gen := svc("gen-training")
		if flagValue(gen.Command, "--out") != flagValue(train.Command, "--in") || namedVolumeAt(gen, dir) != namedVolumeAt(train, dir) {
			t.Errorf("train reads %q; gen-training writes %q", flagValue(train.Command, "--in"), flagValue(gen.Command, "--out"))
		}
		if flagValue(gen.Command, "--site") != flagValue(svc("driver").Command, "--site") {
			t.Errorf("the model is trained on site %q and the driver sends site %q", flagValue(gen.Command, "--site"), flagValue(svc("driver").Command, "--site"))
		}
	})

	t.Run("the gateway proxies to the upstream and trusts the driver's network", func(t *testing.T) {
		upPort := portOf(t, flagValue(svc("upstream").Command, "--listen"))
		for _, r := range gcfg.Routes {
			for _, u := range r.Upstreams {
				pu, err := url.Parse(u)
				if err != nil || pu.Hostname() != "upstream" || pu.Port() != upPort {
					t.Errorf("route %s proxies to %s; the upstream service listens on upstream:%s", r.Name, u, upPort)
				}
			}
		}
		if !slices.Contains(svc("upstream").Command, "--echo") {
			t.Error("the upstream must answer with the recorded status (--echo), or the error features see nothing")
		}
		var subnets []netip.Prefix
		for _, n := range cf.Networks {
			for _, c := range n.IPAM.Config {
				p, err := netip.ParsePrefix(c.Subnet)
				if err != nil {
					t.Fatal(err)
				}
				subnets = append(subnets, p)
			}
		}
		for _, s := range subnets {
			if !slices.ContainsFunc(gcfg.TrustedProxies, func(tp string) bool {
				p, err := netip.ParsePrefix(tp)
				return err == nil && p.Contains(s.Addr()) && p.Bits() <= s.Bits()
			}) {
				t.Errorf("the gateway trusts %v, not the compose network %v the driver sends from", gcfg.TrustedProxies, s)
			}
		}
		drive, _ := url.Parse(flagValue(svc("driver").Command, "--gateway"))
		if drive == nil || drive.Hostname() != "gateway" || drive.Port() != portOf(t, gcfg.Listen) {
			t.Errorf("the driver sends to %v; the gateway listens on gateway%s", drive, gcfg.Listen)
		}
		for _, h := range []string{gcfg.APIKeyHeader, gcfg.UserHeader} {
			if h == "" {
				t.Error("the gateway should read the API key and user headers the driver sends")
			}
		}
	})

	t.Run("prometheus scrapes the admin ports and loads the rules", func(t *testing.T) {
		prom := svc("prometheus")
		file := hostFile(prom, flagValue(prom.Command, "--config.file"))
		if file != filepath.Join(repoRoot, "deploy", deploy.PrometheusFile) {
			t.Fatalf("prometheus loads %q; want deploy/%s", file, deploy.PrometheusFile)
		}
		var pc struct {
			RuleFiles     []string `yaml:"rule_files"`
			ScrapeConfigs []struct {
				Job           string `yaml:"job_name"`
				StaticConfigs []struct {
					Targets []string `yaml:"targets"`
				} `yaml:"static_configs"`
			} `yaml:"scrape_configs"`
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, &pc); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"portcullis-detector": net.JoinHostPort("detector", portOf(t, dcfg.Admin.Listen)),
			"portcullis-gateway":  net.JoinHostPort("gateway", portOf(t, gcfg.Admin)),
		}
		for _, sc := range pc.ScrapeConfigs {
			var targets []string
			for _, s := range sc.StaticConfigs {
				targets = append(targets, s.Targets...)
			}
			if w, ok := want[sc.Job]; ok {
				if !slices.Equal(targets, []string{w}) {
					t.Errorf("job %s scrapes %v; want %s", sc.Job, targets, w)
				}
				delete(want, sc.Job)
			}
		}
		if len(want) > 0 {
			t.Errorf("prometheus.yml does not scrape %v", want)
		}
		for _, rf := range pc.RuleFiles {
			if hostFile(prom, rf) != filepath.Join(repoRoot, "deploy", deploy.RulesFile) {
				t.Errorf("rule file %s is not deploy/%s mounted", rf, deploy.RulesFile)
			}
		}
		if len(pc.RuleFiles) == 0 {
			t.Error("prometheus.yml loads no rules")
		}
	})

	t.Run("grafana provisions the datasources and the dashboard", func(t *testing.T) {
		g := svc("grafana")
		if got := hostFile(g, "/etc/grafana/provisioning/datasources/portcullis.yaml"); got != filepath.Join(repoRoot, "deploy", deploy.DatasourcesFile) {
			t.Errorf("grafana's provisioning is mounted from %q", got)
		}
		if !strings.Contains(g.Environment["GF_PLUGINS_PREINSTALL_SYNC"], "yesoreyeram-infinity-datasource@") {
			t.Error("grafana does not install the Infinity plugin")
		}
		dss, err := deploy.LoadDatasources()
		if err != nil {
			t.Fatal(err)
		}
		promPort := "9090"
		if a := flagValue(svc("prometheus").Command, "--web.listen-address"); a != "" {
			promPort = portOf(t, a)
		}
		detectorAPI := "http://" + net.JoinHostPort("detector", portOf(t, dcfg.Admin.Listen))
		for _, ds := range dss {
			switch ds.Type {
			case "prometheus":
				if ds.URL != "http://prometheus:"+promPort {
					t.Errorf("datasource %s reads %s; prometheus listens on prometheus:%s", ds.Name, ds.URL, promPort)
				}
			case "yesoreyeram-infinity-datasource":
				if ds.URL != detectorAPI {
					t.Errorf("datasource %s reads %s; the detector's admin listener is %s", ds.Name, ds.URL, detectorAPI)
				}
			}
		}
		raw, err := os.ReadFile(filepath.Join(repoRoot, "deploy", deploy.DatasourcesFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, env := range []string{"PORTCULLIS_ADMIN_TOKEN"} {
			if strings.Contains(string(raw), "$"+env) && g.Environment[env] == "" {
				t.Errorf("the datasources read $%s, which grafana's environment does not set", env)
			}
			if g.Environment[env] != svc("detector").Environment[env] {
				t.Errorf("grafana and the detector get different %s", env)
			}
		}
		var prov struct {
			Providers []struct {
				Options struct {
					Path string `yaml:"path"`
				} `yaml:"options"`
			} `yaml:"providers"`
		}
		if err := yaml.Unmarshal(mustRead(t, filepath.Join(repoRoot, "deploy", deploy.ProvidersFile)), &prov); err != nil {
			t.Fatal(err)
		}
		for _, p := range prov.Providers {
			if hostFile(g, path.Join(p.Options.Path, "portcullis.json")) != filepath.Join(repoRoot, "deploy", deploy.DashboardFile) {
				t.Errorf("the dashboard provider reads %s, where the dashboard is not mounted", p.Options.Path)
			}
		}
		if home := g.Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]; hostFile(g, home) != filepath.Join(repoRoot, "deploy", deploy.DashboardFile) {
			t.Errorf("the home dashboard %s is not the mounted dashboard", home)
		}
		d, err := deploy.LoadDashboard()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.AllPanels() {
			for _, tg := range p.Targets {
				if tg.URL != "" && !strings.HasPrefix(tg.URL, detectorAPI+"/") {
					t.Errorf("panel %q reads %s, not the detector at %s", p.Title, tg.URL, detectorAPI)
				}
			}
		}
	})

	t.Run("the defaults are safe", func(t *testing.T) {
		// The review API's token: required, never a well-known default,
		// and the message says how to make one.
		tokenRE := regexp.MustCompile(`^\$\{PORTCULLIS_ADMIN_TOKEN:\?[^$}]*openssl rand[^$}]*\}$`)
		for _, name := range []string{"detector", "grafana"} {
			if v := svc(name).Environment["PORTCULLIS_ADMIN_TOKEN"]; !tokenRE.MatchString(v) {
				t.Errorf("%s gets PORTCULLIS_ADMIN_TOKEN %q; want ${PORTCULLIS_ADMIN_TOKEN:?...} that fails, saying how to make one, when it is unset", name, v)
			}
		}
		if strings.Contains(string(data), "demo-review-token") {
			t.Error("docker-compose.yaml still names a well-known token")
		}
		// Only the gateway's own listener is for everyone.
		public := map[string]bool{"gateway:" + portOf(t, gcfg.Listen): true}
		for name, s := range cf.Services {
			for _, p := range s.Ports {
				parts := strings.Split(p, ":")
				if public[name+":"+parts[len(parts)-1]] {
					continue
				}
				if len(parts) != 3 || parts[0] != "127.0.0.1" {
					t.Errorf("%s publishes %s on every interface; publish it on 127.0.0.1 only", name, p)
				}
			}
		}
		// Grafana: an admin password from a secret, no anonymous access.
		g := svc("grafana")
		if _, ok := g.Environment["GF_SECURITY_ADMIN_PASSWORD"]; ok {
			t.Error("grafana takes its admin password from the environment (GF_SECURITY_ADMIN_PASSWORD); take it from a secret")
		}
		pwFile := g.Environment["GF_SECURITY_ADMIN_PASSWORD__FILE"]
		secret, ok := strings.CutPrefix(pwFile, "/run/secrets/")
		if !ok || !slices.Contains(g.Secrets, secret) {
			t.Errorf("grafana's admin password comes from %q; want /run/secrets/NAME of a secret it is given (it has %v)", pwFile, g.Secrets)
		} else if cf.Secrets[secret].File == "" {
			t.Errorf("the secret %q is not declared with a file", secret)
		}
		if strings.EqualFold(g.Environment["GF_AUTH_ANONYMOUS_ENABLED"], "true") {
			t.Error("grafana lets anonymous users in")
		}
		// Every image and plugin is pinned to a version.
		pinned := regexp.MustCompile(`:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$`)
		for name, s := range cf.Services {
			if s.Build != "" || s.Image == "" {
				continue // built from this checkout
			}
			if !pinned.MatchString(s.Image) {
				t.Errorf("%s runs image %s; pin it to a full version (name:1.2.3)", name, s.Image)
			}
		}
		for _, p := range strings.Split(g.Environment["GF_PLUGINS_PREINSTALL_SYNC"], ",") {
			if !regexp.MustCompile(`^[a-z0-9-]+@\d+\.\d+\.\d+$`).MatchString(strings.TrimSpace(p)) {
				t.Errorf("grafana installs plugin %q; pin it (id@1.2.3)", p)
			}
		}
	})

	t.Run("published ports are ones the services listen on", func(t *testing.T) {
		listens := map[string][]string{
			"detector":   {portOf(t, dcfg.Admin.Listen)},
			"gateway":    {portOf(t, gcfg.Listen), portOf(t, gcfg.Admin)},
			"prometheus": {"9090"},
			"grafana":    {"3000"},
		}
		for name, s := range cf.Services {
			for _, p := range s.Ports {
				parts := strings.Split(p, ":")
				if !slices.Contains(listens[name], parts[len(parts)-1]) {
					t.Errorf("%s publishes %s; it listens on %v", name, p, listens[name])
				}
			}
		}
		for name := range listens {
			if len(svc(name).Ports) == 0 {
				t.Errorf("%s publishes no port", name)
			}
		}
	})
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
