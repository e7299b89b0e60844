package lint

import (
	"regexp"
	"strings"
)

var (
	// "should have" + a past participle is a counterfactual about the
	// past; "should have clear rules" (a wish about the future) is not.
	shouldHaveRe = regexp.MustCompile(`\b(?:should(?:\s+not|n[’']t)?|ought\s+to)\s+(?:have|[’']ve)\s+(\w+)|\bshould[’']ve\s+(\w+)`)
	humanErrorRe = regexp.MustCompile(`\b(?:human|operator|pilot)\s+(?:error|mistake|failure|fault)s?\b|\bpebkac\b|\bid10t\b`)
	carelessRe   = regexp.MustCompile(`\b(?:careless(?:ly|ness)?|negligen(?:t|ce|tly)|sloppy|sloppiness|reckless(?:ly|ness)?|lazy|laziness|incompeten(?:t|ce)|stupid(?:ity)?|inattentive(?:ness)?|not\s+paying\s+attention|didn[’']t\s+pay\s+attention|did\s+not\s+pay\s+attention|be\s+more\s+careful)\b`)
	rootCauseRe  = regexp.MustCompile(`\broot[\s-]+caus(?:e|es|ed|ing)\b`)
	hindsightRe  = regexp.MustCompile(`\b(?:obviously|obvious\s+(?:that|to)|it\s+was\s+(?:obvious|clear)\s+that|clearly\s+(?:should|could|would|must|ought)|in\s+hindsight|with\s+hindsight|in\s+retrospect|could\s+easily\s+have|all\s+(?:he|she|they|we|you)\s+had\s+to\s+do)\b`)
	// A failure verb, checked for a person as its subject.
	failVerbRe = regexp.MustCompile(`\b(?:fail(?:ed|s)?\s+to|(?:wrongly|mistakenly|incorrectly|carelessly)\s+[a-z]+|forgot|forgotten|neglected|overlooked|ignored|missed|messed\s+up|screwed\s+up|broke|caused|made\s+(?:a|an)\s+(?:mistake|error)|did\s+not\s+(?:notice|check|verify|test|follow|read|see|catch|realise|realize|communicate|escalate|review)|didn[’']t\s+(?:notice|check|verify|test|follow|read|see|catch|realise|realize|communicate|escalate|review))\b`)
)

// participles that do not end in -ed/-en/-wn/-ne.
var participles = map[string]bool{
	"been": true, "done": true, "known": true, "seen": true, "caught": true, "made": true, "put": true,
	"set": true, "run": true, "kept": true, "found": true, "told": true, "taken": true, "given": true,
	"built": true, "written": true, "read": true, "sent": true, "spent": true, "got": true,
	"gotten": true, "had": true, "left": true, "thought": true, "brought": true, "understood": true,
	"hit": true, "cut": true, "shut": true, "let": true, "rolled": true, "led": true, "held": true,
	"stopped": true, "paid": true, "said": true, "spotted": true, "used": true,
}

func isParticiple(w string) bool {
	w = strings.ToLower(w)
	if participles[w] {
		return true
	}
	return len(w) > 3 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "en") || strings.HasSuffix(w, "wn"))
}

// Words one of which a text must hold for a rule's expression to match:
// a cheap test that spares most texts the expression.
var (
	shouldHaveKeys = []string{"should", "ought"}
	humanErrorKeys = []string{"error", "mistake", "failure", "fault", "pebkac", "id10t"}
	carelessKeys   = []string{"careless", "negligen", "slopp", "reckless", "lazy", "laziness", "incompeten", "stupid", "inattentive", "attention", "careful"}
	rootCauseKeys  = []string{"root"}
	hindsightKeys  = []string{"obvious", "clear", "hindsight", "retrospect", "easily", "had to do"}
	failVerbKeys   = []string{"fail", "wrongly", "mistakenly", "incorrectly", "carelessly", "forgot", "neglected", "overlooked", "ignored", "missed", "messed", "screwed", "broke", "caused", "made a", "did not", "didn"}
)

// eachMatch runs f on every match of re in every text's masked prose that
// holds one of the keys (nil: every text).
func (c *checker) eachMatch(re *regexp.Regexp, keys []string, f func(t text, m []int)) {
	for _, t := range c.texts {
		if keys != nil && !containsAny(t.lower, keys) {
			continue
		}
		// The expressions are written in lower case and run on the
		// lower-cased text: much faster than (?i), same offsets.
		for _, m := range re.FindAllStringSubmatchIndex(t.lower, -1) {
			f(t, m)
		}
	}
}

func checkShouldHave(c *checker) {
	c.eachMatch(shouldHaveRe, shouldHaveKeys, func(t text, m []int) {
		w := ""
		if m[2] >= 0 {
			w = t.prose.Masked[m[2]:m[3]]
		} else if m[4] >= 0 {
			w = t.prose.Masked[m[4]:m[5]]
		}
		if !isParticiple(w) {
			return
		}
		c.addAt(t, m[0], m[1], "counterfactual %q", t.prose.Text[m[0]:m[1]])
	})
}

func checkHumanError(c *checker) {
	c.eachMatch(humanErrorRe, humanErrorKeys, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q names a person as the cause", t.prose.Text[m[0]:m[1]])
	})
}

func checkCareless(c *checker) {
	c.eachMatch(carelessRe, carelessKeys, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q judges a person", t.prose.Text[m[0]:m[1]])
	})
}

func checkRootCause(c *checker) {
	c.eachMatch(rootCauseRe, rootCauseKeys, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q", t.prose.Text[m[0]:m[1]])
	})
}

func checkHindsight(c *checker) {
	c.eachMatch(hindsightRe, hindsightKeys, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "hindsight %q", t.prose.Text[m[0]:m[1]])
	})
}

func checkPersonFailed(c *checker) {
	c.eachMatch(failVerbRe, failVerbKeys, func(t text, m []int) {
		subj := SubjectBefore(t.prose.Masked, m[0])
		if subj == "" || !c.people.Is(subj) {
			return
		}
		c.addAt(t, m[0], m[1], "a person (%s) is the subject of %q", subj, t.prose.Text[m[0]:m[1]])
	})
}

func checkCustomWords(c *checker) {
	if c.cfg.blameRe == nil {
		return
	}
	c.eachMatch(c.cfg.blameRe, nil, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q is on the team's list of blaming words", t.prose.Text[m[0]:m[1]])
	})
}

func containsAny(s string, keys []string) bool {
	for _, k := range keys {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// lowerASCII lower-cases ASCII letters only, so offsets stay the same.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
