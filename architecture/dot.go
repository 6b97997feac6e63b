package architecture

import (
	"fmt"
	"io"
	"strings"
)

// style is how a kind of node is drawn.
type style struct{ shape, fill string }

var styles = map[Kind]style{
	Internet:     {"ellipse", "#eeeeee"},
	Clients:      {"ellipse", "#eeeeee"},
	LoadBalancer: {"box", "#fde7c7"},
	Service:      {"box", "#dbeafe"},
	Function:     {"box", "#fef3c7"},
	API:          {"box", "#ede9fe"},
	Database:     {"cylinder", "#dcfce7"},
	Instance:     {"cylinder", "#ecfdf5"},
	Server:       {"box3d", "#e0f2fe"},
	Table:        {"cylinder", "#dcfce7"},
	Bucket:       {"folder", "#fce7f3"},
	Keys:         {"box", "#f3f4f6"},
	Topic:        {"box", "#fee2e2"},
	Logs:         {"box", "#f3f4f6"},
	Budget:       {"box", "#fef9c3"},
	NAT:          {"box", "#fff7ed"},
	Endpoint:     {"box", "#f3f4f6"},
	Control:      {"box", "#e5e7eb"},
}

var tierFill = map[string]string{Public: "#ecfdf5", Private: "#eff6ff", Isolated: "#f5f3ff"}

// edgeStyle is how a kind of edge is drawn in DOT.
var edgeStyle = map[EdgeKind]string{
	Reach:    `color="#1f2937"`,
	Invoke:   `color="#6d28d9"`,
	Grant:    `style=dashed, color="#2563eb", fontcolor="#2563eb"`,
	Route:    `style=dotted, color="#9a3412", fontcolor="#9a3412"`,
	LogsTo:   `style=dotted, color="#6b7280", fontcolor="#6b7280"`,
	AlarmsTo: `style=dotted, color="#dc2626", fontcolor="#dc2626"`,
	Part:     `style=dashed, arrowhead=none, color="#15803d"`,
}

// Title is what the diagram says it shows.
func (m *Model) Title() string {
	return fmt.Sprintf("%s · %s · %s · account %s", m.Project, m.Stack, m.Region, m.Account)
}

// lines are a node's text: what it is and its facts, one per line.
func (n *Node) lines() []string {
	switch n.Kind {
	case Subnet:
		return n.Facts
	case Instance:
		return append([]string{"instance " + n.Name}, n.Facts...)
	}
	return append([]string{n.Label()}, n.Facts...)
}

// dotQuote quotes s as a DOT string, with \n for line breaks.
func dotQuote(lines ...string) string {
	for i, l := range lines {
		lines[i] = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(l)
	}
	return `"` + strings.Join(lines, `\n`) + `"`
}

// DOT writes the model as a Graphviz graph: the account around the VPC,
// one column per AZ with its public, private and isolated subnets, its NAT
// and its database instances; what spans the AZs in the VPC beside them;
// the regional services and the account baseline beside the VPC; and an
// edge for each relation, styled by kind.
func (m *Model) DOT(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "digraph architecture {\n")
	fmt.Fprintf(b, "  graph [label=%s, labelloc=t, fontname=\"Helvetica\", fontsize=14, rankdir=TB, newrank=true, nodesep=0.35, ranksep=0.55];\n", dotQuote(m.Title()))
	fmt.Fprintf(b, "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#4b5563\"];\n")
	fmt.Fprintf(b, "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#4b5563\"];\n")
	node := func(indent string, n *Node) {
		st := styles[n.Kind]
		fill := st.fill
		if n.Kind == Subnet {
			fill = tierFill[n.Tier]
		}
		shape := st.shape
		if shape == "" {
			shape = "box"
		}
		fmt.Fprintf(b, "%s%s [label=%s, shape=%s, fillcolor=%q];\n", indent, n.ID, dotQuote(n.lines()...), shape, fill)
	}
	for _, n := range m.Nodes {
		if n.Kind == Internet || n.Kind == Clients {
			node("  ", n)
		}
	}
	fmt.Fprintf(b, "  subgraph cluster_account {\n    label=%s; style=\"rounded\"; color=\"#9ca3af\";\n", dotQuote("AWS account "+m.Account+" · "+m.Region))
	if v := m.VPC; v != nil {
		fmt.Fprintf(b, "    subgraph cluster_vpc {\n      label=%s; style=\"rounded,filled\"; fillcolor=\"#f8fafc\"; color=\"#64748b\";\n",
			dotQuote(append([]string{"VPC " + v.Name + " " + v.CIDR}, v.Facts...)...))
		for _, az := range v.AZs {
			fmt.Fprintf(b, "      subgraph cluster_az_%s {\n        label=%s; style=\"dashed\"; color=\"#94a3b8\";\n", unsafeID.ReplaceAllString(az, "_"), dotQuote(az))
			var column []string
			for _, tier := range []string{Public, Private, Isolated} {
				var row []string
				for _, n := range m.Nodes {
					if n.AZ == az && n.Tier == tier {
						node("        ", n)
						row = append(row, n.ID)
						if n.Kind == Subnet {
							column = append(column, n.ID)
						}
					}
				}
				if len(row) > 1 {
					// A NAT sits in its public subnet, instances in the
					// isolated one: one row each.
					fmt.Fprintf(b, "        {rank=same; %s}\n", strings.Join(row, "; "))
				}
			}
			if len(column) > 1 {
				// Keep each AZ's tiers in order, top to bottom.
				fmt.Fprintf(b, "        %s [style=invis];\n", strings.Join(column, " -> "))
			}
			fmt.Fprintf(b, "      }\n")
		}
		// Each tier is one row across the AZs.
		for _, tier := range []string{Public, Private, Isolated} {
			var row []string
			for _, n := range m.Nodes {
				if n.Kind == Subnet && n.Tier == tier {
					row = append(row, n.ID)
				}
			}
			if len(row) > 1 {
				fmt.Fprintf(b, "      {rank=same; %s}\n", strings.Join(row, "; "))
				if tier == Public {
					// The AZs left to right in order.
					fmt.Fprintf(b, "      %s [style=invis];\n", strings.Join(row, " -> "))
				}
			}
		}
		for _, n := range m.Nodes {
			if n.InVPC && n.AZ == "" {
				node("      ", n)
			}
		}
		fmt.Fprintf(b, "    }\n")
	}
	fmt.Fprintf(b, "    subgraph cluster_regional {\n      label=\"Regional services\"; style=\"rounded\"; color=\"#d1d5db\";\n")
	for _, n := range m.Nodes {
		if !n.InVPC && !n.Baseline && n.Kind != Internet && n.Kind != Clients {
			node("      ", n)
		}
	}
	fmt.Fprintf(b, "    }\n")
	if controls := m.OfKind(Control); len(controls) > 0 {
		fmt.Fprintf(b, "    subgraph cluster_baseline {\n      label=\"Account baseline\"; style=\"rounded,filled\"; fillcolor=\"#f9fafb\"; color=\"#9ca3af\";\n")
		for _, n := range controls {
			node("      ", n)
		}
		fmt.Fprintf(b, "    }\n")
	}
	fmt.Fprintf(b, "  }\n")
	for _, e := range m.Edges {
		attrs := edgeStyle[e.Kind]
		if e.Kind == Route || e.Kind == Part {
			// The NAT sits beside its public subnet, and the instances in
			// their AZ's column: these edges must not rank or reorder the
			// columns (a database's edges to its instances would pull the
			// AZs that have one towards it, out of order).
			attrs += ", constraint=false"
		}
		if e.Label != "" {
			attrs += ", label=" + dotQuote(e.Label)
		}
		fmt.Fprintf(b, "  %s -> %s [%s];\n", e.From, e.To, attrs)
	}
	fmt.Fprintf(b, "}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
