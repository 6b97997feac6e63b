package architecture

import (
	"fmt"
	"io"
	"strings"
)

// mermaidShape opens and closes a node of a kind in Mermaid's flowchart
// syntax.
var mermaidShape = map[Kind][2]string{
	Internet: {"([", "])"}, Clients: {"([", "])"},
	Database: {"[(", ")]"}, Instance: {"[(", ")]"}, Table: {"[(", ")]"},
}

// mermaidArrow is the link of a kind of edge.
var mermaidArrow = map[EdgeKind]string{
	Reach: "-->", Invoke: "==>", Grant: "-.->", Route: "-.->", LogsTo: "-.->", AlarmsTo: "-.->", Part: "---",
}

// mermaidText is text safe inside a quoted Mermaid label: quotes become
// the #quot; entity, and lines are joined with <br/>.
func mermaidText(lines ...string) string {
	for i, l := range lines {
		l = strings.ReplaceAll(l, `"`, "#quot;")
		lines[i] = strings.NewReplacer("<", "#lt;", ">", "#gt;").Replace(l)
	}
	return `"` + strings.Join(lines, "<br/>") + `"`
}

// Mermaid writes the model as a Mermaid flowchart with the same groups as
// DOT: the account, the VPC, one subgraph per AZ, the baseline.
func (m *Model) Mermaid(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "---\ntitle: %s\n---\nflowchart TB\n", m.Title())
	node := func(indent string, n *Node) {
		shape, ok := mermaidShape[n.Kind]
		if !ok {
			shape = [2]string{"[", "]"}
		}
		fmt.Fprintf(b, "%s%s%s%s%s\n", indent, n.ID, shape[0], mermaidText(n.lines()...), shape[1])
	}
	for _, n := range m.Nodes {
		if n.Kind == Internet || n.Kind == Clients {
			node("  ", n)
		}
	}
	fmt.Fprintf(b, "  subgraph account[%s]\n", mermaidText("AWS account "+m.Account+" · "+m.Region))
	if v := m.VPC; v != nil {
		fmt.Fprintf(b, "    subgraph vpc[%s]\n", mermaidText(append([]string{"VPC " + v.Name + " " + v.CIDR}, v.Facts...)...))
		for _, az := range v.AZs {
			fmt.Fprintf(b, "      subgraph az_%s[%s]\n", unsafeID.ReplaceAllString(az, "_"), mermaidText(az))
			for _, tier := range []string{Public, Private, Isolated} {
				for _, n := range m.Nodes {
					if n.AZ == az && n.Tier == tier {
						node("        ", n)
					}
				}
			}
			fmt.Fprintf(b, "      end\n")
		}
		for _, n := range m.Nodes {
			if n.InVPC && n.AZ == "" {
				node("      ", n)
			}
		}
		fmt.Fprintf(b, "    end\n")
	}
	for _, n := range m.Nodes {
		if !n.InVPC && !n.Baseline && n.Kind != Internet && n.Kind != Clients {
			node("    ", n)
		}
	}
	if controls := m.OfKind(Control); len(controls) > 0 {
		fmt.Fprintf(b, "    subgraph baseline[%s]\n", mermaidText("Account baseline"))
		for _, n := range controls {
			node("      ", n)
		}
		fmt.Fprintf(b, "    end\n")
	}
	fmt.Fprintf(b, "  end\n")
	for _, e := range m.Edges {
		label := ""
		if e.Label != "" {
			label = "|" + mermaidText(e.Label) + "|"
		}
		fmt.Fprintf(b, "  %s %s%s %s\n", e.From, mermaidArrow[e.Kind], label, e.To)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
