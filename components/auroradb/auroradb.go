package auroradb

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/kmskey"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/internal/steps"
	"github.com/strata-infra/strata/monitoring"
)

// Type is the component's type token. Changing it replaces the cluster of
// every stack that uses it, unless an alias is added.
const Type = "strata:auroradb:AuroraDB"

// performanceInsightsDays is the free retention tier.
const performanceInsightsDays = 7

// AuroraDB is an Aurora PostgreSQL Serverless v2 cluster whose master
// password only RDS and Secrets Manager ever hold.
type AuroraDB struct {
	pulumi.ResourceState

	// Endpoint is the writer endpoint; ReaderEndpoint balances the readers.
	Endpoint       pulumi.StringOutput
	ReaderEndpoint pulumi.StringOutput
	// Port is the PostgreSQL port.
	Port int
	// DatabaseName is the database the cluster was created with.
	DatabaseName string
	// ClusterARN and ClusterIdentifier identify the cluster.
	ClusterARN        pulumi.StringOutput
	ClusterIdentifier pulumi.StringOutput
	// MasterSecretARN is the Secrets Manager secret RDS keeps the master
	// credentials in; apps read its "username" and "password" JSON keys.
	// Empty under a mock that returns no masterUserSecrets.
	MasterSecretARN pulumi.StringOutput
	// SecurityGroupID is the database's own security group: no egress, and
	// ingress on Port only from the consumers granted with Connect.
	SecurityGroupID pulumi.StringOutput
	// KeyARN is the KMS key the cluster encrypts with.
	KeyARN pulumi.StringOutput
	// ClusterResourceID is the cluster's resource ID, which IAM database
	// authentication names.
	ClusterResourceID pulumi.StringOutput
	// Dashboard is the database's dashboard row: the metrics its alarms
	// watch.
	Dashboard monitoring.Row

	name, masterUsername string
	env                  awsenv.Env
	vpcID                pulumi.StringInput
}

var (
	unsafeIdentifier = regexp.MustCompile(`[^a-z0-9]+`)
	envPrefixRE      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// defaultIdentifier makes <project>-<stack>-<name> a valid identifier.
func defaultIdentifier(project, stack, name string) string {
	id := strings.Trim(unsafeIdentifier.ReplaceAllString(strings.ToLower(project+"-"+stack+"-"+name), "-"), "-")
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		id = "db-" + id
	}
	if len(id) > maxIdentifierLength {
		id = strings.TrimRight(id[:maxIdentifierLength], "-")
	}
	return id
}

// New validates args and creates an AuroraDB. Nothing is registered when
// args are invalid; the error lists every problem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*AuroraDB, error) {
	a := args.withDefaults()
	if a.Identifier == "" {
		a.Identifier = defaultIdentifier(ctx.Project(), ctx.Stack(), name)
	}
	if err := validate(name, a); err != nil {
		return nil, err
	}
	db := &AuroraDB{Port: Port, DatabaseName: a.DatabaseName, name: name, masterUsername: a.MasterUsername, vpcID: a.VpcID}
	if err := ctx.RegisterComponentResource(Type, name, db, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, a: a, db: db, parent: pulumi.Parent(db),
		logGroupName: "/aws/rds/cluster/" + a.Identifier + "/postgresql"}
	if err := steps.Run("auroradb", name,
		steps.Step{What: "reading the environment", Run: b.environment},
		steps.Step{What: "creating the security group", Run: b.securityGroup},
		steps.Step{What: "creating the key", Run: b.key},
		steps.Step{What: "creating the parameter and log groups", Run: b.groups},
		steps.Step{What: "creating the cluster", Run: b.cluster},
		steps.Step{What: "creating the instances", Run: b.instances},
		steps.Step{What: "creating the alarms", Run: b.alarms},
	); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(db, pulumi.Map{
		"endpoint":          db.Endpoint,
		"readerEndpoint":    db.ReaderEndpoint,
		"port":              pulumi.Int(Port),
		"databaseName":      pulumi.String(a.DatabaseName),
		"clusterArn":        db.ClusterARN,
		"clusterIdentifier": db.ClusterIdentifier,
		"masterSecretArn":   db.MasterSecretARN,
		"securityGroupId":   db.SecurityGroupID,
	}); err != nil {
		return nil, fmt.Errorf("auroradb %q: registering outputs: %w", name, err)
	}
	return db, nil
}

// builder carries what New's steps share: each step reads what earlier
// ones made.
type builder struct {
	ctx          *pulumi.Context
	name         string
	a            Args
	db           *AuroraDB
	parent       pulumi.ResourceOrInvokeOption
	logGroupName string

	logKey pulumi.StringInput
	params *rds.ClusterParameterGroup
	logs   *cloudwatch.LogGroup
	made   *rds.Cluster
}

func (b *builder) environment() (err error) {
	b.db.env, err = awsenv.Lookup(b.ctx, b.db)
	return err
}

// securityGroup is the database's own group: nothing in until a consumer
// is granted Connect, nothing out (no egress rule at all).
func (b *builder) securityGroup() error {
	sg, err := ec2.NewSecurityGroup(b.ctx, b.name, &ec2.SecurityGroupArgs{
		VpcId:               b.a.VpcID,
		Description:         pulumi.String("Database tier: traffic from the application tier only"),
		RevokeRulesOnDelete: pulumi.Bool(true),
		Tags:                pulumi.StringMap{"Name": pulumi.String(b.name + "-db")},
	}, b.parent)
	if err != nil {
		return err
	}
	b.db.SecurityGroupID = sg.ID().ToStringOutput()
	return nil
}

// key uses KMSKeyARN or makes the cluster's own key, which CloudWatch Logs
// may also use for this cluster's log group.
func (b *builder) key() error {
	if b.a.KMSKeyARN != nil {
		b.db.KeyARN = b.a.KMSKeyARN.ToStringOutput()
		return nil
	}
	env := b.db.env
	key, err := kmskey.New(b.ctx, b.name, env, kmskey.Args{
		Description: fmt.Sprintf("Encrypts Aurora cluster %s: storage, master secret, Performance Insights and logs", b.a.Identifier),
		AliasPrefix: "alias/" + b.a.Identifier + "-",
		Services: []kmskey.Service{{
			// CloudWatch Logs encrypts the exported log, only for this
			// cluster's log group (it sends no aws:SourceAccount).
			Principal:       "logs." + env.Region + ".amazonaws.com",
			Actions:         []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Conditions:      map[string]map[string]any{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": env.ARN("logs", env.Region, "log-group:"+b.logGroupName)}},
			NoSourceAccount: true,
		}},
	}, b.parent)
	if err != nil {
		return err
	}
	b.db.KeyARN, b.logKey = key.Key.Arn, key.Key.Arn
	return nil
}

// groups makes the parameter group that requires TLS, and the log group,
// which exists before the cluster so that RDS never creates its own with
// unlimited retention.
func (b *builder) groups() (err error) {
	a := b.a
	major, _, _ := version(a.EngineVersion)
	if b.params, err = rds.NewClusterParameterGroup(b.ctx, b.name, &rds.ClusterParameterGroupArgs{
		NamePrefix:  pulumi.String(a.Identifier + "-"),
		Family:      pulumi.String("aurora-postgresql" + strconv.Itoa(major)),
		Description: pulumi.Sprintf("Aurora cluster %s: TLS required", a.Identifier),
		Parameters: rds.ClusterParameterGroupParameterArray{
			&rds.ClusterParameterGroupParameterArgs{Name: pulumi.String("rds.force_ssl"), Value: pulumi.String("1")},
		},
	}, b.parent); err != nil {
		return err
	}
	b.logs, err = cloudwatch.NewLogGroup(b.ctx, b.name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(b.logGroupName),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        b.logKey,
	}, b.parent)
	return err
}

// cluster makes the Serverless v2 cluster: encrypted, TLS only, IAM
// authentication, the master password kept by RDS, its log exported,
// deletion protection and a final snapshot unless AllowDeletion.
func (b *builder) cluster() error {
	ctx, name, a, db := b.ctx, b.name, b.a, b.db
	var finalSnapshot pulumi.StringPtrInput
	if !a.AllowDeletion {
		sum := sha256.Sum256([]byte(ctx.Project() + "/" + ctx.Stack() + "/" + name))
		finalSnapshot = pulumi.String(a.Identifier + "-final-" + hex.EncodeToString(sum[:4]))
	}
	autoPause := pulumi.IntPtrInput(nil)
	if a.MinACU == 0 {
		autoPause = pulumi.Int(a.AutoPauseSeconds)
	}
	cluster, err := rds.NewCluster(ctx, name, &rds.ClusterArgs{
		ClusterIdentifier:                pulumi.String(a.Identifier),
		Engine:                           pulumi.String("aurora-postgresql"),
		EngineMode:                       pulumi.String("provisioned"),
		EngineVersion:                    pulumi.String(a.EngineVersion),
		DatabaseName:                     pulumi.String(a.DatabaseName),
		MasterUsername:                   pulumi.String(a.MasterUsername),
		ManageMasterUserPassword:         pulumi.Bool(true),
		MasterUserSecretKmsKeyId:         db.KeyARN,
		Port:                             pulumi.Int(Port),
		DbSubnetGroupName:                a.SubnetGroupName,
		VpcSecurityGroupIds:              pulumi.StringArray{db.SecurityGroupID},
		DbClusterParameterGroupName:      b.params.Name,
		StorageEncrypted:                 pulumi.Bool(true),
		KmsKeyId:                         db.KeyARN,
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		EnabledCloudwatchLogsExports:     pulumi.StringArray{pulumi.String("postgresql")},
		BackupRetentionPeriod:            pulumi.Int(a.BackupRetentionDays),
		PreferredBackupWindow:            pulumi.String(a.BackupWindow),
		PreferredMaintenanceWindow:       pulumi.String(strings.ToLower(a.MaintenanceWindow)),
		CopyTagsToSnapshot:               pulumi.Bool(true),
		DeletionProtection:               pulumi.Bool(!a.AllowDeletion),
		SkipFinalSnapshot:                pulumi.Bool(a.AllowDeletion),
		FinalSnapshotIdentifier:          finalSnapshot,
		Serverlessv2ScalingConfiguration: &rds.ClusterServerlessv2ScalingConfigurationArgs{
			MinCapacity:           pulumi.Float64(a.MinACU),
			MaxCapacity:           pulumi.Float64(a.MaxACU),
			SecondsUntilAutoPause: autoPause,
		},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{b.logs}))
	if err != nil {
		return err
	}
	db.Endpoint = cluster.Endpoint
	db.ReaderEndpoint = cluster.ReaderEndpoint
	db.ClusterARN = cluster.Arn
	db.ClusterIdentifier = cluster.ClusterIdentifier
	db.ClusterResourceID = cluster.ClusterResourceId
	// RDS makes the secret. A mock that does not invent it leaves the ARN
	// empty, as the SDK leaves every output a mock leaves out, not a panic.
	db.MasterSecretARN = cluster.MasterUserSecrets.ApplyT(func(s []rds.ClusterMasterUserSecret) string {
		if len(s) == 0 || s[0].SecretArn == nil {
			return ""
		}
		return *s[0].SecretArn
	}).(pulumi.StringOutput)
	b.made = cluster
	return nil
}

// instances makes the db.serverless writer and readers, spread over the
// zones, readers first in line to take over.
func (b *builder) instances() error {
	ctx, name, a, db, cluster, parent := b.ctx, b.name, b.a, b.db, b.made, b.parent
	for i := range a.Instances {
		tier := 0
		if i > 0 {
			tier = 1 // readers are first in line to take over from the writer
		}
		var zone pulumi.StringPtrInput
		if len(a.AvailabilityZones) > 0 {
			zone = pulumi.String(a.AvailabilityZones[i%len(a.AvailabilityZones)])
		}
		if _, err := rds.NewClusterInstance(ctx, fmt.Sprintf("%s-%d", name, i+1), &rds.ClusterInstanceArgs{
			Identifier:                         pulumi.Sprintf("%s-%d", a.Identifier, i+1),
			ClusterIdentifier:                  cluster.ID(),
			InstanceClass:                      pulumi.String("db.serverless"),
			Engine:                             cluster.Engine,
			EngineVersion:                      cluster.EngineVersion,
			DbSubnetGroupName:                  a.SubnetGroupName,
			PubliclyAccessible:                 pulumi.Bool(false),
			AvailabilityZone:                   zone,
			PromotionTier:                      pulumi.Int(tier),
			AutoMinorVersionUpgrade:            pulumi.Bool(true),
			PerformanceInsightsEnabled:         pulumi.Bool(true),
			PerformanceInsightsKmsKeyId:        db.KeyARN,
			PerformanceInsightsRetentionPeriod: pulumi.Int(performanceInsightsDays),
			CopyTagsToSnapshot:                 pulumi.Bool(true),
		}, parent); err != nil {
			return fmt.Errorf("instance %d: %w", i+1, err)
		}
	}

	return nil
}

// Connect is the grant that lets a compute component use this database:
// an ingress rule on the database's group from the consumer's group on
// Port (and the consumer's matching egress), the settings <prefix>HOST,
// PORT and NAME, and either the master credentials from the RDS-managed
// secret (<prefix>USER and PASSWORD, readable only with this database's
// key through Secrets Manager; <prefix>SECRET_ARN for code that reads the
// secret itself) or, with IAMUser, rds-db:connect as that user and
// <prefix>USER, with no password at all. A nil opts means the defaults.
func (d *AuroraDB) Connect(opts *ConnectOptions) grant.Grant {
	var o ConnectOptions
	if opts != nil {
		o = *opts
	}
	prefix := cmp.Or(o.EnvPrefix, DefaultEnvPrefix)
	p := problems.For("auroradb", d.name)
	if !envPrefixRE.MatchString(prefix) {
		p.Addf("%v must be letters, digits and underscores starting with a letter, got %q", problems.Field("ConnectOptions").Child("EnvPrefix"), prefix)
	}
	if o.IAMUser != "" {
		checkPGName(p, problems.Field("ConnectOptions").Child("IAMUser"), o.IAMUser, reservedUsers)
		if strings.EqualFold(o.IAMUser, d.masterUsername) {
			p.Addf("%v must not be the master user %q: create a user for the application", problems.Field("ConnectOptions").Child("IAMUser"), d.masterUsername)
		}
	}
	g := grant.Grant{Err: p.Err(),
		What:    "database " + d.name,
		Network: &grant.Network{Name: d.name, SecurityGroupID: d.SecurityGroupID, Port: Port, Protocol: "PostgreSQL", VpcID: d.vpcID},
		Environment: map[string]pulumi.StringInput{
			prefix + "HOST": d.Endpoint,
			prefix + "PORT": pulumi.String(strconv.Itoa(Port)),
			prefix + "NAME": pulumi.String(d.DatabaseName),
		},
	}
	if o.IAMUser == "" {
		for _, s := range []struct{ env, key string }{{"USER", "username"}, {"PASSWORD", "password"}} {
			g.Secrets = append(g.Secrets, grant.Secret{
				Env: prefix + s.env, ARNEnv: prefix + "SECRET_ARN", ARN: d.MasterSecretARN, JSONKey: s.key, KMSKeyARN: d.KeyARN,
			})
		}
		return g
	}
	g.What += " as " + o.IAMUser
	g.Environment[prefix+"USER"] = pulumi.String(o.IAMUser)
	env := d.env
	g.Policy = d.ClusterResourceID.ApplyT(func(id string) (string, error) {
		return iamdoc.New(iamdoc.Statement{
			Sid: "ConnectAsUser", Effect: iamdoc.Allow, Action: []string{"rds-db:connect"},
			Resource: []string{env.ARN("rds-db", env.Region, "dbuser:"+id+"/"+o.IAMUser)},
		}).JSON()
	}).(pulumi.StringOutput)
	return g
}

// alarms watches capacity (ACUs near MaxACU), CPU, connections, the
// readers' lag (with readers) and each instance's free local storage.
func (b *builder) alarms() error {
	al, db := b.a.Alarms, b.db
	cluster := map[string]pulumi.StringInput{"DBClusterIdentifier": db.ClusterIdentifier}
	rds := "AWS/RDS"
	alarms := []monitoring.Alarm{
		{Suffix: "acu", Description: fmt.Sprintf("Cluster %s uses more than %v %% of its %v ACU: raise MaxACU", b.a.Identifier, al.ACUPercent, b.a.MaxACU),
			Metric:     monitoring.Metric{Namespace: rds, Name: "ACUUtilization", Dimensions: cluster, Stat: "Average"},
			Comparison: "GreaterThanThreshold", Threshold: al.ACUPercent, Periods: 5, MissingData: "notBreaching"},
		{Suffix: "cpu", Description: fmt.Sprintf("Cluster %s uses more than %v %% CPU", b.a.Identifier, al.CPUPercent),
			Metric:     monitoring.Metric{Namespace: rds, Name: "CPUUtilization", Dimensions: cluster, Stat: "Average"},
			Comparison: "GreaterThanThreshold", Threshold: al.CPUPercent, Periods: 5, MissingData: "notBreaching"},
		{Suffix: "connections", Description: fmt.Sprintf("Cluster %s holds more than %d connections", b.a.Identifier, al.Connections),
			Metric:     monitoring.Metric{Namespace: rds, Name: "DatabaseConnections", Dimensions: cluster, Stat: "Maximum"},
			Comparison: "GreaterThanThreshold", Threshold: float64(al.Connections), Periods: 5, MissingData: "notBreaching"},
	}
	if b.a.Instances > 1 {
		alarms = append(alarms, monitoring.Alarm{Suffix: "replica-lag", Description: fmt.Sprintf("The readers of %s lag more than %d ms", b.a.Identifier, al.ReplicaLagMilliseconds),
			Metric:     monitoring.Metric{Namespace: rds, Name: "AuroraReplicaLagMaximum", Dimensions: cluster, Stat: "Maximum"},
			Comparison: "GreaterThanThreshold", Threshold: float64(al.ReplicaLagMilliseconds), Periods: 5, MissingData: "notBreaching"})
	}
	for i := range b.a.Instances {
		id := fmt.Sprintf("%s-%d", b.a.Identifier, i+1)
		alarms = append(alarms, monitoring.Alarm{Suffix: fmt.Sprintf("free-local-storage-%d", i+1),
			Description: fmt.Sprintf("Instance %s has less than %d GB of local storage free", id, al.FreeLocalStorageGB),
			Metric:      monitoring.Metric{Namespace: rds, Name: "FreeLocalStorage", Dimensions: map[string]pulumi.StringInput{"DBInstanceIdentifier": pulumi.String(id)}, Stat: "Minimum"},
			Comparison:  "LessThanThreshold", Threshold: float64(al.FreeLocalStorageGB << 30), Periods: 5, MissingData: "notBreaching"})
	}
	row, err := monitoring.Create(b.ctx, b.name, "Database "+b.a.Identifier, alarms, al.TopicARN, b.parent)
	db.Dashboard = row
	return err
}
