package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Text writes the report for people: every check with its outcome, each
// finding with its URN and the fix or the justification, and a summary.
func (r Report) Text(w io.Writer) {
	env := "non-production"
	if r.Production {
		env = "production"
	}
	fmt.Fprintf(w, "Check of stack %s (project %s, %s): %d resources, %d checks\n\n", r.Stack, r.Project, env, r.Resources, len(r.Results))
	counts := map[string]int{}
	for _, res := range r.Results {
		o := res.Outcome()
		counts[o]++
		fmt.Fprintf(w, "%-10s  %-15s  %s  [%s]\n", strings.ToUpper(o), res.Check.ID, res.Check.Title, strings.Join(res.Check.Controls, ", "))
		for _, f := range res.Findings {
			label := string(f.Status)
			if f.Suppressed {
				label = "suppressed"
			}
			fmt.Fprintf(w, "            %s %s: %s\n", label, f.URN, f.Message)
			switch {
			case f.Suppressed:
				fmt.Fprintf(w, "              why: %s\n", f.Justification)
				fmt.Fprintf(w, "              by:  %s\n", f.SuppressedBy)
			case f.Status == StatusFail:
				fmt.Fprintf(w, "              fix: %s\n", res.Check.Fix)
				if set := r.settings(res.Check); len(set) > 0 {
					fmt.Fprintf(w, "              set: %s\n", strings.Join(set, ", "))
				}
			}
		}
	}
	for _, s := range r.Unused {
		fmt.Fprintf(w, "\nUnused suppression (%s): %s on %s matches no finding\n", s.Source, s.Check, s.Resource)
	}
	if len(r.Uninspected) > 0 {
		n, types := 0, make([]string, 0, len(r.Uninspected))
		for t, c := range r.Uninspected {
			n += c
			types = append(types, fmt.Sprintf("%s (%d)", t, c))
		}
		slices.Sort(types)
		fmt.Fprintf(w, "\nNot inspected by any check: %d resources of %d types: %s\n", n, len(types), strings.Join(types, ", "))
	}
	fmt.Fprintf(w, "\nChecks: %d pass, %d fail, %d suppressed, %d undecided, %d not applicable\n",
		counts["pass"], counts["fail"], counts["suppressed"], counts["unknown"], counts["n/a"])
}

// help is a fix with where to make it.
func help(fix string, settings []string) string {
	if len(settings) == 0 {
		return fix
	}
	return fix + " Set: " + strings.Join(settings, ", ") + "."
}

// SARIFSchema is the schema URI a SARIF document names.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// level is a severity as a SARIF level.
func (s Severity) level() string {
	switch s {
	case Critical, High:
		return "error"
	case Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the score code-scanning tools rank by.
func (s Severity) securitySeverity() string {
	return map[Severity]string{Critical: "9.5", High: "8.0", Medium: "5.5", Low: "3.0"}[s]
}

type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		Help                 sarifText      `json:"help"`
		DefaultConfiguration map[string]any `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifResult struct {
		RuleID       string             `json:"ruleId"`
		RuleIndex    int                `json:"ruleIndex"`
		Kind         string             `json:"kind"`
		Level        string             `json:"level"`
		Message      sarifText          `json:"message"`
		Locations    []sarifLocation    `json:"locations"`
		Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	}
	sarifLocation struct {
		LogicalLocations []sarifLogical `json:"logicalLocations"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	}
)

// SARIF writes the report as a SARIF 2.1.0 log: one rule per check, one
// result per finding at the resource's URN, suppressed findings carrying
// their justification, undecided ones as kind "review".
func (r Report) SARIF(w io.Writer) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "strata", InformationURI: "https://github.com/strata-infra/strata"}}, Results: []sarifResult{}}
	for i, res := range r.Results {
		c := res.Check
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: c.ID, Name: strings.ReplaceAll(c.Title, " ", ""), ShortDescription: sarifText{c.Title},
			Help:                 sarifText{help(c.Fix, r.settings(c))},
			DefaultConfiguration: map[string]any{"level": c.Severity.level()},
			Properties: map[string]any{
				"tags": append([]string{"security"}, c.Controls...), "precision": "high",
				"problem.severity": c.Severity.level(), "security-severity": c.Severity.securitySeverity(),
			},
		})
		for _, f := range res.Findings {
			out := sarifResult{
				RuleID: c.ID, RuleIndex: i, Kind: "fail", Level: c.Severity.level(),
				Message:   sarifText{fmt.Sprintf("%s %q %s", f.Type, f.Name, f.Message)},
				Locations: []sarifLocation{{LogicalLocations: []sarifLogical{{Name: f.Name, FullyQualifiedName: f.URN, Kind: "resource"}}}},
			}
			if f.Status == StatusUnknown {
				out.Kind, out.Level = "review", "none"
			}
			if f.Suppressed {
				kind := "external" // a suppressions file
				if strings.HasPrefix(f.SuppressedBy, "tag ") {
					kind = "inSource"
				}
				out.Suppressions = []sarifSuppression{{Kind: kind, Justification: f.Justification}}
			}
			run.Results = append(run.Results, out)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}
