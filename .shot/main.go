package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// Renders each SVG file given to a PNG next to it, in a real Chromium.
func main() {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	for _, f := range os.Args[1:] {
		abs, _ := filepath.Abs(f)
		html := abs + ".html"
		os.WriteFile(html, []byte(`<!doctype html><html><body style="margin:0;background:#fff"><img src="file://`+abs+`"></body></html>`), 0o644)
		if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(1600, 900)); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		if _, err := chromedp.Run(ctx, chromedp.Navigate("file://"+html)); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		os.WriteFile(abs+".png", png, 0o644)
		os.Remove(html)
	}
}
