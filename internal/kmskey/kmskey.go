// Package kmskey creates the customer-managed KMS keys strata's components
// encrypt with: symmetric, rotated yearly, a 30-day deletion window, an
// alias, and an explicit key policy that names the account root and only the
// AWS service principals that must use the key, each scoped to this account.
// It never writes a wildcard principal.
package kmskey

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
)

// Defaults every key gets.
const (
	DeletionWindowDays = 30  // the longest AWS allows (7-30)
	RotationPeriodDays = 365 // AWS's default rotation period (90-2560)
)

// Service is an AWS service principal that must use a key, with the
// conditions that confine it to this account's use.
type Service struct {
	// Sid names the statement. Default: "Allow" and the service's name.
	Sid string
	// Principal is the service principal, such as "budgets.amazonaws.com".
	Principal string
	// Actions are the KMS actions it needs, such as kms:GenerateDataKey*.
	Actions []string
	// Conditions confine the statement; New adds aws:SourceAccount unless
	// NoSourceAccount is set.
	Conditions map[string]map[string]any
	// NoSourceAccount leaves out the aws:SourceAccount condition, for
	// services that do not send it.
	NoSourceAccount bool
}

// Args describe a key.
type Args struct {
	// Description says what the key protects. Required.
	Description string
	// AliasPrefix starts the key's alias name; it must begin with "alias/".
	// A unique suffix is added so stacks in one account do not collide.
	AliasPrefix string
	// Services are the service principals that may use the key.
	Services []Service
}

// Key is a created key and its alias.
type Key struct {
	Key   *kms.Key
	Alias *kms.Alias
}

// Policy returns the key policy for the account and services.
func Policy(acct awsenv.Env, services []Service) (string, error) {
	statements := []iamdoc.Statement{{
		// The account root keeps full control, so IAM policies in the account
		// can grant use of the key and the key can never become unmanageable.
		Sid:       "AccountRootManagesKey",
		Effect:    iamdoc.Allow,
		Principal: map[string]any{"AWS": acct.ARN("iam", "", "root")},
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	}}
	for _, s := range services {
		if s.Principal == "" || len(s.Actions) == 0 {
			return "", errors.New("kmskey: a service needs a principal and actions")
		}
		cond := map[string]map[string]any{}
		for op, kv := range s.Conditions {
			cond[op] = map[string]any{}
			for k, v := range kv {
				cond[op][k] = v
			}
		}
		if !s.NoSourceAccount {
			if cond["StringEquals"] == nil {
				cond["StringEquals"] = map[string]any{}
			}
			cond["StringEquals"]["aws:SourceAccount"] = acct.AccountID
		}
		if len(cond) == 0 {
			return "", fmt.Errorf("kmskey: service %s has no condition; every service statement must be scoped", s.Principal)
		}
		sid := s.Sid
		if sid == "" {
			sid = "Allow" + sidOf(s.Principal)
		}
		statements = append(statements, iamdoc.Statement{
			Sid:       sid,
			Effect:    iamdoc.Allow,
			Principal: map[string]any{"Service": s.Principal},
			Action:    slices.Clone(s.Actions),
			Resource:  []string{"*"}, // in a key policy, "*" is this key
			Condition: cond,
		})
	}
	return iamdoc.New(statements...).JSON()
}

// sidOf turns "budgets.amazonaws.com" into "Budgets" and
// "vpc-flow-logs.amazonaws.com" into "VpcFlowLogs".
func sidOf(principal string) string {
	name, _, _ := strings.Cut(principal, ".")
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		for i, r := range part {
			if i == 0 {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// New creates a key named name and its alias, both children of parent's
// options (pass pulumi.Parent(component)).
func New(ctx *pulumi.Context, name string, acct awsenv.Env, args Args, opts ...pulumi.ResourceOption) (*Key, error) {
	policy, err := Policy(acct, args.Services)
	if err != nil {
		return nil, err
	}
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:           pulumi.String(args.Description),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:     pulumi.Bool(true),
		RotationPeriodInDays:  pulumi.Int(RotationPeriodDays),
		DeletionWindowInDays:  pulumi.Int(DeletionWindowDays),
		IsEnabled:             pulumi.Bool(true),
		Policy:                pulumi.String(policy),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating key: %w", err)
	}
	alias, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
		NamePrefix:  pulumi.String(args.AliasPrefix),
		TargetKeyId: key.KeyId,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating alias: %w", err)
	}
	return &Key{Key: key, Alias: alias}, nil
}

// Logs lets CloudWatch Logs of env's Region use a key for the log groups
// whose names match pattern (such as "web-*"), in this account only: by
// encryption context, since CloudWatch Logs sends no aws:SourceAccount.
func Logs(env awsenv.Env, pattern string) Service {
	return Service{
		Sid:       "AllowCloudWatchLogs",
		Principal: "logs." + env.Region + ".amazonaws.com",
		Actions:   []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
		Conditions: map[string]map[string]any{
			"ArnLike": {"kms:EncryptionContext:aws:logs:arn": env.ARN("logs", env.Region, "log-group:"+pattern)},
		},
		NoSourceAccount: true,
	}
}
