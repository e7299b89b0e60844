package lint

import (
	"regexp"
	"strings"
)

var (
	// "should have" + a past participle is a counterfactual about the
	// past; "should have clear rules" (a wish about the future) is not.
	shouldHaveRe = regexp.MustCompile(`(?i)\b(?:should(?:\s+not|n[’']t)?|ought\s+to)\s+(?:have|[’']ve)\s+(\w+)|\bshould[’']ve\s+(\w+)`)
	humanErrorRe = regexp.MustCompile(`(?i)\b(?:human|operator|pilot)\s+(?:error|mistake|failure|fault)s?\b|\bpebkac\b|\bid10t\b`)
	carelessRe   = regexp.MustCompile(`(?i)\b(?:careless(?:ly|ness)?|negligen(?:t|ce|tly)|sloppy|sloppiness|reckless(?:ly|ness)?|lazy|laziness|incompeten(?:t|ce)|stupid(?:ity)?|inattentive(?:ness)?|not\s+paying\s+attention|didn[’']t\s+pay\s+attention|did\s+not\s+pay\s+attention|be\s+more\s+careful)\b`)
	rootCauseRe  = regexp.MustCompile(`(?i)\broot[\s-]+caus(?:e|es|ed|ing)\b`)
	hindsightRe  = regexp.MustCompile(`(?i)\b(?:obviously|obvious\s+(?:that|to)|it\s+was\s+(?:obvious|clear)\s+that|clearly\s+(?:should|could|would|must|ought)|in\s+hindsight|with\s+hindsight|in\s+retrospect|could\s+easily\s+have|all\s+(?:he|she|they|we|you)\s+had\s+to\s+do)\b`)
	// A failure verb, checked for a person as its subject.
	failVerbRe = regexp.MustCompile(`(?i)\b(?:fail(?:ed|s)?\s+to|(?:wrongly|mistakenly|incorrectly|carelessly)\s+[a-z]+|forgot|forgotten|neglected|overlooked|ignored|missed|messed\s+up|screwed\s+up|broke|caused|made\s+(?:a|an)\s+(?:mistake|error)|did\s+not\s+(?:notice|check|verify|test|follow|read|see|catch|realise|realize|communicate|escalate|review)|didn[’']t\s+(?:notice|check|verify|test|follow|read|see|catch|realise|realize|communicate|escalate|review))\b`)
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

// eachMatch runs f on every match of re in every text's masked prose.
func (c *checker) eachMatch(re *regexp.Regexp, f func(t text, m []int)) {
	for _, t := range c.texts {
		for _, m := range re.FindAllStringSubmatchIndex(t.prose.Masked, -1) {
			f(t, m)
		}
	}
}

func checkShouldHave(c *checker) {
	c.eachMatch(shouldHaveRe, func(t text, m []int) {
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
	c.eachMatch(humanErrorRe, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q names a person as the cause", t.prose.Text[m[0]:m[1]])
	})
}

func checkCareless(c *checker) {
	c.eachMatch(carelessRe, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q judges a person", t.prose.Text[m[0]:m[1]])
	})
}

func checkRootCause(c *checker) {
	c.eachMatch(rootCauseRe, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q", t.prose.Text[m[0]:m[1]])
	})
}

func checkHindsight(c *checker) {
	c.eachMatch(hindsightRe, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "hindsight %q", t.prose.Text[m[0]:m[1]])
	})
}

func checkPersonFailed(c *checker) {
	c.eachMatch(failVerbRe, func(t text, m []int) {
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
	c.eachMatch(c.cfg.blameRe, func(t text, m []int) {
		c.addAt(t, m[0], m[1], "%q is on the team's list of blaming words", t.prose.Text[m[0]:m[1]])
	})
}
