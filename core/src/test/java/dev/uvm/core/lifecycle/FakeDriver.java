package dev.uvm.core.lifecycle;

import dev.uvm.agent.AgentConnection;
import dev.uvm.config.VmConfig;
import dev.uvm.vm.BootException;
import dev.uvm.vm.BootTimings;
import dev.uvm.vm.RunningVm;
import dev.uvm.vm.VmDriver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A driver whose VMs are plain objects the test controls (also the lifecycle benchmarks' driver). */
public final class FakeDriver implements VmDriver {
    final List<FakeVm> booted = new ArrayList<>();
    String failNextBoots;
    int failuresLeft;
    boolean guestsIgnorePowerOff;
    /** Why VMs cannot be suspended, or null when they can. */
    String suspendUnsupported;
    /** When set, the next save fails with this message (and the VM is forced down). */
    String failSave;
    /** When set, the next restore fails with this message. */
    String failRestore;
    /** VMs saved to disk (their VMM ended), restored VMs, and saved states discarded. */
    final List<FakeVm> saved = new ArrayList<>();
    final List<FakeVm> restored = new ArrayList<>();
    final List<String> discarded = new ArrayList<>();
    /** The memory of each config a restore was asked to use. */
    final List<Long> restoredWith = new ArrayList<>();

    public FakeDriver() {
    }

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

    @Override
    public String suspendUnsupported(VmConfig config) {
        return suspendUnsupported;
    }

    @Override
    public long suspend(VmConfig config, RunningVm vm) throws IOException {
        FakeVm fake = (FakeVm) vm;
        if (failSave != null) {
            String why = failSave;
            failSave = null;
            fake.kill();
            throw new IOException(why);
        }
        saved.add(fake);
        fake.exited.complete("saved");
        return 64L << 20;
    }

    @Override
    public RunningVm restore(VmConfig config) throws BootException {
        restoredWith.add(config.memoryBytes());
        if (failRestore != null) {
            String why = failRestore;
            failRestore = null;
            throw new BootException(why);
        }
        FakeVm vm = new FakeVm(100 + restored.size(), guestsIgnorePowerOff);
        restored.add(vm);
        return vm;
    }

    @Override
    public void discardSaved(String vm, String why) {
        discarded.add(why);
    }

    public static final class FakeVm implements RunningVm {
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
