// Command bareserve is the baseline for the API throughput benchmark: a bare
// net/http handler that returns the bytes of one file as JSON, with nothing
// else in the way. docs/PERFORMANCE.md compares Debrief's GET of an incident
// against it, measured in the same run.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8099", "address to listen on")
	file := flag.String("file", "", "the response body to serve")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
