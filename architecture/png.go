package architecture

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// pngScale is pixels per point: 1.5 draws at 108 dpi.
const pngScale = 1.5

// drawOp is one of Graphviz's xdot drawing operations, as its JSON output
// writes them.
type drawOp struct {
	Op     string      `json:"op"`
	Color  string      `json:"color"`
	Style  string      `json:"style"`
	Size   float64     `json:"size"`
	Points [][]float64 `json:"points"`
	Rect   []float64   `json:"rect"`
	Pt     []float64   `json:"pt"`
	Align  string      `json:"align"`
	Text   string      `json:"text"`
}

// layout is what Graphviz's JSON output holds that drawing needs.
type layout struct {
	BB      string           `json:"bb"`
	Draw    []drawOp         `json:"_draw_"`
	LDraw   []drawOp         `json:"_ldraw_"`
	Objects []map[string]any `json:"objects"`
	Edges   []map[string]any `json:"edges"`
}

// drawPNG draws a laid-out graph (Graphviz's "json" output) as a PNG with
// gg, strokes edges as strokes, and writes all text in the Go font, so the
// picture does not depend on the fonts or the cairo build a machine has.
func drawPNG(laidOut []byte, w io.Writer) error {
	var l layout
	if err := json.Unmarshal(laidOut, &l); err != nil {
		return fmt.Errorf("architecture: reading the layout: %w", err)
	}
	var bb [4]float64
	for i, f := range strings.Split(l.BB, ",") {
		if i < 4 {
			bb[i], _ = strconv.ParseFloat(f, 64)
		}
	}
	width, height := bb[2], bb[3]
	if width <= 0 || height <= 0 {
		return fmt.Errorf("architecture: the layout has no size (%q)", l.BB)
	}
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return err
	}
	dc := gg.NewContext(int(width*pngScale)+1, int(height*pngScale)+1)
	dc.SetRGB(1, 1, 1)
	dc.Clear()
	d := &drawer{dc: dc, font: f, height: height, faces: map[float64]font.Face{}}
	d.run(l.Draw, l.LDraw)
	ops := func(obj map[string]any, keys ...string) {
		for _, k := range keys {
			raw, err := json.Marshal(obj[k])
			if err != nil {
				continue
			}
			var list []drawOp
			if json.Unmarshal(raw, &list) == nil {
				d.run(list)
			}
		}
	}
	// Clusters first, then edges, then nodes over their ends.
	for _, o := range l.Objects {
		if _, isGraph := o["bb"]; isGraph {
			ops(o, "_draw_", "_ldraw_")
		}
	}
	for _, e := range l.Edges {
		ops(e, "_draw_", "_hdraw_", "_tdraw_", "_ldraw_", "_hldraw_", "_tldraw_")
	}
	for _, o := range l.Objects {
		if _, isGraph := o["bb"]; !isGraph {
			ops(o, "_draw_", "_ldraw_")
		}
	}
	return dc.EncodePNG(w)
}

// drawer keeps the pen between operations, as xdot does.
type drawer struct {
	dc     *gg.Context
	font   *opentype.Font
	faces  map[float64]font.Face
	height float64
	pen    string
	fill   string
	style  string
	size   float64
}

func (d *drawer) x(v float64) float64 { return v * pngScale }
func (d *drawer) y(v float64) float64 { return (d.height - v) * pngScale }

// run runs lists of operations; each list starts with a fresh pen, as
// each xdot attribute does.
func (d *drawer) run(lists ...[]drawOp) {
	for _, list := range lists {
		d.pen, d.fill, d.style = "", "", ""
		for _, op := range list {
			d.op(op)
		}
	}
}

func (d *drawer) op(op drawOp) {
	dc := d.dc
	switch op.Op {
	case "c":
		d.pen = op.Color
	case "C":
		d.fill = op.Color
	case "S":
		d.style = op.Style
	case "F":
		d.size = op.Size
	case "T":
		if d.size == 0 || len(op.Pt) < 2 {
			return
		}
		face, ok := d.faces[d.size]
		if !ok {
			face, _ = opentype.NewFace(d.font, &opentype.FaceOptions{Size: d.size * pngScale * 0.92, DPI: 72, Hinting: font.HintingFull})
			d.faces[d.size] = face
		}
		if face == nil {
			return
		}
		dc.SetFontFace(face)
		setColor(dc, d.pen)
		ax := map[string]float64{"l": 0, "c": 0.5, "r": 1}[op.Align]
		dc.DrawStringAnchored(op.Text, d.x(op.Pt[0]), d.y(op.Pt[1]), ax, 0)
	case "P", "p", "L", "B", "b":
		if len(op.Points) == 0 || d.style == "invis" {
			return
		}
		dc.NewSubPath()
		dc.MoveTo(d.x(op.Points[0][0]), d.y(op.Points[0][1]))
		if op.Op == "B" || op.Op == "b" {
			for i := 1; i+2 < len(op.Points); i += 3 {
				p1, p2, p3 := op.Points[i], op.Points[i+1], op.Points[i+2]
				dc.CubicTo(d.x(p1[0]), d.y(p1[1]), d.x(p2[0]), d.y(p2[1]), d.x(p3[0]), d.y(p3[1]))
			}
		} else {
			for _, p := range op.Points[1:] {
				dc.LineTo(d.x(p[0]), d.y(p[1]))
			}
		}
		// Graphviz builds differ on which of B and b marks a filled bezier
		// (the WebAssembly one swapped them), so a bezier is filled when it
		// is closed and has a fill color.
		first, last := op.Points[0], op.Points[len(op.Points)-1]
		closed := op.Op == "P" || op.Op == "p" || (op.Op == "B" || op.Op == "b") && first[0] == last[0] && first[1] == last[1]
		if closed {
			dc.ClosePath()
		}
		d.finish(op.Op == "P" || closed && op.Op != "p" && op.Op != "L")
	case "E", "e":
		if len(op.Rect) < 4 || d.style == "invis" {
			return
		}
		dc.NewSubPath()
		dc.DrawEllipse(d.x(op.Rect[0]), d.y(op.Rect[1]), op.Rect[2]*pngScale, op.Rect[3]*pngScale)
		d.finish(op.Op == "E")
	}
}

// finish fills the current path (when filled) and strokes it with the pen
// and style, then clears it.
func (d *drawer) finish(filled bool) {
	dc := d.dc
	if filled && d.fill != "" {
		setColor(dc, d.fill)
		dc.FillPreserve()
	}
	dc.SetLineWidth(pngScale)
	switch {
	case strings.HasPrefix(d.style, "dashed"):
		dc.SetDash(5*pngScale, 3*pngScale)
	case strings.HasPrefix(d.style, "dotted"):
		dc.SetDash(1.5*pngScale, 2.5*pngScale)
	default:
		dc.SetDash()
	}
	setColor(dc, d.pen)
	dc.Stroke()
	dc.SetDash()
}

// setColor sets a Graphviz color: #rrggbb, #rrggbbaa or a plain name.
func setColor(dc *gg.Context, c string) {
	switch c {
	case "", "black":
		dc.SetRGB(0, 0, 0)
	case "white":
		dc.SetRGB(1, 1, 1)
	case "none", "transparent":
		dc.SetRGBA(0, 0, 0, 0)
	default:
		dc.SetHexColor(c)
	}
}
