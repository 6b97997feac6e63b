package auroradb

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

const (
	clusterType  = "aws:rds/cluster:Cluster"
	instanceType = "aws:rds/clusterInstance:ClusterInstance"
)

// base are valid args with the inputs a Network would give.
func base(a Args) *Args {
	if a.SubnetGroupName == nil {
		a.SubnetGroupName = pulumi.String("main-db-0123abcd")
	}
	if a.VpcID == nil {
		a.VpcID = pulumi.String("vpc-0123456789abcdef0")
	}
	return &a
}

func run(t *testing.T, args *Args) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		db, err := New(ctx, "orders", args)
		if err != nil {
			return err
		}
		ctx.Export("endpoint", db.Endpoint)
		ctx.Export("readerEndpoint", db.ReaderEndpoint)
		ctx.Export("secretArn", db.MasterSecretARN)
		ctx.Export("keyArn", db.KeyARN)
		ctx.Export("clusterId", db.ClusterIdentifier)
		ctx.Export("securityGroup", db.SecurityGroupID)
		return nil
	}, plan.Options{Project: "shop", Stack: "dev"})
}

func TestValidation(t *testing.T) {
	long := func(c string, n int) string { return "a" + strings.Repeat(c, n-1) }
	tests := []struct {
		name string
		args Args
		want []string
	}{
		{name: "defaults", args: Args{}},
		{name: "no network inputs", args: Args{SubnetGroupName: nil}, want: []string{"SubnetGroupName is required", "VpcID is required"}},
		{name: "0.25 ACU", args: Args{MinACU: 0.25}, want: []string{"MinACU must be 0 to 256 in steps of 0.5, got 0.25"}},
		{name: "0.5 ACU", args: Args{MinACU: 0.5}},
		{name: "256 ACU", args: Args{MinACU: 1, MaxACU: 256}},
		{name: "256.5 ACU", args: Args{MinACU: 1, MaxACU: 256.5}, want: []string{"MaxACU must be 1 to 256 in steps of 0.5, got 256.5"}},
		{name: "a maximum below 1 ACU", args: Args{MinACU: 0.5, MaxACU: 0.5}, want: []string{"MaxACU must be 1 to 256", "got 0.5"}},
		{name: "min above max", args: Args{MinACU: 8, MaxACU: 4}, want: []string{"MinACU (8) must not exceed MaxACU (4)"}},
		{name: "min 0 with 15.4", args: Args{EngineVersion: "15.4"}, want: []string{"MinACU 0 needs auto-pause", `"15.4"`}},
		{name: "min 0 with 15.7", args: Args{EngineVersion: "15.7"}},
		{name: "min 0 with 16.2", args: Args{EngineVersion: "16.2"}, want: []string{`got EngineVersion "16.2"`}},
		{name: "min 0 with 16.3", args: Args{EngineVersion: "16.3"}},
		{name: "15.4 without pausing", args: Args{EngineVersion: "15.4", MinACU: 0.5}},
		{name: "a version AWS has not released", args: Args{EngineVersion: "16.99", MinACU: 1}, want: []string{`EngineVersion "16.99" is not an Aurora PostgreSQL version strata knows: 16.1 to 16.9 have Serverless v2`}},
		{name: "a version without Serverless v2", args: Args{EngineVersion: "16.0", MinACU: 1}, want: []string{`EngineVersion "16.0" does not support Serverless v2: use 16.1 or later`}},
		{name: "an unknown major version", args: Args{EngineVersion: "12.9", MinACU: 1}, want: []string{`EngineVersion "12.9" is not an Aurora PostgreSQL major version`}},
		{name: "a version without minor", args: Args{EngineVersion: "16"}, want: []string{`EngineVersion must be "major.minor"`}},
		{name: "auto-pause 299 s", args: Args{AutoPauseSeconds: 299}, want: []string{"AutoPauseSeconds must be 300 to 86400, got 299"}},
		{name: "auto-pause 300 s", args: Args{AutoPauseSeconds: 300}},
		{name: "auto-pause 86400 s", args: Args{AutoPauseSeconds: 86400}},
		{name: "auto-pause 86401 s", args: Args{AutoPauseSeconds: 86401}, want: []string{"AutoPauseSeconds must be 300 to 86400, got 86401"}},
		{name: "auto-pause without scaling to zero", args: Args{MinACU: 1, AutoPauseSeconds: 600}, want: []string{"AutoPauseSeconds (600) only applies with MinACU 0"}},
		{name: "15 instances", args: Args{Instances: 15}},
		{name: "16 instances", args: Args{Instances: 16}, want: []string{"Instances must be 1 to 15, got 16"}},
		{name: "negative instances", args: Args{Instances: -1}, want: []string{"Instances must be 1 to 15, got -1"}},
		{name: "0 backup days is the default", args: Args{BackupRetentionDays: 0}},
		{name: "1 backup day", args: Args{BackupRetentionDays: 1}},
		{name: "35 backup days", args: Args{BackupRetentionDays: 35}},
		{name: "36 backup days", args: Args{BackupRetentionDays: 36}, want: []string{"BackupRetentionDays must be 1 to 35, got 36"}},
		{name: "negative backup days", args: Args{BackupRetentionDays: -1}, want: []string{"BackupRetentionDays must be 1 to 35, got -1"}},
		{name: "overlapping windows", args: Args{BackupWindow: "03:00-04:00", MaintenanceWindow: "sun:03:30-sun:04:30"}, want: []string{`MaintenanceWindow "sun:03:30-sun:04:30" overlaps BackupWindow "03:00-04:00"`}},
		{name: "windows that touch", args: Args{BackupWindow: "03:00-04:00", MaintenanceWindow: "sun:04:00-sun:04:30"}},
		{name: "overlap across the week's end", args: Args{BackupWindow: "00:00-01:00", MaintenanceWindow: "sun:23:30-mon:00:30"}, want: []string{"overlaps BackupWindow"}},
		{name: "a backup window across midnight", args: Args{BackupWindow: "23:30-00:30", MaintenanceWindow: "wed:01:00-wed:02:00"}},
		{name: "a 29-minute backup window", args: Args{BackupWindow: "03:00-03:29"}, want: []string{"BackupWindow must be at least 30 minutes, got 29"}},
		{name: "a malformed backup window", args: Args{BackupWindow: "3:00-4:00"}, want: []string{`BackupWindow must be "hh24:mi-hh24:mi"`}},
		{name: "a time that does not exist", args: Args{BackupWindow: "24:00-25:00"}, want: []string{"BackupWindow must hold real times"}},
		{name: "a malformed maintenance window", args: Args{MaintenanceWindow: "sunday 04:30"}, want: []string{`MaintenanceWindow must be "ddd:hh24:mi-ddd:hh24:mi"`}},
		{name: "an unknown day", args: Args{MaintenanceWindow: "sux:04:30-sux:05:30"}, want: []string{"MaintenanceWindow must hold days mon to sun"}},
		{name: "log retention 366", args: Args{LogRetentionDays: 366}, want: []string{"LogRetentionDays must be one of", "got 366"}},
		{name: "username postgres", args: Args{MasterUsername: "postgres"}, want: []string{`MasterUsername "postgres" is reserved`}},
		{name: "username Postgres", args: Args{MasterUsername: "Postgres"}, want: []string{`MasterUsername "Postgres" is reserved`}},
		{name: "username pg_admin", args: Args{MasterUsername: "pg_admin"}, want: []string{`"pg_admin" is reserved`}},
		{name: "username starting with a digit", args: Args{MasterUsername: "1admin"}, want: []string{"MasterUsername must be letters, digits and underscores starting with a letter"}},
		{name: "a 63-character username", args: Args{MasterUsername: long("b", 63)}},
		{name: "a 64-character username", args: Args{MasterUsername: long("b", 64)}, want: []string{"MasterUsername must be at most 63 characters, got 64"}},
		{name: "database template1", args: Args{DatabaseName: "template1"}, want: []string{`DatabaseName "template1" is reserved`}},
		{name: "a database name with a hyphen", args: Args{DatabaseName: "my-app"}, want: []string{"DatabaseName must be letters, digits and underscores"}},
		{name: "an upper-case identifier", args: Args{Identifier: "Orders"}, want: []string{`Identifier must be lower-case letters`, `"Orders"`}},
		{name: "an identifier with two hyphens", args: Args{Identifier: "orders--db"}, want: []string{"Identifier must not contain two hyphens in a row"}},
		{name: "a 60-character identifier", args: Args{Identifier: long("b", 60)}},
		{name: "a 61-character identifier", args: Args{Identifier: long("b", 61)}, want: []string{"Identifier must be at most 60 characters, got 61"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := base(tt.args)
			if tt.name == "no network inputs" {
				args = &Args{}
			}
			p, err := run(t, args)
			if tt.want != nil {
				tt.want = append(tt.want, `auroradb "orders"`)
			}
			plantest.ExpectProblems(t, p, err, tt.want...)
		})
	}
}

func TestSecureByDefault(t *testing.T) {
	p, err := run(t, base(Args{}))
	if err != nil {
		t.Fatal(err)
	}
	keyArn := p.Outputs["keyArn"].(string)
	comp := plantest.Find(t, p, Type, "orders")
	for _, r := range p.Registered() {
		if r != comp && r.Parent != comp.URN {
			t.Errorf("%s %q is not a child of the database", r.Type, r.Name)
		}
		// No password, in any form, in any resource's inputs.
		for k := range flatten("", r.Inputs) {
			if strings.Contains(strings.ToLower(k), "password") && !strings.HasSuffix(k, "manageMasterUserPassword") {
				t.Errorf("%s %q has input %s", r.Type, r.Name, k)
			}
		}
	}

	c := plantest.Find(t, p, clusterType, "orders")
	params := plantest.One(t, p, "aws:rds/clusterParameterGroup:ClusterParameterGroup")
	logs := plantest.One(t, p, "aws:cloudwatch/logGroup:LogGroup")
	for path, want := range map[string]any{
		"clusterIdentifier":                            "shop-dev-orders",
		"engine":                                       "aurora-postgresql",
		"engineMode":                                   "provisioned",
		"engineVersion":                                DefaultEngineVersion,
		"storageEncrypted":                             true,
		"kmsKeyId":                                     keyArn,
		"manageMasterUserPassword":                     true,
		"masterUserSecretKmsKeyId":                     keyArn,
		"masterUsername":                               "strata_admin",
		"databaseName":                                 "app",
		"iamDatabaseAuthenticationEnabled":             true,
		"enabledCloudwatchLogsExports.0":               "postgresql",
		"dbSubnetGroupName":                            "main-db-0123abcd",
		"vpcSecurityGroupIds.0":                        p.Outputs["securityGroup"],
		"dbClusterParameterGroupName":                  params.ID,
		"copyTagsToSnapshot":                           true,
		"deletionProtection":                           true,
		"skipFinalSnapshot":                            false,
		"backupRetentionPeriod":                        7.0,
		"preferredBackupWindow":                        "03:00-04:00",
		"preferredMaintenanceWindow":                   "sun:04:30-sun:05:30",
		"port":                                         5432.0,
		"serverlessv2ScalingConfiguration.minCapacity": 0.0,
		"serverlessv2ScalingConfiguration.maxCapacity": 4.0,
		"serverlessv2ScalingConfiguration.secondsUntilAutoPause": 300.0,
	} {
		if got, _ := c.Input(path); got != want {
			t.Errorf("cluster %s = %v, want %v", path, got, want)
		}
	}
	if snap, _ := c.Inputs["finalSnapshotIdentifier"].(string); !regexp.MustCompile(`^shop-dev-orders-final-[0-9a-f]{8}$`).MatchString(snap) {
		t.Errorf("final snapshot identifier = %q, want shop-dev-orders-final-<hash>", snap)
	}
	if !slices.Contains(c.Dependencies, logs.URN) {
		t.Errorf("cluster does not wait for its log group: %v", c.Dependencies)
	}

	if got, _ := params.Input("parameters.0"); !equalJSON(got, map[string]any{"name": "rds.force_ssl", "value": "1"}) {
		t.Errorf("parameter group parameters = %v, want rds.force_ssl 1", params.Inputs["parameters"])
	}
	if params.Inputs["family"] != "aurora-postgresql16" {
		t.Errorf("parameter group family = %v", params.Inputs["family"])
	}
	for k, want := range map[string]any{"name": "/aws/rds/cluster/shop-dev-orders/postgresql", "retentionInDays": 365.0, "kmsKeyId": keyArn} {
		if logs.Inputs[k] != want {
			t.Errorf("log group %s = %v, want %v", k, logs.Inputs[k], want)
		}
	}

	inst := plantest.One(t, p, instanceType)
	for k, want := range map[string]any{
		"instanceClass": "db.serverless", "publiclyAccessible": false, "promotionTier": 0.0,
		"performanceInsightsEnabled": true, "performanceInsightsKmsKeyId": keyArn, "autoMinorVersionUpgrade": true,
		"identifier": "shop-dev-orders-1", "dbSubnetGroupName": "main-db-0123abcd",
	} {
		if inst.Inputs[k] != want {
			t.Errorf("instance %s = %v, want %v", k, inst.Inputs[k], want)
		}
	}

	// The key lets CloudWatch Logs use it for this log group only.
	var kp struct {
		Statement []struct {
			Principal map[string]string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(plantest.One(t, p, "aws:kms/key:Key").Inputs["policy"].(string)), &kp); err != nil {
		t.Fatal(err)
	}
	if len(kp.Statement) != 2 || kp.Statement[1].Principal["Service"] != "logs.us-east-1.amazonaws.com" ||
		kp.Statement[1].Condition["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"] != "arn:aws:logs:us-east-1:"+plan.DefaultAccountID+":log-group:/aws/rds/cluster/shop-dev-orders/postgresql" {
		t.Errorf("key policy = %+v", kp)
	}

	if got := p.Outputs["secretArn"].(string); !strings.HasPrefix(got, "arn:aws:secretsmanager:us-east-1:"+plan.DefaultAccountID+":secret:rds!cluster-") {
		t.Errorf("master secret ARN = %q", got)
	}
	if got := p.Outputs["endpoint"].(string); !strings.HasPrefix(got, "shop-dev-orders.cluster-") || !strings.Contains(p.Outputs["readerEndpoint"].(string), ".cluster-ro-") {
		t.Errorf("endpoints = %v / %v", got, p.Outputs["readerEndpoint"])
	}
}

func TestInstancesSpreadOverZones(t *testing.T) {
	p, err := run(t, base(Args{Instances: 3, MinACU: 1, MaxACU: 16, AvailabilityZones: []string{"us-east-1a", "us-east-1b"}}))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		zone string
		tier float64
	}{{"us-east-1a", 0}, {"us-east-1b", 1}, {"us-east-1a", 1}}
	for i, w := range want {
		inst := plantest.Find(t, p, instanceType, "orders-"+string(rune('1'+i)))
		if inst.Inputs["availabilityZone"] != w.zone || inst.Inputs["promotionTier"] != w.tier {
			t.Errorf("instance %d zone/tier = %v/%v, want %s/%v", i+1, inst.Inputs["availabilityZone"], inst.Inputs["promotionTier"], w.zone, w.tier)
		}
	}
	c := plantest.One(t, p, clusterType)
	if _, ok := c.Input("serverlessv2ScalingConfiguration.secondsUntilAutoPause"); ok {
		t.Error("a cluster that does not scale to zero has an auto-pause delay")
	}
}

func TestAllowDeletionAndGivenKey(t *testing.T) {
	p, err := run(t, base(Args{AllowDeletion: true, KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/given")}))
	if err != nil {
		t.Fatal(err)
	}
	c := plantest.One(t, p, clusterType)
	if c.Inputs["deletionProtection"] != false || c.Inputs["skipFinalSnapshot"] != true {
		t.Errorf("deletionProtection/skipFinalSnapshot = %v/%v, want false/true", c.Inputs["deletionProtection"], c.Inputs["skipFinalSnapshot"])
	}
	if _, ok := c.Inputs["finalSnapshotIdentifier"]; ok {
		t.Errorf("final snapshot identifier = %v, want none when deletion is allowed", c.Inputs["finalSnapshotIdentifier"])
	}
	if n := len(p.ByType("aws:kms/key:Key")); n != 0 {
		t.Errorf("a given key still created %d keys", n)
	}
	if c.Inputs["kmsKeyId"] != "arn:aws:kms:us-east-1:123456789012:key/given" {
		t.Errorf("cluster key = %v, want the given one", c.Inputs["kmsKeyId"])
	}
}

func TestDefaultIdentifier(t *testing.T) {
	tests := map[[3]string]string{
		{"strata", "prod", "main"}:          "strata-prod-main",
		{"My_Project", "Dev.1", "orders"}:   "my-project-dev-1-orders",
		{"1st", "x", "db"}:                  "db-1st-x-db",
		{strings.Repeat("p", 70), "s", "n"}: strings.Repeat("p", 60),
	}
	for in, want := range tests {
		if got := defaultIdentifier(in[0], in[1], in[2]); got != want {
			t.Errorf("defaultIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
}

// flatten lists every input path.
func flatten(prefix string, v any) map[string]any {
	out := map[string]any{}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			for kk, ee := range flatten(prefix+"."+k, e) {
				out[kk] = ee
			}
		}
	case []any:
		for i, e := range v {
			for kk, ee := range flatten(prefix+"."+string(rune('0'+i)), e) {
				out[kk] = ee
			}
		}
	default:
		out[prefix] = v
	}
	return out
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// connect plans a database "orders" and exports the grants Connect hands
// out, with and without IAM authentication.
func connect(t *testing.T, opts ...*ConnectOptions) (*plan.Plan, []error) {
	t.Helper()
	var errs []error
	p, err := plan.Run(func(ctx *pulumi.Context) error {
		db, err := New(ctx, "orders", base(Args{}))
		if err != nil {
			return err
		}
		for i, o := range opts {
			g := db.Connect(o)
			errs = append(errs, g.Err)
			if g.Policy != nil {
				ctx.Export(fmt.Sprintf("policy%d", i), g.Policy)
			}
			ctx.Export(fmt.Sprintf("env%d", i), pulumi.ToStringMapOutput(toOutputs(g.Environment)))
			ctx.Export(fmt.Sprintf("secrets%d", i), pulumi.Int(len(g.Secrets)))
			ctx.Export(fmt.Sprintf("port%d", i), pulumi.Int(g.Network.Port))
			ctx.Export(fmt.Sprintf("group%d", i), g.Network.SecurityGroupID)
		}
		ctx.Export("securityGroup", db.SecurityGroupID)
		ctx.Export("resourceId", db.ClusterResourceID)
		ctx.Export("endpoint", db.Endpoint)
		return nil
	}, plan.Options{Project: "shop", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	return p, errs
}

func toOutputs(m map[string]pulumi.StringInput) map[string]pulumi.StringOutput {
	out := map[string]pulumi.StringOutput{}
	for k, v := range m {
		out[k] = v.ToStringOutput()
	}
	return out
}

func TestConnectWithTheSecret(t *testing.T) {
	p, errs := connect(t, nil, &ConnectOptions{EnvPrefix: "ORDERS_"})
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("Connect errors = %v", errs)
	}
	env := p.Outputs["env0"].(map[string]any)
	if env["DB_HOST"] != p.Outputs["endpoint"] || env["DB_PORT"] != "5432" || env["DB_NAME"] != "app" || len(env) != 3 {
		t.Errorf("settings = %v, want DB_HOST, DB_PORT and DB_NAME", env)
	}
	if p.Outputs["secrets0"] != 2.0 {
		t.Errorf("%v secrets, want DB_USER and DB_PASSWORD", p.Outputs["secrets0"])
	}
	if _, ok := p.Outputs["policy0"]; ok {
		t.Error("a password grant carries a role policy; the secret is read through the consumer's secret mechanism")
	}
	if p.Outputs["port0"] != float64(Port) || p.Outputs["group0"] != p.Outputs["securityGroup"] {
		t.Errorf("path = port %v to %v, want %d to the database's own group", p.Outputs["port0"], p.Outputs["group0"], Port)
	}
	if env := p.Outputs["env1"].(map[string]any); env["ORDERS_HOST"] == nil || env["DB_HOST"] != nil {
		t.Errorf("settings with a prefix = %v, want ORDERS_HOST", env)
	}
	// The database's own group: no rule at all until a consumer opens one.
	sg := plantest.Find(t, p, "aws:ec2/securityGroup:SecurityGroup", "orders")
	if sg.ID != p.Outputs["securityGroup"] || len(p.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"))+len(p.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")) != 0 {
		t.Errorf("the database's group %v has rules before any grant", sg.ID)
	}
}

func TestConnectWithIAM(t *testing.T) {
	p, errs := connect(t, &ConnectOptions{IAMUser: "orders_app"}, &ConnectOptions{IAMUser: "strata_admin"}, &ConnectOptions{IAMUser: "postgres"}, &ConnectOptions{EnvPrefix: "1X"})
	if errs[0] != nil {
		t.Fatalf("Connect as orders_app: %v", errs[0])
	}
	env := p.Outputs["env0"].(map[string]any)
	if env["DB_USER"] != "orders_app" || p.Outputs["secrets0"] != 0.0 {
		t.Errorf("settings = %v with %v secrets, want DB_USER orders_app and no password", env, p.Outputs["secrets0"])
	}
	pol := plantest.ParsePolicy(t, p.Outputs["policy0"])
	want := "arn:aws:rds-db:us-east-1:" + plan.DefaultAccountID + ":dbuser:" + p.Outputs["resourceId"].(string) + "/orders_app"
	if len(pol.Statement) != 1 || !slices.Equal(pol.Statement[0].Action, []string{"rds-db:connect"}) || !slices.Equal(pol.Statement[0].Resource, []string{want}) {
		t.Errorf("IAM policy = %+v, want rds-db:connect on %s only", pol, want)
	}
	for i, wantErr := range map[int]string{1: "must not be the master user", 2: "is reserved", 3: "EnvPrefix must be letters"} {
		if errs[i] == nil || !strings.Contains(errs[i].Error(), wantErr) || !strings.Contains(errs[i].Error(), `auroradb "orders"`) {
			t.Errorf("Connect %d error = %v, want one saying %q", i, errs[i], wantErr)
		}
	}
}

// TestAlarms: capacity, CPU, connections, replica lag (with readers) and
// each instance's free local storage, by the real identifiers.
func TestAlarms(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:123456789012:alarms"
	for _, tt := range []struct {
		instances int
		want      []string
	}{
		{1, []string{"orders-acu", "orders-connections", "orders-cpu", "orders-free-local-storage-1"}},
		{2, []string{"orders-acu", "orders-connections", "orders-cpu", "orders-free-local-storage-1", "orders-free-local-storage-2", "orders-replica-lag"}},
	} {
		p, err := run(t, base(Args{Instances: tt.instances, Alarms: Alarms{TopicARN: pulumi.String(topic), Connections: 200}}))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
			names = append(names, a.Name)
			if got, _ := a.Input("alarmActions.0"); got != topic {
				t.Errorf("alarm %s actions = %v, want the topic", a.Name, a.Inputs["alarmActions"])
			}
			if got, ok := a.Input("dimensions.DBClusterIdentifier"); ok && got != p.Outputs["clusterId"] {
				t.Errorf("alarm %s watches %v, want cluster %v", a.Name, got, p.Outputs["clusterId"])
			}
		}
		slices.Sort(names)
		if !slices.Equal(names, tt.want) {
			t.Errorf("%d instances: alarms %v, want %v", tt.instances, names, tt.want)
		}
		if got := plantest.Find(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "orders-connections").Inputs["threshold"]; got != 200.0 {
			t.Errorf("connections threshold = %v, want 200", got)
		}
	}
	// FreeLocalStorage is in bytes: 4 GiB is 4 << 30.
	p, err := run(t, base(Args{Alarms: Alarms{FreeLocalStorageGB: 4}}))
	if err != nil {
		t.Fatal(err)
	}
	storage := plantest.Find(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "orders-free-local-storage-1")
	if got := storage.Inputs["threshold"]; got != float64(4<<30) || storage.Inputs["comparisonOperator"] != "LessThanThreshold" {
		t.Errorf("free local storage alarm: threshold %v %v, want LessThanThreshold %v bytes", storage.Inputs["comparisonOperator"], got, float64(4<<30))
	}
	_, err = run(t, base(Args{Alarms: Alarms{ACUPercent: 0.5}}))
	plantest.ExpectProblems(t, nil, err, "Alarms.ACUPercent must be 1 to 100, got 0.5")
}
