package dev.uvm.config;

import static dev.uvm.config.TestConfigs.parse;
import static dev.uvm.config.TestConfigs.vm;
import static dev.uvm.config.TestConfigs.warnings;
import static dev.uvm.config.ValueSyntax.GIB;
import static dev.uvm.config.ValueSyntax.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void emptyFile_builtInDefaults_oneVmNamedDefault() throws ConfigException {
        LoadedConfig loaded = parse("");
        assertEquals(List.of("default"), List.copyOf(loaded.config().vms().keySet()));
        assertEquals(VmConfig.defaults("default"), loaded.config().vm("default"));
        assertEquals(DaemonConfig.defaults(), loaded.config().daemon());
        assertTrue(loaded.warnings().isEmpty());
    }

    @Test
    void everyVmKey_parsedIntoVmConfig() throws Exception {
        Path kernel = Files.createFile(dir.resolve("vmlinux"));
        Path initrd = Files.createFile(dir.resolve("initrd.img"));
        Path share = Files.createDirectory(dir.resolve("share"));
        VmConfig vm = vm("""
                [vm]
                memory = 2GB
                processors = 4
                kernel = %s
                initrd = %s
                kernelCommandLine = console=hvc0 quiet
                vmIdleTimeout = 5min
                bootTimeout = 45s
                shutdownTimeout = 10s
                swap = 1GB
                autoMemoryReclaim = gradual
                hostShare = %s
                hostShareMountPoint = /mnt/work
                hostShareReadOnly = true
                """.formatted(kernel, initrd, share), "default");
        assertEquals(new VmConfig("default", 2 * GIB, 4, GuestKernel.file(kernel), initrd, "console=hvc0 quiet", 300_000, 45_000,
                10_000, GIB, MemoryReclaim.GRADUAL, new HostShare(share, "/mnt/work", true), VmConfig.DEFAULT_RECLAIM_IDLE_CPU_PERCENT, VmConfig.DEFAULT_RECLAIM_IDLE_WINDOW_MILLIS, IdleAction.SHUTDOWN, List.of(), List.of(), VmConfig.DEFAULT_DISK_BYTES), vm);
    }

    @Test
    void everyDaemonKey_parsedIntoDaemonConfig() throws ConfigException {
        DaemonConfig daemon = parse("""
                [daemon]
                socket = /run/user/1000/uvm.sock
                socketGroup = uvm
                metricsAddress = 0.0.0.0:9100
                backend = QEMU
                stateDir = ~/uvm-state
                logLevel = DEBUG
                """).config().daemon();
        assertEquals(new DaemonConfig(Path.of("/run/user/1000/uvm.sock"), "uvm", "0.0.0.0:9100", Backend.QEMU,
                Path.of("/home/user/uvm-state"), "debug"), daemon);
    }

    @Test
    void consoleLogSize_defaultsToOneMebibyte_andIsBounded() throws ConfigException {
        assertEquals(1L << 20, parse("[vm]\n").config().daemon().consoleLogBytes());
        assertEquals(4L << 20, parse("[daemon]\nconsoleLogSize = 4MB\n").config().daemon().consoleLogBytes());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[daemon]\nconsoleLogSize = 1KB\n"));
        assertTrue(e.getMessage().contains("consoleLogSize") && e.getMessage().contains("from 64KB to 1GB"),
                e.getMessage());
    }

    @Test
    void networkingMode_natByDefault_noneOff_andWslsOtherModesSayWhyNot() throws ConfigException {
        assertEquals(NetworkingMode.NAT, parse("[vm]\n").config().vm("default").networkingMode());
        assertEquals(NetworkingMode.NONE, parse("[wsl2]\nnetworkingMode = None\n").config().vm("default").networkingMode());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("[wsl2]\nnetworkingMode = mirrored\n"));
        assertTrue(e.getMessage().contains("mirrored mode needs Hyper-V"), e.getMessage());
    }

    @Test
    void ports_hostOrHostGuest_shownAsWritten() throws ConfigException {
        VmConfig vm = parse("[vm.web]\nports = 8080, 15432:5432 ,\n").config().vm("web");
        assertEquals(List.of(new PortForward(8080, 8080), new PortForward(15432, 5432)), vm.ports());
        assertEquals("8080, 15432:5432", ConfigKey.PORTS.valueIn(vm));
        assertEquals(List.of(), parse("[vm]\n").config().vm("default").ports());
    }

    @Test
    void ports_belowTheUnprivilegedRange_duplicatedOrMalformed_areErrorsWithTheirLine() {
        assertEquals(List.of("ports = 80:8080 at uvm.conf:2: host port 80 is below 1024, where only root may listen,"
                + " and the daemon does not run as root; choose a host port from 1024, for example 8080:8080"),
                TestConfigs.errors("[vm]\nports = 80:8080\n"));
        assertTrue(TestConfigs.errors("[vm]\nports = 8080, 8080:80\n").get(0)
                .endsWith("host port 8080 is declared twice"));
        assertTrue(TestConfigs.errors("[vm]\nports = http\n").get(0)
                .contains("'http' is not a port: expected a host port such as 8080"));
        assertTrue(TestConfigs.errors("[vm]\nports = 70000\n").get(0).contains("numbered 1 to 65535"));
    }

    @Test
    void ports_rootMayUseLowPorts() throws ConfigException {
        HostInfo root = new HostInfo(16 * ValueSyntax.GIB, 8, false, Path.of("/root"), 0);
        assertEquals(80, ConfigLoader.parse("[vm]\nports = 80\n", "uvm.conf", Path.of("uvm.conf"), root)
                .config().vm("default").ports().get(0).hostPort());
    }

    @Test
    void ports_oneHostPortWakesOneVm() {
        assertEquals(List.of("ports = 9000, 8080 at uvm.conf:5: host port 8080 is already declared for VM a (line 2);"
                + " one host port can wake one VM only"),
                TestConfigs.errors("[vm.a]\nports = 8080\n\n[vm.b]\nports = 9000, 8080\n"));
        assertEquals(List.of("ports = 8080 at uvm.conf:2: host port 8080 is declared for VMs default and b, which both"
                + " take this [vm] setting; declare ports in a [vm.NAME] section of one VM"),
                TestConfigs.errors("[vm]\nports = 8080\n[vm.b]\nmemory = 1GB\n"));
    }

    @Test
    void metricsAddress_offAndIpv6_accepted() throws ConfigException {
        assertEquals("off", parse("[daemon]\nmetricsAddress = OFF\n").config().daemon().metricsAddress());
        assertEquals("[::1]:9477", parse("[daemon]\nmetricsAddress = [::1]:9477\n").config().daemon().metricsAddress());
    }

    @Test
    void namedVm_inheritsFromVm_andOverridesItsOwnKeys() throws ConfigException {
        UvmConfig config = parse("""
                [vm]
                memory = 2GB
                processors = 2
                vmIdleTimeout = 90s

                [vm.build]
                memory = 6GB
                """).config();
        VmConfig build = config.vm("build");
        assertEquals(6 * GIB, build.memoryBytes());
        assertEquals(2, build.processors());
        assertEquals(90_000, build.vmIdleTimeoutMillis());
        assertEquals(2 * GIB, config.vm("default").memoryBytes());
        assertEquals(List.of("default", "build"), List.copyOf(config.vms().keySet()));
    }

    @Test
    void vmDefaultSection_overridesVmForTheDefaultVmOnly() throws ConfigException {
        UvmConfig config = parse("""
                [vm]
                memory = 1GB
                [vm.default]
                memory = 3GB
                [vm.other]
                """).config();
        assertEquals(3 * GIB, config.vm("default").memoryBytes());
        assertEquals(GIB, config.vm("other").memoryBytes());
    }

    @Test
    void namedVmWithoutKeys_existsWithVmDefaults() throws ConfigException {
        UvmConfig config = parse("[vm.empty]\n").config();
        assertEquals(VmConfig.defaults("empty"), config.vm("empty"));
    }

    @Test
    void vmSectionAfterNamedSection_stillInheritedByIt() throws ConfigException {
        assertEquals(GIB, vm("[vm.late]\n[vm]\nmemory = 1GB\n", "late").memoryBytes());
    }

    @Test
    void duplicateSections_merge() throws ConfigException {
        VmConfig vm = vm("""
                [vm]
                memory = 1GB
                [daemon]
                logLevel = warn
                [vm]
                processors = 3
                """, "default");
        assertEquals(GIB, vm.memoryBytes());
        assertEquals(3, vm.processors());
    }

    @Test
    void duplicateKey_lastWins_withWarningNamingBothLines() throws ConfigException {
        String text = """
                [vm]
                memory = 1GB
                memory = 2GB
                """;
        assertEquals(2 * GIB, vm(text, "default").memoryBytes());
        assertEquals(List.of("memory = 2GB at uvm.conf:3: memory is also set at line 2 [vm]; the last value wins"),
                warnings(text));
    }

    @Test
    void namedVmMayUnsetInheritedHostShare_withEmptyValue() throws Exception {
        Path share = Files.createDirectory(dir.resolve("s"));
        UvmConfig config = parse("[vm]\nhostShare = " + share + "\n[vm.isolated]\nhostShare =\n").config();
        assertEquals(share, config.vm("default").hostShare().hostPath());
        assertNull(config.vm("isolated").hostShare());
    }

    @Test
    void hostShareCache_looseAndDefaultNone() throws Exception {
        Path share = Files.createDirectory(dir.resolve("c"));
        assertEquals("loose", vm("[vm]\nhostShare=" + share + "\nhostShareCache = LOOSE\n", "default").hostShare().cache());
        assertEquals("none", vm("[vm]\nhostShare=" + share + "\n", "default").hostShare().cache());
    }

    @Test
    void hostShare_defaultsToMntHostReadWrite() throws Exception {
        Path share = Files.createDirectory(dir.resolve("s"));
        assertEquals(new HostShare(share, "/mnt/host", false), vm("[vm]\nhostShare=" + share, "default").hostShare());
    }

    @Test
    void vmIdleTimeout_zeroAndNegative_keptAsWritten() throws ConfigException {
        assertEquals(0, vm("[vm]\nvmIdleTimeout = 0\n", "default").vmIdleTimeoutMillis());
        assertEquals(-1, vm("[vm]\nvmIdleTimeout = -1\n", "default").vmIdleTimeoutMillis());
    }

    @Test
    void idleAndScheduleKeys_parsed() throws ConfigException {
        VmConfig vm = vm("""
                [vm]
                reclaimIdleCpu = 2.5%
                reclaimIdleWindow = 1min
                idleAction = Suspend
                prewarm = 0 45 8 ? * MON-FRI
                keepAlive = * * 9-17 ? * MON-FRI |  * *  10-12 ? * SAT
                """, "default");
        assertEquals(2.5, vm.reclaimIdleCpuPercent());
        assertEquals(60_000, vm.reclaimIdleWindowMillis());
        assertEquals(IdleAction.SUSPEND, vm.idleAction());
        assertEquals(List.of("0 45 8 ? * MON-FRI"), vm.prewarm());
        assertEquals(List.of("* * 9-17 ? * MON-FRI", "* * 10-12 ? * SAT"), vm.keepAlive());
        assertEquals("* * 9-17 ? * MON-FRI | * * 10-12 ? * SAT", ConfigKey.KEEP_ALIVE.valueIn(vm));
        assertEquals("2.5%", ConfigKey.RECLAIM_IDLE_CPU.valueIn(vm));
        VmConfig defaults = vm("[vm]\n", "default");
        assertEquals("0.5%", ConfigKey.RECLAIM_IDLE_CPU.valueIn(defaults));
        assertEquals(List.of(), defaults.prewarm());
    }

    @Test
    void autoMemoryReclaim_caseInsensitive() throws ConfigException {
        assertEquals(MemoryReclaim.DROP_CACHE, vm("[vm]\nautoMemoryReclaim = DROPCACHE\n", "default").autoMemoryReclaim());
        assertEquals(MemoryReclaim.DISABLED, vm("[vm]\nautoMemoryReclaim = Disabled\n", "default").autoMemoryReclaim());
    }

    @Test
    void commentsQuotesAndWhitespace_handledAsDocumented() throws ConfigException {
        VmConfig vm = vm("""
                # a comment
                ; another comment
                [vm]   # trailing comment after a header
                memory=1GB
                   processors   =   2   ; trailing comment
                kernelCommandLine = "  quiet # not a comment  "
                swap = 512MB# WSL-style trailing comment
                """, "default");
        assertEquals(GIB, vm.memoryBytes());
        assertEquals(2, vm.processors());
        assertEquals("  quiet # not a comment  ", vm.kernelCommandLine());
        assertEquals(512 * MIB, vm.swapBytes());
    }

    @Test
    void kernelCommandLine_semicolonWithoutSpace_andEquals_keptInValue() throws ConfigException {
        assertEquals("a=b;c=d", vm("[vm]\nkernelCommandLine = a=b;c=d\n", "default").kernelCommandLine());
    }

    @Test
    void crlfLineEndingsAndByteOrderMark_accepted() throws ConfigException {
        assertEquals(GIB, vm("\uFEFF[vm]\r\nmemory = 1GB\r\n", "default").memoryBytes());
    }

    @Test
    void keyWithOtherCase_acceptedWithWarning() throws ConfigException {
        String text = "[vm]\nMemory = 1GB\n";
        assertEquals(GIB, vm(text, "default").memoryBytes());
        assertEquals(List.of("Memory = 1GB at uvm.conf:2: key names are case-sensitive; read as memory"),
                warnings(text));
    }

    @Test
    void sectionNames_caseInsensitive() throws ConfigException {
        assertEquals(GIB, vm("[VM]\nmemory = 1GB\n[Daemon]\n", "default").memoryBytes());
    }

    @Test
    void load_readsFile_andNamesItInOrigins() throws Exception {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        LoadedConfig loaded = ConfigLoader.load(file, TestConfigs.HOST);
        assertEquals(file, loaded.config().source());
        assertEquals(file + ":2 [vm]", loaded.origins().vm("default", ConfigKey.MEMORY).toString());
    }

    @Test
    void load_missingFile_errorNamesFile() {
        Path file = dir.resolve("absent.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, TestConfigs.HOST));
        assertEquals(file + ": file not found", e.getMessage());
    }

    @Test
    void load_invalidUtf8_errorSaysSo() throws IOException {
        Path file = Files.write(dir.resolve("bad.conf"), new byte[] {'[', 'v', 'm', ']', '\n', (byte) 0xff});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, TestConfigs.HOST));
        assertEquals(file + ": cannot read the file: it is not valid UTF-8 text", e.getMessage());
    }

    @Test
    void loadLocation_defaultLocationMissing_builtInDefaults() throws ConfigException {
        ConfigLocation location = new ConfigLocation(dir.resolve("uvm.conf"), ConfigLocation.Source.DEFAULT);
        LoadedConfig loaded = ConfigLoader.load(location, TestConfigs.HOST);
        assertEquals(UvmConfig.defaults(), loaded.config());
        assertEquals(Origin.DEFAULT, loaded.origins().vm("default", ConfigKey.MEMORY));
    }

    @Test
    void loadLocation_explicitFileMissing_error() {
        ConfigLocation location = new ConfigLocation(dir.resolve("uvm.conf"), ConfigLocation.Source.ENVIRONMENT);
        assertThrows(ConfigException.class, () -> ConfigLoader.load(location, TestConfigs.HOST));
    }

    @Test
    void legacyParseSignature_stillWorks() throws ConfigException {
        assertEquals("default", ConfigLoader.parse("", "x.conf", null).config().vm("default").name());
    }

    @Test
    void loadedConfig_twoArgumentConstructor_hasNoRecordedOrigins() {
        LoadedConfig loaded = new LoadedConfig(UvmConfig.defaults(), List.of());
        assertEquals(ConfigOrigins.none(), loaded.origins());
    }

    @Test
    void vmNames_readWithoutCheckingValues_defaultFirst_orJustDefaultWithoutAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("uvm.conf"),
                "[vm.build]\nmemory = not a size\n[vm]\nmemory = 1GB\n[vm.default]\n[vm.web]\n");
        assertEquals(List.of("default", "build", "web"),
                ConfigLoader.vmNames(new ConfigLocation(file, ConfigLocation.Source.OPTION)));
        assertEquals(List.of("default"),
                ConfigLoader.vmNames(new ConfigLocation(dir.resolve("missing.conf"), ConfigLocation.Source.DEFAULT)));
    }
}
