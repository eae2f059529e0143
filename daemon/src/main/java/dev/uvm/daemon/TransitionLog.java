package dev.uvm.daemon;

import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.VmState;
import dev.uvm.vm.RunningVm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each lifecycle transition with its duration in one structured line. */
final class TransitionLog implements LifecycleListener {
    private static final Logger log = LoggerFactory.getLogger("uvm.lifecycle");

    @Override
    public void transition(VmConfig vm, VmState from, VmState to, long millis, String why) {
        if (from != to) {
            log.info("event=transition vm={} from={} to={} previous_state_ms={} why=\"{}\"", vm.name(), from.label(),
                    to.label(), millis, quote(why));
        }
    }

    @Override
    public void bootFinished(VmConfig vm, RunningVm instance, long millis) {
        log.info("event=boot vm={} result=ok boot_ms={} vmm_pid={} vmm_up_ms={} agent_ready_ms={}", vm.name(), millis,
                instance.vmmPid(), instance.timings().vmmUpNanos() / 1_000_000,
                instance.timings().readyNanos() / 1_000_000);
    }

    @Override
    public void bootFailed(VmConfig vm, String error, long millis) {
        log.warn("event=boot vm={} result=failed boot_ms={} error=\"{}\"", vm.name(), millis,
                quote(error));
    }

    @Override
    public void suspended(VmConfig vm, long millis, long bytes, String error) {
        if (error == null) {
            log.info("event=suspend vm={} result=ok suspend_ms={} bytes={}", vm.name(), millis, bytes);
        } else {
            log.warn("event=suspend vm={} result=failed suspend_ms={} error=\"{}\"", vm.name(), millis, quote(error));
        }
    }

    @Override
    public void restored(VmConfig vm, RunningVm instance, long millis, String error) {
        if (error == null) {
            log.info("event=restore vm={} result=ok restore_ms={} vmm_pid={} vmm_up_ms={} loaded_ms={}"
                    + " agent_ready_ms={}", vm.name(), millis, instance.vmmPid(), instance.timings().vmmUpNanos() / 1_000_000,
                    instance.timings().kernelStartNanos() / 1_000_000, instance.timings().readyNanos() / 1_000_000);
        } else {
            log.warn("event=restore vm={} result=failed restore_ms={} fallback=cold_boot error=\"{}\"", vm.name(), millis,
                    quote(error));
        }
    }

    private static String quote(String text) {
        return text.replace('"', '\'').replace('\n', ' ');
    }

    @Override
    public void stopped(VmConfig vm, StopReason reason, boolean forced, long stopMillis) {
        log.info("event=stop vm={} reason={} forced={} stop_ms={}", vm.name(), reason.label(), forced, stopMillis);
    }
}
