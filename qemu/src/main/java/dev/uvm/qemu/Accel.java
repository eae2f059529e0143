package dev.uvm.qemu;

/** QEMU accelerators uvm uses. */
public enum Accel {
    KVM("kvm"),
    TCG("tcg");

    private final String qemuName;

    Accel(String qemuName) {
        this.qemuName = qemuName;
    }

    public String qemuName() {
        return qemuName;
    }
}
