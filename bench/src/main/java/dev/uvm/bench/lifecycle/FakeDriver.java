package dev.uvm.bench.lifecycle;

import dev.uvm.config.VmConfig;
import dev.uvm.qemu.AgentConnection;
import dev.uvm.qemu.BootTimings;
import dev.uvm.scheduler.lifecycle.RunningVm;
import dev.uvm.scheduler.lifecycle.VmDriver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A driver whose VMs boot at once and never exit on their own (after the scheduler's tests). */
final class FakeDriver implements VmDriver {
    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String describe() {
        return "fake driver";
    }

    @Override
    public RunningVm boot(VmConfig config) {
        return new FakeVm();
    }

    static final class FakeVm implements RunningVm {
        private final CompletableFuture<String> exited = new CompletableFuture<>();

        @Override
        public long vmmPid() {
            return 1;
        }

        @Override
        public AgentConnection agent() {
            throw new UnsupportedOperationException("no agent in lifecycle benchmarks");
        }

        @Override
        public BootTimings timings() {
            return new BootTimings(1, 2, 3);
        }

        @Override
        public void requestPowerOff() {
            exited.complete("powered off");
        }

        @Override
        public void kill() {
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
