// Command measure measures strata's speed on this machine and writes
// docs/performance.md, so no figure in the docs is typed by hand:
//
//	go run ./internal/measure            # rewrites docs/performance.md
//	go run ./internal/measure -tests     # also times go test ./... (minutes)
//
// It builds the strata CLI and its engine, then times, as separate
// processes: strata help (CPU: what strata pays before it hands a command
// to the engine), strata-engine help (CPU: the SDKs' initialisation, which
// every command that runs the engine pays), strata plan --stack prod,
// a second --program plan of an unchanged program (built once, cached),
// and the services benchmark at 100 and 1,000 services. Two references,
// at the start and at the end, say how fast the machine was meanwhile: a
// hash in one goroutine (CPU) and a fresh process that allocates (start-up,
// page faults, garbage collection: what a plan's process pays besides).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	if os.Getenv(allocEnv) != "" {
		allocate()
		return
	}
	out := flag.String("o", "docs/performance.md", "the page to write")
	tests := flag.Bool("tests", false, "also time go test ./... (takes minutes)")
	cdk := flag.Bool("cdk", false, "also time AWS CDK synthesising the same architecture (bench/cdk; run npm ci there first)")
	flag.Parse()
	if err := run(*out, *tests, *cdk); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

type figure struct{ what, value, how string }

func run(out string, tests, cdk bool) error {
	dir, err := os.MkdirTemp("", "strata-measure")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "strata")
	// The machine's own speed, at the start and at the end: on shared
	// machines it moves by tens of percent within minutes, and every
	// figure below moves with it.
	before := reference()
	beforeAlloc, err := allocReference()
	if err != nil {
		return err
	}
	var figs []figure
	wall, _, err := timed("go", "build", "-o", dir+string(filepath.Separator), "./cmd/...")
	if err != nil {
		return err
	}
	figs = append(figs, figure{"building strata and its engine (warm Go build cache)", secs(wall), "`go build -o bin/ ./cmd/...`"})
	for _, b := range []struct{ name, what string }{
		{"strata", "`strata help`, CPU (median of 21)"},
		{"strata-engine", "`strata-engine help`, CPU (median of 21): the SDKs' initialisation, paid only by commands that run the engine"},
	} {
		var cpu []time.Duration
		for range 21 {
			_, c, err := timed(filepath.Join(dir, b.name), "help")
			if err != nil {
				return err
			}
			cpu = append(cpu, c)
		}
		figs = append(figs, figure{b.what, ms(median(cpu)), fmt.Sprintf("`/usr/bin/time -f %%U+%%S %s help`", b.name)})
	}
	// strata and the engine alone, taken in turns so both see the same
	// machine: the difference is what strata's own start adds.
	// One run of each first, untimed: a binary just linked is paged in.
	for _, b := range []string{bin, filepath.Join(dir, "strata-engine")} {
		if _, _, err := timed(b, "plan", "--stack", "prod"); err != nil {
			return err
		}
	}
	var walls, direct []time.Duration
	for range 11 {
		w, _, err := timed(bin, "plan", "--stack", "prod")
		if err != nil {
			return err
		}
		walls = append(walls, w)
		if w, _, err = timed(filepath.Join(dir, "strata-engine"), "plan", "--stack", "prod"); err != nil {
			return err
		}
		direct = append(direct, w)
	}
	figs = append(figs, figure{"`strata plan --stack prod`, wall (median of 11, after one untimed run)", ms(median(walls)), "`/usr/bin/time -v strata plan --stack prod`"},
		figure{"`strata-engine plan --stack prod`, wall (median of 11, in turns with the row above)", ms(median(direct)), "`/usr/bin/time -v strata-engine plan --stack prod`"})
	// A saved plan is read by strata itself, without the engine.
	prodJSON, err := exec.Command(bin, "plan", "--stack", "prod", "--json").Output()
	if err != nil {
		return fmt.Errorf("saving the prod plan: %v", err)
	}
	prodFile := filepath.Join(dir, "prod.json")
	if err := os.WriteFile(prodFile, prodJSON, 0o644); err != nil {
		return err
	}
	var checks []time.Duration
	for range 11 {
		w, _, err := timed(bin, "check", "--plan", prodFile)
		if err != nil {
			return err
		}
		checks = append(checks, w)
	}
	figs = append(figs, figure{"`strata check --plan` of the prod plan, wall (median of 11; no engine)", ms(median(checks)), "`/usr/bin/time -v strata check --plan prod.json`"})
	if cdk {
		// The same architecture in AWS CDK's constructs, synthesised by node
		// (what `cdk synth` runs, without its CLI's own start-up).
		cdkOut, err := os.MkdirTemp("", "strata-cdk")
		if err != nil {
			return err
		}
		defer os.RemoveAll(cdkOut)
		os.Setenv("CDK_OUTDIR", cdkOut)
		var synth []time.Duration
		for range 5 {
			w, _, err := timed("node", filepath.Join("bench", "cdk", "app.js"))
			if err != nil {
				return fmt.Errorf("%v (run npm ci in bench/cdk first)", err)
			}
			synth = append(synth, w)
		}
		version, _ := os.ReadFile(filepath.Join("bench", "cdk", "node_modules", "aws-cdk-lib", "package.json"))
		v := regexp.MustCompile(`"version": "([^"]+)"`).FindSubmatch(version)
		label := "aws-cdk-lib"
		if v != nil {
			label += " " + string(v[1])
		}
		figs = append(figs, figure{fmt.Sprintf("the same architecture synthesised by AWS CDK (%s), wall (median of 5)", label), ms(median(synth)),
			fmt.Sprintf("`node bench/cdk/app.js`: %.1f× strata plan --stack prod", float64(median(synth))/float64(median(walls)))})
	}
	prog := filepath.Join("plan", "testdata", "program")
	if _, _, err := timed(bin, "plan", "--program", prog, "--stack", "test"); err != nil {
		return err
	}
	w, _, err := timed(bin, "plan", "--program", prog, "--stack", "test")
	if err != nil {
		return err
	}
	figs = append(figs, figure{"`strata plan --program` of an unchanged program, second run", secs(w), "the binary is cached by `plan.BuildOnce`"})
	// The first go run may build the engine of this checkout into the
	// cache; the figure is the run after it.
	for range 2 {
		if w, _, err = timed("go", "run", "./cmd/strata", "plan", "--stack", "dev"); err != nil {
			return err
		}
	}
	figs = append(figs, figure{"`go run ./cmd/strata plan --stack dev` (warm; its engine built once)", secs(w), "the README's first step"})
	bench, err := exec.Command("go", "test", "./components", "-run", "^$", "-bench", "Services/(100|1000)$", "-benchtime", "1x", "-benchmem").CombinedOutput()
	if err != nil {
		return fmt.Errorf("benchmark: %v\n%s", err, bench)
	}
	for _, m := range regexp.MustCompile(`BenchmarkServices/(\d+)\S*\s+\d+\s+(\d+) ns/op.*?\s(\d+) B/op`).FindAllStringSubmatch(string(bench), -1) {
		var ns, b float64
		fmt.Sscan(m[2], &ns)
		fmt.Sscan(m[3], &b)
		figs = append(figs, figure{fmt.Sprintf("planning %s services with a database grant each", m[1]),
			fmt.Sprintf("%.1f s, %.0f MB allocated", ns/1e9, b/1e6), "`go test ./components -run '^$' -bench 'Services/(100|1000)$' -benchtime 1x -benchmem`"})
	}
	// The same 1,000 services as a user meets them: strata plan --program
	// of bench/services (the second run: the first builds the program),
	// its own start and the summary included; then check, cost and
	// diagram of the plan saved as JSON.
	svc := filepath.Join("bench", "services")
	if _, _, err := timed(bin, "plan", "--program", svc, "--stack", "s1000"); err != nil {
		return err
	}
	cmd := exec.Command(bin, "plan", "--program", svc, "--stack", "s1000")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("strata plan --program %s: %v\n%s", svc, err, out)
	}
	w = time.Since(start)
	rss := float64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	figs = append(figs, figure{"`strata plan --program bench/services --stack s1000`: the 1,000 services as a program (second run), wall", fmt.Sprintf("%.1f s, %.0f MB peak RSS", w.Seconds(), rss),
		"`/usr/bin/time -v strata plan --program bench/services --stack s1000`"})
	saved := filepath.Join(dir, "s1000.json")
	planJSON, err := exec.Command(bin, "plan", "--program", svc, "--stack", "s1000", "--json").Output()
	if err != nil {
		return fmt.Errorf("saving the plan of bench/services: %v", err)
	}
	if err := os.WriteFile(saved, planJSON, 0o644); err != nil {
		return err
	}
	var counted struct{ Resources []json.RawMessage }
	if err := json.Unmarshal(planJSON, &counted); err != nil {
		return err
	}
	for _, c := range [][]string{{"check"}, {"cost"}, {"diagram", "--format", "dot"}} {
		args := append(slices.Clone(c), "--plan", saved)
		// check exits 1 when it finds a problem: timed all the same.
		w, _, _ := timed(bin, args...)
		figs = append(figs, figure{fmt.Sprintf("`strata %s --plan` of that plan (%d resources, %.0f MB of JSON), wall", c[0], len(counted.Resources), float64(len(planJSON))/1e6), secs(w),
			fmt.Sprintf("`/usr/bin/time -v strata %s --plan s1000.json`", strings.Join(c, " "))})
	}
	if tests {
		// Timed whatever the tests find: the README's figures are checked
		// against this page by a test that fails until it is rewritten.
		w, _, err := timed("go", "test", "-count=1", "./...")
		if err != nil {
			fmt.Fprintf(os.Stderr, "measure: go test failed; its time is still recorded:\n%.2000s\n", err)
		}
		figs = append(figs, figure{"`go test -count=1 ./...` (warm build cache)", secs(w), "every test, offline"})
	}
	figs = append(figs, figure{"reference: SHA-256 of 256 MiB in one goroutine, at the start and at the end of this run", fmt.Sprintf("%s, %s", ms(before), ms(reference())),
		"the machine's speed while it was measured: compare it before comparing figures"})
	afterAlloc, err := allocReference()
	if err != nil {
		return err
	}
	figs = append(figs, figure{"reference: a fresh process that allocates 64 MiB in 64-byte objects, wall (median of 11), at the start and at the end of this run",
		fmt.Sprintf("%s, %s", ms(beforeAlloc), ms(afterAlloc)),
		"what a plan's process pays for starting, page faults and garbage collection, which the hash above does not see"})
	goVersion, _ := exec.Command("go", "env", "GOVERSION").Output()
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Performance\n\nMeasured by `go run ./internal/measure` on %s: %d CPUs, %s/%s, %s. Rerun it to measure your machine; it rewrites this page.\n\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, strings.TrimSpace(string(goVersion)))
	b.WriteString("| what | figure | how |\n|---|---|---|\n")
	for _, f := range figs {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", f.what, f.value, strings.ReplaceAll(f.how, "|", `\|`))
	}
	b.WriteString("\nA cold Go build cache adds the first build of the Pulumi AWS SDK to whichever command runs first: minutes, and several GB of cache.\n")
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// timed runs a command and returns its wall time and its CPU (user and
// system, children included as the OS counts them).
func timed(name string, args ...string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return wall, cpu, fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return wall, cpu, nil
}

// reference is the median time of hashing 256 MiB, of 5.
func reference() time.Duration {
	buf := make([]byte, 1<<20)
	var d []time.Duration
	for range 5 {
		start := time.Now()
		h := sha256.New()
		for range 256 {
			h.Write(buf)
		}
		h.Sum(nil)
		d = append(d, time.Since(start))
	}
	return median(d)
}

// allocEnv makes this program the allocating reference process.
const allocEnv = "STRATA_MEASURE_ALLOC"

// allocReference is the median wall time, of 11, of this program started
// afresh to allocate (allocate); an error rather than a figure when it
// cannot be started.
func allocReference() (time.Duration, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("the allocating reference: %w", err)
	}
	var d []time.Duration
	for range 11 {
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), allocEnv+"=1")
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("the allocating reference: %w", err)
		}
		d = append(d, time.Since(start))
	}
	return median(d), nil
}

// keep holds what allocate made, so the collector has to scan it.
var keep [][]byte

// allocate makes 64 MiB of 64-byte objects and keeps them live.
func allocate() {
	keep = make([][]byte, 0, 1<<20)
	for range 1 << 20 {
		keep = append(keep, make([]byte, 64))
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
func ms(d time.Duration) string   { return fmt.Sprintf("%d ms", d.Milliseconds()) }
