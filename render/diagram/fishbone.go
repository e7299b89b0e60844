package diagram

import (
	"slices"

	"github.com/debrief-oss/debrief"
)

// Layout of the fishbone, in pixels.
const (
	fbBoneDX   = 340 // between bones along the spine
	fbRibGap   = 26  // between ribs along a bone
	fbSlant    = 70  // how far a bone leans back over its height
	fbHeadW    = 220
	fbLabelMax = 32 // characters of a factor shown on its rib
)

// Uncategorised is the bone of factors without a category.
const Uncategorised = "Uncategorised"

// Fishbone draws the contributing factors of a as an Ishikawa diagram: the
// problem (title) at the head on the right, one bone per category,
// alternating above and below the spine, and each factor as a labelled rib
// on its category's bone with its id. Categories with no factor are drawn
// too, so the team sees where it looked and found nothing; a factor whose
// category the team has since removed gets a bone of its own at the end.
func Fishbone(a *debrief.Analysis, problem string) []byte {
	cats := slices.Clone(a.Categories)
	byCat := map[string][]*debrief.AnalysisItem{}
	for _, f := range a.OfKind(debrief.KindFactor) {
		cat := f.Category
		if cat == "" {
			cat = Uncategorised // imported factors wait for the team to file them
		}
		if !slices.Contains(cats, cat) {
			cats = append(cats, cat)
		}
		byCat[cat] = append(byCat[cat], f)
	}
	if len(cats) == 0 {
		cats = []string{"Factors"}
	}
	most := 1
	for _, fs := range byCat {
		most = max(most, len(fs))
	}
	boneH := 50 + most*fbRibGap
	pairs := (len(cats) + 1) / 2
	ribW := 300 // room for a rib's label to the left of its bone
	width := margin + ribW + pairs*fbBoneDX + fbHeadW + margin
	spineY := margin + 24 + boneH
	height := spineY + boneH + 24 + margin + 30
	spineX0 := margin + ribW - 40
	headX := spineX0 + pairs*fbBoneDX

	var c canvas
	c.open(width, height, "Contributing factors (fishbone)")
	// Spine and head.
	c.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="4" marker-end="url(#a-ink)"/>`+"\n", spineX0, spineY, headX-2, spineY, colInk)
	c.f("<g>\n<title>%s</title>\n", esc(problem))
	c.f(`<rect x="%d" y="%d" width="%d" height="%d" rx="8" fill="#fff7ed" stroke="%s" stroke-width="2"/>`+"\n", headX, spineY-34, fbHeadW-10, 68, colInk)
	for i, l := range wrap(problem, 24, 3) {
		c.text(headX+(fbHeadW-10)/2, spineY-12+i*17, "middle", ` font-weight="700" fill="`+colInk+`"`, l)
	}
	c.f("</g>\n")

	for i, cat := range cats {
		up := i%2 == 0
		// Bones from the head backwards: the first pair nearest the head.
		bx := headX - 40 - (i/2)*fbBoneDX
		tipX, tipY := bx-fbSlant, spineY-boneH
		if !up {
			tipY = spineY + boneH
		}
		c.f(`<g class="bone">` + "\n")
		c.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"/>`+"\n", tipX, tipY, bx, spineY, colInk)
		ly := tipY - 8
		if !up {
			ly = tipY + 18
		}
		c.text(tipX, ly, "middle", ` font-size="14" font-weight="700" fill="`+colControl+`"`, cut(cat, 30))
		for j, f := range byCat[cat] {
			// Ribs evenly down the bone, from its tip towards the spine.
			t := float64(j+1) / float64(len(byCat[cat])+1)
			if len(byCat[cat]) < most {
				t = float64(j+1) * float64(fbRibGap) / float64(boneH)
			}
			ry := tipY + int(float64(spineY-tipY)*t)
			rx := tipX + int(float64(bx-tipX)*t)
			c.f("<g>\n<title>%s</title>\n", esc(f.Ref+" "+f.Title))
			c.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1.5"/>`+"\n", rx-ribW, ry, rx, ry, colMissing)
			c.f(`<text x="%d" y="%d" text-anchor="end" fill="%s"><tspan font-weight="700">%s</tspan> %s</text>`+"\n",
				rx-8, ry-5, colInk, esc(f.Ref), esc(cut(f.Title, fbLabelMax)))
			c.f("</g>\n")
		}
		if len(byCat[cat]) == 0 {
			ny := ly + 16
			if up {
				ny = ly - 16
			}
			c.text(tipX, ny, "middle", ` font-size="11" font-style="italic" fill="`+colMissing+`"`, "none found")
		}
		c.f("</g>\n")
	}
	if len(byCat) == 0 {
		c.text(margin, height-margin, "start", ` fill="`+colMissing+`"`, "No contributing factors yet.")
	}
	return c.close()
}
