package cost

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/plan/model"
)

// free are resource types that cost nothing by themselves, with why.
var free = map[string]string{
	"aws:ec2/vpc:Vpc":                                           "VPCs are free",
	"aws:ec2/subnet:Subnet":                                     "subnets are free",
	"aws:ec2/routeTable:RouteTable":                             "route tables are free",
	"aws:ec2/route:Route":                                       "routes are free",
	"aws:ec2/routeTableAssociation:RouteTableAssociation":       "associations are free",
	"aws:ec2/internetGateway:InternetGateway":                   "internet gateways are free (traffic out is data transfer)",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":         "security groups are free",
	"aws:ec2/securityGroup:SecurityGroup":                       "security groups are free",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security group rules are free",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   "security group rules are free",
	"aws:ec2/flowLog:FlowLog":                                   "priced as its log group's ingestion",
	"aws:iam/role:Role":                                         "IAM is free",
	"aws:iam/rolePolicy:RolePolicy":                             "IAM is free",
	"aws:iam/policy:Policy":                                     "IAM is free",
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":         "IAM is free",
	"aws:kms/alias:Alias":                                       "aliases are free (the key is priced)",
	"aws:s3/bucketVersioningV2:BucketVersioningV2":              "priced as the bucket's storage",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "configuration is free",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     "configuration is free",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     "configuration is free",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       "configuration is free",
	"aws:s3/bucketPolicy:BucketPolicy":                                                           "configuration is free",
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     "priced as the log bucket's storage",
	// pulumi-aws v7's companions, unsuffixed.
	"aws:s3/bucketVersioning:BucketVersioning":                                               "priced as the bucket's storage",
	"aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "configuration is free",
	"aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":                       "configuration is free",
	"aws:s3/bucketLogging:BucketLogging":                                                     "priced as the log bucket's storage",
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":                               "account settings are free",
	"aws:ebs/encryptionByDefault:EncryptionByDefault":                                        "account settings are free",
	"aws:accessanalyzer/analyzer:Analyzer":                                                   "an account analyzer is free",
	"aws:rds/subnetGroup:SubnetGroup":                                                        "subnet groups are free",
	"aws:rds/clusterParameterGroup:ClusterParameterGroup":                                    "parameter groups are free",
	"aws:rds/clusterInstance:ClusterInstance":                                                "priced with its cluster (ACUs per instance)",
	"aws:lb/listener:Listener":                                                               "priced with its load balancer",
	"aws:lb/targetGroup:TargetGroup":                                                         "priced with its load balancer",
	"aws:ecs/taskDefinition:TaskDefinition":                                                  "priced with its service",
	"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":                              "configuration is free",
	"aws:appautoscaling/target:Target":                                                       "autoscaling is free",
	"aws:appautoscaling/policy:Policy":                                                       "autoscaling is free (its alarms are AWS-managed)",
	"aws:apigatewayv2/stage:Stage":                                                           "priced with its API",
	"aws:apigatewayv2/route:Route":                                                           "priced with its API",
	"aws:apigatewayv2/integration:Integration":                                               "priced with its API",
	"aws:apigatewayv2/authorizer:Authorizer":                                                 "priced with its API",
	"aws:lambda/permission:Permission":                                                       "permissions are free",
	"aws:sns/topic:Topic":                                                                    "a topic has no monthly charge (publishes beyond SNS's first million a month are billed per request)",
	"aws:sns/topicPolicy:TopicPolicy":                                                        "policies are free",
	"aws:budgets/budget:Budget":                                                              "an account's first two budgets are free",
	"aws:cfg/deliveryChannel:DeliveryChannel":                                                "priced as the recorder's items",
	"aws:cfg/recorderStatus:RecorderStatus":                                                  "priced as the recorder's items",
}

// instancePrices are the EC2 instance types the table prices.
var instancePrices = map[string]string{"t4g.nano": "ec2HourT4gNano"}

// pricer prices one plan.
type pricer struct {
	p   *model.Plan
	idx *model.Index // p's lookups
	// taskDefs (by ARN and by ID) and targets (by the service name their
	// resource ID ends with), made on first use: the first in plan order.
	taskDefs, targets map[string]*model.Resource
	price             map[string]float64
	usage             Usage
	rep               *Report
	// variable are the price keys whose price varies (Spot).
	variable []string
	// missing are the price keys a rule asked for that the table lacks.
	missing []string
}

func (pr *pricer) add(r *model.Resource, desc, unit, priceKey string, qty float64, kind string, maxQty float64) {
	unitPrice, ok := pr.price[priceKey]
	if !ok {
		// Never priced as 0: a line without a price is an error.
		pr.missing = append(pr.missing, fmt.Sprintf("%s (for %s of %s %q)", priceKey, desc, r.Type, r.Name))
		return
	}
	it := Item{URN: r.URN, Type: r.Type, Description: desc, Unit: unit, Quantity: round6(qty), UnitPrice: unitPrice,
		Monthly: round(qty * unitPrice), Kind: kind, PriceKey: priceKey, Variable: slices.Contains(pr.variable, priceKey)}
	if maxQty > 0 && maxQty != qty {
		it.MaxQuantity = round6(maxQty)
	}
	pr.rep.Items = append(pr.rep.Items, it)
}

func round6(v float64) float64 { return float64(int64(v*1e6+0.5)) / 1e6 }

// run prices every resource of the plan.
func (pr *pricer) run() error {
	for _, r := range pr.p.Resources {
		if r.Remote && len(pr.idx.Children(r.URN)) == 0 {
			pr.rep.Unpriced = append(pr.rep.Unpriced, r.Type+" (not constructed: what it creates is not in the plan)")
			continue
		}
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		if why, ok := free[r.Type]; ok {
			pr.rep.Free = append(pr.rep.Free, r.Type+": "+why)
			continue
		}
		rule, ok := rules[r.Type]
		if !ok {
			pr.rep.Unpriced = append(pr.rep.Unpriced, r.Type)
			continue
		}
		if err := rule(pr, r); err != nil {
			return fmt.Errorf("cost: pricing %s %q: %w", r.Type, r.Name, err)
		}
	}
	if len(pr.missing) > 0 {
		return fmt.Errorf("cost: the price table for %s has no price %s", pr.p.Region, strings.Join(slices.Compact(pr.missing), "; no price "))
	}
	return nil
}

var rules = map[string]func(pr *pricer, r *model.Resource) error{
	"aws:ec2/natGateway:NatGateway": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "NAT gateway hours", "hour", "natGatewayHour", HoursPerMonth, Baseline, 0)
		pr.add(r, "NAT gateway data processed", "GB", "natGatewayGB", pr.usage.of(r, "natGatewayGB"), UsageKind, 0)
		return nil
	},
	"aws:ec2/eip:Eip": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "public IPv4 address (Elastic IP)", "hour", "publicIPv4Hour", HoursPerMonth, Baseline, 0)
		return nil
	},
	"aws:ec2/instance:Instance": func(pr *pricer, r *model.Resource) error {
		key, ok := instancePrices[str(r, "instanceType")]
		if !ok {
			pr.rep.Unpriced = append(pr.rep.Unpriced, r.Type+" "+str(r, "instanceType"))
			return nil
		}
		pr.add(r, "EC2 instance hours ("+str(r, "instanceType")+")", "hour", key, HoursPerMonth, Baseline, 0)
		if inputOf(r, "associatePublicIpAddress") == true {
			pr.add(r, "public IPv4 address", "hour", "publicIPv4Hour", HoursPerMonth, Baseline, 0)
		}
		gb := num(r, "rootBlockDevice.volumeSize")
		if gb == 0 {
			gb = 8
		}
		pr.add(r, "root volume (gp3)", "GB-month", "ebsGp3GBMonth", gb, Baseline, 0)
		return nil
	},
	"aws:ec2/vpcEndpoint:VpcEndpoint": func(pr *pricer, r *model.Resource) error {
		if str(r, "vpcEndpointType") != "Interface" {
			pr.rep.Free = append(pr.rep.Free, r.Type+": gateway endpoints (S3, DynamoDB) are free")
			return nil
		}
		azs := float64(max(1, len(listOf(r, "subnetIds"))))
		pr.add(r, "interface endpoint hours, per AZ", "hour", "interfaceEndpointHour", azs*HoursPerMonth, Baseline, 0)
		return nil
	},
	"aws:lb/loadBalancer:LoadBalancer": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "load balancer hours", "hour", "albHour", HoursPerMonth, Baseline, 0)
		if inputOf(r, "internal") != true {
			azs := float64(max(1, len(listOf(r, "subnets"))))
			pr.add(r, "public IPv4 addresses, one per AZ", "hour", "publicIPv4Hour", azs*HoursPerMonth, Baseline, 0)
		}
		pr.add(r, "load balancer capacity units", "LCU-hour", "albLCUHour", pr.usage.of(r, "albLCU")*HoursPerMonth, UsageKind, 0)
		return nil
	},
	"aws:ecs/service:Service": func(pr *pricer, r *model.Resource) error {
		task := pr.taskOf(r)
		if task == nil {
			return fmt.Errorf("its task definition is not in the plan")
		}
		minTasks, maxTasks := pr.scaleOf(r)
		vcpu, gb := num(task, "cpu")/1024, num(task, "memory")/1024
		arch := str(task, "runtimePlatform.cpuArchitecture")
		if arch == "" {
			arch = "X86_64"
		}
		s := strategyOf(r)
		onMin, spotMin := s.split(minTasks)
		onMax, spotMax := s.split(maxTasks)
		if onMin > 0 || onMax > 0 {
			pr.add(r, fmt.Sprintf("Fargate vCPU hours (%s, %v vCPU × %s)", arch, vcpu, s.tasks("on-demand")), "vCPU-hour", "fargateVCPUHour"+arch,
				vcpu*onMin*HoursPerMonth, Baseline, vcpu*onMax*HoursPerMonth)
			pr.add(r, fmt.Sprintf("Fargate memory hours (%s, %v GB × %s)", arch, gb, s.tasks("on-demand")), "GB-hour", "fargateGBHour"+arch,
				gb*onMin*HoursPerMonth, Baseline, gb*onMax*HoursPerMonth)
		}
		if spotMin > 0 || spotMax > 0 {
			// A Region whose table has no Spot rate prices Spot tasks at the
			// on-demand rate, an upper bound, and says so.
			vKey, gKey, note := "fargateSpotVCPUHour"+arch, "fargateSpotGBHour"+arch, "the Spot price varies"
			if _, ok := pr.price[vKey]; !ok {
				vKey, gKey, note = "fargateVCPUHour"+arch, "fargateGBHour"+arch, "at the on-demand rate, an upper bound: the table has no Spot price here"
			}
			pr.add(r, fmt.Sprintf("Fargate Spot vCPU hours (%s, %v vCPU × Spot tasks; %s)", arch, vcpu, note), "vCPU-hour", vKey,
				vcpu*spotMin*HoursPerMonth, Baseline, vcpu*spotMax*HoursPerMonth)
			pr.add(r, fmt.Sprintf("Fargate Spot memory hours (%s, %v GB × Spot tasks; %s)", arch, gb, note), "GB-hour", gKey,
				gb*spotMin*HoursPerMonth, Baseline, gb*spotMax*HoursPerMonth)
		}
		return nil
	},
	"aws:ecs/cluster:Cluster": func(pr *pricer, r *model.Resource) error {
		pr.rep.Unpriced = append(pr.rep.Unpriced, r.Type+" (Container Insights metrics)")
		return nil
	},
	"aws:rds/cluster:Cluster": func(pr *pricer, r *model.Resource) error {
		instances := 0.0
		for _, i := range pr.idx.ByType("aws:rds/clusterInstance:ClusterInstance") {
			if inputOf(i, "clusterIdentifier") == r.ID {
				instances++
			}
		}
		minACU, maxACU := num(r, "serverlessv2ScalingConfiguration.minCapacity"), num(r, "serverlessv2ScalingConfiguration.maxCapacity")
		pr.add(r, fmt.Sprintf("Aurora Serverless v2 ACU hours (%v to %v ACU × %v instances; 0 while paused)", minACU, maxACU, instances),
			"ACU-hour", "auroraACUHour", minACU*instances*HoursPerMonth, Baseline, maxACU*instances*HoursPerMonth)
		if minACU == 0 {
			n := len(pr.rep.Items)
			pr.add(r, "Aurora ACU hours while awake (a paused cluster wakes on connections)", "ACU-hour", "auroraACUHour",
				0.5*instances*pr.usage.of(r, "auroraActiveHours"), UsageKind, 0)
			// At maximum the cluster is awake every hour at its maximum:
			// the baseline line's maximum holds these hours already.
			if len(pr.rep.Items) > n {
				pr.rep.Items[n].WithinMaximum = true
			}
		}
		pr.add(r, "Aurora storage", "GB-month", "auroraStorageGBMonth", pr.usage.of(r, "auroraStorageGB"), UsageKind, 0)
		pr.add(r, "Aurora I/O", "million requests", "auroraIOMillion", pr.usage.of(r, "auroraIOMillion"), UsageKind, 0)
		if inputOf(r, "manageMasterUserPassword") == true {
			pr.add(r, "RDS-managed master secret", "secret-month", "secretMonth", 1, Baseline, 0)
		}
		return nil
	},
	"aws:kms/key:Key": func(pr *pricer, r *model.Resource) error {
		// Each of a key's first two rotations adds a key-month: a key
		// rotated yearly costs 1 the first year, 2 the second, 3 after.
		if inputOf(r, "enableKeyRotation") == true {
			days := num(r, "rotationPeriodInDays")
			if days == 0 {
				days = 365
			}
			pr.add(r, fmt.Sprintf("customer-managed key, rotated every %v days (+1 key-month for each of the first two rotations)", days),
				"key-month", "kmsKeyMonth", 1, Baseline, 3)
		} else {
			pr.add(r, "customer-managed key", "key-month", "kmsKeyMonth", 1, Baseline, 0)
		}
		pr.add(r, "KMS requests", "10,000 requests", "kmsRequests10k", pr.usage.of(r, "kmsRequests10k"), UsageKind, 0)
		return nil
	},
	"aws:secretsmanager/secret:Secret": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "secret", "secret-month", "secretMonth", 1, Baseline, 0)
		return nil
	},
	"aws:cloudwatch/logGroup:LogGroup": func(pr *pricer, r *model.Resource) error {
		gb := pr.usage.of(r, "logsIngestGB")
		months := min(num(r, "retentionInDays")/30, 12)
		if months <= 0 {
			months = 12
		}
		pr.add(r, "log ingestion", "GB", "logsIngestGB", gb, UsageKind, 0)
		// Storage is billed on the compressed size.
		stored := gb * months * pr.usage.of(r, "logsStoredRatio")
		pr.add(r, fmt.Sprintf("log storage (%.0f months kept, compressed)", months), "GB-month", "logsStorageGBMonth", stored, UsageKind, 0)
		return nil
	},
	"aws:cloudwatch/metricAlarm:MetricAlarm": func(pr *pricer, r *model.Resource) error {
		// An alarm on metric math is billed for each metric it reads.
		metrics := 0
		for _, q := range listOf(r, "metricQueries") {
			if m, _ := q.(map[string]any); m["metric"] != nil {
				metrics++
			}
		}
		if metrics <= 1 {
			pr.add(r, "alarm", "alarm-metric-month", "alarmMonth", 1, Baseline, 0)
		} else {
			pr.add(r, fmt.Sprintf("alarm on metric math (%d metrics)", metrics), "alarm-metric-month", "alarmMonth", float64(metrics), Baseline, 0)
		}
		return nil
	},
	"aws:cloudwatch/dashboard:Dashboard": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "dashboard", "dashboard-month", "dashboardMonth", 1, Baseline, 0)
		return nil
	},
	"aws:lambda/function:Function": func(pr *pricer, r *model.Resource) error {
		arch := "X86_64"
		if a := listOf(r, "architectures"); len(a) > 0 && fmt.Sprint(a[0]) == "arm64" {
			arch = "ARM64"
		}
		mem := num(r, "memorySize")
		if mem == 0 {
			mem = 128
		}
		if inputOf(r, "tracingConfig.mode") == "Active" {
			pr.rep.Unpriced = append(pr.rep.Unpriced, r.Type+" (X-Ray traces, billed per million recorded beyond the free tier)")
		}
		req := pr.usage.of(r, "lambdaRequestsMillion")
		pr.add(r, "Lambda requests", "million requests", "lambdaRequestsMillion", req, UsageKind, 0)
		pr.add(r, fmt.Sprintf("Lambda compute (%s, %v MB)", arch, mem), "GB-second", "lambdaGBSecond"+arch,
			req*1e6*pr.usage.of(r, "lambdaAvgDurationMs")/1000*mem/1024, UsageKind, 0)
		return nil
	},
	"aws:apigatewayv2/api:Api": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "HTTP API requests", "million requests", "httpAPIRequestsMillion", pr.usage.of(r, "httpAPIRequestsMillion"), UsageKind, 0)
		return nil
	},
	"aws:dynamodb/table:Table": func(pr *pricer, r *model.Resource) error {
		// PROVISIONED is AWS's default billing mode: capacity by the hour,
		// which the table does not price; only PAY_PER_REQUEST is on-demand.
		if str(r, "billingMode") == "PAY_PER_REQUEST" {
			pr.add(r, "DynamoDB writes (on-demand)", "million WRU", "dynamodbWriteMillion", pr.usage.of(r, "dynamodbWriteMillion"), UsageKind, 0)
			pr.add(r, "DynamoDB reads (on-demand)", "million RRU", "dynamodbReadMillion", pr.usage.of(r, "dynamodbReadMillion"), UsageKind, 0)
		} else {
			pr.rep.Unpriced = append(pr.rep.Unpriced, fmt.Sprintf("%s (provisioned capacity: %v RCU, %v WCU by the hour)",
				r.Type, inputOf(r, "readCapacity"), inputOf(r, "writeCapacity")))
		}
		gb := pr.usage.of(r, "dynamodbStorageGB")
		pr.add(r, "DynamoDB storage", "GB-month", "dynamodbStorageGBMonth", gb, UsageKind, 0)
		if inputOf(r, "pointInTimeRecovery.enabled") == true {
			pr.add(r, "DynamoDB point-in-time recovery", "GB-month", "dynamodbPITRGBMonth", gb, UsageKind, 0)
		}
		return nil
	},
	"aws:s3/bucketV2:BucketV2": bucketStorage,
	// v6's legacy bucket and v7's bucket.
	"aws:s3/bucket:Bucket": bucketStorage,
	"aws:cfg/recorder:Recorder": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "Config items recorded", "item", "configItem", pr.usage.of(r, "configItems"), UsageKind, 0)
		return nil
	},
	"aws:cfg/rule:Rule": func(pr *pricer, r *model.Resource) error {
		// A periodic rule evaluates once per period; one triggered by
		// changes evaluates each configuration change in its scope (the
		// usage's configRuleEvaluations).
		if periods, ok := map[string]float64{"One_Hour": 730, "Three_Hours": 730.0 / 3, "Six_Hours": 730.0 / 6,
			"Twelve_Hours": 730.0 / 12, "TwentyFour_Hours": 730.0 / 24}[str(r, "maximumExecutionFrequency")]; ok {
			pr.add(r, "Config rule evaluations (periodic, "+str(r, "maximumExecutionFrequency")+")", "evaluation", "configRuleEvaluation", periods, UsageKind, 0)
			return nil
		}
		pr.add(r, "Config rule evaluations (on configuration changes)", "evaluation", "configRuleEvaluation", pr.usage.of(r, "configRuleEvaluations"), UsageKind, 0)
		return nil
	},
	"aws:cloudtrail/trail:Trail": func(pr *pricer, r *model.Resource) error {
		// The account's first copy of management events is free; data
		// events and further copies are billed per event, which the price
		// table does not hold: listed, never shown as free.
		data := len(listOf(r, "advancedEventSelectors")) > 0
		for _, sel := range listOf(r, "eventSelectors") {
			if m, _ := sel.(map[string]any); len(anyList(m["dataResources"])) > 0 {
				data = true
			}
		}
		first := pr.idx.ByType(r.Type)[0] == r
		switch {
		case data:
			pr.rep.Unpriced = append(pr.rep.Unpriced, r.Type+" (data events, billed per 100,000 events)")
		case !first:
			pr.rep.Unpriced = append(pr.rep.Unpriced, r.Type+" (a further copy of management events, billed per 100,000 events)")
		default:
			pr.rep.Free = append(pr.rep.Free, r.Type+": the account's first trail of management events is free (its copies are priced as storage and log ingestion)")
		}
		return nil
	},
	"aws:guardduty/detectorFeature:DetectorFeature": func(pr *pricer, r *model.Resource) error {
		// Only CloudTrail event analysis is priced with the detector; each
		// protection plan bills its own volume.
		pr.rep.Unpriced = append(pr.rep.Unpriced, fmt.Sprintf("%s (%s, billed by the volume it protects)", r.Type, str(r, "name")))
		return nil
	},
	"aws:rds/instance:Instance": func(pr *pricer, r *model.Resource) error {
		engine, class := str(r, "engine"), str(r, "instanceClass")
		key := "rdsHour" + camel(engine) + camel(class)
		if _, ok := pr.price[key]; !ok {
			pr.rep.Unpriced = append(pr.rep.Unpriced, fmt.Sprintf("%s (%s %s: the table has no price for it in %s)", r.Type, engine, class, pr.p.Region))
			return nil
		}
		copies, how := 1.0, "Single-AZ"
		if inputOf(r, "multiAz") == true {
			copies, how = 2, "Multi-AZ (a standby in another AZ)"
		}
		pr.add(r, fmt.Sprintf("RDS %s %s, %s", engine, class, how), "instance-hour", key, copies*HoursPerMonth, Baseline, 0)
		gb := num(r, "allocatedStorage")
		switch st := str(r, "storageType"); {
		case st != "" && st != "gp2" && st != "gp3":
			pr.rep.Unpriced = append(pr.rep.Unpriced, fmt.Sprintf("%s (%s storage)", r.Type, st))
		case gb > 0:
			if _, ok := pr.price["rdsStorageGBMonth"]; ok {
				pr.add(r, "RDS storage", "GB-month", "rdsStorageGBMonth", copies*gb, Baseline, 0)
			} else {
				pr.rep.Unpriced = append(pr.rep.Unpriced, fmt.Sprintf("%s (storage: no price in %s)", r.Type, pr.p.Region))
			}
		}
		return nil
	},
	"aws:guardduty/detector:Detector": func(pr *pricer, r *model.Resource) error {
		pr.add(r, "GuardDuty CloudTrail events analyzed", "million events", "guardDutyEventsMillion", pr.usage.of(r, "guardDutyEventsMillion"), UsageKind, 0)
		return nil
	},
}

// taskOf is the task definition a service runs.
func (pr *pricer) taskOf(svc *model.Resource) *model.Resource {
	if pr.taskDefs == nil {
		pr.taskDefs = map[string]*model.Resource{}
		for _, t := range pr.idx.ByType("aws:ecs/taskDefinition:TaskDefinition") {
			keys := []string{t.ID}
			if arn, ok := t.Outputs["arn"].(string); ok {
				keys = append(keys, arn)
			}
			for _, k := range keys {
				if _, seen := pr.taskDefs[k]; !seen {
					pr.taskDefs[k] = t
				}
			}
		}
	}
	return pr.taskDefs[str(svc, "taskDefinition")]
}

// scaleOf is a service's task range: its autoscaling target's bounds, or
// its desired count.
func (pr *pricer) scaleOf(svc *model.Resource) (lo, hi float64) {
	if pr.targets == nil {
		// A scalable target's resource ID is service/<cluster>/<service>.
		pr.targets = map[string]*model.Resource{}
		for _, t := range pr.idx.ByType("aws:appautoscaling/target:Target") {
			id := str(t, "resourceId")
			if i := strings.LastIndex(id, "/"); i >= 0 {
				if _, seen := pr.targets[id[i+1:]]; !seen {
					pr.targets[id[i+1:]] = t
				}
			}
		}
	}
	name, _ := svc.Outputs["name"].(string)
	if t := pr.targets[name]; name != "" && t != nil {
		return num(t, "minCapacity"), num(t, "maxCapacity")
	}
	n := num(svc, "desiredCount")
	return n, n
}

func listOf(r *model.Resource, path string) []any {
	l, _ := inputOf(r, path).([]any)
	return l
}

// anyList is v as a list, or nil.
func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

// bucketStorage prices a bucket's Standard storage, of either generation.
func bucketStorage(pr *pricer, r *model.Resource) error {
	pr.add(r, "S3 Standard storage", "GB-month", "s3StandardGBMonth", pr.usage.of(r, "s3StandardGB"), UsageKind, 0)
	return nil
}

// camel turns "db.t4g.micro" into "DbT4gMicro" and "postgres" into
// "Postgres", for price keys.
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// strategy is a service's split of its tasks between on-demand Fargate
// and Fargate Spot: the base tasks first (ECS allows a base on one
// provider), the rest by weight. A service with a launch type, or with no
// strategy, runs on-demand.
type strategy struct {
	onBase, spotBase, onWeight, spotWeight float64
}

func strategyOf(r *model.Resource) strategy {
	list, _ := inputOf(r, "capacityProviderStrategies").([]any)
	if len(list) == 0 {
		return strategy{onWeight: 1}
	}
	var s strategy
	for _, e := range list {
		m, _ := e.(map[string]any)
		base, _ := m["base"].(float64)
		weight, _ := m["weight"].(float64)
		if m["capacityProvider"] == "FARGATE_SPOT" {
			s.spotBase, s.spotWeight = s.spotBase+base, s.spotWeight+weight
		} else {
			s.onBase, s.onWeight = s.onBase+base, s.onWeight+weight
		}
	}
	if s.onWeight+s.spotWeight == 0 {
		s.onWeight = 1
	}
	return s
}

// split is how many of n tasks run on-demand and on Spot.
func (s strategy) split(n float64) (onDemand, spot float64) {
	onBase := min(n, s.onBase)
	spotBase := min(n-onBase, s.spotBase)
	rest := n - onBase - spotBase
	share := s.spotWeight / (s.onWeight + s.spotWeight)
	return onBase + rest*(1-share), spotBase + rest*share
}

func (s strategy) tasks(kind string) string {
	if s.spotWeight == 0 && s.spotBase == 0 {
		return "tasks"
	}
	return kind + " tasks"
}
