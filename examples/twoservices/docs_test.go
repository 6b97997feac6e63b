package main

import (
	"os"
	"strings"
	"testing"
)

// TestTestingDocQuotesRealTests keeps the Go blocks of docs/testing.md and
// of the README true: each is a run of lines of this example's program or
// tests, as they are, so each compiles and is tested.
func TestTestingDocQuotesRealTests(t *testing.T) {
	var tests strings.Builder
	for _, f := range []string{"mocks_test.go", "main_test.go", "main.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tests.Write(b)
	}
	code := tests.String()
	for _, doc := range []string{"../../docs/testing.md", "../../README.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if doc == "../../README.md" && !strings.Contains(text, "## Testing your program") {
			t.Fatal("README.md has no section \"Testing your program\"")
		}
		blocks := goBlocks(text)
		if len(blocks) == 0 {
			t.Errorf("%s quotes no Go code", doc)
		}
		for _, block := range blocks {
			if !strings.Contains(code, block) {
				t.Errorf("%s quotes code the tests do not hold:\n%s", doc, block)
			}
		}
	}
}

// goBlocks are the contents of the ```go fences in text.
func goBlocks(text string) []string {
	var out []string
	for {
		start := strings.Index(text, "```go\n")
		if start < 0 {
			return out
		}
		text = text[start+len("```go\n"):]
		end := strings.Index(text, "```")
		if end < 0 {
			return out
		}
		out = append(out, text[:end])
		text = text[end:]
	}
}
