package main

import (
	"os"
	"strings"
	"testing"
)

// TestTestingDocQuotesRealTests keeps the Go blocks of docs/testing.md and
// of the README's "Testing your program" true: each is a run of lines of
// this example's tests, as they are.
func TestTestingDocQuotesRealTests(t *testing.T) {
	var tests strings.Builder
	for _, f := range []string{"mocks_test.go", "main_test.go"} {
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
		if doc == "../../README.md" {
			start := strings.Index(text, "## Testing your program")
			if start < 0 {
				t.Fatal("README.md has no section \"Testing your program\"")
			}
			text = text[start:]
			if end := strings.Index(text[3:], "\n## "); end >= 0 {
				text = text[:end+3]
			}
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
