package dev.uvm.config;

import static dev.uvm.config.TestConfigs.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDiffTest {
    @TempDir
    Path dir;

    @Test
    void sameConfig_noChanges() throws ConfigException {
        UvmConfig config = parse("[vm]\nmemory = 1GB\n[vm.b]\n").config();
        ConfigDiff diff = ConfigDiff.between(config, config);
        assertTrue(diff.isEmpty());
        assertEquals("no changes", diff.toString());
    }

    @Test
    void equalValuesWrittenDifferently_noChanges() throws ConfigException {
        ConfigDiff diff = ConfigDiff.between(parse("[vm]\nmemory = 1GB\nvmIdleTimeout = 60000\n").config(),
                parse("[vm]\nmemory = 1024MB\nvmIdleTimeout = 1min\n").config());
        assertTrue(diff.isEmpty(), diff.toString());
    }

    @Test
    void timeoutsAndReclaim_applyImmediately() throws ConfigException {
        ConfigDiff diff = ConfigDiff.between(UvmConfig.defaults(), parse("""
                [vm]
                vmIdleTimeout = 5min
                bootTimeout = 1min
                shutdownTimeout = 10s
                autoMemoryReclaim = dropCache
                """).config());
        assertEquals(4, diff.changes().size());
        assertTrue(diff.changes().stream().allMatch(c -> c.effect() == TakesEffect.IMMEDIATELY), diff.toString());
        assertFalse(diff.waitsForNextBoot("default"));
        assertFalse(diff.needsDaemonRestart());
    }

    @Test
    void hardwareKeys_applyAtNextBoot() throws Exception {
        Path kernel = Files.createFile(dir.resolve("k"));
        Path initrd = Files.createFile(dir.resolve("i"));
        Path share = Files.createDirectory(dir.resolve("s"));
        ConfigDiff diff = ConfigDiff.between(UvmConfig.defaults(), parse("""
                [vm]
                memory = 1GB
                processors = 2
                kernel = %s
                initrd = %s
                kernelCommandLine = quiet
                swap = 1GB
                hostShare = %s
                hostShareMountPoint = /work
                hostShareReadOnly = true
                """.formatted(kernel, initrd, share)).config());
        assertEquals(List.of(ConfigKey.MEMORY, ConfigKey.PROCESSORS, ConfigKey.KERNEL, ConfigKey.INITRD,
                        ConfigKey.KERNEL_COMMAND_LINE, ConfigKey.SWAP, ConfigKey.HOST_SHARE,
                        ConfigKey.HOST_SHARE_MOUNT_POINT, ConfigKey.HOST_SHARE_READ_ONLY),
                diff.changesOf("default").stream().map(ConfigChange::key).toList());
        assertTrue(diff.changes().stream().allMatch(c -> c.effect() == TakesEffect.NEXT_BOOT), diff.toString());
        assertTrue(diff.waitsForNextBoot("default"));
    }

    @Test
    void memoryChange_describedWithOldNewAndWhen() throws ConfigException {
        ConfigDiff diff = ConfigDiff.between(UvmConfig.defaults(), parse("[vm]\nmemory = 1GB\n").config());
        assertEquals("vm default: memory 512MB -> 1GB (applies at the VM's next boot)", diff.toString());
        assertEquals(new ConfigChange(ConfigChange.Kind.VALUE_CHANGED, "default", ConfigKey.MEMORY, "512MB", "1GB",
                TakesEffect.NEXT_BOOT), diff.changes().get(0));
    }

    @Test
    void vmAddedAndRemoved_applyImmediately() throws ConfigException {
        ConfigDiff diff = ConfigDiff.between(parse("[vm.old]\n").config(), parse("[vm.new]\n").config());
        assertEquals(List.of("new"), diff.addedVms());
        assertEquals(List.of("old"), diff.removedVms());
        assertEquals("vm new: added (applies immediately)\nvm old: removed (applies immediately)", diff.toString());
    }

    @Test
    void daemonSocketStateDirBackendMetrics_needRestart() throws ConfigException {
        ConfigDiff diff = ConfigDiff.between(UvmConfig.defaults(), parse("""
                [daemon]
                socket = /tmp/u.sock
                stateDir = /tmp/uvm-state
                backend = qemu
                metricsAddress = off
                """).config());
        assertEquals(4, diff.daemonChanges().size());
        assertTrue(diff.daemonChanges().stream().allMatch(c -> c.effect() == TakesEffect.DAEMON_RESTART));
        assertTrue(diff.needsDaemonRestart());
        assertTrue(diff.toString().contains("daemon: socket (not set) -> /tmp/u.sock (needs a daemon restart)"),
                diff.toString());
    }

    @Test
    void logLevel_appliesImmediately() throws ConfigException {
        ConfigDiff diff = ConfigDiff.between(UvmConfig.defaults(), parse("[daemon]\nlogLevel = trace\n").config());
        assertEquals(TakesEffect.IMMEDIATELY, diff.daemonChanges().get(0).effect());
        assertFalse(diff.needsDaemonRestart());
    }

    @Test
    void vmChanges_groupedPerVm_inNewConfigOrder() throws ConfigException {
        ConfigDiff diff = ConfigDiff.between(parse("[vm.a]\n[vm.b]\n").config(),
                parse("[vm]\nprocessors = 2\n[vm.a]\n[vm.b]\nvmIdleTimeout = 0\n").config());
        Map<String, List<ConfigChange>> perVm = diff.vmChanges();
        assertEquals(List.of("default", "a", "b"), List.copyOf(perVm.keySet()));
        assertEquals(2, perVm.get("b").size());
    }

    @Test
    void everyKeyHasADocumentedEffect_asTheIssueRequires() {
        assertEquals(TakesEffect.IMMEDIATELY, ConfigKey.VM_IDLE_TIMEOUT.effect());
        assertEquals(TakesEffect.IMMEDIATELY, ConfigKey.BOOT_TIMEOUT.effect());
        assertEquals(TakesEffect.IMMEDIATELY, ConfigKey.SHUTDOWN_TIMEOUT.effect());
        assertEquals(TakesEffect.IMMEDIATELY, ConfigKey.AUTO_MEMORY_RECLAIM.effect());
        for (ConfigKey key : List.of(ConfigKey.MEMORY, ConfigKey.PROCESSORS, ConfigKey.KERNEL, ConfigKey.INITRD,
                ConfigKey.KERNEL_COMMAND_LINE, ConfigKey.SWAP, ConfigKey.HOST_SHARE)) {
            assertEquals(TakesEffect.NEXT_BOOT, key.effect(), key.keyName());
        }
        for (ConfigKey key : List.of(ConfigKey.SOCKET, ConfigKey.STATE_DIR, ConfigKey.BACKEND,
                ConfigKey.METRICS_ADDRESS)) {
            assertEquals(TakesEffect.DAEMON_RESTART, key.effect(), key.keyName());
        }
    }
}
