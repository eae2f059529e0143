package dev.uvm.config;

/** Which hypervisor backend drives the VMs. */
public enum Backend {
    /** HCS on Windows, QEMU elsewhere. */
    AUTO,
    QEMU,
    HCS
}
