package main

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigatewayv2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cognito"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// stack is what deploy made, for outputs and tests.
type stack struct {
	Function   *lambda.Function
	Role       *iam.Role
	Policy     *iam.RolePolicy
	LogGroup   *cloudwatch.LogGroup
	API        *apigatewayv2.Api
	Route      *apigatewayv2.Route
	Stage      *apigatewayv2.Stage
	UserPool   *cognito.UserPool
	PoolClient *cognito.UserPoolClient
	Cluster    *rds.Cluster
	Secrets    []*secretsmanager.Secret
}

func deploy(ctx *pulumi.Context, s settings) (*stack, error) {
	st := &stack{}
	env := pulumi.StringMap{"CR_LOG_FORMAT": pulumi.String("json"), "CR_DATA_DIR": pulumi.String("/tmp/coderemote"),
		"CR_TRUST_PROXY": pulumi.String("true")}
	for k, v := range s.Env {
		env[k] = pulumi.String(v)
	}
	logGroup, err := cloudwatch.NewLogGroup(ctx, s.Name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/lambda/%s", s.Name),
		RetentionInDays: pulumi.Int(s.LogRetentionDays),
	})
	if err != nil {
		return nil, err
	}
	st.LogGroup = logGroup
	role, err := iam.NewRole(ctx, s.Name+"-role", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(assumeLambda)})
	if err != nil {
		return nil, err
	}
	st.Role = role
	// Least privilege: write to its own log group, nothing else (plus network
	// interfaces when it runs in a VPC beside its database).
	st.Policy, err = iam.NewRolePolicy(ctx, s.Name+"-logs", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: logGroup.Arn.ApplyT(logPolicy).(pulumi.StringOutput),
	})
	if err != nil {
		return nil, err
	}
	if err := secretsEnv(ctx, s, st, env); err != nil {
		return nil, err
	}
	vpc, err := database(ctx, s, st, role, env)
	if err != nil {
		return nil, err
	}
	if s.Cognito {
		if err := userPool(ctx, s, st, env); err != nil {
			return nil, err
		}
	}
	if err := function(ctx, s, st, role, logGroup, env, vpc); err != nil {
		return nil, err
	}
	if err := httpAPI(ctx, s, st); err != nil {
		return nil, err
	}
	ctx.Export("url", st.Stage.InvokeUrl)
	ctx.Export("functionName", st.Function.Name)
	if st.UserPool != nil {
		ctx.Export("userPoolId", st.UserPool.ID())
		ctx.Export("userPoolClientId", st.PoolClient.ID())
	}
	return st, nil
}

const assumeLambda = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func logPolicy(arn string) (string, error) {
	b, err := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":   "Allow",
			"Action":   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			"Resource": []string{arn, arn + ":*"},
		}},
	})
	return string(b), err
}

// secretsEnv keeps the Gemini key and Neo4j password in Secrets Manager and
// passes them, and an existing DATABASE_URL secret, to the function.
func secretsEnv(ctx *pulumi.Context, s settings, st *stack, env pulumi.StringMap) error {
	keep := func(name, key string, value pulumi.String) error {
		sec, err := secretsmanager.NewSecret(ctx, s.Name+"-"+name, &secretsmanager.SecretArgs{Name: pulumi.Sprintf("%s/%s", s.Name, name)})
		if err != nil {
			return err
		}
		if _, err := secretsmanager.NewSecretVersion(ctx, s.Name+"-"+name, &secretsmanager.SecretVersionArgs{
			SecretId: sec.ID(), SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
		}); err != nil {
			return err
		}
		st.Secrets = append(st.Secrets, sec)
		env[key] = pulumi.ToSecret(value).(pulumi.StringOutput)
		return nil
	}
	if s.GeminiAPIKey != "" {
		if err := keep("gemini-api-key", "GEMINI_API_KEY", s.GeminiAPIKey); err != nil {
			return err
		}
	}
	if s.Neo4jURI != "" {
		env["NEO4J_URI"], env["NEO4J_USERNAME"] = pulumi.String(s.Neo4jURI), pulumi.String(s.Neo4jUsername)
		if err := keep("neo4j-password", "NEO4J_PASSWORD", s.Neo4jPassword); err != nil {
			return err
		}
	}
	if s.DatabaseURLSecretARN != "" {
		v := secretsmanager.LookupSecretVersionOutput(ctx, secretsmanager.LookupSecretVersionOutputArgs{SecretId: pulumi.String(s.DatabaseURLSecretARN)})
		env["DATABASE_URL"] = pulumi.ToSecret(v.SecretString()).(pulumi.StringOutput)
	}
	return nil
}

// database creates Aurora Serverless v2 PostgreSQL in the default VPC when
// asked, and returns the function's VPC placement (nil otherwise).
func database(ctx *pulumi.Context, s settings, st *stack, role *iam.Role, env pulumi.StringMap) (*lambda.FunctionVpcConfigArgs, error) {
	if !s.CreateDatabase {
		return nil, nil
	}
	vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Default: pulumi.BoolRef(true)})
	if err != nil {
		return nil, err
	}
	subnets, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{{Name: "vpc-id", Values: []string{vpc.Id}}}})
	if err != nil {
		return nil, err
	}
	fnSG, err := ec2.NewSecurityGroup(ctx, s.Name+"-fn", &ec2.SecurityGroupArgs{VpcId: pulumi.String(vpc.Id),
		Egress: ec2.SecurityGroupEgressArray{ec2.SecurityGroupEgressArgs{Protocol: pulumi.String("-1"), FromPort: pulumi.Int(0), ToPort: pulumi.Int(0), CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")}}}})
	if err != nil {
		return nil, err
	}
	dbSG, err := ec2.NewSecurityGroup(ctx, s.Name+"-db", &ec2.SecurityGroupArgs{VpcId: pulumi.String(vpc.Id),
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(5432), ToPort: pulumi.Int(5432),
			SecurityGroups: pulumi.StringArray{fnSG.ID()}}}})
	if err != nil {
		return nil, err
	}
	group, err := rds.NewSubnetGroup(ctx, s.Name+"-db", &rds.SubnetGroupArgs{SubnetIds: pulumi.ToStringArray(subnets.Ids)})
	if err != nil {
		return nil, err
	}
	cluster, err := rds.NewCluster(ctx, s.Name+"-db", &rds.ClusterArgs{
		Engine: pulumi.String("aurora-postgresql"), EngineMode: pulumi.String("provisioned"), EngineVersion: pulumi.String("16.4"),
		DatabaseName: pulumi.String("coderemote"), MasterUsername: pulumi.String("coderemote"), MasterPassword: pulumi.ToSecret(s.DatabasePassword).(pulumi.StringOutput),
		DbSubnetGroupName: group.Name, VpcSecurityGroupIds: pulumi.StringArray{dbSG.ID()}, StorageEncrypted: pulumi.Bool(true),
		Serverlessv2ScalingConfiguration: &rds.ClusterServerlessv2ScalingConfigurationArgs{MinCapacity: pulumi.Float64(0.5), MaxCapacity: pulumi.Float64(2)},
		SkipFinalSnapshot:                pulumi.Bool(false), FinalSnapshotIdentifier: pulumi.Sprintf("%s-final", s.Name),
	})
	if err != nil {
		return nil, err
	}
	st.Cluster = cluster
	if _, err := rds.NewClusterInstance(ctx, s.Name+"-db-1", &rds.ClusterInstanceArgs{
		ClusterIdentifier: cluster.ID(), InstanceClass: pulumi.String("db.serverless"), Engine: cluster.Engine, EngineVersion: cluster.EngineVersion,
	}); err != nil {
		return nil, err
	}
	env["DATABASE_URL"] = pulumi.ToSecret(pulumi.Sprintf("postgres://coderemote:%s@%s:5432/coderemote?sslmode=require",
		s.DatabasePassword, cluster.Endpoint)).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicyAttachment(ctx, s.Name+"-vpc", &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"),
	}); err != nil {
		return nil, err
	}
	return &lambda.FunctionVpcConfigArgs{SubnetIds: pulumi.ToStringArray(subnets.Ids), SecurityGroupIds: pulumi.StringArray{fnSG.ID()}}, nil
}

// userPool creates a Cognito user pool and app client, and points the
// binary's OIDC settings at them.
func userPool(ctx *pulumi.Context, s settings, st *stack, env pulumi.StringMap) error {
	pool, err := cognito.NewUserPool(ctx, s.Name+"-users", &cognito.UserPoolArgs{
		UsernameAttributes:     pulumi.StringArray{pulumi.String("email")},
		AutoVerifiedAttributes: pulumi.StringArray{pulumi.String("email")},
		PasswordPolicy:         &cognito.UserPoolPasswordPolicyArgs{MinimumLength: pulumi.Int(8)},
	})
	if err != nil {
		return err
	}
	client, err := cognito.NewUserPoolClient(ctx, s.Name+"-web", &cognito.UserPoolClientArgs{
		UserPoolId:        pool.ID(),
		GenerateSecret:    pulumi.Bool(false),
		ExplicitAuthFlows: pulumi.ToStringArray([]string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}),
	})
	if err != nil {
		return err
	}
	st.UserPool, st.PoolClient = pool, client
	env["CR_OIDC_ISSUER"] = pulumi.Sprintf("https://%s", pool.Endpoint)
	env["CR_OIDC_AUDIENCE"] = client.ID().ToStringOutput()
	return nil
}

func function(ctx *pulumi.Context, s settings, st *stack, role *iam.Role, logs *cloudwatch.LogGroup, env pulumi.StringMap, vpc *lambda.FunctionVpcConfigArgs) error {
	args := &lambda.FunctionArgs{
		Name:          pulumi.String(s.Name),
		Runtime:       pulumi.String("provided.al2023"),
		Handler:       pulumi.String("bootstrap"),
		Architectures: pulumi.StringArray{pulumi.String(s.Architecture)},
		MemorySize:    pulumi.Int(s.MemoryMB),
		Timeout:       pulumi.Int(s.TimeoutSeconds),
		Role:          role.Arn,
		Code:          pulumi.NewFileArchive(s.ZipPath),
		Environment:   &lambda.FunctionEnvironmentArgs{Variables: env},
		// The compiled sandbox is cached in /tmp between warm invocations.
		EphemeralStorage: &lambda.FunctionEphemeralStorageArgs{Size: pulumi.Int(1024)},
	}
	if vpc != nil {
		args.VpcConfig = vpc
	}
	fn, err := lambda.NewFunction(ctx, s.Name, args, pulumi.DependsOn([]pulumi.Resource{logs, st.Policy}))
	st.Function = fn
	return err
}

func httpAPI(ctx *pulumi.Context, s settings, st *stack) error {
	api, err := apigatewayv2.NewApi(ctx, s.Name+"-http", &apigatewayv2.ApiArgs{
		ProtocolType: pulumi.String("HTTP"),
		CorsConfiguration: &apigatewayv2.ApiCorsConfigurationArgs{
			AllowOrigins:  pulumi.ToStringArray(s.CorsOrigins),
			AllowMethods:  pulumi.ToStringArray([]string{"GET", "POST", "PUT", "DELETE", "OPTIONS"}),
			AllowHeaders:  pulumi.ToStringArray([]string{"Authorization", "Content-Type"}),
			ExposeHeaders: pulumi.ToStringArray([]string{"X-Request-Id", "Retry-After"}),
			MaxAge:        pulumi.Int(3600),
		},
	})
	if err != nil {
		return err
	}
	integration, err := apigatewayv2.NewIntegration(ctx, s.Name+"-lambda", &apigatewayv2.IntegrationArgs{
		ApiId: api.ID(), IntegrationType: pulumi.String("AWS_PROXY"), IntegrationUri: st.Function.InvokeArn,
		PayloadFormatVersion: pulumi.String("2.0"),
	})
	if err != nil {
		return err
	}
	route, err := apigatewayv2.NewRoute(ctx, s.Name+"-all", &apigatewayv2.RouteArgs{
		ApiId: api.ID(), RouteKey: pulumi.String("$default"), Target: pulumi.Sprintf("integrations/%s", integration.ID()),
	})
	if err != nil {
		return err
	}
	stage, err := apigatewayv2.NewStage(ctx, s.Name+"-stage", &apigatewayv2.StageArgs{
		ApiId: api.ID(), Name: pulumi.String("$default"), AutoDeploy: pulumi.Bool(true),
	})
	if err != nil {
		return err
	}
	if _, err := lambda.NewPermission(ctx, s.Name+"-invoke", &lambda.PermissionArgs{
		Action: pulumi.String("lambda:InvokeFunction"), Function: st.Function.Name, Principal: pulumi.String("apigateway.amazonaws.com"),
		SourceArn: pulumi.Sprintf("%s/*/*", api.ExecutionArn),
	}); err != nil {
		return err
	}
	st.API, st.Route, st.Stage = api, route, stage
	return nil
}
