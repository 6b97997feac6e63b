// Command pulumi-resource-boxes is a component provider built by plan's
// tests, as any team writes one with Pulumi's provider package: its
// boxes:index:Box component holds a bucket named after the box and, when
// asked, a second one; its method describe answers with a greeting.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

// Box is the component.
type Box struct {
	pulumi.ResourceState
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
}

// bucket is a child registered by token, so the provider needs no AWS SDK.
type bucket struct {
	pulumi.CustomResourceState
	Bucket pulumi.StringOutput `pulumi:"bucket"`
}

func construct(ctx *pulumi.Context, typ, name string, inputs provider.ConstructInputs, opts pulumi.ResourceOption) (*provider.ConstructResult, error) {
	if typ != "boxes:index:Box" {
		return nil, fmt.Errorf("unknown type %s", typ)
	}
	var args struct {
		Prefix string `pulumi:"prefix"`
		Twice  bool   `pulumi:"twice"`
	}
	if err := inputs.CopyTo(&args); err != nil {
		return nil, err
	}
	box := &Box{}
	if err := ctx.RegisterComponentResource(typ, name, box, opts); err != nil {
		return nil, err
	}
	count := 1
	if args.Twice {
		count = 2
	}
	for i := range count {
		var b bucket
		if err := ctx.RegisterResource("aws:s3/bucketV2:BucketV2", fmt.Sprintf("%s-%d", name, i+1),
			pulumi.Map{"bucket": pulumi.Sprintf("%s-%s-%d", args.Prefix, name, i+1)}, &b, pulumi.Parent(box)); err != nil {
			return nil, err
		}
		if i == 0 {
			box.BucketName = b.Bucket
		}
	}
	if err := ctx.RegisterResourceOutputs(box, pulumi.Map{"bucketName": box.BucketName}); err != nil {
		return nil, err
	}
	return provider.NewConstructResult(box)
}

// call is the component's method boxes:index:Box/describe.
func call(ctx *pulumi.Context, tok string, args provider.CallArgs) (*provider.CallResult, error) {
	if tok != "boxes:index:Box/describe" {
		return nil, fmt.Errorf("unknown method %s", tok)
	}
	var in struct {
		Greeting string `pulumi:"greeting"`
	}
	if _, err := args.CopyTo(&in); err != nil {
		return nil, err
	}
	return &provider.CallResult{Return: pulumi.Map{"text": pulumi.String(in.Greeting + " from a box")}}, nil
}

func main() {
	if err := provider.MainWithOptions(provider.Options{Name: "boxes", Version: "1.0.0", Construct: construct, Call: call}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
