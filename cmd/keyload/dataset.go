package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // database/sql driver "sqlite3"
)

// benchArgs build the benchmark dataset; they are part of its cache key.
var benchArgs = []string{"demo", "--accounts", "50000", "--interactions", "1000000", "--contacts", "200000", "--key-share", "0.10"}

// keySources are the files whose contents decide whether the cached dataset is current.
var keySources = []string{"internal/demo/*.go", "migrations/sqlite/*.sql"}

// paths are the files the harness reads and writes under -dir.
type paths struct {
	bench, benchKey, run, scenario, last, serverLog string
}

func newPaths(dir string) paths {
	j := func(n string) string { return filepath.Join(dir, n) }
	return paths{bench: j("bench.db"), benchKey: j("bench.key"), run: j("run.db"), scenario: j("run.scenario"),
		last: j("last.txt"), serverLog: j("server.log")}
}

// benchKey is a SHA-256 over the demo generator's and the migrations' files (name and
// contents, in name order) and the demo arguments.
func benchKey() (string, error) {
	var files []string
	for _, pattern := range keySources {
		m, err := filepath.Glob(pattern)
		if err != nil {
			return "", err
		}
		if len(m) == 0 {
			return "", fmt.Errorf("no file matches %s: run keyload from the repository root", pattern)
		}
		files = append(files, m...)
	}
	slices.Sort(files)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", strings.Join(benchArgs, " "))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(f), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ensureBench reuses the cached dataset when its key matches, and rebuilds it otherwise.
func ensureBench(ctx context.Context, keyhold string, p paths) error {
	key, err := benchKey()
	if err != nil {
		return err
	}
	old, _ := os.ReadFile(p.benchKey)
	if _, err := os.Stat(p.bench); err == nil && strings.TrimSpace(string(old)) == key {
		fmt.Printf("dataset: reused %s (key %s)\n", p.bench, key[:12])
		return nil
	}
	why := "the key changed"
	if _, err := os.Stat(p.bench); err != nil {
		why = "it is missing"
	}
	fmt.Printf("dataset: rebuilding %s because %s (about 35 s)…\n", p.bench, why)
	_ = os.Remove(p.benchKey)
	if err := removeDB(p.bench); err != nil {
		return err
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, keyhold, benchArgs...)
	cmd.Env = append(os.Environ(), "KEYHOLD_DB="+p.bench)
	cmd.Stdout, cmd.Stderr = prefixed("  demo: ", os.Stdout), prefixed("  demo: ", os.Stderr)
	if err := cmd.Run(); err != nil {
		_ = removeDB(p.bench)
		return fmt.Errorf("build dataset: %s %s: %w", keyhold, strings.Join(benchArgs, " "), err)
	}
	if err := checkpoint(ctx, p.bench); err != nil {
		return err
	}
	if err := os.WriteFile(p.benchKey, []byte(key+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Printf("dataset: rebuilt %s in %s (key %s)\n", p.bench, time.Since(start).Round(time.Second), key[:12])
	return nil
}

// removeDB deletes a SQLite database and its -wal and -shm files.
func removeDB(path string) error {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// checkpoint moves everything in the write-ahead log into the main file and empties the
// log, so that copying the main file alone copies the whole database.
func checkpoint(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	var busy, logPages, done int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint %s: the database is busy (is a server using it?)", path)
	}
	return nil
}

// prepareRun copies the benchmark dataset to run.db, unless reuse asks to keep the
// previous run's copy.
func prepareRun(p paths, reuse bool) error {
	if reuse {
		if _, err := os.Stat(p.run); err == nil {
			fmt.Printf("run copy: reusing %s (-reuse-run)\n", p.run)
			return nil
		}
		fmt.Printf("run copy: %s is missing; making a fresh copy despite -reuse-run\n", p.run)
	}
	start := time.Now()
	if err := checkpoint(context.Background(), p.bench); err != nil {
		return err
	}
	if err := removeDB(p.run); err != nil {
		return err
	}
	_ = os.Remove(p.scenario)
	if err := copyFile(p.bench, p.run); err != nil {
		return err
	}
	fmt.Printf("run copy: %s → %s in %s\n", p.bench, p.run, time.Since(start).Round(time.Millisecond))
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := to + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, to)
}
