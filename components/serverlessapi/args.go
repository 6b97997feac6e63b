package serverlessapi

import (
	"cmp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
)

// Defaults for Args fields left at their zero value.
const (
	DefaultRuntime          = "nodejs22.x"
	DefaultHandler          = "index.handler"
	DefaultArchitecture     = "arm64" // Graviton: cheaper per GB-second
	DefaultMemoryMB         = 256
	DefaultTimeoutSeconds   = 30
	DefaultEphemeralMB      = 512
	DefaultLogRetentionDays = 365
	DefaultStageName        = "$default"
	DefaultThrottlingBurst  = 100
	DefaultThrottlingRate   = 50.0
	DefaultCORSMaxAge       = 3600
	// MaxIntegrationTimeoutSeconds is how long an HTTP API waits for the
	// function; it cannot be raised.
	MaxIntegrationTimeoutSeconds = 30
)

// DefaultCORSMethods and DefaultCORSHeaders are the seed's.
var (
	DefaultCORSMethods = []string{"GET", "POST", "PUT", "DELETE"}
	DefaultCORSHeaders = []string{"Content-Type", "Authorization"}
)

// Limits the validation enforces.
const (
	MinMemoryMB, MaxMemoryMB       = 128, 10240
	MinTimeout, MaxTimeout         = 1, 900
	MinEphemeralMB, MaxEphemeralMB = 512, 10240
	MaxEnvironmentBytes            = 4096
	MaxLayers                      = 5
	MaxCORSMaxAge                  = 86400
	MaxRoutes                      = 300
)

var (
	// reservedEnv are names the Lambda runtime sets itself.
	reservedEnv = []string{
		"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
		"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
	}
)

// Key is a DynamoDB key attribute.
type Key struct {
	// Name of the attribute. Required.
	Name string
	// Type is S (string), N (number) or B (binary). Default: S.
	Type string
}

// Table is the DynamoDB table the component creates: on-demand billing,
// point-in-time recovery and encryption with a customer-managed key always.
type Table struct {
	// HashKey is the partition key. Required.
	HashKey Key
	// RangeKey is the optional sort key.
	RangeKey Key
	// DeletionProtection keeps the table from being deleted.
	// Default: false (production stacks turn it on).
	DeletionProtection bool
}

// CORS is the HTTP API's cross-origin policy.
type CORS struct {
	// AllowOrigins are full origins such as "https://app.example.com", or
	// "*". Default: no CORS (browsers on other origins are refused).
	AllowOrigins []string
	// AllowMethods and AllowHeaders. Default: the seed's.
	AllowMethods []string
	AllowHeaders []string
	// AllowCredentials lets browsers send cookies; not with origin "*".
	AllowCredentials bool
	// MaxAgeSeconds is how long browsers cache the answer, up to 86400.
	// Default: 3600.
	MaxAgeSeconds int
}

// JWT is an authorizer that checks a bearer token on every route.
type JWT struct {
	// Issuer is the token issuer URL (https). Required.
	Issuer string
	// Audience lists the accepted audiences. Required.
	Audience []string
}

// Args configure a ServerlessAPI.
type Args struct {
	// Code is the function's code archive (pulumi.NewFileArchive). Give Code
	// or ImageURI.
	Code pulumi.Archive
	// ImageURI is a container image in ECR, instead of Code.
	ImageURI string
	// Runtime is a runtime AWS supports. Default: DefaultRuntime.
	Runtime string
	// Handler is the function's entry point. Default: "index.handler".
	Handler string
	// Architecture is arm64 or x86_64. Default: arm64.
	Architecture string
	// MemoryMB 128-10240. Default: 256.
	MemoryMB int
	// TimeoutSeconds 1-900; above 30 the HTTP API still cuts requests at 30 s,
	// and the function carries a strata:warning tag. Default: 30.
	TimeoutSeconds int
	// EphemeralStorageMB is /tmp, 512-10240. Default: 512.
	EphemeralStorageMB int
	// Environment holds plain settings, at most 4 KB in all, none of
	// Lambda's reserved names. TABLE_NAME is added for the table.
	Environment map[string]pulumi.StringInput
	// Layers are layer version ARNs, at most 5.
	Layers []string
	// ReservedConcurrency caps concurrent executions (a cost and blast-radius
	// cap). Default: 0, no cap.
	ReservedConcurrency int
	// LogRetentionDays keeps the function's and the API's logs, one of
	// CloudWatch Logs' values. Default: 365.
	LogRetentionDays int

	// SubnetIDs places the function in these (private) subnets of VpcID,
	// with a security group of its own that allows only egress on 443.
	// Default: not in a VPC.
	VpcID     pulumi.StringInput
	SubnetIDs pulumi.StringArrayInput

	// Table creates the function's DynamoDB table; TableName and TableARN
	// name an existing one instead. The function gets TABLE_NAME and
	// read-write on that table only. Default: no table.
	Table     *Table
	TableName pulumi.StringInput
	TableARN  pulumi.StringInput
	// TableKMSKeyARN encrypts a created table. Default: the component
	// creates a key.
	TableKMSKeyARN pulumi.StringInput

	// Grants are further permissions, each scoped to one resource.
	Grants []grant.Grant

	// CORS is the HTTP API's cross-origin policy. Default: none.
	CORS CORS
	// Routes are the route keys ("GET /items"); Default: ["$default"].
	Routes []string
	// Authorizer requires a JWT on every route. Default: none (an open API,
	// a documented choice: FSBP APIGateway.8).
	Authorizer *JWT
	// StageName names the stage. Default: "$default" (no path prefix).
	StageName string
	// ThrottlingBurst and ThrottlingRate limit the default route.
	// Default: the seed's 100 and 50 per second.
	ThrottlingBurst int
	ThrottlingRate  float64
	// PermissionsBoundaryARN is the permissions boundary, a managed policy
	// ARN, of every role the component creates (the function's role), for accounts
	// whose deploy role may create roles only under a boundary. Default: no
	// boundary.
	PermissionsBoundaryARN string

	// Alarms configure the API's alarms, which are always made.
	Alarms Alarms
}

// Alarms are a ServerlessAPI's alarm settings.
type Alarms struct {
	// TopicARN is notified when an alarm fires and when it recovers.
	// Default: none: the alarms have no actions.
	TopicARN pulumi.StringInput
	// ErrorRatePercent is the share of API requests answered 5xx, and of
	// invocations failing, above which their alarms fire, 0.1 to 100.
	// Default: 5.
	ErrorRatePercent float64
	// LatencyP99Milliseconds is the API's p99 latency above which its
	// alarm fires, 10 to 30000. Default: 2000.
	LatencyP99Milliseconds float64
	// TimeoutPercent is the share of the function's timeout its p99
	// duration may reach, and ConcurrencyPercent the share of its reserved
	// concurrency its peak may reach, before their alarms fire, 1 to 100.
	// Default: 80 and 80.
	TimeoutPercent     float64
	ConcurrencyPercent float64
}

// Alarm defaults.
const (
	DefaultErrorRatePercent       = 5.0
	DefaultLatencyP99Milliseconds = 2000.0
	DefaultTimeoutPercent         = 80.0
	DefaultConcurrencyPercent     = 80.0
)

func (a *Args) withDefaults() Args {
	var out Args
	if a != nil {
		out = *a
	}
	if out.ImageURI == "" {
		out.Runtime = cmp.Or(out.Runtime, DefaultRuntime)
		out.Handler = cmp.Or(out.Handler, DefaultHandler)
	}
	out.Architecture = cmp.Or(out.Architecture, DefaultArchitecture)
	out.StageName = cmp.Or(out.StageName, DefaultStageName)
	out.MemoryMB = cmp.Or(out.MemoryMB, DefaultMemoryMB)
	out.TimeoutSeconds = cmp.Or(out.TimeoutSeconds, DefaultTimeoutSeconds)
	out.EphemeralStorageMB = cmp.Or(out.EphemeralStorageMB, DefaultEphemeralMB)
	out.LogRetentionDays = cmp.Or(out.LogRetentionDays, DefaultLogRetentionDays)
	out.ThrottlingBurst = cmp.Or(out.ThrottlingBurst, DefaultThrottlingBurst)
	out.CORS.MaxAgeSeconds = cmp.Or(out.CORS.MaxAgeSeconds, DefaultCORSMaxAge)
	out.ThrottlingRate = cmp.Or(out.ThrottlingRate, DefaultThrottlingRate)
	if len(out.Routes) == 0 {
		out.Routes = []string{"$default"}
	}
	if len(out.CORS.AllowMethods) == 0 {
		out.CORS.AllowMethods = DefaultCORSMethods
	}
	if len(out.CORS.AllowHeaders) == 0 {
		out.CORS.AllowHeaders = DefaultCORSHeaders
	}
	if out.Table != nil {
		t := *out.Table
		t.HashKey.Type = cmp.Or(t.HashKey.Type, "S")
		if t.RangeKey.Name != "" {
			t.RangeKey.Type = cmp.Or(t.RangeKey.Type, "S")
		}
		out.Table = &t
	}
	out.Alarms.ErrorRatePercent = cmp.Or(out.Alarms.ErrorRatePercent, DefaultErrorRatePercent)
	out.Alarms.LatencyP99Milliseconds = cmp.Or(out.Alarms.LatencyP99Milliseconds, DefaultLatencyP99Milliseconds)
	out.Alarms.TimeoutPercent = cmp.Or(out.Alarms.TimeoutPercent, DefaultTimeoutPercent)
	out.Alarms.ConcurrencyPercent = cmp.Or(out.Alarms.ConcurrencyPercent, DefaultConcurrencyPercent)
	return out
}
