// Package servicetopic makes the SNS topic an AWS service notifies: encrypted
// with a customer-managed key that only that service (for this account) and
// the account may use, publishable only by that service, for this account
// and its own resources, and only over TLS.
package servicetopic

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/kmskey"
)

// Args describe the topic.
type Args struct {
	// Principal is the publishing service, such as budgets.amazonaws.com.
	Principal string
	// SourceARN limits publishing to the service's resources of this
	// account (aws:SourceArn, ArnLike).
	SourceARN string
	// Sid names the publishing statement.
	Sid string
	// KeyDescription and AliasPrefix describe the key New makes when
	// KMSKeyARN is nil.
	KeyDescription, AliasPrefix string
	// KMSKeyARN is a key to use instead of making one.
	KMSKeyARN pulumi.StringInput
}

// New makes the key (unless given), the topic and its policy, all named
// name, and returns the topic's ARN.
func New(ctx *pulumi.Context, name string, env awsenv.Env, a Args, opts ...pulumi.ResourceOption) (pulumi.StringOutput, error) {
	keyArn := a.KMSKeyARN
	if keyArn == nil {
		key, err := kmskey.New(ctx, name, env, kmskey.Args{
			Description: a.KeyDescription,
			AliasPrefix: a.AliasPrefix,
			Services:    []kmskey.Service{{Principal: a.Principal, Actions: []string{"kms:GenerateDataKey*", "kms:Decrypt"}}},
		}, opts...)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		keyArn = key.Key.Arn
	}
	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{KmsMasterKeyId: keyArn}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	policy := topic.Arn.ApplyT(func(arn string) (string, error) {
		return iamdoc.New(
			iamdoc.Statement{
				Sid: a.Sid, Effect: iamdoc.Allow,
				Principal: map[string]any{"Service": a.Principal},
				Action:    []string{"sns:Publish"}, Resource: []string{arn},
				Condition: map[string]map[string]any{
					"StringEquals": {"aws:SourceAccount": env.AccountID},
					"ArnLike":      {"aws:SourceArn": a.SourceARN},
				},
			},
			iamdoc.Statement{
				Sid: "DenyInsecureTransport", Effect: iamdoc.Deny,
				Principal: map[string]any{"AWS": "*"},
				Action:    []string{"sns:Publish"}, Resource: []string{arn},
				Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
			},
		).JSON()
	}).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(ctx, name, &sns.TopicPolicyArgs{Arn: topic.Arn, Policy: policy}, opts...); err != nil {
		return pulumi.StringOutput{}, err
	}
	return topic.Arn, nil
}
