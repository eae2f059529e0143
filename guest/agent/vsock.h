/*
 * AF_VSOCK's address and options, from <linux/vm_sockets.h> where the C library's headers have
 * it; musl's do not, so the kernel's ABI for what uvm-agent and agentctl use is spelled out here.
 */
#ifndef UVM_VSOCK_H
#define UVM_VSOCK_H

#include <sys/socket.h>

#if __has_include(<linux/vm_sockets.h>)
#include <linux/vm_sockets.h>
#else
struct sockaddr_vm {
    sa_family_t svm_family;
    unsigned short svm_reserved1;
    unsigned int svm_port;
    unsigned int svm_cid;
    unsigned char svm_flags;
    unsigned char svm_zero[3];
};
#define SO_VM_SOCKETS_CONNECT_TIMEOUT 6 /* struct timeval; the _OLD option, 64-bit time on x86-64 */
#define VMADDR_CID_ANY ((unsigned int)-1)
#define VMADDR_CID_LOCAL 1
#define VMADDR_CID_HOST 2
#endif

#endif
