package architecture

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Render lays the model out with Graphviz's dot, run as a subprocess only
// when a picture is asked for (no command pays for it at start-up), and
// writes it as format, "svg" or "png". SVG is Graphviz's own; PNG is drawn
// from Graphviz's JSON layout by drawPNG, with the Go font, so it is the
// same on every machine. DOT and Mermaid (DOT, Mermaid) need no Graphviz.
func (m *Model) Render(ctx context.Context, format string, w io.Writer) error {
	var output string
	switch format {
	case "svg":
		output = "svg"
	case "png":
		output = "json"
	default:
		return fmt.Errorf("architecture: cannot render %q (svg or png)", format)
	}
	var dot bytes.Buffer
	if err := m.DOT(&dot); err != nil {
		return err
	}
	laidOut, err := runDot(ctx, output, dot.Bytes())
	if err != nil {
		return err
	}
	if format == "svg" {
		_, err := w.Write(laidOut)
		return err
	}
	return drawPNG(laidOut, w)
}

// ErrNoGraphviz is returned when Graphviz's dot is not on PATH.
var ErrNoGraphviz = errors.New("architecture: SVG and PNG need Graphviz's dot on PATH (apt-get install graphviz, brew install graphviz, ...); --format dot and mermaid need nothing")

// runDot lays out a DOT graph with dot -T<output>.
func runDot(ctx context.Context, output string, graph []byte) ([]byte, error) {
	path, err := exec.LookPath("dot")
	if err != nil {
		return nil, ErrNoGraphviz
	}
	cmd := exec.CommandContext(ctx, path, "-T"+output)
	cmd.Stdin = bytes.NewReader(graph)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("architecture: dot -T%s: %v: %s", output, err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}
