package cost

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

// Change is what one line of the bill does between two reports.
type Change struct {
	URN         string  `json:"urn"`
	Type        string  `json:"type"`
	Description string  `json:"description"`
	Before      float64 `json:"before"`
	After       float64 `json:"after"`
	Delta       float64 `json:"delta"`
}

// Diff is what a change to a stack adds to or removes from its monthly
// bill, line by line, as infracost's diff shows it.
type Diff struct {
	Currency string   `json:"currency"`
	Changes  []Change `json:"changes"`
	// Floor, Expected and Maximum are the totals before and after.
	Floor    [2]float64 `json:"floor"`
	Expected [2]float64 `json:"expected"`
	Maximum  [2]float64 `json:"maximum"`
}

// Compare lists every line whose monthly cost differs between before and
// after (a line is a resource's URN and what it prices), largest change
// first, and the totals.
func Compare(before, after *Report) Diff {
	type key struct{ urn, desc string }
	lines := map[key]*Change{}
	for _, side := range []struct {
		rep   *Report
		after bool
	}{{before, false}, {after, true}} {
		for _, it := range side.rep.Items {
			k := key{it.URN, it.Description}
			c := lines[k]
			if c == nil {
				c = &Change{URN: it.URN, Type: it.Type, Description: it.Description}
				lines[k] = c
			}
			if side.after {
				c.After += it.Monthly
			} else {
				c.Before += it.Monthly
			}
		}
	}
	d := Diff{Currency: after.Currency, Floor: [2]float64{before.Floor, after.Floor},
		Expected: [2]float64{before.Expected, after.Expected}, Maximum: [2]float64{before.Maximum, after.Maximum}, Changes: []Change{}}
	for _, c := range lines {
		if c.Delta = round(c.After - c.Before); c.Delta != 0 {
			d.Changes = append(d.Changes, *c)
		}
	}
	slices.SortFunc(d.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(abs(b.Delta), abs(a.Delta)), cmp.Compare(a.URN, b.URN), cmp.Compare(a.Description, b.Description))
	})
	return d
}

func abs(v float64) float64 { return max(v, -v) }

// ReadReport reads a report saved with strata cost --json.
func ReadReport(path string) (*Report, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cost: reading %s: %w", path, err)
	}
	var r Report
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("cost: %s is not a report of strata cost --json: %w", path, err)
	}
	if r.Currency == "" {
		return nil, fmt.Errorf("cost: %s is not a report of strata cost --json: it has no currency", path)
	}
	return &r, nil
}

// Text writes the diff for people: each changed line with its monthly
// change, then the totals before and after.
func (d Diff) Text(w io.Writer, name func(urn string) string) {
	if len(d.Changes) == 0 {
		fmt.Fprintf(w, "No line of the bill changes.\n")
	}
	for _, c := range d.Changes {
		fmt.Fprintf(w, "  %+9.2f  %s: %s (%.2f → %.2f)\n", c.Delta, name(c.URN), c.Description, c.Before, c.After)
	}
	fmt.Fprintf(w, "\n  floor     %9.2f → %9.2f  (%+.2f)\n  expected  %9.2f → %9.2f  (%+.2f)\n  maximum   %9.2f → %9.2f  (%+.2f)  %s a month\n",
		d.Floor[0], d.Floor[1], round(d.Floor[1]-d.Floor[0]), d.Expected[0], d.Expected[1], round(d.Expected[1]-d.Expected[0]),
		d.Maximum[0], d.Maximum[1], round(d.Maximum[1]-d.Maximum[0]), d.Currency)
}
