// Package iamusers is a program written without strata: a CI user with an
// inline admin policy, an ops group with one, a role whose inline policy
// allows everything, and a role with AdministratorAccess attached by
// managedPolicyArns. It is planned and checked by strata's tests; it is
// never deployed.
package iamusers

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const everything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// Program is the program's pulumi.RunFunc.
func Program(ctx *pulumi.Context) error {
	user, err := iam.NewUser(ctx, "ci", nil)
	if err != nil {
		return err
	}
	if _, err := iam.NewUserPolicy(ctx, "ci", &iam.UserPolicyArgs{User: user.Name, Policy: pulumi.String(everything)}); err != nil {
		return err
	}
	group, err := iam.NewGroup(ctx, "ops", nil)
	if err != nil {
		return err
	}
	if _, err := iam.NewGroupPolicy(ctx, "ops", &iam.GroupPolicyArgs{Group: group.Name, Policy: pulumi.String(everything)}); err != nil {
		return err
	}
	if _, err := iam.NewRole(ctx, "worker", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(lambdaTrust),
		InlinePolicies: iam.RoleInlinePolicyArray{&iam.RoleInlinePolicyArgs{
			Name: pulumi.String("all"), Policy: pulumi.String(everything),
		}},
	}); err != nil {
		return err
	}
	_, err = iam.NewRole(ctx, "admin", &iam.RoleArgs{
		AssumeRolePolicy:  pulumi.String(lambdaTrust),
		ManagedPolicyArns: pulumi.StringArray{pulumi.String("arn:aws:iam::aws:policy/AdministratorAccess")},
	})
	return err
}
