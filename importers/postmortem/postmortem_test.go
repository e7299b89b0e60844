package postmortem_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/debrief-oss/debrief/importers/postmortem"
)

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type want struct {
	events      int
	first, last string // RFC 3339 UTC; "" when there are no events
}

// dfdsWant was worked out by reading each file: "All times in CET" is
// UTC+1 in winter and UTC+2 (CEST) in summer. Rows whose day is unknown
// ("2022-05-?? HH:mm", "20xx-MM-DD") are not events; rows with a date but
// a placeholder time ("HH:mm", "--:--") are placed at 00:00 of that date,
// "14:??" at 14:00.
var dfdsWant = map[string]want{
	"PM2019-009 - Kubernetes network infrastructure IP starvation.md":                         {14, "2019-11-29T11:00:00Z", "2019-12-05T11:00:00Z"}, // Europe/Copenhagen
	"PM2019-010 - Hellman Kubernetes cluster node deletion.md":                                {6, "2019-12-03T23:30:00Z", "2019-12-04T00:30:00Z"},  // Europe/Copenhagen
	"PM2019-011 - Hellman Kubernetes IaC accidentally reverted.md":                            {11, "2019-12-05T03:00:00Z", "2019-12-05T11:40:00Z"}, // Europe/Copenhagen
	"PM2020-001 - Inotify file watches exhaustion.md":                                         {2, "2020-01-20T12:50:00Z", "2020-01-22T09:39:00Z"},  // Europe/Copenhagen
	"PM2020-002 - KIAM service disruption on Hellman.md":                                      {4, "2020-01-21T14:36:00Z", "2020-01-21T17:04:00Z"},  // Europe/Copenhagen
	"PM2020-003 - Postmortem for ADSync migration.md":                                         {5, "2020-01-16T11:00:00Z", "2020-01-24T11:00:00Z"},  // Europe/Copenhagen
	"PM2020-004 - CoreDNS upgrade issue.md":                                                   {3, "2020-02-03T10:21:00Z", "2020-02-03T12:30:00Z"},  // Europe/Copenhagen
	"PM2020-005 - ALB instance attachment.md":                                                 {6, "2020-06-09T09:00:00Z", "2020-06-09T11:13:00Z"},  // Europe/Copenhagen
	"PM2020-006 - ADSync service accounts.md":                                                 {5, "2020-02-24T09:50:00Z", "2020-03-17T19:29:00Z"},  // Europe/Copenhagen
	"PM2020-007 - Unhealthy nodes.md":                                                         {5, "2020-10-06T05:00:00Z", "2020-10-06T10:00:00Z"},  // Europe/Copenhagen
	"PM2020-008 - Alcide admission causing Kubernetes timeouts.md":                            {6, "2020-11-04T12:00:00Z", "2020-11-04T14:39:00Z"},  // Europe/Copenhagen
	"PM2020-009 - KIAM service disruption due to upgrade.md":                                  {3, "2020-11-17T09:45:00Z", "2020-11-23T13:41:00Z"},  // Europe/Copenhagen
	"PM2021-001 - Logs from Kubernetes not shipped to CWL.md":                                 {4, "2021-01-05T10:25:00Z", "2021-01-06T14:26:00Z"},  // Europe/Copenhagen
	"PM2021-002 - Flux version bump causing component downtime.md":                            {4, "2021-02-15T05:05:00Z", "2021-02-15T06:00:00Z"},  // Europe/Copenhagen
	"PM2021-003 - Flux version bump causing component downtime.md":                            {7, "2021-02-19T07:35:00Z", "2021-02-19T08:23:00Z"},  // Europe/Copenhagen
	"PM2021-004 - ADFS outage.md":                                                             {8, "2021-03-31T12:06:00Z", "2021-03-31T13:30:00Z"},  // UTC
	"PM2021-005 - All services returning 503 in Kubernetes.md":                                {7, "2021-06-22T08:21:00Z", "2021-06-22T08:46:00Z"},  // UTC
	"PM2021-006 - All services returning 503 in Kubernetes.md":                                {5, "2021-06-30T08:32:00Z", "2021-06-30T10:26:00Z"},  // UTC
	"PM2021-007 - All services returning 503 in Kubernetes.md":                                {5, "2021-07-02T07:32:00Z", "2021-07-02T07:42:00Z"},  // UTC
	"PM2021-008 - Kubernetes ingress controller Traefik v2 configuration caused outage.md":    {8, "2021-08-26T08:22:00Z", "2021-08-26T10:00:00Z"},  // UTC
	"PM2021-009 - All services returning 404 in Kubernetes.md":                                {13, "2021-09-01T11:34:00Z", "2021-09-06T09:20:00Z"}, // UTC
	"PM2021-010 - A limited amount of services deployed in Kubernetes returning 504.md":       {10, "2021-09-17T08:00:00Z", "2021-09-17T15:19:00Z"}, // UTC
	"PM2021-011 - Log4Shell.md":                                                               {26, "2021-12-10T00:00:00Z", "2022-01-04T11:03:00Z"}, // UTC
	"PM2022-001 - Prometheus is down with connection refused errors.md":                       {18, "2022-01-25T10:21:00Z", "2022-01-26T09:36:00Z"}, // UTC
	"PM2022-002 -  Logs not shipped to CloudWatch.md":                                         {7, "2022-01-31T12:00:00Z", "2022-01-31T13:49:00Z"},  // UTC
	"PM2022-003 - Two Kuberneste nodes were down.md":                                          {12, "2022-02-08T12:05:00Z", "2022-02-08T12:48:00Z"}, // UTC
	"PM2022-004 - Kafka metrics missing from Prometheus.md":                                   {9, "2022-02-08T12:20:00Z", "2022-02-09T13:08:00Z"},  // UTC
	"PM2022-005 - Node-IPC incident response.md":                                              {12, "2022-03-07T00:00:00Z", "2022-03-18T11:20:00Z"}, // UTC
	"PM2022-006 - ALB 502 errors.md":                                                          {8, "2020-12-21T00:00:00Z", "2022-06-10T00:00:00Z"},  // UTC
	"PM2022-007 - Kafka metrics stopped being exported to Prometheus.md":                      {13, "2022-07-07T08:58:00Z", "2022-07-07T13:40:00Z"}, // UTC
	"PM2022-008 - CRUD operations on K8s Service resources unavailable.md":                    {7, "2022-08-03T11:38:00Z", "2022-08-03T13:25:00Z"},  // UTC
	"PM2022-009 - Bad AWS EKS AMI causing Kubernetes issues":                                  {20, "2022-10-29T01:02:00Z", "2022-11-02T14:40:00Z"}, // UTC
	"PM2023-001 - Total node failure.md":                                                      {16, "2023-02-13T07:30:00Z", "2023-02-14T11:59:00Z"}, // UTC
	"PM2023-002 - Logs not shipped to CloudWatch.md":                                          {13, "2023-04-11T11:20:00Z", "2023-04-11T22:25:00Z"}, // UTC
	"PM2024-001 - Two Kubernetes nodes went into NotReady state.md":                           {28, "2024-03-13T00:00:00Z", "2024-03-14T09:20:00Z"}, // UTC
	"PM2024-002 - PODs not able to start while being moved to new nodes during AMI update.md": {7, "2024-04-09T08:40:00Z", "2024-04-09T09:20:00Z"},  // UTC
	"PM2024-003 - Kube state metrics exposing wrong labels.md":                                {7, "2024-06-06T11:27:00Z", "2024-06-07T09:41:00Z"},  // UTC
	"PM2025-001 - Node system resource starvation and scheduling capacity.md":                 {19, "2025-02-27T19:32:00Z", "2025-03-03T20:24:00Z"}, // UTC
	"PM2025-002 - Traefik rule preventing some inbound traffic.md":                            {12, "2025-03-17T16:06:00Z", "2025-03-18T00:42:00Z"}, // UTC
	"README.md":                           {0, "", ""},
	"PMyyyy-nnn - Postmortem template.md": {0, "", ""}, // UTC
}

func parseFile(t testing.TB, path string, opts postmortem.Options) *postmortem.Draft {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Now.IsZero() {
		opts.Now = now
	}
	d, err := postmortem.Parse(filepath.Base(path), b, opts)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return d
}

func checkEvents(t *testing.T, d *postmortem.Draft, w want) {
	t.Helper()
	if len(d.Events) != w.events {
		t.Errorf("%d events, want %d", len(d.Events), w.events)
		for _, e := range d.Events {
			t.Logf("  %s %.60s", e.At.Format(time.RFC3339), e.Text)
		}
		return
	}
	if w.events == 0 {
		return
	}
	first := d.Events[0].At.Format(time.RFC3339)
	last := d.Events[len(d.Events)-1].At.Format(time.RFC3339)
	if first != w.first || last != w.last {
		t.Errorf("first %s last %s, want %s %s", first, last, w.first, w.last)
	}
	for _, e := range d.Events {
		if e.At.Location() != time.UTC {
			t.Errorf("event at %v is not in UTC", e.At)
		}
		if e.Source != "import" || strings.TrimSpace(e.Text) == "" {
			t.Errorf("event %+v: want source import and some text", e)
		}
	}
}

var headingRe = regexp.MustCompile(`(?m)^#{1,2} +(.+?) *$`)

// checkNoSectionLost checks that every level 1 and 2 heading but the
// title is a section, or a sub-heading of the section it was merged into.
func checkNoSectionLost(t *testing.T, path string, d *postmortem.Draft) {
	t.Helper()
	b, _ := os.ReadFile(path)
	hs := headingRe.FindAllStringSubmatch(string(b), -1)
	for i, h := range hs {
		if i == 0 && strings.HasPrefix(h[0], "# ") {
			continue
		}
		found := false
		for _, s := range d.Sections {
			if s.Title == strings.TrimSpace(h[1]) || strings.Contains(s.Body, "### "+strings.TrimSpace(h[1])) {
				found = true
			}
		}
		if !found {
			t.Errorf("heading %q is not a section", h[1])
		}
	}
}

func TestDFDS(t *testing.T) {
	files, _ := filepath.Glob("testdata/dfds/*")
	n := 0
	for _, f := range files {
		name := filepath.Base(f)
		if name == "LICENSE" {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			w, ok := dfdsWant[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			d := parseFile(t, f, postmortem.Options{})
			checkEvents(t, d, w)
			checkNoSectionLost(t, f, d)
		})
	}
	if n != len(dfdsWant) || n < 40 {
		t.Errorf("%d files, %d expectations", n, len(dfdsWant))
	}
}

func TestDFDSDetails(t *testing.T) {
	d := parseFile(t, "testdata/dfds/PM2021-008 - Kubernetes ingress controller Traefik v2 configuration caused outage.md", postmortem.Options{})
	ms := d.Incident.Milestones
	if ms.Started == nil || ms.Detected == nil || ms.Resolved == nil {
		t.Fatalf("milestones %+v", ms)
	}
	// Time to detection 64 minutes, to recovery 87, from 08:22 UTC.
	if got := ms.Detected.Format(time.RFC3339); got != "2021-08-26T09:26:00Z" {
		t.Errorf("detected %s", got)
	}
	if got := ms.Resolved.Format(time.RFC3339); got != "2021-08-26T09:49:00Z" {
		t.Errorf("resolved %s", got)
	}
	keys := map[string]bool{}
	for _, s := range d.Sections {
		keys[s.Key] = true
	}
	for _, k := range []string{"summary", "timeline", "analysis", "recommendations", "lessons", "attendees", "stats"} {
		if !keys[k] {
			t.Errorf("no section %q in %v", k, keys)
		}
	}
	if len(d.Actions) != 2 {
		t.Errorf("%d actions", len(d.Actions))
	}
	// PM2022-003 labels its events: the labels win over the Stats durations.
	d = parseFile(t, "testdata/dfds/PM2022-003 - Two Kuberneste nodes were down.md", postmortem.Options{})
	if got := d.Incident.Milestones.Resolved.Format(time.RFC3339); got != "2022-02-08T12:48:00Z" {
		t.Errorf("resolved %s", got)
	}
	// Unreadable times are warned about with their line.
	d = parseFile(t, "testdata/dfds/PM2022-006 - ALB 502 errors.md", postmortem.Options{})
	if !hasWarning(d, 16, "cannot read the time") {
		t.Errorf("warnings %+v", d.Warnings)
	}
}

func hasWarning(d *postmortem.Draft, line int, substr string) bool {
	for _, w := range d.Warnings {
		if (line == 0 || w.Line == line) && strings.Contains(w.Message, substr) {
			return true
		}
	}
	return false
}

func TestTemplates(t *testing.T) {
	files, _ := filepath.Glob("testdata/dastergon/*.md")
	if len(files) < 7 {
		t.Fatalf("%d templates", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			d := parseFile(t, f, postmortem.Options{})
			if len(d.Sections) < 3 {
				t.Errorf("%d sections", len(d.Sections))
			}
		})
	}
}

func TestOtherShapes(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		file    string
		zone    *time.Location
		want    want
		keys    []string // section keys that must be there
		warning string   // a warning that must be there
		actions int
	}{
		{"bold-utc-bullets.md", nil, want{5, "2023-03-14T17:02:00Z", "2023-03-14T18:10:00Z"},
			[]string{"summary", "timeline", "could_be_better", "recommendations"}, "taken from the date on line 3", 2},
		// PT: 22:52 PST is 06:52 UTC the next day; 3:15 AM on March 10 is after the switch to PDT.
		{"dated-headings-pt.md", nil, want{4, "2024-03-10T06:52:00Z", "2024-03-10T10:15:00Z"},
			[]string{"impact", "timeline", "lucky", "customer_communication"}, "read as the next day", 0},
		{"table-link-cest.md", nil, want{4, "2021-06-30T06:32:00Z", "2021-06-30T07:47:00Z"},
			[]string{"summary", "timeline", "analysis", "recommendations"}, "taken from the title", 2},
		{"key-events-nested.md", nil, want{4, "2021-06-30T08:32:00Z", "2021-06-30T10:40:00Z"},
			[]string{"went_well", "could_be_better", "lessons", "recommendations"}, "", 3},
		{"us-dates-edt.md", nil, want{4, "2021-06-30T13:05:00Z", "2021-07-01T04:15:00Z"},
			[]string{"timeline", "analysis", "recommendations"}, "month/day", 2},
		{"no-zone-dmy.md", nil, want{3, "2021-06-30T02:05:00Z", "2021-06-30T08:30:00Z"},
			[]string{"timeline", "recommendations"}, "no time zone stated", 1},
		{"no-zone-dmy.md", berlin, want{3, "2021-06-30T00:05:00Z", "2021-06-30T06:30:00Z"},
			nil, "read in Europe/Berlin", 1},
		{"2022-11-03-dns-outage.md", nil, want{4, "2022-11-03T23:40:00Z", "2022-11-04T01:05:00Z"},
			[]string{"timeline", "stats"}, "taken from the file name", 0},
		{"month-names.md", nil, want{3, "2021-06-30T08:32:00Z", "2021-06-30T10:00:00Z"},
			[]string{"timeline", "analysis", "recommendations"}, "merged", 2},
		{"setext-offsets.md", nil, want{3, "2023-05-04T12:03:10Z", "2023-05-04T13:07:00Z"},
			[]string{"summary", "timeline", "analysis"}, "", 0},
		// Europe's clocks went back at 03:00 CEST on 2022-10-30: CEST (+2) before, CET (+1) after.
		{"split-date-time-dst.md", nil, want{3, "2022-10-29T21:10:00Z", "2022-10-30T08:00:00Z"},
			[]string{"timeline", "impact"}, "", 0},
		// Each entry names its own zone: 9:15 PST is 17:15 UTC, 18:20 CET is 17:20 UTC.
		{"mixed-zones.md", nil, want{3, "2022-01-12T17:15:00Z", "2022-01-12T18:02:00Z"},
			[]string{"timeline", "how_we_talk_across_offices"}, "taken from the date on line 3", 0},
		{"plain-lines-heading-date.md", nil, want{4, "2023-01-15T10:32:00Z", "2023-01-16T09:00:00Z"},
			[]string{"timeline", "did_not_happen"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata/other", tt.file)
			d := parseFile(t, path, postmortem.Options{Zone: tt.zone})
			checkEvents(t, d, tt.want)
			checkNoSectionLost(t, path, d)
			keys := map[string]bool{}
			for _, s := range d.Sections {
				keys[s.Key] = true
			}
			for _, k := range tt.keys {
				if !keys[k] {
					t.Errorf("no section %q; have %v", k, keys)
				}
			}
			if tt.warning != "" && !hasWarning(d, 0, tt.warning) {
				t.Errorf("no warning %q in %+v", tt.warning, d.Warnings)
			}
			if len(d.Actions) != tt.actions {
				t.Errorf("%d actions, want %d", len(d.Actions), tt.actions)
			}
		})
	}
}

func TestIncidentFieldsAndActions(t *testing.T) {
	d := parseFile(t, "testdata/other/bold-utc-bullets.md", postmortem.Options{})
	if d.Title != "Search indexing stalled" || d.Incident.Severity != "SEV2" {
		t.Errorf("title %q severity %q", d.Title, d.Incident.Severity)
	}
	if strings.Join(d.Incident.Services, ",") != "search-api,indexer" {
		t.Errorf("services %q", d.Incident.Services)
	}
	a := d.Actions[0]
	if a.Owner == nil || a.Owner.Name != "@mira" || a.TicketURL != "https://tracker.example.com/SRCH-212" || a.Status != "proposed" {
		t.Errorf("action %+v owner %+v", a, a.Owner)
	}
	if d.Actions[1].Status != "in_progress" {
		t.Errorf("status %q", d.Actions[1].Status)
	}
	d = parseFile(t, "testdata/other/table-link-cest.md", postmortem.Options{})
	if d.Events[0].URL != "https://grafana.example.com/d/abc" || d.Events[1].URL != "https://alerts.example.com/12345" {
		t.Errorf("event links %q %q", d.Events[0].URL, d.Events[1].URL)
	}
	a = d.Actions[0]
	if a.Title != "Automate certificate renewal" || a.Owner == nil || a.Owner.Name != "Jonas" ||
		a.TicketURL != "https://jira.example.com/browse/OPS-77" || a.Status != "done" {
		t.Errorf("action %+v", a)
	}
	d = parseFile(t, "testdata/other/key-events-nested.md", postmortem.Options{})
	if d.Actions[0].Status != "done" || d.Actions[1].Status != "planned" || d.Actions[1].Owner.Name != "Ines" || d.Actions[2].Status != "done" {
		t.Errorf("actions %+v", d.Actions)
	}
	if !strings.Contains(d.Events[1].Text, "paged twice") {
		t.Errorf("nested bullet not added to its event: %q", d.Events[1].Text)
	}
	d = parseFile(t, "testdata/other/split-date-time-dst.md", postmortem.Options{})
	if got := d.Events[1].At.Format(time.RFC3339); got != "2022-10-29T22:05:00Z" {
		t.Errorf("00:05 CEST on the night the clocks went back: %s", got)
	}
	d = parseFile(t, "testdata/other/dated-headings-pt.md", postmortem.Options{})
	if got := d.Events[2].At.Format(time.RFC3339); got != "2024-03-10T09:10:00Z" {
		t.Errorf("1:10 AM after midnight: %s", got)
	}
	d = parseFile(t, "testdata/other/2022-11-03-dns-outage.md", postmortem.Options{})
	ms := d.Incident.Milestones
	if ms.Detected.Format(time.RFC3339) != "2022-11-03T23:55:00Z" || ms.Resolved.Format(time.RFC3339) != "2022-11-04T01:05:00Z" {
		t.Errorf("milestones %v %v", ms.Detected, ms.Resolved)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"bin.md", []byte("# T\n\n## Summary\n\x00\x01"), "bin.md:4: binary"},
		{"latin1.md", []byte("# T\n\n## Summary\nna\xefve\n"), "latin1.md:4: text is not valid UTF-8"},
		{"big.md", bytes.Repeat([]byte("a"), postmortem.MaxSize+1), "big.md: file is"},
		{"notes.txt", []byte("just some words\nand more\n"), "notes.txt: no headings"},
		{"empty.md", nil, "empty.md: no headings"},
	}
	for _, tt := range tests {
		_, err := postmortem.Parse(tt.name, tt.content, postmortem.Options{})
		var pe *postmortem.Error
		if err == nil || !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/dfds", "testdata/dastergon", "testdata/other"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("# t\n## Timeline\n- 25:99 x\n- 2021-02-30 10:00 y\n| a |\n|---|\n"))
	f.Add([]byte("# t\n## Root cause\n- **a** [b](c)\n  more\n\n```\n- not a factor\n```\n1) two\n## Contributing factors\nOne paragraph.\n\nAnother.\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		d, err := postmortem.Parse("fuzz.md", b, postmortem.Options{Now: now})
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("Parse took %v on %d bytes", took, len(b))
		}
		if err != nil {
			return
		}
		for _, e := range d.Events {
			if e.At.Location() != time.UTC {
				t.Fatalf("event not in UTC: %v", e.At)
			}
		}
		for _, f := range d.Factors {
			if f.Title == "" || strings.Contains(f.Title, "\n") || len([]rune(f.Title)) > 200 || !utf8.ValidString(f.Title) {
				t.Fatalf("factor title %q", f.Title)
			}
		}
	})
}
