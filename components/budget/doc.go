// Package budget provides Budget (type token strata:budget:Budget): an AWS
// cost budget in USD whose alerts reach people by e-mail and, optionally,
// an encrypted SNS topic.
//
// Budgets without actions cost nothing. Filtered on a cost-allocation tag,
// a budget watches one environment's spend; the tag must first be activated
// for cost allocation in the billing console (Billing and Cost Management,
// Cost allocation tags), or the budget sees no costs.
//
// # Defaults
//
// Always on, not configurable:
//   - A COST budget in USD.
//   - With Topic, the topic is encrypted with a customer-managed key whose
//     policy lets budgets.amazonaws.com of this account (aws:SourceAccount)
//     use it, and the topic policy lets only AWS Budgets of this account
//     (aws:SourceAccount, aws:SourceArn) publish, and denies publishing
//     without TLS.
//
// Knobs and their defaults:
//   - LimitUSD: required, above 0.
//   - TimeUnit: MONTHLY.
//   - Notifications: DefaultNotifications(), the seed's FORECASTED above
//     80 % and ACTUAL above 100 %. At most 10; FORECASTED is not available
//     on DAILY budgets.
//   - EmailAddresses: none (at most 10); Topic: false. Notifications need at
//     least one subscriber and at most 11.
//   - KMSKeyARN: the component creates the topic's key.
//   - FilterTag: none, the whole account's costs.
//
// # Resources
//
// For a Budget named N:
//   - aws:budgets/budget:Budget "N"
//   - with Topic: aws:sns/topic:Topic "N", aws:sns/topicPolicy:TopicPolicy
//     "N", and unless KMSKeyARN is given, aws:kms/key:Key "N" and
//     aws:kms/alias:Alias "N" (alias/N-budget-…)
//
// Cost tags (Project, Environment, Owner, CostCenter, ManagedBy) come from
// the provider you pass: make it with package awsprovider, whose default
// tags reach every resource the component creates.
package budget
