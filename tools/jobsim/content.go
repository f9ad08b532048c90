package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// titles are what job seekers type into the search box, including the
// ones that look like code and are still honest searches.
var titles = []string{
	"software engineer", "data analyst", "nurse", "registered nurse", "warehouse associate", "project manager",
	"product manager", "accountant", "customer service", "sales representative", "graphic designer",
	"marketing manager", "electrician", "truck driver", "teacher", "devops engineer", "frontend developer",
	"backend developer", "python developer", "java developer", "hr manager", "receptionist", "barista",
	"mechanical engineer", "dental assistant", "remote", "part time", "internship", "data scientist",
	"ux designer", "operations manager", "financial analyst", "pharmacist", "cloud architect", "chef",
	"forklift operator", "paralegal", "social media manager", "qa tester", "site reliability engineer",
}

// oddTitles are searches people really paste that look like code.
var oddTitles = []string{
	"C++ && Rust", "SQL SELECT developer", "<Senior> Engineer", "C# / .NET", "Node.js (remote)",
	"'lead' engineer", "R&D -- chemist", "Objective-C; Swift", "100% remote!!", "DROP shipping manager",
	"sales @ startup", "{react} developer", "50/50 hybrid", "\"data engineer\" OR \"etl\"",
}

// places are the location filter's values.
var places = []string{
	"New York, NY", "Austin, TX", "Chicago", "Seattle", "Remote", "London", "Berlin", "Toronto", "Denver",
	"Boston, MA", "San Francisco", "Atlanta", "Manchester", "Amsterdam", "Dublin", "Phoenix, AZ", "",
}

// skills are what recruiters search candidates for.
var skills = []string{"java", "python", "kubernetes", "react", "sql", "nursing", "cpa", "sap", "salesforce",
	"aws", "figma", "excel", "forklift", "cdl-a", "spanish", "go", "terraform", "tableau"}

// companies name employers in slugs and recruiter accounts.
var companies = []string{"acme", "globex", "initech", "umbrella", "stark", "wayne", "hooli", "vandelay",
	"wonka", "soylent", "cyberdyne", "tyrell", "aperture", "massive", "monarch", "oscorp", "gringotts",
	"pied-piper", "duff", "nakatomi", "dunder-mifflin", "bluth", "prestige", "sterling"}

// searchTerm draws one search a job seeker types: mostly titles, now and
// then one that looks like code.
func searchTerm(r *rand.Rand) string {
	if Chance(r, 0.012) {
		return Pick(r, oddTitles)
	}
	t := Pick(r, titles)
	if Chance(r, 0.15) {
		t = Pick(r, []string{"senior ", "junior ", "lead ", "entry level ", "remote "}) + t
	}
	return t
}

// jobID draws a live posting's number.
func jobID(r *rand.Rand) int { return 4100000 + r.IntN(260000) }

// slug turns a title into the readable part of a posting's URL.
func slug(title string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(title) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// postingPage is the web page of posting id.
func (s site) postingPage(r *rand.Rand, id int) string {
	return fmt.Sprintf("%s%d-%s", s.job, id, slug(Pick(r, titles)))
}

// searchQuery builds the API's search URL with the filters people set.
func (s site) searchQuery(r *rand.Rand, term string, page int) string {
	q := url.Values{}
	q.Set("q", term)
	if where := Pick(r, places); where != "" {
		q.Set("location", where)
	}
	if Chance(r, 0.25) {
		q.Set("remote", Pick(r, []string{"true", "hybrid"}))
	}
	if Chance(r, 0.15) {
		q.Set("salary_min", fmt.Sprint(30000+10000*r.IntN(12)))
	}
	if Chance(r, 0.2) {
		q.Set("posted", Pick(r, []string{"24h", "3d", "7d"}))
	}
	if page > 1 {
		q.Set("page", fmt.Sprint(page))
	}
	return s.api + "/jobs/search?" + q.Encode()
}

// candidateID draws a job seeker's profile number.
func candidateID(r *rand.Rand) int { return 880000 + r.IntN(900000) }

// user names a signed-in account.
func user(r *rand.Rand, prefix string) string { return prefix + Hex(r, 10) }

// queryValue writes s into a query value as browsers send it.
func queryValue(s string) string { return url.QueryEscape(s) }
