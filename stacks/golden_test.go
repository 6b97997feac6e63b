package stacks

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strata-infra/strata/plan"
)

// update rewrites the golden URN files: only when a change of identity is
// meant (a resource added, or one deliberately retired).
var update = flag.Bool("update", false, "rewrite testdata/*.urns from the current plans")

// TestGoldenURNs is the data-loss guard. Every URN of the checked-in stacks
// is in testdata/<stack>.urns; a URN there that the plan neither has nor
// answers to through an alias is a resource the next `pulumi up` would
// delete, or replace with a new one. New URNs must be added to the golden
// set (with -update) so that they are guarded from then on.
func TestGoldenURNs(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			p, err := planStack(t, stack, nil)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", stack+".urns")
			if *update {
				if err := os.WriteFile(file, []byte(strings.Join(p.URNs(), "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v: run `go test ./stacks -run TestGoldenURNs -update` once to write it", err)
			}
			golden := strings.Fields(string(raw))
			if msg := compareURNs(stack, golden, p); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// compareURNs explains what the plan would do to the golden set's
// resources, or returns "" when it keeps every one of them.
func compareURNs(stack string, golden []string, p *plan.Plan) string {
	var b strings.Builder
	if gone := p.Gone(golden); len(gone) > 0 {
		fmt.Fprintf(&b, "the next `pulumi up` of stack %s would delete these %d resources, or replace them where a resource of another name, parent or type takes their place:\n", stack, len(gone))
		for _, u := range gone {
			fmt.Fprintf(&b, "  %s\n", u)
		}
		b.WriteString("Add an alias (pulumi.Aliases) to the new resource naming the old one; if they are meant to go, run `go test ./stacks -run TestGoldenURNs -update` and say so in the commit.\n")
	}
	var added []string
	for _, u := range p.URNs() {
		if !slices.Contains(golden, u) {
			added = append(added, u)
		}
	}
	if len(added) > 0 {
		fmt.Fprintf(&b, "stack %s has %d resources the golden set does not guard yet; run `go test ./stacks -run TestGoldenURNs -update` to add them:\n", stack, len(added))
		for _, u := range added {
			fmt.Fprintf(&b, "  %s\n", u)
		}
	}
	return b.String()
}

// TestGoldenURNsCatchARenamedChild proves the guard on the real stack: the
// network's flow-log group renamed without an alias is reported by its URN
// as a resource pulumi up would delete.
func TestGoldenURNsCatchARenamedChild(t *testing.T) {
	p, err := planStack(t, "prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	golden := p.URNs()
	renamed := *p
	renamed.Resources = nil
	var old string
	for _, r := range p.Resources {
		c := *r
		if c.Type == "aws:cloudwatch/logGroup:LogGroup" && c.Name == NetworkName+"-flow-logs" {
			old = c.URN
			c.Name = NetworkName + "-flowlogs"
			c.URN = strings.TrimSuffix(c.URN, "::"+r.Name) + "::" + c.Name
		}
		renamed.Resources = append(renamed.Resources, &c)
	}
	if old == "" {
		t.Fatal("the prod plan has no flow-log group")
	}
	msg := compareURNs("prod", golden, &renamed)
	if !strings.Contains(msg, "would delete these 1 resources") || !strings.Contains(msg, old) {
		t.Errorf("a renamed child: message =\n%s\nwant it to name %s", msg, old)
	}
	// The same rename with an alias to the old URN keeps it.
	for _, r := range renamed.Resources {
		if r.Name == NetworkName+"-flowlogs" {
			r.Aliases = []string{old}
		}
	}
	if gone := renamed.Gone(golden); len(gone) != 0 {
		t.Errorf("a renamed child with an alias: Gone = %v, want none", gone)
	}
}

// TestMovedResourcesKeepTheirIdentity: the security groups and rules the
// Network made before the components owned them answer, through aliases,
// to their old URNs, and keep the inputs AWS cannot change in place (a
// group's description), so pulumi up updates them (tags) and replaces
// nothing.
func TestMovedResourcesKeepTheirIdentity(t *testing.T) {
	p, err := planStack(t, "prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	old := func(typ, name string) string {
		return "urn:pulumi:prod::strata::strata:network:Network$" + typ + "::" + name
	}
	moved := map[[2]string]string{}
	for k, v := range appMoves(1) {
		moved[k] = v
	}
	for k, v := range dbMoves() {
		moved[k] = v
	}
	descriptions := map[string]string{
		NetworkName + "-alb": "Load balancer: HTTPS and the HTTP redirect from allowed clients",
		NetworkName + "-app": "Application tier: traffic from the load balancer only",
		NetworkName + "-db":  "Database tier: traffic from the application tier only",
	}
	for k, oldName := range moved {
		r, err := p.Find(k[0], k[1])
		if err != nil {
			t.Errorf("moved resource: %v", err)
			continue
		}
		if !slices.Contains(p.AliasesOf(r), old(k[0], oldName)) {
			t.Errorf("%s %s has aliases %v, want %s", k[0], k[1], p.AliasesOf(r), old(k[0], oldName))
		}
		if want, ok := descriptions[oldName]; ok && r.Inputs["description"] != want {
			t.Errorf("%s description = %v, want the deployed %q (a new one replaces the group)", k[1], r.Inputs["description"], want)
		}
	}
	if len(moved) != 10 {
		t.Errorf("%d moved resources, want the 3 groups and 7 rules", len(moved))
	}
}
