package architecture

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/goccy/go-graphviz"
)

// Render lays the model out with Graphviz (compiled to WebAssembly and run
// inside this process: no Graphviz install) and writes it as format, "svg"
// or "png". SVG is Graphviz's own; PNG is drawn from Graphviz's layout by
// drawPNG.
func (m *Model) Render(ctx context.Context, format string, w io.Writer) error {
	var f graphviz.Format
	switch format {
	case "svg":
		f = graphviz.SVG
	case "png":
		f = "json"
	default:
		return fmt.Errorf("architecture: cannot render %q (svg or png)", format)
	}
	var dot bytes.Buffer
	if err := m.DOT(&dot); err != nil {
		return err
	}
	g, err := graphviz.New(ctx)
	if err != nil {
		return err
	}
	defer g.Close()
	graph, err := graphviz.ParseBytes(dot.Bytes())
	if err != nil {
		return fmt.Errorf("architecture: the DOT does not parse: %w", err)
	}
	defer graph.Close()
	if format == "svg" {
		return g.Render(ctx, graph, f, w)
	}
	var laidOut bytes.Buffer
	if err := g.Render(ctx, graph, f, &laidOut); err != nil {
		return err
	}
	return drawPNG(laidOut.Bytes(), w)
}
