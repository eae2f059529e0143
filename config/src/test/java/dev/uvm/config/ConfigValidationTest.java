package dev.uvm.config;

import static dev.uvm.config.TestConfigs.errors;
import static dev.uvm.config.TestConfigs.parse;
import static dev.uvm.config.TestConfigs.warnings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error names the file, line, key and value, and says what is allowed. */
class ConfigValidationTest {
    @TempDir
    Path dir;

    @Test
    void memory_unknownSuffix_errorNamesFileLineAndAllowedForms() {
        assertEquals(List.of("memory = 12XB at uvm.conf:7: expected a size such as 512MB or 4GB"), errors("""
                # uvm
                [daemon]
                logLevel = info

                [vm]
                processors = 2
                memory = 12XB
                """));
    }

    @Test
    void memory_below64MB_errorGivesMinimum() {
        assertEquals(List.of("memory = 63MB at uvm.conf:2: must be at least 64MB"), errors("[vm]\nmemory = 63MB\n"));
    }

    @Test
    void memory_aboveHostMemory_errorGivesHostMemory() {
        assertEquals(List.of("memory = 17GB at uvm.conf:2: must be at most the host's memory, 16GB"),
                errors("[vm]\nmemory = 17GB\n"));
    }

    @Test
    void memory_exactlyBounds_accepted() throws ConfigException {
        assertEquals(64 * ValueSyntax.MIB, TestConfigs.vm("[vm]\nmemory=64MB", "default").memoryBytes());
        assertEquals(16 * ValueSyntax.GIB, TestConfigs.vm("[vm]\nmemory=16GB", "default").memoryBytes());
    }

    @Test
    void processors_outOfRange_errorGivesHostCpus() {
        assertEquals(List.of("processors = 0 at uvm.conf:2: must be from 1 to 8, the host's logical CPUs",
                        "processors = 9 at uvm.conf:4: must be from 1 to 8, the host's logical CPUs"),
                errors("[vm]\nprocessors = 0\n[vm.big]\nprocessors = 9\n"));
    }

    @Test
    void processors_notANumber_error() {
        assertEquals(List.of("processors = two at uvm.conf:2: expected a whole number of processors from 1 to 8"),
                errors("[vm]\nprocessors = two\n"));
    }

    @Test
    void vmIdleTimeout_malformed_errorSaysBareIsMillis() {
        assertEquals(List.of("vmIdleTimeout = 5 mins at uvm.conf:2: expected a duration such as 500ms, 90s, 5min"
                + " or 1h (a bare number is milliseconds)"), errors("[vm]\nvmIdleTimeout = 5 mins\n"));
    }

    @Test
    void vmIdleTimeout_over30Days_error() {
        assertEquals(List.of("vmIdleTimeout = 31d at uvm.conf:2: must be at most 30 days (720h); negative means never"),
                errors("[vm]\nvmIdleTimeout = 31d\n"));
    }

    @Test
    void bootAndShutdownTimeout_zeroNegativeOrTooLong_errorGivesRange() {
        assertEquals(List.of(
                "bootTimeout = 0 at uvm.conf:2: must be from 1s to 10min",
                "shutdownTimeout = -5s at uvm.conf:3: must be from 1s to 10min",
                "bootTimeout = 11min at uvm.conf:5: must be from 1s to 10min",
                "shutdownTimeout = 999 at uvm.conf:6: must be from 1s to 10min"),
                errors("[vm]\nbootTimeout = 0\nshutdownTimeout = -5s\n[vm.x]\nbootTimeout = 11min\nshutdownTimeout = 999\n"));
    }

    @Test
    void swap_malformed_error() {
        assertEquals(List.of("swap = lots at uvm.conf:2: expected a size such as 512MB or 4GB"),
                errors("[vm]\nswap = lots\n"));
    }

    @Test
    void autoMemoryReclaim_unknownMode_errorListsModes() {
        assertEquals(List.of("autoMemoryReclaim = always at uvm.conf:2: expected disabled, dropCache or gradual"),
                errors("[vm]\nautoMemoryReclaim = always\n"));
    }

    @Test
    void kernelAndInitrd_missing_errorNamesPath() {
        assertEquals(List.of("kernel = /nonexistent/vmlinux at uvm.conf:2: file not found: /nonexistent/vmlinux; kernel is uvm (uvm's own,"
                        + " the default), debian (Debian's generic kernel) or the path of a kernel file",
                        "initrd = /nonexistent/initrd at uvm.conf:3: file not found: /nonexistent/initrd"),
                errors("[vm]\nkernel = /nonexistent/vmlinux\ninitrd = /nonexistent/initrd\n"));
    }

    @Test
    void kernel_directory_errorNotARegularFile() {
        assertEquals(List.of("kernel = " + dir + " at uvm.conf:2: not a regular file: " + dir + "; kernel is uvm (uvm's"
                        + " own, the default), debian (Debian's generic kernel) or the path of a kernel file"),
                errors("[vm]\nkernel = " + dir + "\n"));
    }

    @Test
    void kernel_relativePath_errorAsksForAbsolute() {
        assertEquals(List.of("kernel = boot/vmlinux at uvm.conf:2: expected an absolute path such as /srv/data or ~/data;"
                + " kernel is uvm (uvm's own, the default), debian (Debian's generic kernel) or the path of a kernel file"),
                errors("[vm]\nkernel = boot/vmlinux\n"));
    }

    @Test
    void kernel_uvmOrDebian_namesTheSource_uvmByDefault() throws ConfigException {
        assertEquals(GuestKernel.UVM, parse("[vm]\n").config().vm("default").kernel());
        assertEquals(GuestKernel.DEBIAN, parse("[vm]\nkernel = Debian\n").config().vm("default").kernel());
        assertEquals(GuestKernel.UVM, parse("[vm]\nkernel = uvm\n").config().vm("default").kernel());
        assertEquals("debian", parse("[vm]\nkernel = debian\n").config().vm("default").kernel()
                .toString());
    }

    @Test
    void hostShare_missingOrAFile_errorNamesPath() throws Exception {
        Path file = Files.createFile(dir.resolve("file"));
        assertEquals(List.of("hostShare = /nonexistent at uvm.conf:2: directory not found: /nonexistent",
                        "hostShare = " + file + " at uvm.conf:4: not a directory: " + file),
                errors("[vm]\nhostShare = /nonexistent\n[vm.x]\nhostShare = " + file + "\n"));
    }

    @Test
    void hostShare_root_needsAllowRoot() throws ConfigException {
        assertEquals(List.of("hostShare = / at uvm.conf:2: sharing / gives the guest the whole host file system;"
                + " set hostShareAllowRoot = true to allow it"), errors("[vm]\nhostShare = /\n"));
        assertEquals(Path.of("/"), TestConfigs.vm("[vm]\nhostShare = /\nhostShareAllowRoot = true\n", "default")
                .hostShare().hostPath());
    }

    @Test
    void hostShare_rootInheritedByTwoVms_errorReportedOnce() {
        assertEquals(1, errors("[vm]\nhostShare = /\n[vm.a]\n[vm.b]\n").size());
    }

    @Test
    void hostShareMountPoint_notAbsoluteOrWithDots_error() {
        assertEquals(List.of(
                "hostShareMountPoint = mnt/host at uvm.conf:2: expected an absolute guest path such as /mnt/host",
                "hostShareMountPoint = / at uvm.conf:4: expected an absolute guest path such as /mnt/host",
                "hostShareMountPoint = /mnt/../etc at uvm.conf:6: expected an absolute guest path such as /mnt/host,"
                        + " without . or .."),
                errors("[vm]\nhostShareMountPoint = mnt/host\n[vm.a]\nhostShareMountPoint = /\n"
                        + "[vm.b]\nhostShareMountPoint = /mnt/../etc\n"));
    }

    @Test
    void hostShareReadOnly_notBoolean_error() {
        assertEquals(List.of("hostShareReadOnly = ro at uvm.conf:2: expected true or false"),
                errors("[vm]\nhostShareReadOnly = ro\n"));
    }

    @Test
    void hostShareOptionsWithoutShare_warnNoEffect() throws ConfigException {
        assertEquals(List.of("hostShareReadOnly = true at uvm.conf:2: has no effect without hostShare"),
                warnings("[vm]\nhostShareReadOnly = true\n"));
    }

    @Test
    void vmName_invalid_errorNamesSectionAndRule() {
        String rule = "expected 1 to 32 characters of a-z, 0-9, '_' and '-', starting with a letter or digit"
                + " (VM names become file names and QEMU ids)";
        assertEquals(List.of(
                "uvm.conf:1: invalid VM name \"Build\" in [vm.Build]: " + rule,
                "uvm.conf:2: invalid VM name \"-x\" in [vm.-x]: " + rule,
                "uvm.conf:3: invalid VM name \"a.b\" in [vm.a.b]: " + rule,
                "uvm.conf:4: invalid VM name \"" + "a".repeat(33) + "\" in [vm." + "a".repeat(33) + "]: " + rule,
                "uvm.conf:5: invalid VM name \"\" in [vm.]: " + rule),
                errors("[vm.Build]\n[vm.-x]\n[vm.a.b]\n[vm." + "a".repeat(33) + "]\n[vm.]\n"));
    }

    @Test
    void vmName_validForms_accepted() throws ConfigException {
        UvmConfig config = parse("[vm.a]\n[vm.0]\n[vm.web_1-b]\n[vm." + "z".repeat(32) + "]\n").config();
        assertEquals(5, config.vms().size());
    }

    @Test
    void daemonValues_invalid_errorsSayWhatIsAllowed() {
        assertEquals(List.of(
                "socket = run/uvm.sock at uvm.conf:2: expected an absolute path such as /srv/data or ~/data",
                "socketGroup = Wheel Group at uvm.conf:3: expected a group name such as uvm",
                "metricsAddress = 9477 at uvm.conf:4: expected host:port such as 127.0.0.1:9477 or [::1]:9477, or off",
                "backend = kvm at uvm.conf:5: expected auto, qemu or hcs",
                "logLevel = verbose at uvm.conf:6: expected error, warn, info, debug or trace"),
                errors("""
                        [daemon]
                        socket = run/uvm.sock
                        socketGroup = Wheel Group
                        metricsAddress = 9477
                        backend = kvm
                        logLevel = verbose
                        """));
    }

    @Test
    void metricsAddress_portAbove65535_error() {
        assertEquals(1, errors("[daemon]\nmetricsAddress = 127.0.0.1:70000\n").size());
    }

    @Test
    void backendHcs_onLinux_errorSaysItNeedsWindows() {
        assertEquals(List.of("backend = hcs at uvm.conf:2: the hcs backend needs Windows; use auto or qemu on this host"),
                errors("[daemon]\nbackend = hcs\n"));
    }

    @Test
    void socket_tooLongForUnixSocket_error() {
        String path = "/" + "s".repeat(120);
        assertEquals(List.of("socket = " + path + " at uvm.conf:2: longer than 107 bytes, the limit for a Unix socket"
                + " path; choose a shorter path"), errors("[daemon]\nsocket = " + path + "\n"));
    }

    @Test
    void stateDir_existingFile_error() throws Exception {
        Path file = Files.createFile(dir.resolve("state"));
        assertEquals(List.of("stateDir = " + file + " at uvm.conf:2: exists and is not a directory"),
                errors("[daemon]\nstateDir = " + file + "\n"));
    }

    @Test
    void syntaxErrors_eachNamesItsLine() {
        assertEquals(List.of(
                "uvm.conf:1: expected ] to close the section header [vm",
                "uvm.conf:2: expected key = value or [section], got \"memory 4GB\"",
                "uvm.conf:3: missing key before =",
                "kernelCommandLine = \"quiet at uvm.conf:4: unterminated double quote; expected a closing \"",
                "kernel command line at uvm.conf:5: invalid key name; keys are letters, digits, '_', '-' and '.'"
                        + " such as vmIdleTimeout",
                "uvm.conf:6: unexpected text after the section header: x",
                "uvm.conf:7: empty section name []; expected [daemon], [vm] or [vm.NAME]",
                "swap = \"1GB\" 2GB at uvm.conf:8: unexpected text after the closing quote: 2GB"),
                errors("""
                        [vm
                        memory 4GB
                        = 4GB
                        kernelCommandLine = "quiet
                        kernel command line = quiet
                        [vm] x
                        []
                        swap = "1GB" 2GB
                        """));
    }

    @Test
    void allErrorsCollected_notJustTheFirst_inLineOrder() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                [vm]
                memory = 12XB
                processors = many
                [vm.Bad]
                [daemon]
                backend = kvm
                """));
        assertEquals(List.of(2, 3, 4, 6), e.problems().stream().map(ConfigProblem::line).toList());
        assertTrue(e.problems().stream().allMatch(p -> p.severity() == ConfigProblem.Severity.ERROR));
        assertEquals(4, e.getMessage().lines().count());
    }

    @Test
    void errorInVm_inheritedByNamedVms_reportedOnce() {
        assertEquals(List.of("memory = 12XB at uvm.conf:2: expected a size such as 512MB or 4GB"),
                errors("[vm]\nmemory = 12XB\n[vm.a]\n[vm.b]\n"));
    }

    @Test
    void errorProblem_carriesFileLineKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[vm]\n\nmemory = 12XB\n"));
        ConfigProblem p = e.problems().get(0);
        assertEquals(new ConfigProblem(ConfigProblem.Severity.ERROR, "uvm.conf", 3, "memory", "12XB",
                "expected a size such as 512MB or 4GB"), p);
    }

    @Test
    void reclaimIdleCpu_outOfRangeOrNotANumber_errorSaysWhatIsAllowed() {
        assertEquals(List.of("reclaimIdleCpu = 0% at uvm.conf:2: must be more than 0% and at most 50%"),
                errors("[vm]\nreclaimIdleCpu = 0%\n"));
        assertEquals(List.of("reclaimIdleCpu = lots at uvm.conf:2: expected a percentage such as 0.5%"),
                errors("[vm]\nreclaimIdleCpu = lots\n"));
    }

    @Test
    void reclaimIdleWindow_tooShort_errorGivesRange() {
        assertEquals(List.of("reclaimIdleWindow = 5s at uvm.conf:2: must be from 10s to 1h"),
                errors("[vm]\nreclaimIdleWindow = 5s\n"));
    }

    @Test
    void idleAction_unknown_errorListsActions() {
        assertEquals(List.of("idleAction = hibernate at uvm.conf:2: expected shutdown or suspend"),
                errors("[vm]\nidleAction = hibernate\n"));
    }

    @Test
    void prewarm_badCron_errorQuotesTheExpressionAndTheSyntax() {
        List<String> e = errors("[vm.build]\nprewarm = 0 45 8 ? * MON-FRI | 0 61 * * * ?\n");
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("prewarm = 0 45 8 ? * MON-FRI | 0 61 * * * ? at uvm.conf:2: invalid cron expression"
                + " \"0 61 * * * ?\""), e.get(0));
        assertTrue(e.get(0).contains("such as 0 45 8 ? * MON-FRI"), e.get(0));
    }

    @Test
    void keepAlive_emptyPartBetweenSeparators_isAnError() {
        assertEquals(List.of("keepAlive = * * 9-17 ? * MON-FRI || at uvm.conf:2: empty cron expression between '|' separators"),
                errors("[vm]\nkeepAlive = * * 9-17 ? * MON-FRI ||\n"));
    }
}
