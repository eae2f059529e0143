package dev.uvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLocatorTest {
    private static final Path HOME = Path.of("/home/ana");

    @Test
    void user_noXdg_configUnderDotConfig() {
        assertEquals(Path.of("/home/ana/.config/uvm/uvm.conf"), ConfigLocator.of(Map.of(), HOME, false).configPath());
    }

    @Test
    void user_xdgConfigHome_respected() {
        ConfigLocator locator = ConfigLocator.of(Map.of("XDG_CONFIG_HOME", "/cfg"), HOME, false);
        assertEquals(Path.of("/cfg/uvm/uvm.conf"), locator.configPath());
    }

    @Test
    void user_relativeOrEmptyXdg_ignoredAsTheSpecRequires() {
        assertEquals(Path.of("/home/ana/.config/uvm/uvm.conf"),
                ConfigLocator.of(Map.of("XDG_CONFIG_HOME", "cfg"), HOME, false).configPath());
        assertEquals(Path.of("/home/ana/.config/uvm/uvm.conf"),
                ConfigLocator.of(Map.of("XDG_CONFIG_HOME", ""), HOME, false).configPath());
    }

    @Test
    void root_systemLocations() {
        ConfigLocator locator = ConfigLocator.of(Map.of("XDG_CONFIG_HOME", "/cfg"), Path.of("/root"), true);
        assertEquals(Path.of("/etc/uvm/uvm.conf"), locator.configPath());
        assertEquals(Path.of("/run/uvm/uvm.sock"), locator.socketPath());
        assertEquals(Path.of("/var/lib/uvm"), locator.stateDir());
    }

    @Test
    void user_socketInRuntimeDir_stateInStateHome() {
        ConfigLocator locator = ConfigLocator.of(
                Map.of("XDG_RUNTIME_DIR", "/run/user/1000", "XDG_STATE_HOME", "/state"), HOME, false);
        assertEquals(Path.of("/run/user/1000/uvm/uvm.sock"), locator.socketPath());
        assertEquals(Path.of("/state/uvm"), locator.stateDir());
    }

    @Test
    void user_noRuntimeDir_socketInStateDir() {
        ConfigLocator locator = ConfigLocator.of(Map.of(), HOME, false);
        assertEquals(Path.of("/home/ana/.local/state/uvm"), locator.stateDir());
        assertEquals(Path.of("/home/ana/.local/state/uvm/uvm.sock"), locator.socketPath());
    }

    @Test
    void locate_optionBeatsEnvironmentBeatsDefault() {
        ConfigLocator locator = ConfigLocator.of(Map.of("UVM_CONFIG", "/env/uvm.conf"), HOME, false);
        assertEquals(new ConfigLocation(Path.of("opt.conf"), ConfigLocation.Source.OPTION), locator.locate("opt.conf"));
        assertEquals(new ConfigLocation(Path.of("/env/uvm.conf"), ConfigLocation.Source.ENVIRONMENT),
                locator.locate(null));
        ConfigLocation fallback = ConfigLocator.of(Map.of("UVM_CONFIG", ""), HOME, false).locate(" ");
        assertEquals(ConfigLocation.Source.DEFAULT, fallback.source());
        assertEquals(Path.of("/home/ana/.config/uvm/uvm.conf"), fallback.path());
    }

    @Test
    void location_onlyDefaultIsNotExplicit() {
        assertFalse(new ConfigLocation(Path.of("x"), ConfigLocation.Source.DEFAULT).isExplicit());
        assertTrue(new ConfigLocation(Path.of("x"), ConfigLocation.Source.OPTION).isExplicit());
        assertTrue(new ConfigLocation(Path.of("x"), ConfigLocation.Source.ENVIRONMENT).isExplicit());
    }

    @Test
    void configuredSocketAndStateDir_winOverDefaults() {
        ConfigLocator locator = ConfigLocator.of(Map.of(), HOME, false);
        DaemonConfig daemon = new DaemonConfig(Path.of("/s.sock"), null, "off", Backend.AUTO, Path.of("/st"), "info");
        assertEquals(Path.of("/s.sock"), locator.socketOf(daemon));
        assertEquals(Path.of("/st"), locator.stateDirOf(daemon));
        assertEquals(locator.socketPath(), locator.socketOf(DaemonConfig.defaults()));
    }

    @Test
    void staticDefaultPath_isAbsolute() {
        assertTrue(ConfigLocator.defaultPath().isAbsolute());
        assertTrue(ConfigLocator.defaultPath().endsWith(Path.of("uvm", "uvm.conf")));
    }
}
