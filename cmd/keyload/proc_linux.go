//go:build linux

package main

import "syscall"

// childAttr makes the kernel kill a child process when the harness dies, even by SIGKILL.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
