package dev.uvm.config;

import static dev.uvm.config.TestConfigs.parse;
import static dev.uvm.config.TestConfigs.warnings;
import static dev.uvm.config.ValueSyntax.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A {@code .wslconfig} given as-is loads; what uvm does not implement is a warning. */
class WslConfigCompatibilityTest {

    /** Written the way users write theirs: CRLF, comments, odd spacing, keys uvm lacks. */
    private static final String REAL_WSLCONFIG = String.join("\r\n",
            "# Settings apply across all Linux distros running on WSL 2",
            "[wsl2]",
            "",
            "# Limits VM memory to use no more than 8 GB",
            "memory=8GB",
            "",
            "# Sets the VM to use four virtual processors",
            "processors=4",
            "",
            "# Sets amount of swap storage space to 2GB, default is 25% of available RAM",
            "swap=2GB",
            "",
            "# Turn on default connection to bind WSL 2 localhost to Windows localhost",
            "localhostForwarding=true",
            "",
            "kernelCommandLine = \"sysctl.vm.swappiness=10 cgroup_no_v1=all\"",
            "",
            "# Disables nested virtualization",
            "nestedVirtualization=false",
            "",
            "# Turns off output console showing contents of dmesg when opening a WSL 2 distro for debugging",
            "debugConsole=false",
            "",
            "[experimental]",
            "autoMemoryReclaim=gradual",
            "sparseVhd=true",
            "");

    @Test
    void realWslconfig_loadsWithWslValues() throws ConfigException {
        VmConfig vm = parse(REAL_WSLCONFIG).config().vm("default");
        assertEquals(8 * GIB, vm.memoryBytes());
        assertEquals(4, vm.processors());
        assertEquals(2 * GIB, vm.swapBytes());
        assertEquals("sysctl.vm.swappiness=10 cgroup_no_v1=all", vm.kernelCommandLine());
        assertEquals(MemoryReclaim.GRADUAL, vm.autoMemoryReclaim());
        assertEquals(VmConfig.DEFAULT_IDLE_TIMEOUT_MILLIS, vm.vmIdleTimeoutMillis());
        assertTrue(vm.localhostForwarding());
        assertFalse(parse("[wsl2]\nlocalhostForwarding = false\n").config().vm("default").localhostForwarding());
    }

    @Test
    void realWslconfig_unsupportedKeys_warnNotSupportedIgnored() throws ConfigException {
        assertEquals(List.of(
                "nestedVirtualization = false at uvm.conf:19: not supported by uvm, ignored",
                "debugConsole = false at uvm.conf:22: not supported by uvm, ignored",
                "sparseVhd = true at uvm.conf:26: not supported by uvm, ignored"), warnings(REAL_WSLCONFIG));
    }

    @Test
    void realWslconfig_originsNameWsl2AndExperimentalSections() throws ConfigException {
        ConfigOrigins origins = parse(REAL_WSLCONFIG).origins();
        assertEquals("uvm.conf:5 [wsl2]", origins.vm("default", ConfigKey.MEMORY).toString());
        assertEquals("uvm.conf:25 [experimental]", origins.vm("default", ConfigKey.AUTO_MEMORY_RECLAIM).toString());
    }

    @Test
    void unsupportedWslKeys_matchedIgnoringCase_asWslDoes() throws ConfigException {
        assertEquals(List.of("nestedvirtualization = false at uvm.conf:2: not supported by uvm, ignored"),
                warnings("[wsl2]\nnestedvirtualization = false\n"));
    }

    @Test
    void wsl2AndVm_areOneSection_lastValueWins() throws ConfigException {
        String text = "[wsl2]\nmemory = 1GB\n[vm]\nmemory = 2GB\n";
        assertEquals(2 * GIB, parse(text).config().vm("default").memoryBytes());
        assertEquals(List.of("memory = 2GB at uvm.conf:4: memory is also set at line 2 [wsl2]; the last value wins"),
                warnings(text));
    }

    @Test
    void wsl2Section_inheritedByNamedVms() throws ConfigException {
        assertEquals(3 * GIB, parse("[wsl2]\nmemory = 3GB\n[vm.x]\n").config().vm("x").memoryBytes());
    }

    @Test
    void experimentalSection_otherVmKeys_warnedAndIgnored() throws ConfigException {
        String text = "[experimental]\nmemory = 2GB\n";
        assertEquals(VmConfig.DEFAULT_MEMORY_BYTES, parse(text).config().vm("default").memoryBytes());
        assertEquals(List.of("memory = 2GB at uvm.conf:2: not an [experimental] key, ignored; put it under [wsl2] or [vm]"),
                warnings(text));
    }

    @Test
    void kernelBootTimeout_readAsBootTimeoutInMillis() throws ConfigException {
        assertEquals(45_000, parse("[wsl2]\nkernelBootTimeout = 45000\n").config().vm("default").bootTimeoutMillis());
    }

    @Test
    void windowsKernelPath_keptAsWrittenAndIgnoredOnLinux_withWarning() throws ConfigException {
        String text = "[wsl2]\nkernel=C:\\\\Users\\\\me\\\\bzImage\n";
        assertEquals(GuestKernel.UVM, parse(text).config().vm("default").kernel());
        assertEquals(List.of("kernel = C:\\\\Users\\\\me\\\\bzImage at uvm.conf:2: a Windows path cannot be used on this"
                + " host, ignored; the built-in default applies"), warnings(text));
    }

    @Test
    void generalSection_fromWslConf_warnedOnceAndIgnored() throws ConfigException {
        assertEquals(List.of("uvm.conf:1: [general] is a wsl.conf section; not supported by uvm, ignored"),
                warnings("[general]\ninstanceIdleTimeout = 10000\n[wsl2]\nmemory = 1GB\n"));
    }

    @Test
    void otherWslConfSections_warned() throws ConfigException {
        assertEquals(3, warnings("[boot]\nsystemd=true\n[automount]\nenabled=true\n[interop]\nenabled=false\n").size());
    }

    @Test
    void unknownKey_warnsWithDidYouMean() throws ConfigException {
        assertEquals(List.of(
                "memroy = 1GB at uvm.conf:2: unknown key, ignored; did you mean memory?",
                "vmIdleTimout = 5s at uvm.conf:3: unknown key, ignored; did you mean vmIdleTimeout?",
                "colour = blue at uvm.conf:4: unknown key, ignored",
                "logLevl = debug at uvm.conf:6: unknown key, ignored; did you mean logLevel?"),
                warnings("[vm]\nmemroy = 1GB\nvmIdleTimout = 5s\ncolour = blue\n[daemon]\nlogLevl = debug\n"));
    }

    @Test
    void keyInWrongSection_warnsWhereItBelongs() throws ConfigException {
        assertEquals(List.of(
                "memory = 1GB at uvm.conf:2: is a VM key, ignored in [daemon]; put it under [vm] or [vm.NAME]",
                "socket = /tmp/s at uvm.conf:4: is a [daemon] key, ignored in [vm.x]"),
                warnings("[daemon]\nmemory = 1GB\n[vm.x]\nsocket = /tmp/s\n"));
    }

    @Test
    void unknownSection_warnsWithDidYouMean() throws ConfigException {
        assertEquals(List.of("uvm.conf:1: unknown section [deamon], ignored; did you mean [daemon]?",
                        "uvm.conf:3: unknown section [network-settings], ignored"),
                warnings("[deamon]\nlogLevel = debug\n[network-settings]\n"));
    }

    @Test
    void keyBeforeAnySection_warnedAndIgnored() throws ConfigException {
        String text = "memory = 1GB\n[vm]\n";
        assertEquals(VmConfig.DEFAULT_MEMORY_BYTES, parse(text).config().vm("default").memoryBytes());
        assertEquals(List.of("memory = 1GB at uvm.conf:1: outside any section, ignored; put it under [vm] or [daemon]"),
                warnings(text));
    }

    @Test
    void windowsPath_onWindowsHost_notIgnored() {
        HostInfo windows = new HostInfo(16 * GIB, 8, true, Path.of("C:\\Users\\me"));
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[wsl2]\nkernel = C:\\kernel\n", "w", null, windows));
        assertEquals(1, e.problems().size());
    }
}
