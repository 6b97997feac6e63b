package auroradb

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/strata-infra/strata/internal/awslimits"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/monitoring"
)

var (
	versionRE    = regexp.MustCompile(`^(\d+)\.(\d+)$`)
	identifierRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	pgNameRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	dailyRE      = regexp.MustCompile(`^(\d{2}):(\d{2})-(\d{2}):(\d{2})$`)
	weeklyRE     = regexp.MustCompile(`^([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})$`)
	days         = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	// reservedUsers are names RDS or PostgreSQL keep for themselves, and
	// postgres, which FSBP RDS.24 flags as a default admin name.
	reservedUsers = []string{"postgres", "rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rds_iam", "rds_password", "public", "none"}
	reservedDBs   = []string{"postgres", "template0", "template1", "rdsadmin"}
)

const (
	maxIdentifierLength = 60 // 63 less room for the instance suffix -15
	maxPGNameLength     = 63
	minutesPerDay       = 24 * 60
	minutesPerWeek      = 7 * minutesPerDay
)

// version parses "major.minor".
func version(s string) (major, minor int, ok bool) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	major, _ = strconv.Atoi(m[1])
	minor, _ = strconv.Atoi(m[2])
	return major, minor, true
}

// supportsAutoPause reports whether an engine version can scale to 0 ACU.
func supportsAutoPause(v string) bool {
	major, minor, ok := version(v)
	s, known := engineSupport[major]
	return ok && known && minor >= s.autoPause
}

func validate(name string, a Args) error {
	p := problems.For("auroradb", name)
	if a.SubnetGroupName == nil {
		p.Addf("%v is required: pass the Network's DBSubnetGroupName", problems.Field("SubnetGroupName"))
	}
	if a.VpcID == nil {
		p.Addf("%v is required: pass the Network's %v", problems.Field("VpcID"), problems.Field("VpcID"))
	}
	if a.Identifier != "" {
		checkIdentifier(p, problems.Field("Identifier"), a.Identifier)
	}

	major, minor, ok := version(a.EngineVersion)
	support, known := engineSupport[major]
	switch {
	case !ok:
		p.Addf(`%v must be "major.minor" such as %q, got %q`, problems.Field("EngineVersion"), DefaultEngineVersion, a.EngineVersion)
	case !known:
		p.Addf("%v %q is not an Aurora PostgreSQL major version strata knows (%s)", problems.Field("EngineVersion"), a.EngineVersion, knownMajors())
	case minor < support.serverlessV2:
		p.Addf("%v %q does not support Serverless v2: use %d.%d or later", problems.Field("EngineVersion"), a.EngineVersion, major, support.serverlessV2)
	case minor > support.newest:
		p.Addf("%v %q is not an Aurora PostgreSQL version strata knows: %d.%d to %d.%d have Serverless v2 (strata's list of versions, updated %s; a newer release belongs in it)", problems.Field("EngineVersion"), a.EngineVersion, major, support.serverlessV2, major, support.newest, EngineListUpdated)
	}

	if a.Instances < 1 || a.Instances > MaxInstances {
		p.Addf("%v must be 1 to %d, got %d", problems.Field("Instances"), MaxInstances, a.Instances)
	}
	halfStep := func(v float64) bool { return math.Mod(v*2, 1) == 0 }
	if a.MinACU < 0 || a.MinACU > MaxACU || !halfStep(a.MinACU) {
		p.Addf("%v must be 0 to %v in steps of 0.5, got %v", problems.Field("MinACU"), MaxACU, a.MinACU)
	}
	if a.MaxACU < MinMaxACU || a.MaxACU > MaxACU || !halfStep(a.MaxACU) {
		p.Addf("%v must be %v to %v in steps of 0.5, got %v", problems.Field("MaxACU"), MinMaxACU, MaxACU, a.MaxACU)
	}
	if a.MinACU > a.MaxACU {
		p.Addf("%v (%v) must not exceed %v (%v)", problems.Field("MinACU"), a.MinACU, problems.Field("MaxACU"), a.MaxACU)
	}
	if a.MinACU == 0 {
		if ok && known && !supportsAutoPause(a.EngineVersion) {
			p.Addf("%v 0 needs auto-pause, which needs Aurora PostgreSQL 13.15+, 14.12+, 15.7+ or 16.3+, got %v %q: raise the version or set %v to 0.5 or more", problems.Field("MinACU"), problems.Field("EngineVersion"), a.EngineVersion, problems.Field("MinACU"))
		}
		if a.AutoPauseSeconds < MinAutoPauseSeconds || a.AutoPauseSeconds > MaxAutoPauseSeconds {
			p.Addf("%v must be %d to %d, got %d", problems.Field("AutoPauseSeconds"), MinAutoPauseSeconds, MaxAutoPauseSeconds, a.AutoPauseSeconds)
		}
	} else if a.AutoPauseSeconds != 0 {
		p.Addf("%v (%d) only applies with %v 0, got %v %v", problems.Field("AutoPauseSeconds"), a.AutoPauseSeconds, problems.Field("MinACU"), problems.Field("MinACU"), a.MinACU)
	}

	if a.BackupRetentionDays < 1 || a.BackupRetentionDays > MaxBackupDays {
		p.Addf("%v must be 1 to %d, got %d", problems.Field("BackupRetentionDays"), MaxBackupDays, a.BackupRetentionDays)
	}
	bStart, bEnd, bErr := dailyWindow(a.BackupWindow)
	if bErr != nil {
		p.Addf("%v %v", problems.Field("BackupWindow"), bErr)
	}
	mStart, mEnd, mErr := weeklyWindow(a.MaintenanceWindow)
	if mErr != nil {
		p.Addf("%v %v", problems.Field("MaintenanceWindow"), mErr)
	}
	if bErr == nil && mErr == nil && overlaps(bStart, bEnd, mStart, mEnd) {
		p.Addf("%v %q overlaps %v %q, which runs every day", problems.Field("MaintenanceWindow"), a.MaintenanceWindow, problems.Field("BackupWindow"), a.BackupWindow)
	}

	if !awslimits.IsLogRetention(a.LogRetentionDays) {
		p.Addf("%v must be one of %s, got %d", problems.Field("LogRetentionDays"), awslimits.LogRetentionList(), a.LogRetentionDays)
	}
	checkPGName(p, problems.Field("DatabaseName"), a.DatabaseName, reservedDBs)
	checkPGName(p, problems.Field("MasterUsername"), a.MasterUsername, reservedUsers)
	p.InRange(problems.Field("Alarms").Child("ACUPercent"), a.Alarms.ACUPercent, 1, 100)
	monitoring.CheckTopic(p, problems.Field("Alarms").Child("TopicARN"), a.Alarms.TopicARN)
	p.InRange(problems.Field("Alarms").Child("CPUPercent"), a.Alarms.CPUPercent, 1, 100)
	p.InRange(problems.Field("Alarms").Child("Connections"), float64(a.Alarms.Connections), 1, 100000)
	p.InRange(problems.Field("Alarms").Child("ReplicaLagMilliseconds"), float64(a.Alarms.ReplicaLagMilliseconds), 1, 600000)
	p.InRange(problems.Field("Alarms").Child("FreeLocalStorageGB"), float64(a.Alarms.FreeLocalStorageGB), 1, 1000)
	return p.Err()
}

func checkIdentifier(p *problems.List, field problems.Path, id string) {
	switch {
	case len(id) > maxIdentifierLength:
		p.Addf("%v must be at most %d characters, got %d (%q)", field, maxIdentifierLength, len(id), id)
	case !identifierRE.MatchString(id):
		p.Addf("%v must be lower-case letters, digits and hyphens starting with a letter, got %q", field, id)
	case strings.Contains(id, "--") || strings.HasSuffix(id, "-"):
		p.Addf("%v must not contain two hyphens in a row or end with one, got %q", field, id)
	}
}

func checkPGName(p *problems.List, field problems.Path, v string, reserved []string) {
	switch {
	case len(v) > maxPGNameLength:
		p.Addf("%v must be at most %d characters, got %d", field, maxPGNameLength, len(v))
	case !pgNameRE.MatchString(v):
		p.Addf("%v must be letters, digits and underscores starting with a letter, got %q", field, v)
	case slices.Contains(reserved, strings.ToLower(v)) || strings.HasPrefix(strings.ToLower(v), "pg_"):
		p.Addf("%v %q is reserved by PostgreSQL or RDS: choose another", field, v)
	}
}

func knownMajors() string {
	var ms []string
	for m := range engineSupport {
		ms = append(ms, strconv.Itoa(m))
	}
	sort.Strings(ms)
	return strings.Join(ms, ", ")
}

// dailyWindow parses "hh24:mi-hh24:mi" into minutes of the day; the end may
// pass midnight (end > 1440).
func dailyWindow(s string) (start, end int, err error) {
	m := dailyRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, fmt.Errorf(`must be "hh24:mi-hh24:mi" in UTC, got %q`, s)
	}
	start, err1 := clock(m[1], m[2])
	end, err2 := clock(m[3], m[4])
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("must hold real times of day, got %q", s)
	}
	if end <= start {
		end += minutesPerDay
	}
	if end-start < minWindowMinutes {
		return 0, 0, fmt.Errorf("must be at least %d minutes, got %d (%q)", minWindowMinutes, end-start, s)
	}
	return start, end, nil
}

// weeklyWindow parses "ddd:hh24:mi-ddd:hh24:mi" into minutes of the week
// from Monday 00:00; the end may pass Sunday midnight.
func weeklyWindow(s string) (start, end int, err error) {
	m := weeklyRE.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return 0, 0, fmt.Errorf(`must be "ddd:hh24:mi-ddd:hh24:mi" in UTC such as %q, got %q`, DefaultMaintenanceWindow, s)
	}
	d1, d2 := slices.Index(days, m[1]), slices.Index(days, m[4])
	t1, err1 := clock(m[2], m[3])
	t2, err2 := clock(m[5], m[6])
	if d1 < 0 || d2 < 0 || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("must hold days mon to sun and real times, got %q", s)
	}
	start, end = d1*minutesPerDay+t1, d2*minutesPerDay+t2
	if end <= start {
		end += minutesPerWeek
	}
	if end-start < minWindowMinutes {
		return 0, 0, fmt.Errorf("must be at least %d minutes, got %d (%q)", minWindowMinutes, end-start, s)
	}
	if end-start > minutesPerDay {
		return 0, 0, fmt.Errorf("must be at most 24 hours, got %q", s)
	}
	return start, end, nil
}

func clock(h, m string) (int, error) {
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if hh > 23 || mm > 59 {
		return 0, fmt.Errorf("not a time")
	}
	return hh*60 + mm, nil
}

// overlaps reports whether the daily window [bs, be) on any day of the week
// meets the weekly window [ms, me).
func overlaps(bs, be, ms, me int) bool {
	for day := -1; day <= 7; day++ {
		s, e := day*minutesPerDay+bs, day*minutesPerDay+be
		for _, shift := range []int{-minutesPerWeek, 0, minutesPerWeek} {
			if s < me+shift && ms+shift < e {
				return true
			}
		}
	}
	return false
}

// Validate reports every problem with args for an AuroraDB named name in
// the given project and stack (they make the default Identifier), without
// registering anything. New runs it first.
func Validate(name, project, stack string, args *Args) error {
	a := args.withDefaults()
	if a.Identifier == "" {
		a.Identifier = defaultIdentifier(project, stack, name)
	}
	return validate(name, a)
}
