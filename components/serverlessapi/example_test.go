package serverlessapi_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/serverlessapi"
)

// ExampleNew deploys a Node.js handler from a folder with a table of its own,
// callable from one web origin.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		api, err := serverlessapi.New(ctx, "items", &serverlessapi.Args{
			Code:  pulumi.NewFileArchive("./functions/items"),
			Table: &serverlessapi.Table{HashKey: serverlessapi.Key{Name: "id"}},
			CORS:  serverlessapi.CORS{AllowOrigins: []string{"https://shop.example.com"}},
		})
		if err != nil {
			return err
		}
		ctx.Export("apiUrl", api.URL)
		return nil
	})
}
