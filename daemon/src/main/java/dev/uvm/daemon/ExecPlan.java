package dev.uvm.daemon;

import dev.uvm.agent.ExecRequest;
import dev.uvm.vm.RunningVm;
import java.io.IOException;

/**
 * How a guest process is started once its VM is up: a fixed request in the utility environment, or
 * one that first prepares the distribution it runs in (which needs the running VM).
 */
@FunctionalInterface
interface ExecPlan {
    ExecRequest forVm(RunningVm vm) throws IOException;

    /** Always the same request. */
    static ExecPlan of(ExecRequest exec) {
        return vm -> exec;
    }
}
