package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/network"
)

// Resource types whose URNs the refactoring moved.
const (
	securityGroupType = "aws:ec2/securityGroup:SecurityGroup"
	ingressRuleType   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressRuleType    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

// movedFromNetwork keeps deployed resources in place across a move: until
// the components owned their security groups, the Network made them, with
// its name as prefix. renames maps a child's type and new name to its old
// name under the Network; each such child gets an alias to it, so pulumi up
// updates it (its tags) instead of replacing it. It is a transformation on
// the new owner, which the SDK applies to every child as it registers.
func movedFromNetwork(net *network.Network, renames map[[2]string]string) pulumi.ResourceOption {
	return pulumi.Transformations([]pulumi.ResourceTransformation{func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		old, ok := renames[[2]string{args.Type, args.Name}]
		if !ok {
			return nil
		}
		alias := pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(old), Parent: net}})
		return &pulumi.ResourceTransformationResult{Props: args.Props, Opts: append(args.Opts, alias)}
	}})
}

// appMoves are the app's groups and rules as the Network named them, and
// the database path that its grant now opens.
func appMoves(cidrs int) map[[2]string]string {
	net, app, db := NetworkName, AppName, DBName
	m := map[[2]string]string{
		{securityGroupType, app + "-alb"}:          net + "-alb",
		{securityGroupType, app + "-tasks"}:        net + "-app",
		{egressRuleType, app + "-alb-to-tasks"}:    net + "-alb-to-app",
		{ingressRuleType, app + "-tasks-from-alb"}: net + "-app-from-alb",
		{egressRuleType, app + "-tasks-https-out"}: net + "-app-https-out",
		{egressRuleType, app + "-to-" + db}:        net + "-app-to-db",
		{ingressRuleType, db + "-from-" + app}:     net + "-db-from-app",
	}
	for i := range cidrs {
		m[[2]string{ingressRuleType, fmt.Sprintf("%s-alb-https-in-%d", app, i)}] = fmt.Sprintf("%s-alb-https-in-%d", net, i)
		m[[2]string{ingressRuleType, fmt.Sprintf("%s-alb-http-in-%d", app, i)}] = fmt.Sprintf("%s-alb-http-in-%d", net, i)
	}
	return m
}

// dbMoves is the database's group as the Network named it.
func dbMoves() map[[2]string]string {
	return map[[2]string]string{{securityGroupType, DBName}: NetworkName + "-db"}
}
