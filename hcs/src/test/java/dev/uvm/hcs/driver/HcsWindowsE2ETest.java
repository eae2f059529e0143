package dev.uvm.hcs.driver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.uvm.config.DaemonConfig;
import dev.uvm.config.UvmConfig;
import dev.uvm.config.VmConfig;
import dev.uvm.core.lifecycle.LifecycleListener;
import dev.uvm.core.lifecycle.QuartzTimers;
import dev.uvm.core.lifecycle.Scheduler;
import dev.uvm.core.lifecycle.Session;
import dev.uvm.core.lifecycle.StopReason;
import dev.uvm.core.lifecycle.ThreadEventLoop;
import dev.uvm.core.lifecycle.VmState;
import dev.uvm.hcs.ComputeSystem;
import dev.uvm.hcs.schema.SystemQuery;
import dev.uvm.vm.RunningVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Windows run must show, end to end on the real computecore.dll, ws2_32.dll and virtdisk.dll,
 * with the project's guest image booted by the scheduler's real lifecycle:
 * <ol>
 *   <li>boot: HcsCreateComputeSystem, the hvsocket listener on the VM's RuntimeId, HcsStartComputeSystem,
 *       and the guest agent connecting over AF_VSOCK (CID 2, port 50101) with READY;</li>
 *   <li>a session runs commands in the guest, and the data disk (a new sparse VHDX on SCSI) is
 *       formatted by the guest and mounted at {@code /data};</li>
 *   <li>idle teardown after the last session: POWEROFF and HcsShutDownComputeSystem, a graceful exit
 *       (stop reason {@code idle}, not forced); a guest that does not finish in {@code shutdownTimeout}
 *       is ended with HcsTerminateComputeSystem ({@code idle,forced});</li>
 *   <li>a saved-state-free exit: no compute system of ours is left (HcsEnumerateComputeSystems) and
 *       nothing but the data disk is left in the state folder (no .vmrs or other saved state);</li>
 *   <li>nothing lost: the next boot finds what the first wrote on {@code /data}, without formatting.</li>
 * </ol>
 * Needs Windows 10 2004 / Server 2022 or later, x64, with Hyper-V or the Virtual Machine Platform, an
 * elevated shell, and the guest image built on Linux ({@code guest/build-image.sh}: Debian's kernel,
 * whose initramfs has the Hyper-V modules) copied to a folder given as
 * {@code -Duvm.hcs.test.image=C:\...\guest-out}. Run with {@code mvn -pl hcs test -Dgroups=windows}.
 */
@Tag("windows")
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "needs Windows with Hyper-V: computecore.dll, ws2_32.dll, virtdisk.dll")
class HcsWindowsE2ETest {
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path state;
    private final List<String> stops = new CopyOnWriteArrayList<>();
    private ThreadEventLoop loop;
    private ExecutorService workers;
    private QuartzTimers timers;
    private Scheduler scheduler;
    private String name;

    @BeforeEach
    void setUp() {
        loop = new ThreadEventLoop("hcs-windows-loop");
        workers = Executors.newCachedThreadPool();
        timers = new QuartzTimers();
        name = "wintest" + Long.toHexString(System.nanoTime() & 0xFFFFFF);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (scheduler != null) {
            scheduler.shutdown(null, StopReason.DAEMON_STOP, true).join();
        }
        loop.close();
        workers.shutdownNow();
        timers.close();
    }

    private void start(long idleMillis, long shutdownMillis) {
        String image = System.getProperty("uvm.hcs.test.image");
        assumeTrue(image != null, "set -Duvm.hcs.test.image to a folder with the guest image");
        VmConfig c = TestVms.config(idleMillis, 120_000, shutdownMillis);
        VmConfig vm = new VmConfig(name, c.memoryBytes(), c.processors(), null, null, "", c.vmIdleTimeoutMillis(),
                c.bootTimeoutMillis(), c.shutdownTimeoutMillis(), c.swapBytes(), c.autoMemoryReclaim(), null,
                c.reclaimIdleCpuPercent(), c.reclaimIdleWindowMillis(), c.idleAction(), c.prewarm(), c.keepAlive(),
                1L << 30);
        HcsDriver driver = new HcsDriver(Path.of(image), state.resolve("disks"), new HvSocketAgentTransport());
        scheduler = new Scheduler(new UvmConfig(null, DaemonConfig.defaults(), Map.of(name, vm)), driver, loop, workers,
                timers, new LifecycleListener() {
                    @Override
                    public void stopped(VmConfig which, StopReason reason, boolean forced, long stopMillis) {
                        stops.add(reason.label() + (forced ? ",forced" : ""));
                    }
                });
    }

    private String run(RunningVm vm, String script) throws Exception {
        GuestCommand c = GuestCommand.run(vm.agent(), "sh", "-c", script);
        assertEquals(0, c.status(), c.stderr());
        return c.stdout();
    }

    private void sessionThenIdle(String script, String expected) throws Exception {
        Session s = new Session(Session.Kind.FOREGROUND, why -> { });
        RunningVm vm = scheduler.open(name, s).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(vm.agent().ready().join().startsWith("uvm-agent "), "READY over the hvsocket");
        assertEquals(expected, run(vm, script));
        scheduler.close(name, s);
        await().atMost(WAIT).until(() -> scheduler.list().join().get(0).state() == VmState.STOPPED);
    }

    private void noSystemAndNoSavedState() throws Exception {
        assertTrue(ComputeSystem.enumerate(SystemQuery.ids(HcsDriver.systemId(name)), WAIT).isEmpty());
        try (Stream<Path> files = Files.walk(state)) {
            assertEquals(List.of(state.resolve("disks/" + name + ".vhdx")),
                    files.filter(Files::isRegularFile).toList(), "only the data disk: no saved state");
        }
    }

    @Test
    void boot_session_idleShutdown_noSavedState_andTheDataDiskKeepsItsFiles() throws Exception {
        start(2_000, 60_000);

        sessionThenIdle("mountpoint -q /data && echo mounted; echo kept > /data/marker; sync", "mounted\n");
        assertEquals(List.of("idle"), stops, "HcsShutDownComputeSystem ended it gracefully");
        noSystemAndNoSavedState();
        assertTrue(Files.size(state.resolve("disks/" + name + ".vhdx")) < (1L << 30), "a sparse, dynamic VHDX");

        sessionThenIdle("cat /data/marker", "kept\n");
        assertEquals(List.of("idle", "idle"), stops);
        noSystemAndNoSavedState();
    }

    @Test
    void guestTooSlowToPowerOff_idleTeardownTerminates_stillNoSavedState() throws Exception {
        start(2_000, 1);

        sessionThenIdle("echo up", "up\n");

        assertEquals(List.of("idle,forced"), stops, "HcsTerminateComputeSystem after shutdownTimeout");
        noSystemAndNoSavedState();
    }
}
