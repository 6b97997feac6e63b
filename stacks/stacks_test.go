package stacks

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/strata-infra/strata/components/baseline"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/tags"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

// repo is where the checked-in Pulumi.yaml and stack files live.
const repo = ".."

// planStack plans a checked-in stack with config overrides; a "" value
// removes the key. Keys named in secrets are marked secret.
func planStack(t testing.TB, stack string, overrides map[string]string, secrets ...string) (*plan.Plan, error) {
	t.Helper()
	opts, err := plan.StackOptions(repo, stack)
	if err != nil {
		t.Fatalf("StackOptions(%q) error = %v", stack, err)
	}
	opts.SecretKeys = append(opts.SecretKeys, secrets...)
	for k, v := range overrides {
		if v == "" {
			delete(opts.Config, k)
		} else {
			opts.Config[k] = v
		}
	}
	if err := CheckKeys(opts.Project, slices.Collect(maps.Keys(opts.Config))); err != nil {
		return nil, err
	}
	return plan.Run(Deploy, opts)
}

func TestDefaults(t *testing.T) {
	dev, prod := Defaults("dev"), Defaults(Production)
	tests := []struct {
		what      string
		got, want any
	}{
		{"dev production", dev.Production, false},
		{"prod production", prod.Production, true},
		{"dev AZs", dev.Network.AvailabilityZones, 2},
		{"prod AZs", prod.Network.AvailabilityZones, 3},
		{"dev NAT", dev.Network.NATGateways, NATInstance},
		{"dev dashboard", dev.Alarms.Dashboard, false},
		{"prod dashboard", prod.Alarms.Dashboard, true},
		{"prod NAT", prod.Network.NATGateways, NATPerAZ},
		{"dev flow-log retention", dev.Network.FlowLogRetentionDays, 30},
		{"prod flow-log retention", prod.Network.FlowLogRetentionDays, 365},
		{"qa is not production", Defaults("qa").Production, false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.what, tt.got, tt.want)
		}
	}
}

func TestCheckedInStacksPlan(t *testing.T) {
	tests := []struct {
		stack   string
		nat     string
		zones   int
		cidr    string
		protect bool
	}{
		{stack: "dev", nat: "None", zones: 2, cidr: "10.10.0.0/16", protect: false},
		{stack: "prod", nat: "OnePerAz", zones: 3, cidr: "10.20.0.0/16", protect: true},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			p, err := planStack(t, tt.stack, nil)
			if err != nil {
				t.Fatalf("planning %s: %v", tt.stack, err)
			}
			vpc := plantest.One(t, p, "awsx:ec2:Vpc")
			if got, _ := vpc.Input("natGateways.strategy"); got != tt.nat {
				t.Errorf("NAT strategy = %v, want %s", got, tt.nat)
			}
			if got, _ := vpc.Input("availabilityZoneNames"); len(got.([]any)) != tt.zones {
				t.Errorf("zones = %v, want %d", got, tt.zones)
			}
			if got := vpc.Inputs["cidrBlock"]; got != tt.cidr {
				t.Errorf("cidr = %v, want %s", got, tt.cidr)
			}
			if got := len(p.Outputs["privateSubnetIds"].([]any)); got != tt.zones {
				t.Errorf("privateSubnetIds has %d subnets, want %d", got, tt.zones)
			}

			// One explicit provider with the stack's region and cost tags,
			// used by every resource.
			prov := plantest.One(t, p, "pulumi:providers:aws")
			if prov.Inputs["region"] != "us-east-1" {
				t.Errorf("provider region = %v, want us-east-1", prov.Inputs["region"])
			}
			tags, _ := prov.Input("defaultTags.tags")
			want := map[string]any{"Project": "strata", "Environment": tt.stack, "ManagedBy": "pulumi", "Owner": "platform-team", "CostCenter": "cc-1042"}
			if !maps.Equal(tags.(map[string]any), want) {
				t.Errorf("default tags = %v, want %v", tags, want)
			}
			for _, r := range p.Registered() {
				if r.Custom && r != prov && r.Provider != prov.URN {
					t.Errorf("%s %q uses provider %q, want the explicit one", r.Type, r.Name, r.Provider)
				}
				// Production protects everything but the provider; the bucket,
				// its key and the flow logs are what matters most.
				if r != prov && r.Protect != tt.protect {
					t.Errorf("%s %q Protect = %v, want %v in %s", r.Type, r.Name, r.Protect, tt.protect, tt.stack)
				}
			}
			plantest.Find(t, p, network.Type, NetworkName)

			bucket := plantest.Find(t, p, "aws:s3/bucketV2:BucketV2", BucketName)
			if got := bucket.Inputs["bucket"]; got != "strata-data-"+tt.stack+"-"+plan.DefaultAccountID {
				t.Errorf("bucket name = %v, want strata-data-%s-<account>", got, tt.stack)
			}
			if got := bucket.Inputs["forceDestroy"]; got != !tt.protect {
				t.Errorf("bucket forceDestroy = %v, want %v", got, !tt.protect)
			}
			if key := plantest.Find(t, p, "aws:kms/key:Key", BucketName); key.Inputs["enableKeyRotation"] != true || !key.Protect == tt.protect {
				t.Errorf("bucket key rotation/protect = %v/%v", key.Inputs["enableKeyRotation"], key.Protect)
			}
			b := plantest.Find(t, p, "aws:budgets/budget:Budget", BudgetName)
			if got, _ := b.Input("costFilters.0.values.0"); got != "user:Environment$"+tt.stack {
				t.Errorf("budget filter = %v, want user:Environment$%s", got, tt.stack)
			}
			if got := b.Inputs["limitAmount"]; got != fmt.Sprintf("%.2f", Defaults(tt.stack).Budget.LimitUSD) {
				t.Errorf("budget limit = %v, want the profile's", got)
			}
			if ns, _ := b.Input("notifications"); len(ns.([]any)) != 2 {
				t.Errorf("budget notifications = %v, want 2", ns)
			}

			// The database: in the network's isolated subnets and DB group,
			// sized and protected by the profile.
			profile := Defaults(tt.stack).DB
			cluster := plantest.Find(t, p, "aws:rds/cluster:Cluster", DBName)
			if got := len(p.ByType("aws:rds/clusterInstance:ClusterInstance")); got != profile.Instances {
				t.Errorf("%d instances, want %d", got, profile.Instances)
			}
			for path, want := range map[string]any{
				"deletionProtection":                           tt.protect,
				"skipFinalSnapshot":                            !tt.protect,
				"serverlessv2ScalingConfiguration.minCapacity": profile.MinACU,
				"serverlessv2ScalingConfiguration.maxCapacity": profile.MaxACU,
				"backupRetentionPeriod":                        float64(profile.BackupRetentionDays),
				"dbSubnetGroupName":                            plantest.One(t, p, "aws:rds/subnetGroup:SubnetGroup").ID,
				"vpcSecurityGroupIds.0":                        p.Outputs["databaseSecurityGroupId"],
			} {
				if got, _ := cluster.Input(path); got != want {
					t.Errorf("cluster %s = %v, want %v", path, got, want)
				}
			}
			if _, hasSnapshot := cluster.Inputs["finalSnapshotIdentifier"]; hasSnapshot != tt.protect {
				t.Errorf("final snapshot identifier set = %v, want %v", hasSnapshot, tt.protect)
			}
			// The app: counts and ALB protection by profile, wired to the
			// database by secret and to the bucket by a scoped grant.
			appProfile := Defaults(tt.stack).App
			target := plantest.One(t, p, "aws:appautoscaling/target:Target")
			if target.Inputs["minCapacity"] != float64(appProfile.MinTasks) || target.Inputs["maxCapacity"] != 10.0 {
				t.Errorf("scaling = %v-%v, want %d-10", target.Inputs["minCapacity"], target.Inputs["maxCapacity"], appProfile.MinTasks)
			}
			if got := plantest.One(t, p, "aws:lb/loadBalancer:LoadBalancer").Inputs["enableDeletionProtection"]; got != tt.protect {
				t.Errorf("ALB deletion protection = %v, want %v", got, tt.protect)
			}
			listeners := map[string]bool{}
			for _, l := range p.ByType("aws:lb/listener:Listener") {
				listeners[l.Name] = true
			}
			if listeners[AppName+"-https"] != tt.protect {
				t.Errorf("listeners = %v, want HTTPS exactly in prod", listeners)
			}
			var containers []struct {
				Environment []struct{ Name, Value string }
				Secrets     []struct{ Name, ValueFrom string }
			}
			task := plantest.One(t, p, "aws:ecs/taskDefinition:TaskDefinition")
			if err := json.Unmarshal([]byte(task.Inputs["containerDefinitions"].(string)), &containers); err != nil {
				t.Fatal(err)
			}
			secretArn := p.Outputs["dbSecretArn"].(string)
			var password string
			for _, sec := range containers[0].Secrets {
				if sec.Name == "DB_PASSWORD" {
					password = sec.ValueFrom
				}
			}
			if password != secretArn+":password::" {
				t.Errorf("DB_PASSWORD comes from %q, want the database secret's password key", password)
			}
			env := map[string]string{}
			for _, e := range containers[0].Environment {
				env[e.Name] = e.Value
			}
			if env["DB_HOST"] != p.Outputs["dbEndpoint"] || env["DB_PORT"] != "5432" || env["BUCKET_NAME"] != p.Outputs["bucketName"] {
				t.Errorf("app environment = %v", env)
			}
			bucketArn, bucketKey := p.Outputs["bucketArn"].(string), p.Outputs["bucketKeyArn"].(string)
			grants := 0
			for _, pol := range p.ByType("aws:iam/rolePolicy:RolePolicy") {
				if !strings.HasPrefix(pol.Name, AppName+"-task-") {
					continue
				}
				grants++
				var doc struct{ Statement []struct{ Resource []string } }
				if err := json.Unmarshal([]byte(pol.Inputs["policy"].(string)), &doc); err != nil {
					t.Fatal(err)
				}
				for _, st := range doc.Statement {
					for _, r := range st.Resource {
						if r != bucketArn && r != bucketArn+"/*" && r != bucketKey {
							t.Errorf("the task role reaches %s, want only the bucket, its objects and its key", r)
						}
					}
				}
			}
			if grants != 1 {
				t.Errorf("task role has %d policies, want the bucket grant only", grants)
			}

			// The API: the shipped handler in the private subnets, its stage
			// and CORS after the environment, its table protected in prod.
			fn := plantest.Find(t, p, "aws:lambda/function:Function", APIName)
			for path, want := range map[string]any{
				"code.archive": FunctionDir, "runtime": "nodejs22.x", "tracingConfig.mode": "Active",
				"vpcConfig.subnetIds.0": p.Outputs["privateSubnetIds"].([]any)[0],
			} {
				if got, _ := fn.Input(path); got != want {
					t.Errorf("function %s = %v, want %v", path, got, want)
				}
			}
			domain := map[string]string{"dev": "dev.shop.example.com", "prod": "shop.example.com"}[tt.stack]
			if got, _ := plantest.One(t, p, "aws:apigatewayv2/api:Api").Input("corsConfiguration.allowOrigins.0"); got != "https://"+domain {
				t.Errorf("CORS origin = %v, want https://%s", got, domain)
			}
			if got := plantest.One(t, p, "aws:apigatewayv2/stage:Stage").Inputs["name"]; got != tt.stack {
				t.Errorf("stage = %v, want %s", got, tt.stack)
			}
			if got, _ := plantest.One(t, p, "aws:dynamodb/table:Table").Input("deletionProtectionEnabled"); got != tt.protect {
				t.Errorf("table deletion protection = %v, want %v", got, tt.protect)
			}
			wantDays := map[bool]float64{false: 30, true: 365}[tt.protect]
			if got := plantest.Find(t, p, "aws:cloudwatch/logGroup:LogGroup", APIName+"-access").Inputs["retentionInDays"]; got != wantDays {
				t.Errorf("API access log retention = %v, want %v", got, wantDays)
			}

			for _, k := range []string{"dbEndpoint", "dbPort", "dbSecretArn", "appUrl", "apiUrl", "apiTableName"} {
				if v, ok := p.Outputs[k]; !ok || v == "" {
					t.Errorf("output %s = %v, want a value", k, v)
				}
			}
			if got := plantest.Find(t, p, "aws:cloudwatch/logGroup:LogGroup", NetworkName+"-flow-logs").Inputs["retentionInDays"]; got != float64(Defaults(tt.stack).Network.FlowLogRetentionDays) {
				t.Errorf("flow log retention = %v, want the profile's", got)
			}
			for _, k := range []string{"vpcId", "albSecurityGroupId", "dbSubnetGroupName", "environment"} {
				if v, ok := p.Outputs[k]; !ok || v == "" {
					t.Errorf("output %s = %v, want a value", k, v)
				}
			}
		})
	}
}

func TestEnvironmentOverride(t *testing.T) {
	p, err := planStack(t, "dev", map[string]string{"strata:environment": "prod", "strata:budget": `{"emails":["ops@example.com"]}`, "strata:alarms": `{"emails":["ops@example.com"]}`,
		"strata:app": `{"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}`})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := plantest.One(t, p, "awsx:ec2:Vpc").Input("natGateways.strategy"); got != "OnePerAz" {
		t.Errorf("dev stack with environment prod has NAT %v, want the production profile's OnePerAz", got)
	}
}

func TestBadConfig(t *testing.T) {
	seedIsolated := `{"availabilityZones":3,"publicSubnetCidrs":["10.10.1.0/24","10.10.2.0/24","10.10.3.0/24"],` +
		`"privateSubnetCidrs":["10.10.10.0/24","10.10.20.0/24","10.10.30.0/24"],` +
		`"isolatedSubnetCidrs":["10.10.100.0/24","10.10.200.0/24","10.0.300.0/24"]}`
	tests := []struct {
		name      string
		stack     string
		overrides map[string]string
		want      []string
	}{
		{"the seed's 10.0.300.0/24", "dev", map[string]string{"strata:network": seedIsolated}, []string{"strata:network", "strata:network.isolatedSubnetCidrs[2]", "10.0.300.0/24"}},
		{"a non-canonical CIDR", "dev", map[string]string{"strata:network": `{"cidr":"10.10.1.5/16"}`}, []string{"strata:network", `did you mean "10.10.0.0/16"`}},
		{"one AZ in prod", "prod", map[string]string{"strata:network": `{"availabilityZones":1}`}, []string{"strata:network", "strata:network.availabilityZones must be 2 to 6, got 1"}},
		{"no NAT in prod", "prod", map[string]string{"strata:network": `{"natGateways":"none"}`}, []string{"strata:network.natGateways must not be \"none\" in production"}},
		{"short flow logs in prod", "prod", map[string]string{"strata:network": `{"flowLogRetentionDays":30}`}, []string{"flowLogRetentionDays must be at least 365 in production", "got 30"}},
		{"an unknown network key", "dev", map[string]string{"strata:network": `{"cidrr":"10.0.0.0/16"}`}, []string{`unknown key "cidrr"`, `did you mean "cidr"?`}},
		{"an unknown top-level key", "dev", map[string]string{"strata:netwrk": `{}`}, []string{`unknown key "strata:netwrk"`, `did you mean "strata:network"?`}},
		{"a value of the wrong type", "dev", map[string]string{"strata:network": `{"availabilityZones":"three"}`}, []string{`strata:network.availabilityZones must be a whole number, got "three"`}},
		{"an unknown NAT setting", "dev", map[string]string{"strata:network": `{"natGateways":"OnePerAz"}`}, []string{`strata:network.natGateways must be "single", "perAz", "instance" or "none", got "OnePerAz"`}},
		{"a network that is not an object", "dev", map[string]string{"strata:network": `"10.0.0.0/16"`}, []string{"strata:network must be an object"}},
		{"no owner", "dev", map[string]string{"strata:owner": " "}, []string{"strata:owner is required"}},
		{"an owner that is no tag value", "dev", map[string]string{"strata:owner": "team;drop"}, []string{"strata:owner", `"team;drop"`}},
		{"no region", "dev", map[string]string{"aws:region": ""}, []string{"aws:region must be an AWS Region", `got ""`}},
		{"a bad environment", "dev", map[string]string{"strata:environment": "Prod"}, []string{"strata:environment", `"Prod"`}},
		{"an invalid bucket name", "dev", map[string]string{"strata:bucket": `{"name":"Data_Bucket"}`}, []string{"strata:bucket", `strata:bucket.name must be lower-case`, `"Data_Bucket"`}},
		{"Standard-IA at 10 days", "dev", map[string]string{"strata:bucket": `{"lifecycleRules":[{"id":"cold","transitions":[{"days":10,"storageClass":"STANDARD_IA"}]}]}`},
			[]string{"strata:bucket", "strata:bucket.lifecycleRules[0].transitions[0].days must be at least 30 for STANDARD_IA, got 10"}},
		{"an unknown lifecycle key", "dev", map[string]string{"strata:bucket": `{"lifecycleRules":[{"id":"cold","transition":[]}]}`}, []string{`strata:bucket.lifecycleRules[0]: unknown key "transition": did you mean "transitions"?`}},
		{"a misspelled key in the second rule's transition", "dev", map[string]string{"strata:bucket": `{"lifecycleRules":[{"id":"a"},{"id":"b","transitions":[{"days":30,"storageClas":"STANDARD_IA"}]}]}`},
			[]string{`strata:bucket.lifecycleRules[1].transitions[0]: unknown key "storageClas": did you mean "storageClass"?`}},
		{"an unknown bucket key", "dev", map[string]string{"strata:bucket": `{"lifecycle":[]}`}, []string{`strata:bucket: unknown key "lifecycle"`, `did you mean "lifecycleRules"?`}},
		{"a budget of 0", "dev", map[string]string{"strata:budget": `{"limitUsd":0}`}, []string{"strata:budget", `strata:budget.limitUsd must be above 0, got 0`}},
		{"a budget that is not a number", "dev", map[string]string{"strata:budget": `{"limitUsd":"lots"}`}, []string{`strata:budget.limitUsd must be a number, got "lots"`}},
		{"12 e-mail subscribers", "dev", map[string]string{"strata:budget": `{"emails":["a@example.com","b@example.com","c@example.com","d@example.com","e@example.com","f@example.com","g@example.com","h@example.com","i@example.com","j@example.com","k@example.com","l@example.com"]}`},
			[]string{"strata:budget", "strata:budget.emails must hold at most 10, got 12"}},
		{"0.25 ACU", "dev", map[string]string{"strata:db": `{"minAcu":0.25}`}, []string{"strata:db", `strata:db.minAcu must be 0 to 256 in steps of 0.5, got 0.25`}},
		{"min above max", "prod", map[string]string{"strata:db": `{"minAcu":8,"maxAcu":4}`}, []string{"strata:db.minAcu (8) must not exceed strata:db.maxAcu (4)"}},
		{"0 backup days", "dev", map[string]string{"strata:db": `{"backupRetentionDays":0}`}, []string{"strata:db.backupRetentionDays must not be 0: leave the key out"}},
		{"36 backup days", "dev", map[string]string{"strata:db": `{"backupRetentionDays":36}`}, []string{"strata:db.backupRetentionDays must be 1 to 35, got 36"}},
		{"0 AZs", "dev", map[string]string{"strata:network": `{"availabilityZones":0}`}, []string{"strata:network.availabilityZones must not be 0"}},
		{"no deletion protection in prod", "prod", map[string]string{"strata:db": `{"deletionProtection":false}`}, []string{"strata:db.deletionProtection must be true in production"}},
		{"one instance in prod", "prod", map[string]string{"strata:db": `{"instances":1}`}, []string{"strata:db.instances must be at least 2 in production", "got 1"}},
		{"username postgres", "dev", map[string]string{"strata:db": `{"masterUsername":"postgres"}`}, []string{`strata:db.masterUsername "postgres" is reserved`}},
		{"an unknown db key", "dev", map[string]string{"strata:db": `{"minACU":1}`}, []string{`strata:db: unknown key "minACU"`, `did you mean "minAcu"?`}},
		{"no certificate in prod", "prod", map[string]string{"strata:app": `{}`}, []string{"strata:app.certificateArn must be set in production"}},
		{"a certificate that is no ARN", "dev", map[string]string{"strata:app": `{"certificateArn":"not-an-arn"}`}, []string{`strata:app.certificateArn must be an ACM certificate ARN`, `got "not-an-arn"`}},
		{"a certificate of another Region", "dev", map[string]string{"strata:app": `{"certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}`},
			[]string{"strata:app.certificateArn is a certificate in eu-west-1, but the stack deploys to us-east-1 (aws:region)"}},
		{"a Region AWS does not offer", "dev", map[string]string{"aws:region": "us-moon-1"}, []string{`aws:region is "us-moon-1", which is no Region AWS offers`}},
		{"a Region misspelled", "dev", map[string]string{"aws:region": "us-esat-1"}, []string{`did you mean "us-east-1"?`}},
		{"one task in prod", "prod", map[string]string{"strata:app": `{"minTasks":1,"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}`}, []string{"strata:app.minTasks must be at least 2 in production, got 1"}},
		{"Spot with no on-demand base in prod", "prod", map[string]string{"strata:app": `{"architecture":"X86_64","capacity":{"onDemandBase":0,"spotWeight":1}}`},
			[]string{"strata:app.capacity.onDemandBase must be at least strata:app.minTasks (2) in production when spotWeight is set: the minimum capacity never runs on Spot, got 0"}},
		{"Spot on ARM64 in dev", "dev", map[string]string{"strata:app": `{"architecture":"ARM64"}`},
			[]string{`strata:app.capacity.spotWeight is 1 but strata:app.architecture is "ARM64": Fargate Spot runs only X86_64 Linux tasks`}},
		{"an empty allow-list", "dev", map[string]string{"strata:app": `{"allowedIngressCidrs":[]}`},
			[]string{"strata:app.allowedIngressCidrs is empty and AllowedSecurityGroupIDs names no group: the internet-facing load balancer would admit nobody"}},
		{"an unknown egress", "dev", map[string]string{"strata:app": `{"egress":"all"}`}, []string{`strata:app.egress must be "https" or "none", got "all"`}},
		{"a misspelled capacity key", "dev", map[string]string{"strata:app": `{"capacity":{"spot":1}}`}, []string{`strata:app.capacity: unknown key "spot"`}},
		{"256 CPU with 4096 MiB", "dev", map[string]string{"strata:app": `{"cpu":256,"memory":4096}`}, []string{"strata:app", `strata:app.memory 4096 is not valid with strata:app.cpu 256`}},
		{"a health check path without a slash", "dev", map[string]string{"strata:app": `{"healthCheckPath":"health"}`}, []string{`strata:app.healthCheckPath must start with /`}},
		{"more tasks at least than at most", "dev", map[string]string{"strata:app": `{"minTasks":5,"maxTasks":3}`}, []string{"strata:app.maxTasks (3) must not be below strata:app.minTasks (5)"}},
		{"the app port in the network section", "dev", map[string]string{"strata:network": `{"appPort":3000}`}, []string{`strata:network: unknown key "appPort"`}},
		{"memory 127", "dev", map[string]string{"strata:api": `{"memoryMb":127}`}, []string{"strata:api", `strata:api.memoryMb must be 128 to 10240, got 127`}},
		{"timeout 901", "dev", map[string]string{"strata:api": `{"timeoutSeconds":901}`}, []string{"strata:api.timeoutSeconds must be 1 to 900, got 901"}},
		{"timeout 0", "dev", map[string]string{"strata:api": `{"timeoutSeconds":0}`}, []string{"strata:api.timeoutSeconds must not be 0"}},
		{"go1.x", "dev", map[string]string{"strata:api": `{"runtime":"go1.x"}`}, []string{`strata:api.runtime "go1.x" is deprecated`, "provided.al2023"}},
		{"burst 0", "dev", map[string]string{"strata:api": `{"throttlingBurst":0}`}, []string{"strata:api.throttlingBurst must not be 0"}},
		{"a domain with a scheme", "dev", map[string]string{"strata:api": `{"domain":"https://shop.example.com"}`}, []string{"strata:api.domain must be a DNS name"}},
		{"a deploy role without an external ID", "prod", map[string]string{"strata:baseline": `{"deployRole":{"trustedPrincipal":"210987654321","managedPolicyArns":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}`},
			[]string{"strata:deployExternalId must be set", "--secret"}},
		{"an external ID that is not a secret", "prod", map[string]string{"strata:deployExternalId": "ci-7f3a",
			"strata:baseline": `{"deployRole":{"trustedPrincipal":"210987654321","managedPolicyArns":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}`},
			[]string{"strata:deployExternalId must be a secret"}},
		{"an admin-equivalent deploy role", "prod", map[string]string{"strata:deployExternalId": "ci-7f3a",
			"strata:baseline": `{"deployRole":{"trustedPrincipal":"210987654321","managedPolicyArns":["arn:aws:iam::aws:policy/PowerUserAccess","arn:aws:iam::aws:policy/IAMFullAccess"]}}`},
			[]string{"strata:baseline", "IAMFullAccess", "make itself administrator", "AllowAdministratorAccess"}},
		{"a wildcard principal", "prod", map[string]string{"strata:baseline": `{"deployRole":{"trustedPrincipal":"*","managedPolicyArns":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}`},
			[]string{"strata:baseline", `strata:baseline.deployRole.trustedPrincipal must be a 12-digit account ID or a role ARN`, `"*"`}},
		{"a mistyped Config rule", "prod", map[string]string{"strata:baseline": `{"configRules":["GUARDDUTY_ENABLED"]}`},
			[]string{`strata:baseline.configRules[0] "GUARDDUTY_ENABLED" is not an AWS managed rule strata knows`}},
		{"an unknown deploy role key", "prod", map[string]string{"strata:baseline": `{"deployRole":{"principal":"x"}}`}, []string{`strata:baseline.deployRole: unknown key "principal"`, `did you mean "trustedPrincipal"?`}},
		{"no budget subscriber in prod", "prod", map[string]string{"strata:budget": `{}`}, []string{"strata:budget.emails must list at least one address in production"}},
		{"no alarm subscriber in prod", "prod", map[string]string{"strata:alarms": `{}`}, []string{"strata:alarms.emails must list at least one address in production"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planStack(t, tt.stack, tt.overrides)
			if err == nil {
				t.Fatalf("planning %s with %v: error = nil, want one", tt.stack, tt.overrides)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error = %v\nwant it to mention %q", err, w)
				}
			}
			if p != nil && len(p.Registered()) > 0 {
				t.Errorf("bad config registered %d resources, want none", len(p.Registered()))
			}
		})
	}
}

func TestBadConfigReportsEveryProblem(t *testing.T) {
	_, err := planStack(t, "prod", map[string]string{
		"strata:network": `{"availabilityZones":1,"natGateways":"none","cidrr":"x"}`,
		"strata:owner":   " ",
	})
	if err == nil {
		t.Fatal("error = nil, want four problems")
	}
	if n := len(strings.Split(err.Error(), "\n")); n != 4 {
		t.Errorf("got %d problems, want 4:\n%v", n, err)
	}
}

func BenchmarkPlanDev(b *testing.B)  { benchmarkPlan(b, "dev") }
func BenchmarkPlanProd(b *testing.B) { benchmarkPlan(b, "prod") }

func benchmarkPlan(b *testing.B, stack string) {
	opts, err := plan.StackOptions(repo, stack)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := plan.Run(Deploy, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func TestHandlerShipsWithTheProject(t *testing.T) {
	for _, f := range []string{"index.mjs", "handler.mjs"} {
		if _, err := os.Stat(filepath.Join(repo, FunctionDir, f)); err != nil {
			t.Errorf("the API handler is missing: %v", err)
		}
	}
}

func TestBaselineByEnvironment(t *testing.T) {
	const trail = "aws:cloudtrail/trail:Trail"
	prod, err := planStack(t, "prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{trail, "aws:guardduty/detector:Detector", "aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel",
		"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "aws:ebs/encryptionByDefault:EncryptionByDefault", "aws:accessanalyzer/analyzer:Analyzer"} {
		if r := plantest.One(t, prod, typ); !r.Protect {
			t.Errorf("prod %s is not protected", typ)
		}
	}
	if n := len(prod.ByType("aws:cfg/rule:Rule")); n != len(Defaults(Production).Baseline.ConfigRules) {
		t.Errorf("prod has %d Config rules, want the profile's", n)
	}
	if got := prod.Outputs["deployRoleArn"]; got != "" {
		t.Errorf("prod deploy role = %v, want none without a trusted principal", got)
	}

	dev, err := planStack(t, "dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(dev.ByType(baseline.Type)); n != 0 {
		t.Errorf("dev creates %d baselines, want none (prod owns the account's guard rails)", n)
	}
	optIn, err := planStack(t, "dev", map[string]string{"strata:baseline": `{"enabled":true,"guardDuty":false}`})
	if err != nil {
		t.Fatal(err)
	}
	plantest.One(t, optIn, trail)
	if n := len(optIn.ByType("aws:guardduty/detector:Detector")); n != 0 {
		t.Errorf("guardDuty false still made %d detectors", n)
	}
	if got := plantest.Find(t, optIn, "aws:s3/bucketV2:BucketV2", BaselineName+"-logs").Inputs["forceDestroy"]; got != true {
		t.Errorf("a dev audit-log bucket forceDestroy = %v, want true", got)
	}
}

func TestDeployRoleWithSecretExternalID(t *testing.T) {
	p, err := planStack(t, "prod", map[string]string{
		"strata:deployExternalId": "ci-deploy-7f3a",
		"strata:baseline":         `{"deployRole":{"trustedPrincipal":"arn:aws:iam::210987654321:role/ci","managedPolicyArns":["arn:aws:iam::aws:policy/PowerUserAccess"]}}`,
	}, "strata:deployExternalId")
	if err != nil {
		t.Fatal(err)
	}
	role := plantest.Find(t, p, "aws:iam/role:Role", BaselineName+"-deploy")
	trust, ok := role.Inputs["assumeRolePolicy"].(plan.Secret)
	if !ok {
		t.Fatalf("deploy trust = %#v, want a secret", role.Inputs["assumeRolePolicy"])
	}
	st := plantest.StatementAt(t, trust.Reveal(), 0)
	if st.Principal["AWS"] != "arn:aws:iam::210987654321:role/ci" || st.Condition["StringEquals"]["sts:ExternalId"] != "ci-deploy-7f3a" {
		t.Errorf("deploy trust = %+v", st)
	}
	if got := plantest.Find(t, p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", BaselineName+"-deploy-0").Inputs["policyArn"]; got != "arn:aws:iam::aws:policy/PowerUserAccess" {
		t.Errorf("deploy role policy = %v", got)
	}
	if b, _ := json.Marshal(p); strings.Contains(string(b), "ci-deploy-7f3a") {
		t.Error("the plan prints the external ID")
	}
	// A reviewer sees who may assume the role: only the external ID is
	// hidden, in text and in JSON.
	shown := fmt.Sprint(trust)
	var doc struct{ Statement []map[string]any }
	if err := json.Unmarshal([]byte(shown), &doc); err != nil {
		t.Fatalf("the trust policy prints as %q, want the JSON document: %v", shown, err)
	}
	if len(doc.Statement) != 1 {
		t.Fatalf("printed trust policy has %d statements, want 1", len(doc.Statement))
	}
	if got := doc.Statement[0]["Condition"]; fmt.Sprint(got) != "map[StringEquals:map[sts:ExternalId:[secret]]]" || doc.Statement[0]["Principal"] == nil {
		t.Errorf("printed trust statement = %v, want the principal and the external ID as [secret]", doc.Statement[0])
	}
	if b, _ := json.Marshal(role.Inputs); !strings.Contains(string(b), `arn:aws:iam::210987654321:role/ci`) {
		t.Errorf("the JSON plan hides the trusted principal: %s", b)
	}
}

// TestPermissionsBoundary: one key puts the boundary on every role the stack
// creates for a service, and lets the deploy role create roles only under
// it; the deploy role keeps a boundary of its own.
func TestPermissionsBoundary(t *testing.T) {
	const (
		boundary = "arn:aws:iam::123456789012:policy/strata-workload-boundary"
		ceiling  = "arn:aws:iam::123456789012:policy/deployer-ceiling"
	)
	p, err := planStack(t, "prod", map[string]string{
		"strata:permissionsBoundary": boundary,
		"strata:deployExternalId":    "ci-deploy-7f3a",
		"strata:baseline": `{"deployRole":{"trustedPrincipal":"210987654321","managedPolicyArns":["arn:aws:iam::aws:policy/PowerUserAccess"],` +
			`"permissionsBoundaryArn":"` + ceiling + `"}}`,
	}, "strata:deployExternalId")
	if err != nil {
		t.Fatal(err)
	}
	roles := p.ByType("aws:iam/role:Role")
	if len(roles) < 6 {
		t.Fatalf("the prod plan has %d roles, want the flow-log, task, execution, function, trail, Config and deploy roles", len(roles))
	}
	for _, r := range roles {
		want := boundary
		if r.Name == BaselineName+"-deploy" {
			want = ceiling
		}
		if got := r.Inputs["permissionsBoundary"]; got != want {
			t.Errorf("role %s boundary = %v, want %s", r.Name, got, want)
		}
	}
	manage := plantest.Find(t, p, "aws:iam/policy:Policy", BaselineName+"-deploy-roles")
	if !strings.Contains(manage.Inputs["policy"].(string), boundary) {
		t.Errorf("the deploy role's role-management policy does not name the boundary: %v", manage.Inputs["policy"])
	}

	_, err = planStack(t, "prod", map[string]string{"strata:permissionsBoundary": "strata-boundary"})
	if err == nil || strings.Count(err.Error(), "strata-boundary") != 1 || !strings.Contains(err.Error(), "strata:permissionsBoundary must be a managed policy ARN") {
		t.Errorf("a malformed boundary: error = %v, want one problem naming strata:permissionsBoundary", err)
	}
}

// powerUserAccess is AWS's managed PowerUserAccess policy (version 5), the
// deploy role's permissions in the README.
const powerUserAccess = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
	{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}`

// TestDeployPolicyCanDeployTheWorkloads: the deploy policy the README
// documents (PowerUserAccess and the baseline's role-management policy,
// with the workload boundary) allows every IAM request the workloads of the
// prod stack make (the baseline itself is bootstrapped by an
// administrator), and the boundary in deploy/ allows every action those
// roles are granted but no IAM write.
func TestDeployPolicyCanDeployTheWorkloads(t *testing.T) {
	const boundary = "arn:aws:iam::123456789012:policy/strata-workload-boundary"
	p, err := planStack(t, "prod", map[string]string{
		"strata:permissionsBoundary": boundary,
		"strata:deployExternalId":    "ci-deploy-7f3a",
		"strata:baseline":            `{"deployRole":{"trustedPrincipal":"210987654321","managedPolicyArns":["arn:aws:iam::aws:policy/PowerUserAccess"]}}`,
	}, "strata:deployExternalId")
	if err != nil {
		t.Fatal(err)
	}
	var deploy iampolicy.Document
	for _, text := range []string{powerUserAccess, plantest.Find(t, p, "aws:iam/policy:Policy", BaselineName+"-deploy-roles").Inputs["policy"].(string)} {
		d, err := iampolicy.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		deploy.Statement = append(deploy.Statement, d.Statement...)
	}
	role := func(id string) string { return "arn:aws:iam::123456789012:role/" + id }
	bounded := map[string][]string{"iam:PermissionsBoundary": {boundary}}
	passTo := func(service string) map[string][]string { return map[string][]string{"iam:PassedToService": {service}} }
	type request struct {
		action, resource string
		ctx              map[string][]string
	}
	var requests []request
	for _, r := range p.Resources {
		if strings.Contains(r.URN, "strata:baseline:Baseline") {
			continue
		}
		switch r.Type {
		case "aws:iam/role:Role":
			requests = append(requests, request{"iam:CreateRole", role(r.ID), bounded}, request{"iam:TagRole", role(r.ID), nil},
				request{"iam:GetRole", role(r.ID), nil}, request{"iam:DeleteRole", role(r.ID), nil})
		case "aws:iam/rolePolicy:RolePolicy":
			requests = append(requests, request{"iam:PutRolePolicy", role(r.Inputs["role"].(string)), bounded},
				request{"iam:DeleteRolePolicy", role(r.Inputs["role"].(string)), bounded})
		case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
			requests = append(requests, request{"iam:AttachRolePolicy", role(r.Inputs["role"].(string)), bounded})
		case "aws:ecs/taskDefinition:TaskDefinition":
			requests = append(requests, request{"iam:PassRole", role("web-task"), passTo("ecs-tasks.amazonaws.com")})
		case "aws:lambda/function:Function":
			requests = append(requests, request{"iam:PassRole", role("api"), passTo("lambda.amazonaws.com")})
		case "aws:ec2/flowLog:FlowLog":
			requests = append(requests, request{"iam:PassRole", role("main-flow-logs"), passTo("vpc-flow-logs.amazonaws.com")})
		}
	}
	if len(requests) < 20 {
		t.Fatalf("%d IAM requests from the workloads, want the roles, policies and passes of every component", len(requests))
	}
	for _, rq := range requests {
		got, _, err := deploy.Evaluate(iampolicy.Request{Principal: "AWS:" + role("CrossAccountDeployRole"), Action: rq.action, Resource: rq.resource, Context: rq.ctx})
		if err != nil {
			t.Fatal(err)
		}
		if got != iampolicy.Allowed {
			t.Errorf("the deploy policy: %s on %s with %v is %s, want allowed", rq.action, rq.resource, rq.ctx, got)
		}
	}

	raw, err := os.ReadFile("../deploy/workload-boundary.json")
	if err != nil {
		t.Fatal(err)
	}
	bound, err := iampolicy.Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, typ := range []string{"aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"} {
		for _, r := range p.ByType(typ) {
			if r.Name == BaselineName+"-deploy-roles" {
				continue // the deploy role's own policy, not a workload's
			}
			doc, err := iampolicy.Parse(r.Inputs["policy"].(string))
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range doc.Statement {
				for _, a := range st.Action {
					checked++
					if got, _, _ := bound.Evaluate(iampolicy.Request{Action: a, Resource: "*"}); got != iampolicy.Allowed {
						t.Errorf("the workload boundary does not allow %s, which %s grants", a, r.Name)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no workload action checked against the boundary")
	}
	for _, a := range []string{"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreateRole", "iam:PassRole", "iam:CreatePolicyVersion", "organizations:LeaveOrganization"} {
		if got, _, _ := bound.Evaluate(iampolicy.Request{Action: a, Resource: "*"}); got == iampolicy.Allowed {
			t.Errorf("the workload boundary allows %s", a)
		}
	}
}

// TestPlaceholderCertificate: prod's stack file holds the placeholder
// certificate. A preview plans with a warning on the HTTPS listener; a
// deploy stops before anything registers, naming the key.
func TestPlaceholderCertificate(t *testing.T) {
	p, err := planStack(t, "prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	https := plantest.Find(t, p, "aws:lb/listener:Listener", AppName+"-https")
	if w, _ := https.Input("tags." + tags.Warning); w == nil || !strings.Contains(w.(string), "placeholder") {
		t.Errorf("HTTPS listener tags = %v, want a placeholder warning", https.Inputs["tags"])
	}

	opts, err := plan.StackOptions("..", "prod")
	if err != nil {
		t.Fatal(err)
	}
	opts.Update = true
	p, err = plan.Run(Deploy, opts)
	if err == nil || !strings.Contains(err.Error(), "strata:app.certificateArn is the placeholder") || !strings.Contains(err.Error(), "Pulumi.prod.yaml") {
		t.Fatalf("pulumi up with the placeholder: error = %v, want one naming strata:app.certificateArn", err)
	}
	if len(p.Registered()) != 0 {
		t.Errorf("pulumi up with the placeholder registered %d resources, want none", len(p.Registered()))
	}

	// A real certificate deploys.
	opts.Config["strata:app"] = `{"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/5d3a1c2b-0000-4000-8000-00000000abcd"}`
	if _, err := plan.Run(Deploy, opts); err != nil {
		t.Errorf("pulumi up with a real certificate: %v", err)
	}
}

// TestTheWholeNetworkIsPlanned: the plans hold what awsx creates: prod 3
// NAT gateways, each in its AZ's public subnet with its own Elastic IP, 9
// subnets and 9 route tables; dev one NAT for both private route tables
// and the subnet blocks the README documents; the gateway endpoints list
// the private route tables.
func TestTheWholeNetworkIsPlanned(t *testing.T) {
	for _, tt := range []struct {
		stack         string
		nats, subnets int
		cidrs         map[string]string
	}{
		{"prod", 3, 9, nil},
		{"dev", 0, 6, map[string]string{
			"main-private-1": "10.10.0.0/18", "main-private-2": "10.10.64.0/18", "main-isolated-1": "10.10.128.0/19",
			"main-isolated-2": "10.10.160.0/19", "main-public-1": "10.10.192.0/20", "main-public-2": "10.10.208.0/20"}},
	} {
		t.Run(tt.stack, func(t *testing.T) {
			p, err := planStack(t, tt.stack, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(p.ByType("aws:ec2/natGateway:NatGateway")); n != tt.nats || len(p.ByType("aws:ec2/eip:Eip")) != tt.nats {
				t.Errorf("%d NAT gateways, %d Elastic IPs, want %d each", n, len(p.ByType("aws:ec2/eip:Eip")), tt.nats)
			}
			if n, m := len(p.ByType("aws:ec2/subnet:Subnet")), len(p.ByType("aws:ec2/routeTable:RouteTable")); n != tt.subnets || m != tt.subnets {
				t.Errorf("%d subnets and %d route tables, want %d each", n, m, tt.subnets)
			}
			for name, want := range tt.cidrs {
				if s := plantest.Find(t, p, "aws:ec2/subnet:Subnet", name); s.Inputs["cidrBlock"] != want {
					t.Errorf("subnet %s = %v, want %s", name, s.Inputs["cidrBlock"], want)
				}
			}
			var private []any
			for _, rt := range p.ByType("aws:ec2/routeTable:RouteTable") {
				if tier, _ := rt.Input("tags.SubnetType"); tier == "Private" {
					private = append(private, rt.ID)
				}
			}
			for _, ep := range p.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
				if got, _ := ep.Inputs["routeTableIds"].([]any); !slices.Equal(got, private) {
					t.Errorf("endpoint %s route tables = %v, want the private ones %v", ep.Name, got, private)
				}
			}
		})
	}
}

// TestAccessLogs: every bucket and the load balancer log access into the
// stack's log bucket; dev may turn it off, with a warning; prod may not.
func TestAccessLogs(t *testing.T) {
	p, err := planStack(t, "prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := plantest.Find(t, p, "aws:s3/bucketV2:BucketV2", LogBucketName)
	for _, b := range []string{BucketName, BaselineName + "-logs"} {
		if got := plantest.Find(t, p, "aws:s3/bucketLoggingV2:BucketLoggingV2", b).Inputs["targetBucket"]; got != logs.ID {
			t.Errorf("bucket %s logs to %v, want the log bucket %s", b, got, logs.ID)
		}
	}
	if got, _ := plantest.Find(t, p, "aws:lb/loadBalancer:LoadBalancer", AppName).Input("accessLogs.bucket"); got != logs.ID {
		t.Errorf("load balancer logs to %v, want the log bucket %s", got, logs.ID)
	}
	if got, _ := plantest.Find(t, p, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", LogBucketName).Input("rules.1.expiration.days"); got != 365.0 {
		t.Errorf("prod access logs expire after %v days, want 365", got)
	}

	dev, err := planStack(t, "dev", map[string]string{"strata:accessLogs": "false"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(dev.ByType("aws:s3/bucketLoggingV2:BucketLoggingV2")); n != 0 {
		t.Errorf("dev without access logs has %d logging configurations", n)
	}
	warned := false
	for _, d := range dev.Diagnostics {
		warned = warned || (d.Severity == "warning" && strings.Contains(d.Message, "strata:accessLogs is false"))
	}
	if !warned {
		t.Errorf("dev without access logs: diagnostics %+v, want a warning", dev.Diagnostics)
	}
	if _, err := planStack(t, "prod", map[string]string{"strata:accessLogs": "false"}); err == nil || !strings.Contains(err.Error(), "strata:accessLogs must be true in production") {
		t.Errorf("prod without access logs: error = %v", err)
	}
}

// TestSpotOutsideProduction: dev runs every task on Fargate Spot (an
// on-demand base of 0), prod on on-demand tasks, and prod may add Spot
// above a base that holds its minimum.
func TestSpotOutsideProduction(t *testing.T) {
	dev, err := planStack(t, "dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := plantest.Find(t, dev, "aws:ecs/service:Service", "web")
	want := `[{"base":0,"capacityProvider":"FARGATE","weight":0},{"base":0,"capacityProvider":"FARGATE_SPOT","weight":1}]`
	if got, _ := json.Marshal(svc.Inputs["capacityProviderStrategies"]); string(got) != want {
		t.Errorf("dev strategy = %s, want %s", got, want)
	}
	prod, err := planStack(t, "prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	svc = plantest.Find(t, prod, "aws:ecs/service:Service", "web")
	if svc.Inputs["launchType"] != "FARGATE" || svc.Inputs["capacityProviderStrategies"] != nil {
		t.Errorf("prod runs launch type %v with strategy %v, want on-demand FARGATE", svc.Inputs["launchType"], svc.Inputs["capacityProviderStrategies"])
	}
	if _, err := planStack(t, "prod", map[string]string{"strata:app": `{"architecture":"X86_64","capacity":{"onDemandBase":2,"onDemandWeight":1,"spotWeight":3},"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"}`}); err != nil {
		t.Errorf("Spot above an on-demand base of minTasks was refused in prod: %v", err)
	}
}
