// loadclient.go - the load client of tests/admission/test_admission.sh written with the
// Kubernetes API server's own TLS and HTTP stack (Go crypto/tls and net/http: one
// goroutine per webhook call over a shared keep-alive Transport, connections opened as
// calls need them), so the client's TLS handshakes cost what the API server's cost. Same
// arguments, checks and output line as loadclient.c:
//
//	loadclient-go URL CA.pem N C FILE:allowed [FILE:allowed...]
//	requests=N errors=E p50_ms=.. p99_ms=.. max_ms=.. rps=.. connects=.. client_cpu_ms=.. client=go
//
// C goroutines send N reviews in a closed loop (each sends its next review when its
// answer arrives); every answer's status, uid and decision is checked. LOADCLIENT_WARM=1
// opens the C connections first (C reviews at once, checked, not timed), as the API
// server keeps its connections to a webhook open. Built by the test with `go build`
// (standard library only, no module download); not part of vigil.
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type body struct {
	data    []byte
	uid     string
	allowed bool
}

type review struct {
	Response struct {
		UID     string `json:"uid"`
		Allowed *bool  `json:"allowed"`
	} `json:"response"`
}

func cpuMs() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

func readBody(arg string) (body, error) {
	var b body
	i := strings.LastIndexByte(arg, ':')
	if i < 0 {
		return b, fmt.Errorf("no :allowed in %s", arg)
	}
	data, err := os.ReadFile(arg[:i])
	if err != nil {
		return b, err
	}
	var r struct {
		Request struct {
			UID string `json:"uid"`
		} `json:"request"`
	}
	if err := json.Unmarshal(data, &r); err != nil || r.Request.UID == "" {
		return b, fmt.Errorf("%s: not a review with a request.uid", arg[:i])
	}
	return body{data: data, uid: r.Request.UID, allowed: arg[i+1:] == "true"}, nil
}

func main() {
	if len(os.Args) < 6 {
		fmt.Fprintln(os.Stderr, "usage: loadclient-go URL CA N C FILE:allowed...")
		os.Exit(2)
	}
	url := os.Args[1]
	n, err1 := strconv.Atoi(os.Args[3])
	c, err2 := strconv.Atoi(os.Args[4])
	if err1 != nil || err2 != nil || n < 1 || c < 1 || c > 256 {
		fmt.Fprintln(os.Stderr, "loadclient-go: bad N or C")
		os.Exit(2)
	}
	var bodies []body
	for _, a := range os.Args[5:] {
		b, err := readBody(a)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadclient-go:", err)
			os.Exit(2)
		}
		bodies = append(bodies, b)
	}
	pem, err := os.ReadFile(os.Args[2])
	pool := x509.NewCertPool()
	if err != nil || !pool.AppendCertsFromPEM(pem) {
		fmt.Fprintln(os.Stderr, "loadclient-go: cannot read the CA", os.Args[2])
		os.Exit(2)
	}
	// one Transport (one keep-alive connection) per goroutine, so that C connections are
	// open, each with its own handshake; the CA pool and TLS settings are shared
	tlsConf := &tls.Config{RootCAs: pool}
	clients := make([]*http.Client, c)
	for i := range clients {
		tr := &http.Transport{TLSClientConfig: tlsConf, MaxIdleConnsPerHost: 1,
			MaxConnsPerHost: 1, IdleConnTimeout: 90 * time.Second}
		clients[i] = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	var errors, connects int64
	var printed int64
	// one review: its latency, or an error counted
	call := func(client *http.Client, b *body) float64 {
		var newConn int64
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
			if !i.Reused {
				newConn = 1
			}
		}}
		req, _ := http.NewRequest("POST", url, bytes.NewReader(b.data))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		t := time.Now()
		resp, err := client.Do(req)
		var ans []byte
		code := 0
		if err == nil {
			ans, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			code = resp.StatusCode
		}
		dt := float64(time.Since(t).Nanoseconds()) / 1e6
		atomic.AddInt64(&connects, newConn)
		var r review
		ok := err == nil && code == 200 && json.Unmarshal(ans, &r) == nil &&
			r.Response.UID == b.uid && r.Response.Allowed != nil && *r.Response.Allowed == b.allowed
		if !ok {
			atomic.AddInt64(&errors, 1)
			if atomic.AddInt64(&printed, 1) <= 3 {
				fmt.Fprintf(os.Stderr, "loadclient-go: error: %v, HTTP %d: %.200s\n", err, code, ans)
			}
		}
		return dt
	}
	warm := os.Getenv("LOADCLIENT_WARM") == "1"
	// the goroutines: the warm-up call (LOADCLIENT_WARM), then, once every goroutine is
	// ready, reviews taken in turn from the shared counter until n are sent
	lat := make([]float64, n)
	var next int64 = -1
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < c; g++ {
		ready.Add(1)
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			if warm {
				call(clients[g], &bodies[g%len(bodies)])
			}
			ready.Done()
			<-start
			for {
				i := atomic.AddInt64(&next, 1)
				if i >= int64(n) {
					return
				}
				lat[i] = call(clients[g], &bodies[i%int64(len(bodies))])
			}
		}(g)
	}
	ready.Wait()
	atomic.StoreInt64(&connects, 0)
	t0 := time.Now()
	cpu0 := cpuMs()
	close(start)
	wg.Wait()
	wall := time.Since(t0).Seconds()
	cpu := cpuMs() - cpu0
	sort.Float64s(lat)
	i99 := int(float64(n) * 0.99)
	if i99 >= n {
		i99 = n - 1
	}
	suffix := ""
	if warm {
		suffix = " (connections opened before)"
	}
	fmt.Printf("requests=%d errors=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f rps=%.0f connects=%d client_cpu_ms=%.0f client=go%s\n",
		n, errors, lat[n/2], lat[i99], lat[n-1], float64(n)/wall, connects, cpu, suffix)
	if errors > 0 {
		os.Exit(1)
	}
}
