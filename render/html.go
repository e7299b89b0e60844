// Package render turns a retrospective into what people read: safe HTML from
// the writers' Markdown, and the Markdown export a person would send.
package render

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	markdown = goldmark.New(
		// GFM gives tables, task lists, strikethrough and autolinks, which
		// write-ups use. Raw HTML stays off (goldmark's default), and the
		// sanitiser below removes anything that slips through anyway.
		goldmark.WithExtensions(extension.GFM),
	)
	policyOnce sync.Once
	policy     *bluemonday.Policy
)

func sanitizer() *bluemonday.Policy {
	policyOnce.Do(func() {
		policy = bluemonday.UGCPolicy()
		policy.RequireNoFollowOnLinks(true)
		policy.AddTargetBlankToFullyQualifiedLinks(true)
		// Task list checkboxes from GFM.
		policy.AllowAttrs("type").Matching(bluemonday.SpaceSeparatedTokens).OnElements("input")
		policy.AllowAttrs("checked", "disabled").OnElements("input")
	})
	return policy
}

// HTML renders user Markdown as sanitised HTML, safe to put in a page.
func HTML(md string) template.HTML {
	if md == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		// goldmark only fails on writer errors, which a bytes.Buffer never
		// returns; escape the text rather than lose it.
		return template.HTML(template.HTMLEscapeString(md))
	}
	return template.HTML(sanitizer().SanitizeBytes(buf.Bytes()))
}
