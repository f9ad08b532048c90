package proxytest

import (
	"os"
	"syscall"
)

// sysProcAttr kills the proxy if the test binary dies first. With
// ownPIDs, and when run as root, the proxy is also the first process of a
// PID namespace of its own, so that its workers die with it: nginx's
// master gets the signal, and the kernel kills what is left in the
// namespace when its first process ends.
func sysProcAttr(ownPIDs bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if ownPIDs && os.Geteuid() == 0 {
		a.Cloneflags = syscall.CLONE_NEWPID
	}
	return a
}
