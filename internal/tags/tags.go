// Package tags holds the tag keys strata's components and tools agree on.
package tags

// Warning marks a resource with a weakness the caller chose (plain HTTP, a
// timeout the API cuts short); `strata plan` lists every resource that
// carries it. Its value is the explanation, in tag-value characters.
const Warning = "strata:warning"

// SuppressPrefix starts the tag that suppresses one check on the resource
// that carries it: strata:suppress:<CHECK-ID>, whose value is the reason
// (strata check lists it). A resource that takes no tags (an attachment,
// an API route) is covered by the tags of its role or API.
const SuppressPrefix = "strata:suppress:"

// Suppress is the tag key that suppresses check on its resource.
func Suppress(check string) string { return SuppressPrefix + check }
