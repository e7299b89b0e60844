package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief"
)

// peopleMatcher finds the people named in an imported file in the
// directory, so that an imported retrospective's commander, responders,
// writer and action owners are the same people as everywhere else: by
// email first (the surest), then by handle, then by a name only one
// person has. Someone not in the directory is added to it, in the import's
// transaction, so that a refused import adds nobody.
type peopleMatcher struct {
	s     *Service
	found map[string]int64 // by the person's key, for files naming someone twice
}

func personKey(p *debrief.Person) string {
	return strings.ToLower(p.Email) + "\x00" + strings.ToLower(p.Handle) + "\x00" + strings.ToLower(p.Name)
}

// match returns the directory id of p, nil when p names nobody. field
// names the part of the file for errors ("commander").
func (m *peopleMatcher) match(ctx context.Context, p *debrief.Person, field string) (*int64, error) {
	if p == nil || (strings.TrimSpace(p.Name) == "" && p.Email == "" && p.Handle == "") {
		return nil, nil
	}
	key := personKey(p)
	if id, ok := m.found[key]; ok {
		return &id, nil
	}
	id, err := m.lookup(ctx, p)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		np := &debrief.Person{Name: strings.TrimSpace(p.Name), Handle: p.Handle, Email: p.Email}
		if np.Name == "" {
			np.Name = strings.TrimPrefix(firstNonEmpty(p.Handle, p.Email), "@")
		}
		if err := m.s.CreatePerson(ctx, np); err != nil {
			return nil, prefixField(field, err)
		}
		id = np.ID
	}
	if m.found == nil {
		m.found = map[string]int64{}
	}
	m.found[key] = id
	return &id, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// lookup returns the id of the one directory entry p names, 0 for none.
func (m *peopleMatcher) lookup(ctx context.Context, p *debrief.Person) (int64, error) {
	if p.Email != "" {
		q := p.Email
		list, _, err := m.s.store.FindPeople(ctx, debrief.PersonFilter{Query: &q, Limit: 50})
		if err != nil {
			return 0, err
		}
		for _, c := range list {
			if strings.EqualFold(c.Email, p.Email) {
				return c.ID, nil
			}
		}
	}
	if p.Handle != "" {
		h := strings.TrimPrefix(p.Handle, "@")
		list, _, err := m.s.store.FindPeople(ctx, debrief.PersonFilter{Handle: &h, Limit: 1})
		if err != nil {
			return 0, err
		}
		if len(list) == 1 {
			return list[0].ID, nil
		}
	}
	if name := strings.TrimSpace(p.Name); name != "" {
		list, _, err := m.s.store.FindPeople(ctx, debrief.PersonFilter{Query: &name, Limit: 50})
		if err != nil {
			return 0, err
		}
		var id int64
		n := 0
		for _, c := range list {
			if strings.EqualFold(strings.TrimSpace(c.Name), name) {
				id, n = c.ID, n+1
			}
		}
		// Two people of that name: which one is not the importer's to
		// guess, so a new entry is made and the team merges them.
		if n == 1 {
			return id, nil
		}
	}
	return 0, nil
}

// matchIncidentPeople sets the commander and the responders of inc from
// the people the file names. A responder named twice is kept once.
func (m *peopleMatcher) matchIncidentPeople(ctx context.Context, inc *debrief.Incident) error {
	id, err := m.match(ctx, inc.Commander, "commander")
	if err != nil {
		return err
	}
	if id != nil {
		inc.CommanderID = id
	}
	inc.Commander = nil
	seen := map[int64]bool{}
	var rs []debrief.Responder
	for i, r := range inc.Responders {
		if r.Person == nil && r.PersonID != 0 {
			continue // an id from another Debrief means nothing here
		}
		pid, err := m.match(ctx, r.Person, fmt.Sprintf("responders[%d]", i))
		if err != nil {
			return err
		}
		if pid == nil || seen[*pid] {
			continue
		}
		seen[*pid] = true
		rs = append(rs, debrief.Responder{PersonID: *pid, Role: r.Role})
	}
	inc.Responders = rs
	return nil
}
