package iamdoc

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// PermissionsBoundary is a role's permissionsBoundary input: the managed
// policy ARN, or nil (no boundary) when arn is empty.
func PermissionsBoundary(arn string) pulumi.StringPtrInput {
	if arn == "" {
		return nil
	}
	return pulumi.String(arn)
}
