package main

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// mocks records every resource the program registers and answers the
// lookups it makes (default VPC, its subnets, a secret's value).
type mocks struct {
	mu        sync.Mutex
	resources map[string]resource.PropertyMap // by type, then the last of that type
	byName    map[string]resource.PropertyMap
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	state := args.Inputs.Copy()
	switch args.TypeToken {
	case "aws:lambda/function:Function":
		state["arn"] = resource.NewStringProperty("arn:aws:lambda:eu-west-1:123:function:" + args.Name)
		state["invokeArn"] = resource.NewStringProperty("arn:aws:apigateway:invoke/" + args.Name)
	case "aws:cloudwatch/logGroup:LogGroup":
		state["arn"] = resource.NewStringProperty("arn:aws:logs:eu-west-1:123:log-group:/aws/lambda/coderemote")
	case "aws:iam/role:Role":
		state["arn"] = resource.NewStringProperty("arn:aws:iam::123:role/" + args.Name)
		state["name"] = resource.NewStringProperty(args.Name)
	case "aws:apigatewayv2/api:Api":
		state["executionArn"] = resource.NewStringProperty("arn:aws:execute-api:eu-west-1:123:abc")
	case "aws:apigatewayv2/stage:Stage":
		state["invokeUrl"] = resource.NewStringProperty("https://abc.execute-api.eu-west-1.amazonaws.com/")
	case "aws:cognito/userPool:UserPool":
		state["endpoint"] = resource.NewStringProperty("cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool")
	case "aws:rds/cluster:Cluster":
		state["endpoint"] = resource.NewStringProperty("db.cluster.example")
	}
	m.resources[args.TypeToken] = state
	m.byName[args.Name] = state
	return args.Name + "_id", state, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:ec2/getVpc:getVpc":
		return resource.PropertyMap{"id": resource.NewStringProperty("vpc-1")}, nil
	case "aws:ec2/getSubnets:getSubnets":
		return resource.PropertyMap{"ids": resource.NewArrayProperty([]resource.PropertyValue{
			resource.NewStringProperty("subnet-a"), resource.NewStringProperty("subnet-b")})}, nil
	case "aws:secretsmanager/getSecretVersion:getSecretVersion":
		return resource.PropertyMap{"secretString": resource.NewStringProperty("postgres://u:p@db/x")}, nil
	}
	return args.Args, nil
}

// run deploys s against the mocks and returns what was registered and the
// stack's outputs.
func run(t *testing.T, s settings) (*mocks, map[string]string) {
	t.Helper()
	m := &mocks{resources: map[string]resource.PropertyMap{}, byName: map[string]resource.PropertyMap{}}
	outputs := map[string]string{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := s.validate(); err != nil {
			return err
		}
		st, err := deploy(ctx, s)
		if err != nil {
			return err
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		collect := func(name string, o pulumi.StringOutput) {
			wg.Add(1)
			o.ApplyT(func(v string) string {
				mu.Lock()
				outputs[name] = v
				mu.Unlock()
				wg.Done()
				return v
			})
		}
		collect("url", st.Stage.InvokeUrl)
		collect("functionName", st.Function.Name)
		if st.UserPool != nil {
			collect("userPoolId", st.UserPool.ID().ToStringOutput())
			collect("userPoolClientId", st.PoolClient.ID().ToStringOutput())
		}
		wg.Wait()
		return nil
	}, pulumi.WithMocks("coderemote", "test", m))
	if err != nil {
		t.Fatal(err)
	}
	return m, outputs
}

func base() settings {
	return settings{Name: "coderemote", ZipPath: "testdata/empty.zip", Architecture: "arm64", MemoryMB: 2048, TimeoutSeconds: 60, LogRetentionDays: 14}
}

func str(p resource.PropertyMap, k string) string {
	v, ok := p[resource.PropertyKey(k)]
	if !ok {
		return ""
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func env(fn resource.PropertyMap) map[string]string {
	out := map[string]string{}
	vars := fn["environment"].ObjectValue()["variables"].ObjectValue()
	for k, v := range vars {
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsString() {
			out[string(k)] = v.StringValue()
		} else if v.IsComputed() || v.IsOutput() {
			out[string(k)] = "<computed>"
		}
	}
	return out
}

func TestFunctionAndAPI(t *testing.T) {
	m, outputs := run(t, base())
	fn := m.resources["aws:lambda/function:Function"]
	if str(fn, "runtime") != "provided.al2023" || str(fn, "handler") != "bootstrap" {
		t.Fatalf("runtime/handler: %v", fn)
	}
	if arch := fn["architectures"].ArrayValue(); len(arch) != 1 || arch[0].StringValue() != "arm64" {
		t.Fatalf("architectures %v", arch)
	}
	if fn["memorySize"].NumberValue() != 2048 || fn["timeout"].NumberValue() != 60 {
		t.Fatalf("memory/timeout: %v %v", fn["memorySize"], fn["timeout"])
	}
	e := env(fn)
	if e["CR_LOG_FORMAT"] != "json" || e["CR_DATA_DIR"] != "/tmp/coderemote" || e["CR_TRUST_PROXY"] != "true" {
		t.Fatalf("env %v", e)
	}
	if _, ok := e["DATABASE_URL"]; ok {
		t.Fatalf("no database configured, but DATABASE_URL set")
	}
	api := m.resources["aws:apigatewayv2/api:Api"]
	if str(api, "protocolType") != "HTTP" || api["corsConfiguration"].ObjectValue()["allowOrigins"].ArrayValue()[0].StringValue() != "*" {
		t.Fatalf("api %v", api)
	}
	integ := m.resources["aws:apigatewayv2/integration:Integration"]
	if str(integ, "integrationType") != "AWS_PROXY" || str(integ, "payloadFormatVersion") != "2.0" {
		t.Fatalf("integration %v", integ)
	}
	if route := m.resources["aws:apigatewayv2/route:Route"]; str(route, "routeKey") != "$default" {
		t.Fatalf("route %v", route)
	}
	if perm := m.resources["aws:lambda/permission:Permission"]; str(perm, "principal") != "apigateway.amazonaws.com" || !strings.HasSuffix(str(perm, "sourceArn"), "/*/*") {
		t.Fatalf("permission %v", perm)
	}
	if lg := m.resources["aws:cloudwatch/logGroup:LogGroup"]; lg["retentionInDays"].NumberValue() != 14 || str(lg, "name") != "/aws/lambda/coderemote" {
		t.Fatalf("log group %v", lg)
	}
	if outputs["url"] == "" || outputs["functionName"] != "coderemote" {
		t.Fatalf("outputs %v", outputs)
	}
	if _, ok := m.resources["aws:cognito/userPool:UserPool"]; ok {
		t.Fatalf("a user pool was made without coderemote:cognito")
	}
}

func TestRoleIsLeastPrivilege(t *testing.T) {
	m, _ := run(t, base())
	var assume struct {
		Statement []struct{ Principal map[string]string }
	}
	json.Unmarshal([]byte(str(m.resources["aws:iam/role:Role"], "assumeRolePolicy")), &assume)
	if assume.Statement[0].Principal["Service"] != "lambda.amazonaws.com" {
		t.Fatalf("assume role: %+v", assume)
	}
	var pol struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource []string
		}
	}
	if err := json.Unmarshal([]byte(str(m.resources["aws:iam/rolePolicy:RolePolicy"], "policy")), &pol); err != nil {
		t.Fatal(err)
	}
	if len(pol.Statement) != 1 {
		t.Fatalf("policy %+v", pol)
	}
	st := pol.Statement[0]
	for _, a := range st.Action {
		if a != "logs:CreateLogStream" && a != "logs:PutLogEvents" || strings.Contains(a, "*") {
			t.Fatalf("action %q", a)
		}
	}
	for _, r := range st.Resource {
		if !strings.HasPrefix(r, "arn:aws:logs:eu-west-1:123:log-group:/aws/lambda/coderemote") {
			t.Fatalf("resource %q is not the function's log group", r)
		}
	}
	if _, ok := m.resources["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]; ok {
		t.Fatalf("no VPC, so no VPC access policy")
	}
}

func TestOptionalParts(t *testing.T) {
	s := base()
	s.Architecture, s.MemoryMB, s.TimeoutSeconds = "x86_64", 3008, 120
	s.Cognito = true
	s.CreateDatabase, s.DatabasePassword = true, "a-long-password"
	s.GeminiAPIKey, s.Neo4jURI, s.Neo4jPassword = "gm-key", "neo4j+s://graph.example", "n4j"
	m, outputs := run(t, s)
	fn := m.resources["aws:lambda/function:Function"]
	if fn["architectures"].ArrayValue()[0].StringValue() != "x86_64" || fn["memorySize"].NumberValue() != 3008 || fn["timeout"].NumberValue() != 120 {
		t.Fatalf("function %v", fn)
	}
	e := env(fn)
	if e["CR_OIDC_ISSUER"] != "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool" || e["CR_OIDC_AUDIENCE"] == "" {
		t.Fatalf("oidc env %v", e)
	}
	if e["DATABASE_URL"] != "postgres://coderemote:a-long-password@db.cluster.example:5432/coderemote?sslmode=require" {
		t.Fatalf("database url %q", e["DATABASE_URL"])
	}
	if e["GEMINI_API_KEY"] != "gm-key" || e["NEO4J_URI"] != "neo4j+s://graph.example" || e["NEO4J_PASSWORD"] != "n4j" {
		t.Fatalf("secrets env %v", e)
	}
	if vpc := fn["vpcConfig"].ObjectValue(); len(vpc["subnetIds"].ArrayValue()) != 2 {
		t.Fatalf("vpc config %v", vpc)
	}
	cluster := m.resources["aws:rds/cluster:Cluster"]
	if str(cluster, "engine") != "aurora-postgresql" || cluster["serverlessv2ScalingConfiguration"].ObjectValue()["maxCapacity"].NumberValue() != 2 {
		t.Fatalf("cluster %v", cluster)
	}
	if inst := m.resources["aws:rds/clusterInstance:ClusterInstance"]; str(inst, "instanceClass") != "db.serverless" {
		t.Fatalf("instance %v", inst)
	}
	if att := m.resources["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]; !strings.HasSuffix(str(att, "policyArn"), "AWSLambdaVPCAccessExecutionRole") {
		t.Fatalf("vpc policy %v", att)
	}
	if outputs["userPoolId"] == "" || outputs["userPoolClientId"] == "" {
		t.Fatalf("outputs %v", outputs)
	}
	if m.byName["coderemote-gemini-api-key"] == nil || m.byName["coderemote-neo4j-password"] == nil {
		t.Fatalf("secrets were not kept in Secrets Manager")
	}
}

func TestExistingDatabaseSecret(t *testing.T) {
	s := base()
	s.DatabaseURLSecretARN = "arn:aws:secretsmanager:eu-west-1:123:secret:db"
	m, _ := run(t, s)
	if e := env(m.resources["aws:lambda/function:Function"]); e["DATABASE_URL"] != "postgres://u:p@db/x" {
		t.Fatalf("env %v", e)
	}
}

func TestSettingsValidation(t *testing.T) {
	for _, tc := range []struct {
		change func(*settings)
		want   string
	}{
		{func(s *settings) { s.Architecture = "mips" }, "architecture"},
		{func(s *settings) { s.MemoryMB = 128 }, "memory"},
		{func(s *settings) { s.TimeoutSeconds = 1000 }, "timeout"},
		{func(s *settings) { s.CreateDatabase, s.DatabaseURLSecretARN = true, "arn" }, "not both"},
		{func(s *settings) { s.CreateDatabase = true }, "databasePassword"},
	} {
		s := base()
		tc.change(&s)
		if err := s.validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error about %s", err, tc.want)
		}
	}
}
