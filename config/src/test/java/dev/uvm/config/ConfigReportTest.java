package dev.uvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReportTest {
    private static final ConfigLocator LOCATOR =
            ConfigLocator.of(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), Path.of("/home/user"), false);

    @TempDir
    Path dir;

    @Test
    void check_errors_listedWithSummary_exitNonZero() throws Exception {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 12XB\nsparseVhd = true\n");
        ConfigReport.CheckResult result = ConfigReport.check(file, TestConfigs.HOST);
        assertEquals(ConfigReport.EXIT_ERRORS, result.exitCode());
        assertEquals("error: memory = 12XB at " + file + ":2: expected a size such as 512MB or 4GB\n"
                + "warning: sparseVhd = true at " + file + ":3: not supported by uvm, ignored\n"
                + file + ": 1 error, 1 warning\n", result.output());
    }

    @Test
    void check_onlyWarnings_exitZero_listsVms() throws Exception {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemroy = 1GB\n[vm.build]\n");
        ConfigReport.CheckResult result = ConfigReport.check(file, TestConfigs.HOST);
        assertEquals(ConfigReport.EXIT_OK, result.exitCode());
        assertEquals("warning: memroy = 1GB at " + file + ":2: unknown key, ignored; did you mean memory?\n"
                + file + ": OK, VMs: default, build; 1 warning\n", result.output());
    }

    @Test
    void check_clean_exitZero() throws Exception {
        Path file = Files.writeString(dir.resolve("uvm.conf"), "[vm]\nmemory = 1GB\n");
        ConfigReport.CheckResult result = ConfigReport.check(file, TestConfigs.HOST);
        assertEquals(new ConfigReport.CheckResult(file + ": OK, VMs: default\n", 0), result);
    }

    @Test
    void check_missingFile_exitNonZero() {
        ConfigReport.CheckResult result = ConfigReport.check(dir.resolve("nope.conf"), TestConfigs.HOST);
        assertEquals(ConfigReport.EXIT_ERRORS, result.exitCode());
        assertTrue(result.output().startsWith("error: " + dir.resolve("nope.conf") + ": file not found\n"),
                result.output());
    }

    @Test
    void show_everyKeyOfEveryVm_withOrigin() throws ConfigException {
        LoadedConfig loaded = TestConfigs.parse("""
                [daemon]
                logLevel = debug
                [vm]
                memory = 2GB
                [vm.second]
                memory = 4GB
                vmIdleTimeout = -1
                """);
        String shown = ConfigReport.show(loaded, LOCATOR);
        assertTrue(shown.contains("\n[vm.default]\n"), shown);
        assertTrue(shown.contains("\n[vm.second]\n"), shown);
        assertEquals(1 + ConfigKey.of(ConfigKey.Scope.DAEMON).size() + 2 * ConfigKey.of(ConfigKey.Scope.VM).size(),
                shown.lines().filter(l -> l.contains(" = ")).count() + 1);
        assertLine(shown, "logLevel", "debug", "uvm.conf:2 [daemon]");
        assertLine(shown, "socket", "/run/user/1000/uvm/uvm.sock", "default");
        assertLine(shown, "memory", "2GB", "uvm.conf:4 [vm]");
        assertLine(shown, "memory", "4GB", "uvm.conf:6 [vm.second]");
        assertLine(shown, "vmIdleTimeout", "-1", "uvm.conf:7 [vm.second]; never stops when idle");
        assertLine(shown, "bootTimeout", "30s", "default");
        assertLine(shown, "kernel", "uvm", "default");
    }

    @Test
    void show_outputIsAValidConfigWithTheSameVms() throws ConfigException {
        LoadedConfig loaded = TestConfigs.parse("""
                [vm]
                memory = 1536MB
                kernelCommandLine = "quiet # keep"
                vmIdleTimeout = 90s
                autoMemoryReclaim = dropCache
                [vm.b]
                processors = 3
                """);
        UvmConfig reparsed = TestConfigs.parse(ConfigReport.show(loaded, LOCATOR)).config();
        assertEquals(loaded.config().vms(), reparsed.vms());
    }

    @Test
    void show_builtInDefaults_saysNoFile() {
        String shown = ConfigReport.show(LoadedConfig.defaults(), LOCATOR);
        assertTrue(shown.startsWith("# Effective uvm configuration, built-in defaults (no config file)\n"), shown);
    }

    @Test
    void show_withoutRecordedOrigins_saysSo() {
        String shown = ConfigReport.show(new LoadedConfig(UvmConfig.defaults(), java.util.List.of()), LOCATOR);
        assertTrue(shown.contains("# not recorded"), shown);
    }

    private static void assertLine(String shown, String key, String value, String origin) {
        boolean found = shown.lines().anyMatch(l -> l.matches(
                java.util.regex.Pattern.quote(key) + " +=( " + java.util.regex.Pattern.quote(value) + ")? +# "
                        + java.util.regex.Pattern.quote(origin)));
        assertTrue(found, key + " = " + value + " # " + origin + " not in:\n" + shown);
    }
}
