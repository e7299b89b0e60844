// Package teams reads Microsoft Teams chat messages, as Microsoft Graph
// returns and exports them (chatMessage resources: a {"value": [...]} page,
// an array, or one message per line), into timeline events.
package teams

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

// Source is the events' source.
const Source = "teams"

type identity struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// message holds the chatMessage fields used; others are ignored.
type message struct {
	ID                 string     `json:"id"`
	ReplyToID          *string    `json:"replyToId"`
	MessageType        string     `json:"messageType"`
	CreatedDateTime    *time.Time `json:"createdDateTime"`
	LastEditedDateTime *time.Time `json:"lastEditedDateTime"`
	DeletedDateTime    *time.Time `json:"deletedDateTime"`
	ChatID             string     `json:"chatId"`
	Subject            *string    `json:"subject"`
	WebURL             string     `json:"webUrl"`
	ChannelIdentity    *struct {
		ChannelID string `json:"channelId"`
	} `json:"channelIdentity"`
	From *struct {
		User        *identity `json:"user"`
		Application *identity `json:"application"`
	} `json:"from"`
	Body struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Attachments []struct {
		ContentType string `json:"contentType"`
		ContentURL  string `json:"contentUrl"`
		Name        string `json:"name"`
	} `json:"attachments"`
}

// Import reads Teams messages from r (file names it in errors). System
// messages (members added, renamed) and deleted messages are skipped.
func Import(r io.Reader, file string, o evidence.Options, emit evidence.Emit) error {
	return evidence.EachRecord(r, file, []string{"value", "messages"}, func(entry string, raw json.RawMessage) error {
		var m message
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		ev, err := event(&m, &o)
		if err != nil || ev == nil || !o.InWindow(ev.At) {
			return err
		}
		return emit(ev)
	})
}

func event(m *message, o *evidence.Options) (*debrief.Event, error) {
	if m.MessageType != "" && m.MessageType != "message" {
		return nil, nil
	}
	if m.DeletedDateTime != nil {
		return nil, nil
	}
	if m.ID == "" {
		return nil, fmt.Errorf("id: is missing")
	}
	if m.CreatedDateTime == nil {
		return nil, fmt.Errorf("message %s: createdDateTime is missing", m.ID)
	}
	text := m.Body.Content
	if strings.EqualFold(m.Body.ContentType, "html") {
		text = evidence.HTMLText(text)
	}
	if m.Subject != nil && *m.Subject != "" {
		text = *m.Subject + ": " + text
	}
	if m.ReplyToID != nil && *m.ReplyToID != "" {
		text = "↳ in thread: " + text
	}
	for _, a := range m.Attachments {
		if a.ContentType == "reference" || a.ContentURL != "" {
			text += "\nFile: " + a.Name
			if l := evidence.SafeURL(a.ContentURL); l != "" {
				text += " <" + l + ">"
			}
		}
	}
	if m.LastEditedDateTime != nil {
		text += " (edited)"
	}
	author := ""
	if f := m.From; f != nil {
		if f.User != nil {
			author = f.User.DisplayName
		} else if f.Application != nil {
			author = f.Application.DisplayName + " (bot)"
		}
	}
	conv := m.ChatID
	if m.ChannelIdentity != nil && m.ChannelIdentity.ChannelID != "" {
		conv = m.ChannelIdentity.ChannelID
	}
	id := m.ID
	if conv != "" {
		id = conv + "/" + m.ID
	}
	return evidence.Event(Source, id, o.Adjust(*m.CreatedDateTime), text, author, m.WebURL, debrief.EventMessage), nil
}
