// Command infra deploys Code Remote to AWS Lambda behind an API Gateway HTTP
// API, with Pulumi. See README.md in this directory.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		s, err := loadSettings(config.New(ctx, "coderemote"))
		if err != nil {
			return err
		}
		_, err = deploy(ctx, s)
		return err
	})
}
