package dev.uvm.scheduler.lifecycle;

import dev.uvm.config.VmConfig;
import dev.uvm.qemu.AgentConnection;
import dev.uvm.qemu.BootException;
import dev.uvm.qemu.BootTimings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A driver whose VMs are plain objects the test controls. */
final class FakeDriver implements VmDriver {
    final List<FakeVm> booted = new ArrayList<>();
    String failNextBoots;
    int failuresLeft;
    boolean guestsIgnorePowerOff;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String describe() {
        return "fake driver";
    }

    @Override
    public RunningVm boot(VmConfig config) throws BootException {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new BootException(failNextBoots);
        }
        FakeVm vm = new FakeVm(booted.size() + 1, guestsIgnorePowerOff);
        booted.add(vm);
        return vm;
    }

    static final class FakeVm implements RunningVm {
        final long pid;
        final boolean ignorePowerOff;
        final CompletableFuture<String> exited = new CompletableFuture<>();
        int powerOffRequests;
        int kills;

        FakeVm(long pid, boolean ignorePowerOff) {
            this.pid = pid;
            this.ignorePowerOff = ignorePowerOff;
        }

        @Override
        public long vmmPid() {
            return pid;
        }

        @Override
        public AgentConnection agent() {
            throw new UnsupportedOperationException("no agent in lifecycle tests");
        }

        @Override
        public BootTimings timings() {
            return new BootTimings(1, 2, 3);
        }

        @Override
        public void requestPowerOff() {
            powerOffRequests++;
            if (!ignorePowerOff) {
                exited.complete("powered off");
            }
        }

        @Override
        public void kill() {
            kills++;
            exited.complete("killed");
        }

        @Override
        public CompletableFuture<String> exited() {
            return exited;
        }

        @Override
        public long hostResidentBytes() {
            return 1;
        }

        @Override
        public Map<String, Long> guestStats() {
            return Map.of();
        }
    }
}
