// Package alerting provides Alerting (type token strata:alerting:Alerting):
// the one topic a stack's alarms notify, and the dashboard of the stack.
//
// # Defaults
//
// Always on, not configurable:
//   - The topic is encrypted with its own customer-managed key (rotated
//     yearly) that only CloudWatch of this account and the account may use.
//   - Only CloudWatch of this account, for its own alarms (aws:SourceAccount,
//     aws:SourceArn arn:aws:cloudwatch:<region>:<account>:alarm:*), may
//     publish, and nothing may publish without TLS.
//
// Knobs and their defaults:
//   - Emails: e-mail subscribers, at most 10. Default: none (subscribe
//     chat or paging to the topic yourself).
//   - Dashboard (a method): a CloudWatch dashboard named <project>-<stack>
//     of the components' rows (their Dashboard fields).
//
// # Resources
//
// For an Alerting named N:
//   - aws:kms/key:Key and aws:kms/alias:Alias "N" (alias/N-alarms-…)
//   - aws:sns/topic:Topic and aws:sns/topicPolicy:TopicPolicy "N"
//   - aws:sns/topicSubscription:TopicSubscription "N-email-I", per e-mail
//   - aws:cloudwatch/dashboard:Dashboard "N", with Dashboard
//
// Cost tags (Project, Environment, Owner, CostCenter, ManagedBy) come from
// the provider you pass: make it with package awsprovider, whose default
// tags reach every resource the component creates.
package alerting
