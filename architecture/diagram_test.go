package architecture_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/strata-infra/strata/architecture"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestDOTGolden pins the DOT of the dev stack: a change to the picture is
// a change to this file, reviewed. go test ./architecture -update rewrites it.
func TestDOTGolden(t *testing.T) {
	var got bytes.Buffer
	if err := architecture.Read(planOf(t, "dev")).DOT(&got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "dev.dot")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("the dev DOT differs from %s (go test ./architecture -update rewrites it):\n%s", golden, got.String())
	}
}

// svgTexts parses an SVG document and returns its text elements' content.
func svgTexts(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var texts []string
	var root string
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			inText = tok.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			inText = false
		}
	}
	if root != "svg" {
		t.Fatalf("the document's root is %q, want svg", root)
	}
	return texts
}

// TestSVGShowsTheWholeStack: the prod SVG is valid XML and names every
// component, all three AZs with their subnets, the NAT gateways and the
// database's instances.
func TestSVGShowsTheWholeStack(t *testing.T) {
	var svg bytes.Buffer
	if err := architecture.Read(planOf(t, "prod")).Render(context.Background(), "svg", &svg); err != nil {
		t.Fatal(err)
	}
	texts := "\n" + strings.Join(svgTexts(t, svg.Bytes()), "\n") + "\n"
	for _, want := range []string{
		"us-east-1a", "us-east-1b", "us-east-1c",
		"NAT main-1", "NAT main-2", "NAT main-3",
		"10.20.192.0/21", "10.20.0.0/19", "10.20.128.0/20",
		"VPC main 10.20.0.0/16", "load balancer web", "service web", "function api", "API api",
		"database main", "instance main-1", "instance main-2", "table api",
		"bucket data", "bucket access-logs", "bucket baseline-logs", "KMS keys", "topic alarms", "budget monthly",
		"Account baseline", "CloudTrail", "GuardDuty", "AWS Config", "Internet", "TCP 5432", "TCP 8080",
	} {
		if !strings.Contains(texts, "\n"+want) {
			t.Errorf("the SVG has no text %q", want)
		}
	}
}

// TestPNG: the PNG decodes and is a picture, not an empty canvas.
func TestPNG(t *testing.T) {
	var out bytes.Buffer
	if err := architecture.Read(planOf(t, "dev")).Render(context.Background(), "png", &out); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&out)
	if err != nil {
		t.Fatalf("the PNG does not decode: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 800 || b.Dy() < 300 {
		t.Fatalf("the PNG is %dx%d", b.Dx(), b.Dy())
	}
	colors := map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colors[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if len(colors) < 10 {
		t.Errorf("the PNG has %d colors: nothing drawn", len(colors))
	}
}

var (
	mermaidNode = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)(\(\[|\[\(|\[)"[^"]*"(\]\)|\)\]|\])$`)
	mermaidEdge = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*) (-->|==>|-\.->|---)(\|"[^"]*"\|)? ([A-Za-z_][A-Za-z0-9_]*)$`)
	mermaidSub  = regexp.MustCompile(`^\s*subgraph ([A-Za-z_][A-Za-z0-9_]*)\["[^"]*"\]$`)
)

// TestMermaidIsAFlowchart checks the Mermaid output line by line against
// the flowchart grammar it uses: front matter with a title, the flowchart
// header, node definitions, balanced subgraphs, and edges between defined
// nodes.
func TestMermaidIsAFlowchart(t *testing.T) {
	var out bytes.Buffer
	m := architecture.Read(planOf(t, "prod"))
	if err := m.Mermaid(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) < 5 || lines[0] != "---" || !strings.HasPrefix(lines[1], "title: ") || lines[2] != "---" || lines[3] != "flowchart TB" {
		t.Fatalf("the header is not front matter and flowchart TB:\n%s", strings.Join(lines[:min(5, len(lines))], "\n"))
	}
	nodes := map[string]bool{}
	subgraphs := map[string]bool{}
	depth := 0
	var edges [][2]string
	for i, line := range lines[4:] {
		switch {
		case mermaidSub.MatchString(line):
			depth++
			subgraphs[mermaidSub.FindStringSubmatch(line)[1]] = true
		case strings.TrimSpace(line) == "end":
			depth--
			if depth < 0 {
				t.Fatalf("line %d: end without subgraph", i+5)
			}
		case mermaidNode.MatchString(line):
			id := mermaidNode.FindStringSubmatch(line)[1]
			if nodes[id] {
				t.Errorf("line %d: node %s defined twice", i+5, id)
			}
			nodes[id] = true
		case mermaidEdge.MatchString(line):
			mm := mermaidEdge.FindStringSubmatch(line)
			edges = append(edges, [2]string{mm[1], mm[4]})
		default:
			t.Errorf("line %d is no flowchart statement: %q", i+5, line)
		}
	}
	if depth != 0 {
		t.Errorf("%d subgraphs are not closed", depth)
	}
	for _, e := range edges {
		if !nodes[e[0]] || !nodes[e[1]] {
			t.Errorf("edge %s -> %s names an undefined node", e[0], e[1])
		}
	}
	for _, want := range []string{"account", "vpc", "az_us_east_1a", "az_us_east_1b", "az_us_east_1c", "baseline"} {
		if !subgraphs[want] {
			t.Errorf("no subgraph %s", want)
		}
	}
	if len(nodes) != len(m.Nodes) || len(edges) != len(m.Edges) {
		t.Errorf("Mermaid has %d nodes and %d edges, the model %d and %d", len(nodes), len(edges), len(m.Nodes), len(m.Edges))
	}
}

// TestREADMEDiagramIsCurrent: the README shows the prod diagram as
// generated from today's plan; regenerate it with the command the failure
// names.
func TestREADMEDiagramIsCurrent(t *testing.T) {
	const file = "docs/architecture-prod.svg"
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("]("+file+")")) {
		t.Errorf("the README does not show %s", file)
	}
	var svg bytes.Buffer
	if err := architecture.Read(planOf(t, "prod")).Render(context.Background(), "svg", &svg); err != nil {
		t.Fatal(err)
	}
	checked, err := os.ReadFile(filepath.Join("..", file))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg.Bytes(), checked) {
		t.Errorf("%s is stale: go run ./cmd/strata diagram --stack prod --format svg -o %s", file, file)
	}
}

func BenchmarkRead(b *testing.B) {
	p := planOf(b, "prod")
	for b.Loop() {
		architecture.Read(p)
	}
}

func BenchmarkRenderSVG(b *testing.B) {
	m := architecture.Read(planOf(b, "prod"))
	for b.Loop() {
		if err := m.Render(context.Background(), "svg", io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderPNG(b *testing.B) {
	m := architecture.Read(planOf(b, "prod"))
	for b.Loop() {
		if err := m.Render(context.Background(), "png", io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
