// Package gobuild builds a Go program at most once for what determines it,
// into the user's cache directory.
//
// The key is what the go command itself reads: the Go version and the
// environment that selects files (GOOS, GOARCH, CGO_ENABLED, GOFLAGS,
// GOEXPERIMENT, GOAMD64, GOARM64, GOWORK), go.mod and go.sum, and the
// source and embedded files of every package the program imports from its
// own module, its folder (vendor/ included) or a module replaced by a
// local folder, as `go list -deps` names them. Modules taken from the
// module cache are fixed by go.sum. Anything else in the folder (stack
// files, a binary built there, node_modules) does not rebuild the program.
//
// It links nothing but the standard library: the strata command, which
// must start fast, uses it to find its engine.
package gobuild

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Once returns the binary of package target (relative to dir, as go build
// takes it) built for what determines it, under kind in the cache
// (<cache>/<kind>/<key>/program; STRATA_CACHE_DIR replaces <cache>/strata,
// <cache> being the user's cache directory). An unchanged program is not
// built again; cached says it was not. The cache keeps the keep most
// recently used builds of each kind. building, when not nil, is called
// before a build starts (a build takes seconds, or minutes on a cold Go
// build cache).
func Once(ctx context.Context, dir, target, kind string, keep int, building func()) (bin string, cached bool, err error) {
	key, err := Key(ctx, dir, target)
	if err != nil {
		return "", false, err
	}
	cache, err := CacheDir()
	if err != nil {
		return "", false, err
	}
	out := filepath.Join(cache, kind, key)
	bin = filepath.Join(out, "program")
	if st, err := os.Stat(bin); err == nil && st.Mode().IsRegular() {
		now := time.Now()
		_ = os.Chtimes(out, now, now) // used: the last to be pruned
		return bin, true, nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", false, err
	}
	if building != nil {
		building()
	}
	tmp := filepath.Join(out, fmt.Sprintf("program.%d.tmp", os.Getpid()))
	if err := Build(ctx, dir, tmp, target); err != nil {
		_ = os.Remove(tmp)
		return "", false, err
	}
	// Renamed into place, so a build cut short never looks finished.
	if err := os.Rename(tmp, bin); err != nil {
		return "", false, err
	}
	Prune(filepath.Dir(out), keep)
	return bin, false, nil
}

// CacheDir is strata's folder in the user's cache directory, or
// STRATA_CACHE_DIR.
func CacheDir() (string, error) {
	if c := os.Getenv("STRATA_CACHE_DIR"); c != "" {
		return c, nil
	}
	user, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for built programs (set STRATA_CACHE_DIR): %w", err)
	}
	return filepath.Join(user, "strata"), nil
}

// Prune removes all but the keep most recently used entries of dir (the
// folders of built programs, the files of kept keys).
func Prune(dir string, keep int) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) <= keep {
		return
	}
	type built struct {
		path string
		when int64
	}
	var all []built
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			all = append(all, built{filepath.Join(dir, e.Name()), info.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(all, func(a, b built) int { return int(b.when - a.when) })
	for _, b := range all[min(keep, len(all)):] {
		_ = os.RemoveAll(b.path)
	}
}

// envKeys are the go env variables that change what go build makes.
var envKeys = []string{"GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GOWORK", "GOMOD"}

// listedPackage is what go list -json says of one package.
type listedPackage struct {
	Dir        string
	ImportPath string
	Module     *struct {
		Path    string
		Main    bool
		GoMod   string
		Replace *struct{ Path, Version, GoMod string }
	}
	GoFiles, CgoFiles, CFiles, CXXFiles, HFiles, SFiles, SysoFiles, EmbedFiles []string
}

// Key hashes what determines the binary go build makes of target in dir.
// Listing the packages (go list) costs a few hundred milliseconds, so the
// key is kept with a stamp of what it read (see memo) and used again while
// nothing stamped has changed.
func Key(ctx context.Context, dir, target string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	env, err := goCmd(ctx, dir, append([]string{"env"}, envKeys...)...)
	if err != nil {
		return "", err
	}
	memoFile := ""
	if cache, err := CacheDir(); err == nil {
		sum := sha256.Sum256([]byte(dir + "\x00" + target + "\x00" + string(env)))
		memoFile = filepath.Join(cache, "keys", hex.EncodeToString(sum[:16])+".json")
		if key, ok := readMemo(memoFile); ok {
			return key, nil
		}
	}
	key, m, err := listKey(ctx, dir, target, env)
	if err != nil {
		return "", err
	}
	if memoFile != "" && m != nil {
		m.write(memoFile)
	}
	return key, nil
}

// memo is a key with a stamp of what it read: every file of the
// packages' folders (those go build reads and those it leaves out, whose
// build constraints an edit may lift), go.mod, go.sum and go.work, by size
// and modification time, and the folders' own modification times (a file
// added or removed changes them). For a package that embeds files, every
// folder under its own is stamped too: a file added anywhere an embed
// pattern may reach changes one of them. The key is used again only while
// every stamp holds.
type memo struct {
	Key   string
	Files map[string][2]int64 // size and modification time; size -1: absent
	Dirs  map[string]int64
}

// maxEmbedFolders bounds the folders stamped under one embedding package;
// a larger tree is listed every time instead.
const maxEmbedFolders = 4096

// stampTree stamps every folder under root, where an embed pattern of the
// package in root may reach: the whole tree but nested modules (which embed
// patterns cannot cross) and .git. It reports false when the tree cannot
// be stamped.
func (m *memo) stampTree(root string) bool {
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != root && (d.Name() == ".git" || isFile(filepath.Join(path, "go.mod"))) {
			return filepath.SkipDir
		}
		if n++; n > maxEmbedFolders {
			return errors.New("too many folders")
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		m.Dirs[path] = st.ModTime().UnixNano()
		return nil
	})
	return err == nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// keptKeys is how many memos the cache keeps: one per program folder,
// target and environment, each a few kilobytes.
const keptKeys = 256

func stampOf(path string) [2]int64 {
	st, err := os.Stat(path)
	if err != nil {
		return [2]int64{-1, 0}
	}
	return [2]int64{st.Size(), st.ModTime().UnixNano()}
}

func readMemo(file string) (string, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false
	}
	var m memo
	if json.Unmarshal(data, &m) != nil || m.Key == "" {
		return "", false
	}
	for f, want := range m.Files {
		if stampOf(f) != want {
			return "", false
		}
	}
	for d, want := range m.Dirs {
		st, err := os.Stat(d)
		if err != nil || st.ModTime().UnixNano() != want {
			return "", false
		}
	}
	now := time.Now()
	_ = os.Chtimes(file, now, now) // used: the last to be pruned
	return m.Key, true
}

// write keeps the memo, at best: a memo not written is a go list more.
func (m *memo) write(file string) {
	data, err := json.Marshal(m)
	if err != nil || os.MkdirAll(filepath.Dir(file), 0o755) != nil {
		return
	}
	tmp := fmt.Sprintf("%s.%d.tmp", file, os.Getpid())
	if os.WriteFile(tmp, data, 0o644) == nil && os.Rename(tmp, file) == nil {
		Prune(filepath.Dir(file), keptKeys)
	}
}

// listKey lists the packages target builds and hashes what go build
// reads of them; the memo is nil when the key cannot be kept (a folder
// that cannot be read, or an embedding package's tree too large to stamp).
func listKey(ctx context.Context, dir, target string, env []byte) (string, *memo, error) {
	h := sha256.New()
	fmt.Fprintf(h, "go env\n%s\ntarget %s\n", env, target)
	vals := strings.Split(strings.TrimRight(string(env), "\n"), "\n")
	files := map[string]bool{}
	root := "" // the main module's folder
	if len(vals) == len(envKeys) {
		for i, k := range envKeys {
			if k == "GOMOD" && filepath.IsAbs(vals[i]) {
				root = filepath.Dir(vals[i])
			}
			if (k == "GOWORK" || k == "GOMOD") && vals[i] != "" && vals[i] != os.DevNull && vals[i] != "off" {
				files[vals[i]] = true
				if k == "GOMOD" {
					files[strings.TrimSuffix(vals[i], ".mod")+".sum"] = true
				} else {
					files[vals[i]+".sum"] = true
				}
			}
		}
	}
	// What changed from a moment before the listing on may not be in it:
	// a memo is kept only when every stamp is older (two seconds leave room
	// for file systems that keep coarse times).
	listed := time.Now().Add(-2 * time.Second).UnixNano()
	fields := "Dir,ImportPath,Module,GoFiles,CgoFiles,CFiles,CXXFiles,HFiles,SFiles,SysoFiles,EmbedFiles"
	out, err := goCmd(ctx, dir, "list", "-deps", "-json="+fields, target)
	if err != nil {
		return "", nil, err
	}
	dirs := map[string]bool{}
	var embedders []string // folders of packages that embed files
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", nil, fmt.Errorf("reading go list's output: %w", err)
		}
		m := p.Module
		local := m != nil && (m.Main || (m.Replace != nil && m.Replace.Version == ""))
		// A package in the module's folder is read from it even when its
		// module is another's: vendor/ holds copies that can be edited.
		inRoot := root != "" && strings.HasPrefix(p.Dir, root+string(filepath.Separator))
		if !local && !inRoot {
			continue // the standard library, or a module the go.sum pins
		}
		if m != nil && m.GoMod != "" {
			files[m.GoMod] = true
		}
		dirs[p.Dir] = true
		if len(p.EmbedFiles) > 0 {
			embedders = append(embedders, p.Dir)
		}
		for _, list := range [][]string{p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.HFiles, p.SFiles, p.SysoFiles, p.EmbedFiles} {
			for _, f := range list {
				files[filepath.Join(p.Dir, f)] = true
			}
		}
	}
	// Stamped before hashing: a file changed while it is read fails its
	// stamp next time and is read again.
	m := &memo{Files: map[string][2]int64{}, Dirs: map[string]int64{}}
	for f := range files {
		m.Files[f] = stampOf(f)
	}
	for d := range dirs {
		entries, err := os.ReadDir(d)
		st, statErr := os.Stat(d)
		if err != nil || statErr != nil {
			m = nil
			break
		}
		m.Dirs[d] = st.ModTime().UnixNano()
		for _, e := range entries {
			if e.Type().IsRegular() {
				f := filepath.Join(d, e.Name())
				m.Files[f] = stampOf(f)
			}
		}
	}
	for _, d := range embedders {
		if m != nil && !m.stampTree(d) {
			m = nil
		}
	}
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(h, "file %s\n", filepath.ToSlash(name))
		f, err := os.Open(name)
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(h, "absent\n") // a go.sum not written yet
			continue
		} else if err != nil {
			return "", nil, err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", nil, err
		}
	}
	key := hex.EncodeToString(h.Sum(nil))[:32]
	if m == nil {
		return key, nil, nil
	}
	for _, st := range m.Files {
		if st[1] >= listed {
			return key, nil, nil
		}
	}
	for _, t := range m.Dirs {
		if t >= listed {
			return key, nil, nil
		}
	}
	m.Key = key
	return key, m, nil
}

// goCmd runs the go command in dir and returns its stdout; its error
// carries what go printed. Tests count its calls.
var goCmd = func(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s in %s: %v\n%s", args[0], dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Build builds the package target of dir into out; tests replace it.
var Build = func(ctx context.Context, dir, out, target string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, target)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the Go program in %s: %v\n%s", dir, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
