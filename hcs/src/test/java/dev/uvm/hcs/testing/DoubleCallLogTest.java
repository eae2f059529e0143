package dev.uvm.hcs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uvm.hcs.LinuxUtilityVmSpec;
import dev.uvm.hcs.UtilityVm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The double's call log, which other modules' tests use to assert which HCS requests were made, in order. */
@ExtendWith(NoLeaks.class)
class DoubleCallLogTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DoubleControl control = DoubleControl.get();

    @Test
    void callLog_recordsEveryRequestPerSystemInOrder_andResetClearsIt() {
        LinuxUtilityVmSpec spec = LinuxUtilityVmSpec.builder().kernel("C:\\vmlinux").build();
        try (UtilityVm first = UtilityVm.create("log-a", spec); UtilityVm second = UtilityVm.create("log-b", spec)) {
            first.start(WAIT);
            first.terminate(WAIT);
        }

        assertEquals(List.of("HcsCreateComputeSystem", "HcsStartComputeSystem", "HcsTerminateComputeSystem",
                "HcsCloseComputeSystem"), control.calls("log-a"));
        assertEquals(List.of("HcsCreateComputeSystem", "HcsCloseComputeSystem"), control.calls("log-b"));
        assertEquals("HcsCreateComputeSystem log-a", control.calls().get(0));

        control.reset();

        assertEquals(List.of(), control.calls());
    }

    @Test
    void callLog_recordsRejectedCreate() {
        LinuxUtilityVmSpec spec = LinuxUtilityVmSpec.builder().kernel("C:\\vmlinux").build();
        try (UtilityVm vm = UtilityVm.create("log-dup", spec)) {
            try {
                UtilityVm.create("log-dup", spec).close();
            } catch (RuntimeException expected) {
                // HCS_E_SYSTEM_ALREADY_EXISTS
            }
        }

        assertEquals(List.of("HcsCreateComputeSystem", "HcsCreateComputeSystem", "HcsCloseComputeSystem"),
                control.calls("log-dup"));
    }
}
