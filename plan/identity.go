package plan

import "github.com/strata-infra/strata/plan/model"

// newURN is the engine's URN for a resource (model.NewURN).
func newURN(stack, project, parent, typ, name string) string {
	return model.NewURN(stack, project, parent, typ, name)
}
