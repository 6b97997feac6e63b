// Package stacks composes strata's components into the program `pulumi up`
// runs, one stack per environment.
//
// Environments are Go data: Defaults is the one place where production and
// the other environments differ, and a stack file (Pulumi.<stack>.yaml)
// carries only what differs from its profile. Load decodes the stack's
// config strictly: an unknown key is an error that names it and suggests the
// nearest valid one, and production guard rails (two or more AZs, a NAT
// route out, a year of flow logs) are errors, not warnings. Deploy creates
// one explicit AWS provider whose default tags (Project, Environment,
// ManagedBy, Owner, CostCenter) reach every resource, and in production
// protects every component so nothing is deleted or replaced by accident.
//
// # Config
//
//	strata:environment  profile to use; default the stack name ("prod" is production)
//	strata:owner        Owner tag; required
//	strata:costCenter   CostCenter tag; required
//	strata:network      object: cidr, availabilityZones, natGateways (single|perAz|none),
//	                    publicSubnetCidrs, privateSubnetCidrs, isolatedSubnetCidrs,
//	                    flowLogRetentionDays, flowLogTrafficType, allowedIngressCidrs, appPort
//	strata:permissionsBoundary  managed policy ARN: the boundary of every service role
//	aws:region          AWS Region; required
package stacks
