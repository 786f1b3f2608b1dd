package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// child is a process the harness started and must stop.
type child struct {
	name string
	cmd  *exec.Cmd
	url  string
	done chan struct{} // closed when the process has exited
	err  error         // its exit, valid after done
	once sync.Once

	stopping atomic.Bool // set before stop signals the process
}

func startChild(name string, cmd *exec.Cmd) (*child, error) {
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		if !c.stopping.Load() {
			fmt.Fprintf(os.Stderr, "keyload: %s (pid %d) exited unexpectedly: %v\n", name, cmd.Process.Pid, exitText(c.err))
		}
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop asks the process to end (SIGTERM), and kills it if it has not after 10 s.
func (c *child) stop() {
	c.once.Do(func() {
		select {
		case <-c.done:
			return
		default:
		}
		c.stopping.Store(true)
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			fmt.Fprintf(os.Stderr, "keyload: %s did not stop on SIGTERM; killing it\n", c.name)
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	})
}

// freeAddr finds a free TCP port on the loopback interface.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// server is `keyhold serve` with its log watched.
type server struct {
	*child
	log      string      // its log file
	scanDone chan string // receives the log line of the startup health scan

	mu       sync.Mutex
	errLines []string // the first server log lines at level ERROR
	errCount int
	started  time.Time
}

// startKeyhold starts instance i (from 0) of keyhold serve on db (KEYHOLD_DB's value).
func startKeyhold(ctx context.Context, keyhold string, p paths, db string, i int) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	log := p.serverLog
	if i > 0 {
		log = strings.TrimSuffix(log, ".log") + strconv.Itoa(i+1) + ".log"
	}
	logFile, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(keyhold, "serve")
	cmd.Env = append(os.Environ(), "KEYHOLD_DB="+db, "KEYHOLD_ADDR="+addr, "KEYHOLD_SCAN_INTERVAL=24h", "GIN_MODE=release")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout // one pipe, one reader: lines stay whole
	s := &server{log: log, scanDone: make(chan string, 1), started: time.Now()}
	c, err := startChild("keyhold serve", cmd)
	if err != nil {
		return nil, err
	}
	c.url = "http://" + addr
	s.child = c
	fmt.Printf("server: keyhold serve (pid %d) on %s, database %s\n", c.pid(), addr, redacted(db))
	go s.watch(out, logFile)
	return s, nil
}

// watch copies the server's output to its log file, noting the startup scan and errors.
func (s *server) watch(out io.Reader, logFile *os.File) {
	defer logFile.Close()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(logFile, line)
		if strings.Contains(line, "health scan") {
			select {
			case s.scanDone <- line:
			default:
			}
		}
		if strings.Contains(line, `"level":"ERROR"`) || strings.Contains(line, "level=ERROR") || strings.Contains(line, "panic") {
			s.mu.Lock()
			s.errCount++
			if len(s.errLines) < 5 {
				s.errLines = append(s.errLines, line)
			}
			s.mu.Unlock()
		}
	}
}

func (s *server) errorLines() ([]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errLines...), s.errCount
}

// waitReady waits for every server's GET /healthz to answer 200, then for the startup
// health scan to finish (its log line, on the one instance that runs it), so that the
// phases do not measure it.
func waitReady(ctx context.Context, srvs []*server) (string, error) {
	scans := make(chan string, len(srvs))
	for _, s := range srvs {
		if err := waitHTTP(ctx, s.url+"/healthz", s.child, 5*time.Minute); err != nil {
			return "", fmt.Errorf("keyhold serve: %w (see %s)", err, s.log)
		}
		fmt.Printf("server: /healthz answered 200 after %s\n", time.Since(s.started).Round(time.Millisecond))
		go func() {
			select {
			case line := <-s.scanDone:
				scans <- line
			case <-s.done:
			case <-ctx.Done():
			}
		}()
	}
	fmt.Println("server: waiting for the startup health scan…")
	select {
	case line := <-scans:
		fmt.Printf("server: startup scan done after %s: %s\n", time.Since(srvs[0].started).Round(time.Millisecond), line)
		return line, nil
	case <-time.After(5 * time.Minute):
		fmt.Println("server: the startup health scan did not log within 5 minutes; going on")
		return "not seen within 5 minutes", nil
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

// startBaseline starts `keyload baseline` (this very binary) on a free port.
func startBaseline(ctx context.Context) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "baseline", "-addr", addr)
	cmd.Env = append(os.Environ(), "GIN_MODE=release")
	cmd.Stdout, cmd.Stderr = prefixed("baseline: ", os.Stderr), prefixed("baseline: ", os.Stderr)
	c, err := startChild("bare Gin baseline", cmd)
	if err != nil {
		return nil, err
	}
	c.url = "http://" + addr
	fmt.Printf("baseline: keyload baseline (pid %d) on %s\n", c.pid(), addr)
	return c, nil
}

// waitHTTP polls url until it answers 200, the process exits or the time runs out.
func waitHTTP(ctx context.Context, url string, c *child, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.done:
			return fmt.Errorf("%s exited before answering: %v", c.name, c.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New(url + " did not answer 200 in time")
		}
	}
}

// prefixWriter prefixes every line written through it.
type prefixWriter struct {
	prefix string
	w      io.Writer
	mu     sync.Mutex
	buf    []byte
}

func prefixed(prefix string, w io.Writer) io.Writer { return &prefixWriter{prefix: prefix, w: w} }

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
}

// exitText describes how a process ended.
func exitText(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
