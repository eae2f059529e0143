package dev.uvm.qemu.driver;

import dev.uvm.agent.AgentConnection;
import dev.uvm.qemu.QemuVm;
import dev.uvm.vm.BootKernel;
import dev.uvm.vm.BootTimings;
import dev.uvm.vm.RunningVm;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** A {@link RunningVm} backed by a QEMU process. */
final class QemuRunningVm implements RunningVm {
    private final QemuVm vm;
    private final BootKernel kernel;
    private final CompletableFuture<String> exited;

    /**
     * @param record the VM's state file, deleted when the VM stops
     * @param kernel the kernel the guest runs (with the boot's notice, for a cold boot)
     */
    QemuRunningVm(QemuVm vm, java.nio.file.Path record, BootKernel kernel) {
        this.vm = vm;
        this.kernel = kernel;
        long pid = vm.pid();
        this.exited = vm.exited().thenApply(status -> {
            vm.close();
            try {
                java.nio.file.Files.deleteIfExists(record);
            } catch (IOException ignored) {
                // A stale record is verified and discarded by the next daemon start.
            }
            if (status < 0) {
                return "QEMU (pid " + pid + ", adopted after a daemon restart) exited";
            }
            if (status > 128) {
                return "QEMU (pid " + pid + ") was killed by signal " + (status - 128);
            }
            return "QEMU (pid " + pid + ") exited with status " + status;
        });
    }

    QemuVm qemu() {
        return vm;
    }

    @Override
    public long vmmPid() {
        return vm.pid();
    }

    @Override
    public AgentConnection agent() {
        return vm.agent();
    }

    @Override
    public BootTimings timings() {
        return vm.timings();
    }

    @Override
    public void requestPowerOff() {
        vm.requestPowerOff();
    }

    @Override
    public void kill() {
        vm.kill();
    }

    @Override
    public CompletableFuture<String> exited() {
        return exited;
    }

    @Override
    public String kernel() {
        return kernel.label();
    }

    @Override
    public String bootNotice() {
        return kernel.notice();
    }

    @Override
    public long hostResidentBytes() {
        return vm.residentBytes();
    }
}
