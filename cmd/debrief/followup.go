package main

import (
	"context"
	"flag"
	"log/slog"
	"strings"
	"time"

	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/jobs"
	"github.com/debrief-oss/debrief/notify"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/tracker"
)

// followupConfig is the configuration of the follow-through's background
// work: ticket sync with GitHub Issues and Jira Cloud (docs/tracker.md)
// and the nudges (docs/notifications.md). Every flag is also a DEBRIEF_*
// variable; prefer the variables for tokens and secrets.
type followupConfig struct {
	githubRepo, githubToken, githubAPI, githubSecret       string
	jiraURL, jiraEmail, jiraToken, jiraProject, jiraSecret string
	trackerStates                                          string
	trackerPoll                                            time.Duration
	jobsPoll                                               time.Duration

	smtpAddr, smtpFrom, smtpUser, smtpPassword string
	notifyURL, notifySecret                    string
	reminderDays                               int
	nudgeEvery                                 time.Duration
}

func followupFlags(fs *flag.FlagSet, c *followupConfig) {
	fs.StringVar(&c.githubRepo, "github-repo", "", "file tickets as GitHub issues in this repository (owner/repo)")
	fs.StringVar(&c.githubToken, "github-token", "", "GitHub token with issues read and write (prefer DEBRIEF_GITHUB_TOKEN)")
	fs.StringVar(&c.githubAPI, "github-api", "", "GitHub API address, for GitHub Enterprise (default https://api.github.com)")
	fs.StringVar(&c.githubSecret, "github-webhook-secret", "", "secret of the GitHub webhook to "+tracker.GitHubHookPath+" (prefer DEBRIEF_GITHUB_WEBHOOK_SECRET)")
	fs.StringVar(&c.jiraURL, "jira-url", "", "Jira Cloud site, such as https://acme.atlassian.net")
	fs.StringVar(&c.jiraEmail, "jira-email", "", "the Jira account's e-mail address")
	fs.StringVar(&c.jiraToken, "jira-token", "", "the Jira account's API token (prefer DEBRIEF_JIRA_TOKEN)")
	fs.StringVar(&c.jiraProject, "jira-project", "", "the project key new tickets go to, such as OPS")
	fs.StringVar(&c.jiraSecret, "jira-webhook-secret", "", "secret of the Jira webhook to "+tracker.JiraHookPath+" (prefer DEBRIEF_JIRA_WEBHOOK_SECRET)")
	fs.StringVar(&c.trackerStates, "tracker-states", "", "how tracker states map to action statuses, such as \"github:open=in_progress,jira:Won't Do=dropped\" (docs/tracker.md)")
	fs.DurationVar(&c.trackerPoll, "tracker-poll", 10*time.Minute, "how often every ticket's state is read, besides webhooks")
	fs.DurationVar(&c.jobsPoll, "jobs-poll", 5*time.Second, "how often background jobs are looked for")
	fs.StringVar(&c.smtpAddr, "smtp-addr", "", "SMTP server (host:port) for reminders and weekly digests by e-mail")
	fs.StringVar(&c.smtpFrom, "smtp-from", "Debrief <debrief@localhost>", "the From of reminder and digest e-mails")
	fs.StringVar(&c.smtpUser, "smtp-user", "", "SMTP user name, when the server wants one")
	fs.StringVar(&c.smtpPassword, "smtp-password", "", "SMTP password (prefer DEBRIEF_SMTP_PASSWORD)")
	fs.StringVar(&c.notifyURL, "notify-webhook-url", "", "where reminders and digests are posted as signed JSON")
	fs.StringVar(&c.notifySecret, "notify-webhook-secret", "", "the HMAC-SHA256 key that signs them (prefer DEBRIEF_NOTIFY_WEBHOOK_SECRET)")
	fs.IntVar(&c.reminderDays, "reminder-days", 3, "remind an item's owner this many days before its due date")
	fs.DurationVar(&c.nudgeEvery, "nudge-every", time.Hour, "how often reminders and digests are looked for")
}

// registerNudges adds reminders and digests to the runner when a channel
// (SMTP or a webhook) is configured.
func registerNudges(cfg *config, svc *app.Service, runner *jobs.Runner, log *slog.Logger) error {
	c := &cfg.followup
	var mail *notify.Mailer
	var hook *notify.Webhook
	if c.smtpAddr != "" {
		mail = &notify.Mailer{Addr: c.smtpAddr, From: c.smtpFrom, Username: c.smtpUser, Password: c.smtpPassword}
	}
	if c.notifyURL != "" {
		if c.notifySecret == "" {
			return usageError{"--notify-webhook-url needs --notify-webhook-secret (DEBRIEF_NOTIFY_WEBHOOK_SECRET) to sign with"}
		}
		hook = &notify.Webhook{URL: c.notifyURL, Secret: c.notifySecret}
	}
	if mail == nil && hook == nil {
		return nil
	}
	if c.reminderDays < 0 {
		return usageError{"--reminder-days must not be negative"}
	}
	public := cfg.publicURL
	if public == "" {
		public = "http://" + cfg.addr
	}
	n := notify.NewNudger(svc, runner, mail, hook, public, log)
	n.ReminderDays = c.reminderDays
	n.Register(c.nudgeEvery)
	return nil
}

// trackerClients returns the configured trackers.
func trackerClients(c *followupConfig) ([]tracker.Client, error) {
	var out []tracker.Client
	if c.githubRepo != "" {
		if c.githubToken == "" || strings.Count(c.githubRepo, "/") != 1 {
			return nil, usageError{"--github-repo needs the form owner/repo and a --github-token (DEBRIEF_GITHUB_TOKEN)"}
		}
		out = append(out, tracker.NewGitHub(c.githubAPI, c.githubToken, c.githubRepo, nil, nil))
	}
	if c.jiraURL != "" {
		if c.jiraEmail == "" || c.jiraToken == "" || c.jiraProject == "" {
			return nil, usageError{"--jira-url needs --jira-email, --jira-token (DEBRIEF_JIRA_TOKEN) and --jira-project"}
		}
		out = append(out, tracker.NewJira(c.jiraURL, c.jiraEmail, c.jiraToken, c.jiraProject, nil, nil))
	}
	return out, nil
}

func trackerSyncer(cfg *config, svc *app.Service, runner *jobs.Runner, log *slog.Logger) (*tracker.Syncer, error) {
	clients, err := trackerClients(&cfg.followup)
	if err != nil {
		return nil, err
	}
	states, err := tracker.ParseStates(cfg.followup.trackerStates)
	if err != nil {
		return nil, usageError{"--tracker-states: " + err.Error()}
	}
	public := cfg.publicURL
	if public == "" {
		public = "http://" + cfg.addr
	}
	return tracker.NewSyncer(svc, runner, states, public, log, clients...), nil
}

// trackerWebhooks are the webhook endpoints; without a secret configured a
// tracker's endpoint refuses every delivery.
func trackerWebhooks(cfg *config, svc *app.Service, log *slog.Logger) (*tracker.Webhooks, error) {
	s, err := trackerSyncer(cfg, svc, nil, log)
	if err != nil {
		return nil, err
	}
	return tracker.NewWebhooks(s, cfg.followup.githubSecret, cfg.followup.jiraSecret), nil
}

// startJobs runs the background work in this process: ticket sync and
// the nudges. Several processes on one PostgreSQL share it without doing
// anything twice (package jobs); on SQLite the one process runs it.
func startJobs(ctx context.Context, cfg *config, svc *app.Service, st store.Store, log *slog.Logger) (stop func(), err error) {
	runner := jobs.New(st, jobs.WithLogger(log))
	runner.Poll = cfg.followup.jobsPoll
	syncer, err := trackerSyncer(cfg, svc, runner, log)
	if err != nil {
		return nil, err
	}
	syncer.Register(cfg.followup.trackerPoll)
	svc.SetTicketQueue(syncer.Queue)
	if err := registerNudges(cfg, svc, runner, log); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		runner.Run(ctx)
	}()
	log.Info("background jobs running", "worker", runner.Worker(), "poll", runner.Poll.String())
	return func() { cancel(); <-done }, nil
}
