//go:build !linux

package proxytest

import "syscall"

func sysProcAttr(bool) *syscall.SysProcAttr { return nil }
