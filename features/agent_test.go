package features

import "testing"

func TestSelfNamed(t *testing.T) {
	for _, tc := range []struct {
		ua   string
		want bool
	}{
		{"3PL-Hub-Webhooks/1.1", true},
		{"Stripe/1.0 (+https://stripe.com/docs/webhooks)", true},
		{"GitHub-Hookshot/abc123", true},
		{"RetailTrack-Widget/0.9 node/20.12", true},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36", false},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", false},
		{"Opera/9.80 (Windows NT 6.1)", false},
		{"curl/8.5.0", false},
		{"python-requests/2.31.0", false},
		{"Python-urllib/3.11", false},
		{"Go-http-client/1.1", false},
		{"okhttp/4.12.0", false},
		{"axios/1.6.2", false},
		{"sqlmap/1.7", false},
		{"ab", false},
		{"abacus-sync/2", true},
		{"gotham-monitor/3", true},
		{"python-urllib3/2.0", false},
		{"Java/17.0.2", false},
		{"node", false},
		{"TixHub/5.2.1 (iPhone15,2; iOS 17.3; Scale/3.00)", false},
		{"TixHub/5912 CFNetwork/1494.0.7 Darwin/23.4.0", false},
		{"TixHub/5.2.1 (Android 14; Pixel 7) okhttp/4.12.0", false},
		{"Dalvik/2.1.0 (Linux; U; Android 13; SM-S911B Build/UP1A)", false},
		// Game clients on a person's PC or console.
		{"Starfall/3.13.2 (Windows 10.0.22631; x64) UnrealEngine/5.4.4", false},
		{"Starfall/3.13.2 (Linux 6.5.0-valve22; SteamOS 3.6) UnrealEngine/5.4.4", false},
		{"Starfall/3.13.2 (PlayStation 5; 10.20) libhttp/10.20", false},
		{"Starfall/3.13.2 (Xbox; Xbox Series X; 10.0.25398.4909) XboxServicesAPI/2024.06.20", false},
		{"Starfall/3.13.2 (Nintendo Switch; 19.0.1) NintendoSDK/19.3.0", false},
		{"Kiosk/2.0 (X11; Linux x86_64)", false},
		// A game's dedicated server names its service.
		{"StarfallServer/3.13.2 (Linux; x86_64)", true},
		{"", false},
		{"-", false},
		{"   ", false},
	} {
		if got := SelfNamed([]byte(tc.ua)); got != tc.want {
			t.Errorf("SelfNamed(%q) = %v, want %v", tc.ua, got, tc.want)
		}
	}
}

func BenchmarkSelfNamed(b *testing.B) {
	ua := []byte("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")
	b.ReportAllocs()
	for b.Loop() {
		SelfNamed(ua)
	}
}
