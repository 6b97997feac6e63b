// Package lambdaruntime knows which Lambda runtimes AWS supports, for the
// ServerlessAPI's validation and strata check alike.
package lambdaruntime

import (
	"fmt"
	"slices"
	"strings"
)

// supported are the runtimes AWS still supports, and deprecated the ones it
// no longer does, with what to use instead. Update both when AWS's runtime
// calendar moves.
var (
	supported = []string{
		"nodejs20.x", "nodejs22.x", "python3.10", "python3.11", "python3.12", "python3.13",
		"java17", "java21", "dotnet8", "ruby3.3", "ruby3.4", "provided.al2", "provided.al2023",
	}
	deprecated = map[string]string{
		"go1.x": "provided.al2023 (handler bootstrap)", "provided": "provided.al2023",
		"nodejs": "nodejs22.x", "nodejs4.3": "nodejs22.x", "nodejs6.10": "nodejs22.x", "nodejs8.10": "nodejs22.x",
		"nodejs10.x": "nodejs22.x", "nodejs12.x": "nodejs22.x", "nodejs14.x": "nodejs22.x", "nodejs16.x": "nodejs22.x", "nodejs18.x": "nodejs22.x",
		"python2.7": "python3.13", "python3.6": "python3.13", "python3.7": "python3.13", "python3.8": "python3.13", "python3.9": "python3.13",
		"java8": "java21", "java8.al2": "java21", "java11": "java21",
		"dotnetcore1.0": "dotnet8", "dotnetcore2.0": "dotnet8", "dotnetcore2.1": "dotnet8", "dotnetcore3.1": "dotnet8", "dotnet5.0": "dotnet8", "dotnet6": "dotnet8", "dotnet7": "dotnet8",
		"ruby2.5": "ruby3.4", "ruby2.7": "ruby3.4", "ruby3.2": "ruby3.4",
	}
)

// Problem says what is wrong with a Lambda runtime, naming its replacement
// when AWS deprecated it, or returns "" for a supported one.
func Problem(runtime string) string {
	if why := Why(runtime); why != "" {
		return "Runtime " + why
	}
	return ""
}

// Why is Problem without the field's name, for a message that names the
// field itself: `"go1.x" is deprecated …`.
func Why(runtime string) string {
	if repl, gone := deprecated[runtime]; gone {
		return fmt.Sprintf("%q is deprecated and AWS no longer supports it: use %s", runtime, repl)
	}
	if !slices.Contains(supported, runtime) {
		return fmt.Sprintf("%q is not a runtime strata knows AWS supports (%s)", runtime, strings.Join(supported, ", "))
	}
	return ""
}
