package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"

	"github.com/oauthgen/oauthgen/runtime/storetest/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster and removes the built
// server binary when the tests end.
func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	if binary.dir != "" {
		_ = os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// binary is the quickstart built once per test binary, for the tests that
// run it as separate processes.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// quickstartBinary builds the quickstart with the toolchain running the
// tests.
func quickstartBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "oauthgen-quickstart-"); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "quickstart")
		out, err := exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = &buildError{err, string(out)}
		}
	})
	if binary.err != nil {
		t.Fatalf("build the quickstart: %v", binary.err)
	}
	return binary.path
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// process is a quickstart server running as its own process.
type process struct {
	cmd  *exec.Cmd
	addr string // host:port it listens on
	done chan struct{}
}

// startProcess runs the quickstart with args and -addr 127.0.0.1:0, and
// returns once it listens. The test's end kills it.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	return startProcessEnv(t, nil, args...)
}

// startProcessEnv is startProcess with env (NAME=value) added to the
// test's environment.
func startProcessEnv(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(quickstartBinary(t), append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &processLog{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("log of the quickstart on %s:\n%s", p.addr, logs.String())
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			p.addr = addr
			break
		}
	}
	if p.addr == "" {
		t.Fatalf("the quickstart exited before it listened")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// processLog keeps the last maxProcessLog bytes of a process's log, for a
// failing test to show.
type processLog struct {
	mu  sync.Mutex
	buf []byte
}

const maxProcessLog = 64 << 10

func (l *processLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	if len(l.buf) > maxProcessLog {
		l.buf = l.buf[len(l.buf)-maxProcessLog:]
	}
	return len(b), nil
}

func (l *processLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}
