package architecture_test

import (
	"fmt"
	"strings"

	"github.com/strata-infra/strata/architecture"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/stacks"
)

// Read a planned stack as an architecture: its network, who can reach
// whom, and a Mermaid flowchart of it for a Markdown page.
func ExampleRead() {
	opts, err := plan.StackOptions("..", "dev")
	if err != nil {
		panic(err)
	}
	p, err := plan.Run(stacks.Deploy, opts)
	if err != nil {
		panic(err)
	}
	m := architecture.Read(p)
	fmt.Println(m.VPC.CIDR, m.VPC.AZs, len(m.OfKind(architecture.NAT)), "NAT")
	for _, e := range m.Edges {
		if e.Kind == architecture.Reach {
			fmt.Println(m.Node(e.From).Label(), "→", m.Node(e.To).Label(), e.Label)
		}
	}
	// m.DOT, m.Mermaid and m.Render(ctx, "svg", w) draw it.
	var md strings.Builder
	if err := m.Mermaid(&md); err != nil {
		panic(err)
	}
	fmt.Println(strings.Split(md.String(), "\n")[3])
	// Output:
	// 10.10.0.0/16 [us-east-1a us-east-1b] 1 NAT
	// Internet → API api HTTPS 443
	// Internet → load balancer web TCP 80
	// load balancer web → service web TCP 8080
	// service web → database main TCP 5432
	// subnet main-private-1 → NAT main-nat TCP 80, TCP 443
	// subnet main-private-2 → NAT main-nat TCP 80, TCP 443
	// flowchart TB
}
