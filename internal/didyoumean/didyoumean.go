// Package didyoumean suggests the valid name nearest to a mistyped one.
package didyoumean

import "strings"

// Suggest returns the candidate closest to given, or "" when none is close
// enough to be a plausible typo. Case differences count as small, and a
// candidate that given is the start of (or that starts given) is plausible
// when it is the only one.
func Suggest(given string, candidates []string) string {
	if given == "" {
		return ""
	}
	var prefixed []string
	for _, c := range candidates {
		g, lc := strings.ToLower(given), strings.ToLower(c)
		if strings.HasPrefix(lc, g) || strings.HasPrefix(g, lc) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	// A word of a camel-case name ("principal" for "trustedPrincipal"), when
	// only one candidate ends with it.
	var suffixed []string
	for _, c := range candidates {
		if len(given) >= 4 && strings.HasSuffix(strings.ToLower(c), strings.ToLower(given)) {
			suffixed = append(suffixed, c)
		}
	}
	if len(suffixed) == 1 {
		return suffixed[0]
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(given), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	// A third of the longer name, and at least two edits, is a plausible typo.
	limit := max(len(given), len(best)) / 3
	if limit < 2 {
		limit = 2
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
