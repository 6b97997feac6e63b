// Package grant defines what a grant is: everything a compute component (an
// AppService, a ServerlessAPI) needs to use one resource, handed out by the
// resource's own component so that no piece can be forgotten.
//
// A grant carries up to four pieces:
//   - Policy: IAM statements for the consumer's runtime role (its task role
//     or function role), scoped to that resource and its key;
//   - Network: a path from the consumer's security group to the resource's,
//     on one port, which the consumer opens with one egress rule on its own
//     group and one ingress rule on the resource's, both by security-group
//     reference;
//   - Environment: the plain settings the consumer's code reads (a host, a
//     port, a bucket name);
//   - Secrets: values the consumer's code reads from Secrets Manager, which
//     it gets as environment variables (ECS, through the execution role and
//     valueFrom) or reads itself by ARN (Lambda, through its own role).
//
// Components make grants, so a call site reads as what it means:
//
//	db.Connect(nil)                      // auroradb: network, settings, password from the secret
//	db.Connect(&auroradb.ConnectOptions{IAMUser: "app"}) // rds-db:connect, no password
//	bucket.Grant(securebucket.ReadWrite) // securebucket: objects and key, BUCKET_NAME
//
// This package imports no component.
package grant

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/iamdoc"
)

// Grant is everything a consumer needs to use one resource. Make grants
// with the granted component's methods; the zero Grant grants nothing and
// is refused.
type Grant struct {
	// What names the granted resource in messages, such as "database main"
	// or "bucket data read-write".
	What string
	// Policy is an IAM policy document (JSON) for the consumer's runtime
	// role, or nil when the grant needs none.
	Policy pulumi.StringInput
	// Network opens a path to the resource's security group, or is nil
	// when the resource is reached through AWS's API (a bucket, a table).
	Network *Network
	// Environment holds the settings the consumer's code reads, by
	// environment variable name.
	Environment map[string]pulumi.StringInput
	// Secrets are values kept in Secrets Manager that the consumer's code
	// reads.
	Secrets []Secret
	// Err says why the grant could not be made (options the granting
	// component refused); consumers report it among their own problems and
	// register nothing.
	Err error
}

// IsZero reports whether g grants nothing.
func (g Grant) IsZero() bool {
	return g.Policy == nil && g.Network == nil && len(g.Environment) == 0 && len(g.Secrets) == 0 && g.Err == nil
}

// Network is a path from the consumer's security group to a resource's.
type Network struct {
	// Name is the granted component's name; the consumer names the rules
	// <consumer>-to-<Name> (egress, on its own group) and
	// <Name>-from-<consumer> (ingress, on SecurityGroupID).
	Name string
	// SecurityGroupID is the resource's security group.
	SecurityGroupID pulumi.StringInput
	// Port is the one TCP port the path opens.
	Port int
	// Protocol names what flows on Port, for the rules' descriptions, such
	// as "PostgreSQL".
	Protocol string
	// VpcID is the resource's VPC: a path by group reference works only
	// inside one VPC, so OpenPaths refuses a consumer in another.
	VpcID pulumi.StringInput
}

// Secret is one value of a Secrets Manager secret.
type Secret struct {
	// Env is the environment variable the value arrives in, where the
	// consumer can inject secrets (ECS's valueFrom).
	Env string
	// ARNEnv is the environment variable that holds the secret's ARN,
	// where the consumer's code reads the secret itself (Lambda).
	ARNEnv string
	// ARN is the secret's ARN.
	ARN pulumi.StringInput
	// JSONKey picks one key of a JSON secret, such as "password".
	JSONKey string
	// KMSKeyARN is the customer-managed key the secret is encrypted with,
	// or nil for the AWS managed key.
	KMSKeyARN pulumi.StringInput
}

// Problems checks the grants a consumer was given: none may be empty or
// refused by its component (Err), a network path needs a name, a group and
// a port, and no two may set one environment variable, nor one the
// consumer already sets (taken maps a name to where it comes from, such as
// "Environment"). names lists the variables a grant sets in this consumer.
// Each problem names the grant as Grants[i] (What).
func Problems(grants []Grant, taken map[string]string, names func(Grant) []string) []string {
	var out []string
	from := map[string]string{}
	paths := map[string]string{}
	for k, v := range taken {
		from[k] = v
	}
	for i, g := range grants {
		where := fmt.Sprintf("Grants[%d]", i)
		if g.IsZero() {
			out = append(out, where+" is empty: make grants with the granted component (db.Connect, bucket.Grant)")
			continue
		}
		where += " (" + g.What + ")"
		if g.Err != nil {
			out = append(out, fmt.Sprintf("%s: %v", where, g.Err))
		}
		if n := g.Network; n != nil && (n.SecurityGroupID == nil || n.Port < 1 || n.Port > 65535 || n.Name == "") {
			out = append(out, where+" opens a network path without a name, a security group or a port 1 to 65535")
		}
		if n := g.Network; n != nil && n.Name != "" {
			// The path's rules are named after it: two of one name clash.
			if prev, dup := paths[n.Name]; dup {
				out = append(out, fmt.Sprintf("%s opens a path named %q, as %s does: their rules would have one name; name one of the two components differently", where, n.Name, prev))
			} else {
				paths[n.Name] = where
			}
		}
		seen := map[string]bool{}
		for _, name := range names(g) {
			if seen[name] {
				continue
			}
			seen[name] = true
			if prev, dup := from[name]; dup {
				out = append(out, fmt.Sprintf("%s sets %s, which %s sets too: a variable has one source", where, name, prev))
				continue
			}
			from[name] = where
		}
	}
	return out
}

// OpenPaths opens the network path of every grant that has one, for the
// consumer named consumer whose security group is group: an egress rule on
// group to the resource's group, <consumer>-to-<Network.Name>, and an
// ingress rule on the resource's group from group,
// <Network.Name>-from-<consumer>, both on the one port and by reference,
// both children of the consumer (opts carry its parent), so deleting the
// consumer closes them. With consumerVPC and the grant's VpcID, a consumer
// in another VPC than the resource fails naming both.
func OpenPaths(ctx *pulumi.Context, consumer string, consumerVPC pulumi.StringInput, group pulumi.IDOutput, grants []Grant, opts ...pulumi.ResourceOption) error {
	for _, g := range grants {
		n := g.Network
		if n == nil {
			continue
		}
		from := group.ToStringOutput()
		if consumerVPC != nil && n.VpcID != nil {
			// Both VPCs are known by the time the rule is made: a path
			// across VPCs fails the deployment here, naming both, rather
			// than at AWS with an opaque error.
			what := g.What
			from = pulumi.All(consumerVPC, n.VpcID, group).ApplyT(func(v []any) (string, error) {
				mine, theirs := fmt.Sprint(v[0]), fmt.Sprint(v[1])
				if mine != "" && theirs != "" && mine != theirs {
					return "", fmt.Errorf("%s is in VPC %s, %s in VPC %s: a security-group path works only inside one VPC (peer the VPCs and name CIDRs instead)", consumer, mine, what, theirs)
				}
				return fmt.Sprint(v[2]), nil
			}).(pulumi.StringOutput)
		}
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, consumer+"-to-"+n.Name, &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: from, IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(n.Port), ToPort: pulumi.Int(n.Port),
			ReferencedSecurityGroupId: n.SecurityGroupID.ToStringOutput(),
			Description:               pulumi.Sprintf("To %s (%s)", g.What, n.Protocol),
		}, opts...); err != nil {
			return fmt.Errorf("opening the path to %s: %w", g.What, err)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, n.Name+"-from-"+consumer, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: n.SecurityGroupID, IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(n.Port), ToPort: pulumi.Int(n.Port),
			ReferencedSecurityGroupId: from,
			Description:               pulumi.Sprintf("From %s (%s)", consumer, n.Protocol),
		}, opts...); err != nil {
			return fmt.Errorf("opening the path to %s: %w", g.What, err)
		}
	}
	return nil
}

// SecretReadPolicy is an IAM policy document that lets a role read the
// given secrets and decrypt them with their keys only through Secrets
// Manager in region. It is what a consumer that reads secrets itself puts
// on its role.
func SecretReadPolicy(region string, secrets []Secret) pulumi.StringOutput {
	ins := make([]any, 0, 2*len(secrets))
	for _, s := range secrets {
		ins = append(ins, s.ARN, optional(s.KMSKeyARN))
	}
	return pulumi.All(ins...).ApplyT(func(v []any) (string, error) {
		var arns, keys []string
		for i := 0; i < len(v); i += 2 {
			arns = appendNew(arns, v[i].(string))
			if k := v[i+1].(string); k != "" {
				keys = appendNew(keys, k)
			}
		}
		statements := []iamdoc.Statement{{
			Sid: "ReadSecrets", Effect: iamdoc.Allow,
			Action: []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, Resource: arns,
		}}
		if len(keys) > 0 {
			statements = append(statements, iamdoc.Statement{
				Sid: "DecryptSecrets", Effect: iamdoc.Allow, Action: []string{"kms:Decrypt"}, Resource: keys,
				Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "secretsmanager." + region + ".amazonaws.com"}},
			})
		}
		return iamdoc.New(statements...).JSON()
	}).(pulumi.StringOutput)
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// optional turns a nil input into an empty string.
func optional(in pulumi.StringInput) pulumi.StringInput {
	if in == nil {
		return pulumi.String("")
	}
	return in
}
