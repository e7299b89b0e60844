package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

// message is one message of a day file: only the fields used; the many
// others a real export carries (blocks, reactions, team, client_msg_id...)
// are ignored.
type message struct {
	Type     string `json:"type"`
	Subtype  string `json:"subtype"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
	User     string `json:"user"`
	BotID    string `json:"bot_id"`
	Username string `json:"username"`
	Text     string `json:"text"`
	Edited   *struct {
		User string `json:"user"`
		TS   string `json:"ts"`
	} `json:"edited"`
	UserProfile *struct {
		RealName    string `json:"real_name"`
		DisplayName string `json:"display_name"`
		Name        string `json:"name"`
	} `json:"user_profile"`
	BotProfile *struct {
		Name string `json:"name"`
	} `json:"bot_profile"`
	Files []struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Title     string `json:"title"`
		Permalink string `json:"permalink"`
	} `json:"files"`
	Attachments []struct {
		Fallback  string `json:"fallback"`
		Pretext   string `json:"pretext"`
		Title     string `json:"title"`
		TitleLink string `json:"title_link"`
		Text      string `json:"text"`
	} `json:"attachments"`
}

// skipped subtypes are housekeeping, not evidence. An export writes an
// edited message once, with its last text and "edited", so the
// message_changed and message_deleted records of the live API are skipped.
var skipped = map[string]bool{
	"channel_join": true, "channel_leave": true, "group_join": true, "group_leave": true,
	"message_changed": true, "message_deleted": true, "tombstone": true,
	"joiner_notification_for_inviter": true, "bot_add": true, "bot_remove": true,
}

type reader struct {
	ch    Channel
	users map[string]string
	o     *Options
	base  string
}

// ParseTS reads a Slack ts, "1498401071.279035": epoch seconds and
// microseconds as a string, exactly (no float rounding).
func ParseTS(ts string) (time.Time, error) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s < 0 || len(frac) > 9 || len(sec) > 11 {
		return time.Time{}, fmt.Errorf("ts %q is not epoch seconds such as 1498401071.279035", evidence.Clip(ts, 40))
	}
	var ns int64
	if frac != "" {
		f, err := strconv.ParseUint(frac, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("ts %q is not epoch seconds such as 1498401071.279035", evidence.Clip(ts, 40))
		}
		ns = int64(f)
		for i := len(frac); i < 9; i++ {
			ns *= 10
		}
	}
	return time.Unix(s, ns).UTC(), nil
}

func (r *reader) event(m *message) (*debrief.Event, error) {
	if m.Type != "" && m.Type != "message" {
		return nil, nil
	}
	if skipped[m.Subtype] {
		return nil, nil
	}
	if m.TS == "" {
		return nil, fmt.Errorf("no ts")
	}
	at, err := ParseTS(m.TS)
	if err != nil {
		return nil, err
	}
	at = r.o.Adjust(at)

	var b strings.Builder
	reply := m.ThreadTS != "" && m.ThreadTS != m.TS
	if reply {
		b.WriteString("↳ in thread: ")
	}
	b.WriteString(r.text(m.Text))
	for _, a := range m.Attachments {
		// Alerting integrations post their content as attachments.
		part := firstOf(joinNonEmpty(" — ", a.Pretext, a.Title, a.Text), a.Fallback)
		if part != "" {
			b.WriteString("\n")
			b.WriteString(r.text(part))
			if l := evidence.SafeURL(a.TitleLink); l != "" {
				b.WriteString(" <" + l + ">")
			}
		}
	}
	for _, f := range m.Files {
		b.WriteString("\nFile: " + firstOf(f.Title, f.Name, f.ID))
		if l := evidence.SafeURL(f.Permalink); l != "" {
			b.WriteString(" <" + l + ">")
		}
	}
	if m.Edited != nil {
		b.WriteString(" (edited)")
	}
	return evidence.Event(Source, r.ch.ID+"/"+m.TS, at, b.String(), r.author(m), r.link(m, reply), debrief.EventMessage), nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return strings.Join(out, sep)
}

func (r *reader) author(m *message) string {
	if m.Subtype == "bot_message" || (m.User == "" && m.BotID != "") {
		name := m.Username
		if name == "" && m.BotProfile != nil {
			name = m.BotProfile.Name
		}
		return firstOf(name, m.BotID) + " (bot)"
	}
	if n, ok := r.users[m.User]; ok {
		return n
	}
	if p := m.UserProfile; p != nil {
		return firstOf(p.RealName, p.DisplayName, p.Name, m.User)
	}
	return firstOf(m.User, m.Username)
}

// link is the message's permalink: the workspace's address, the channel,
// and the ts without its dot; a reply names its thread.
func (r *reader) link(m *message, reply bool) string {
	if r.base == "" || r.ch.ID == "" {
		return ""
	}
	u := r.base + "/archives/" + r.ch.ID + "/p" + strings.Replace(m.TS, ".", "", 1)
	if reply {
		u += "?thread_ts=" + m.ThreadTS + "&cid=" + r.ch.ID
	}
	return u
}

// text turns Slack's markup into plain text: <@U123> becomes @name,
// <#C123|general> #general, <https://x|label> "label (https://x)",
// <!here> @here; &amp; &lt; &gt; are unescaped.
func (r *reader) text(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		b.WriteString(unescape(s[:i]))
		b.WriteString(r.token(s[i+1 : i+j]))
		s = s[i+j+1:]
	}
	b.WriteString(unescape(s))
	return b.String()
}

func (r *reader) token(t string) string {
	target, label, hasLabel := strings.Cut(t, "|")
	label = unescape(label)
	switch {
	case strings.HasPrefix(target, "@"):
		if n, ok := r.users[target[1:]]; ok {
			return "@" + n
		}
		if hasLabel {
			return "@" + label
		}
		return target
	case strings.HasPrefix(target, "#"):
		if hasLabel {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		if hasLabel {
			return label
		}
		name, _, _ := strings.Cut(target[1:], "^")
		return "@" + name
	}
	target = unescape(target)
	if hasLabel && label != target {
		return label + " (" + target + ")"
	}
	return target
}

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return unescaper.Replace(s)
}
