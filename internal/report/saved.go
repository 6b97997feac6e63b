package report

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/strata-infra/strata/internal/cli"
	"github.com/strata-infra/strata/plan/model"
)

// SavedPlans runs check, cost and diagram of a saved plan (--plan) here,
// with no SDK, and hands every other command line to next: the strata
// command's next is its engine, the engine's what plans a stack.
func SavedPlans(next cli.Handlers) cli.Handlers {
	saved := func(run func(*cobra.Command, *cli.Flags, *model.Plan) error, other cli.Handler) cli.Handler {
		return func(cmd *cobra.Command, f *cli.Flags) error {
			if f.PlanFile == "" {
				return other(cmd, f)
			}
			p, err := Load(f.PlanFile)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.CommandPath(), err)
				return cli.ExitStatus(2)
			}
			return run(cmd, f, p)
		}
	}
	check := func(cmd *cobra.Command, f *cli.Flags, p *model.Plan) error {
		// A saved plan says its stack and config; whether it is of
		// strata's program decides whether fixes name stack-file keys.
		return CheckCommand(cmd, f, p, p.Project, p.Stack, p.Config, OfStrata(p))
	}
	return cli.Handlers{
		Plan:    next.Plan,
		Check:   saved(check, next.Check),
		Cost:    saved(CostCommand, next.Cost),
		Diagram: saved(DiagramCommand, next.Diagram),
	}
}

// CheckCommand is strata check of p, a plan of stack of project with
// config; fromConfig says it is of strata's program from a stack file.
func CheckCommand(cmd *cobra.Command, f *cli.Flags, p *model.Plan, project, stack string, config map[string]string, fromConfig bool) error {
	sup, err := Suppressions(f.Suppressions, f.Project)
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.CommandPath(), err)
		return cli.ExitStatus(1)
	}
	return cli.Status(Check(p, project, stack, config, sup, fromConfig, f.JSON, f.SARIF, cmd.OutOrStdout(), cmd.ErrOrStderr()))
}

// CostCommand is strata cost of p.
func CostCommand(cmd *cobra.Command, f *cli.Flags, p *model.Plan) error {
	if f.Diff != "" {
		return cli.Status(Diff(p, f.Usage, f.Diff, f.JSON, cmd.OutOrStdout(), cmd.ErrOrStderr()))
	}
	return cli.Status(Price(p, f.Usage, f.JSON, cmd.OutOrStdout(), cmd.ErrOrStderr()))
}

// DiagramCommand is strata diagram of p.
func DiagramCommand(cmd *cobra.Command, f *cli.Flags, p *model.Plan) error {
	if err := Draw(cmd.Context(), p, f.Format, f.Output, cmd.OutOrStdout()); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.CommandPath(), err)
		return cli.ExitStatus(2)
	}
	return nil
}
