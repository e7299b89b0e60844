package lint

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// People are the words that name a person in one retrospective: the
// incident's own people (names, each part of a name, handles), pronouns
// and role nouns. Names match with their capital letter only, so "Will"
// is a person and "will" is not.
type People struct {
	exact map[string]bool // names and name parts, as written
	lower map[string]bool // handles, pronouns, roles (lower case)
}

// personWords are pronouns and roles that name people whatever the
// incident. "they" is left out: it names systems as often as people.
var personWords = []string{
	"i", "we", "he", "she", "you", "someone", "somebody", "nobody", "everyone", "everybody",
	"engineer", "engineers", "developer", "developers", "dev", "devs", "operator", "operators",
	"on-call", "oncall", "on-caller", "on-callers", "responder", "responders", "admin", "admins",
	"administrator", "administrators", "sre", "sres", "team", "colleague", "colleagues",
	"reviewer", "reviewers", "author", "committer", "human", "humans", "staff", "person", "people",
	"commander", "manager", "intern", "contractor",
}

// NewPeople builds the set from names and handles (the incident's
// commander, responders, writer, action owners) and configured words.
func NewPeople(names, handles, extra []string) *People {
	p := &People{exact: map[string]bool{}, lower: map[string]bool{}}
	for _, w := range personWords {
		p.lower[w] = true
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		p.exact[n] = true
		for _, part := range strings.Fields(n) {
			if r, _ := utf8.DecodeRuneInString(part); unicode.IsUpper(r) && len(part) > 1 {
				p.exact[part] = true
			}
		}
	}
	for _, h := range append(handles, extra...) {
		h = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
		if h != "" {
			p.lower[h] = true
		}
	}
	return p
}

// Is reports whether a word names a person.
func (p *People) Is(word string) bool {
	w := strings.Trim(word, "*_'’")
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	if strings.HasPrefix(w, "@") {
		return true
	}
	return p.exact[w] || p.lower[strings.ToLower(w)]
}

// adverbs and auxiliaries that may stand between a subject and its verb
// ("we then accidentally", "the engineer had not").
var skipWords = map[string]bool{
	"then": true, "also": true, "accidentally": true, "unfortunately": true, "unknowingly": true,
	"inadvertently": true, "mistakenly": true, "wrongly": true, "again": true, "initially": true,
	"still": true, "simply": true, "just": true, "had": true, "has": true, "have": true, "not": true,
	"later": true, "subsequently": true, "clearly": true, "obviously": true, "completely": true,
	"both": true, "all": true, "apparently": true, "probably": true, "unintentionally": true,
	"also,": true, "had,": true, "sadly": true, "ultimately": true, "eventually": true,
	"who": true, "that": true,
}

// clauseBreak words start a new clause: the subject is after them.
var clauseBreak = map[string]bool{
	"and": true, "but": true, "because": true, "so": true, "when": true, "while": true,
	"since": true, "as": true, "if": true, "although": true, "though": true, "which": true,
	"where": true, "until": true, "after": true, "before": true, "or": true, "whereas": true,
}

// SubjectBefore finds the subject of the verb that starts at off in the
// masked text: the word before it in the same clause, skipping adverbs
// and auxiliaries. It returns "" when the clause has no word there.
func SubjectBefore(masked string, off int) string {
	// The clause starts after the last sentence or clause boundary.
	// A clause is short; 300 bytes back is plenty, and keeps a text of
	// many failure verbs and no punctuation linear.
	start := max(0, off-300)
	for i := off - 1; i >= start; i-- {
		c := masked[i]
		if c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == ',' || c == '(' || c == '|' {
			// A full stop inside a word (a host, a version) is no boundary.
			if c == '.' && i+1 < len(masked) && masked[i+1] != ' ' && masked[i+1] != '\n' {
				continue
			}
			start = i + 1
			break
		}
		if c == '\n' {
			// A blank line or a list item ends the sentence.
			if i > 0 && masked[i-1] == '\n' {
				start = i + 1
				break
			}
			rest := masked[i+1:]
			if listItemRe.MatchString(rest) || strings.HasPrefix(strings.TrimLeft(rest, " \t"), "#") {
				start = i + 1
				break
			}
		}
	}
	words := strings.Fields(masked[start:off])
	for k := len(words) - 1; k >= 0; k-- {
		w := strings.Trim(words[k], "*_-+#>\"'“”()[]")
		lw := strings.ToLower(w)
		if w == "" || skipWords[lw] || strings.HasSuffix(lw, "ly") && k > 0 {
			continue
		}
		if clauseBreak[lw] {
			return ""
		}
		return w
	}
	return ""
}
