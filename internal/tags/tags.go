// Package tags holds the tag keys strata's components and tools agree on.
package tags

// Warning marks a resource with a weakness the caller chose (plain HTTP, a
// timeout the API cuts short); `strata plan` lists every resource that
// carries it. Its value is the explanation, in tag-value characters.
const Warning = "strata:warning"
