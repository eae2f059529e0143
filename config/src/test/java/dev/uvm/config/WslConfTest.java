package dev.uvm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A distribution's /etc/wsl.conf: the keys uvm honours, and a warning for everything else. */
class WslConfTest {
    @Test
    void honouredKeys_areRead_caseInsensitively() {
        WslConf c = WslConf.parse("""
                [boot]
                command = "service ssh start"
                [User]
                default = alice
                [network]
                hostname = box
                generateHosts = false
                generateResolvConf = no
                [automount]
                enabled = true
                root = /media
                """, "wsl.conf");
        assertEquals("service ssh start", c.bootCommand());
        assertEquals("alice", c.defaultUser());
        assertEquals("box", c.hostname());
        assertFalse(c.generateHosts());
        assertFalse(c.generateResolvConf());
        assertTrue(c.automount());
        assertEquals("/media/", c.automountRoot());
        assertEquals(java.util.List.of(), c.warnings());
    }

    @Test
    void unknownAndUnsupportedKeys_andBadValues_areWarnings_andTheDefaultsApply() {
        WslConf c = WslConf.parse("""
                [boot]
                systemd = true
                [network]
                generateHosts = maybe
                [automount]
                root = relative/dir
                [frobnicate]
                x = 1
                """, "/data/distros/d/etc/wsl.conf");
        assertEquals(WslConf.defaults().generateHosts(), c.generateHosts());
        assertEquals("/mnt/", c.automountRoot());
        assertEquals(4, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).contains("[boot] systemd is not supported by uvm, ignored"), c.warnings().toString());
        assertTrue(c.warnings().get(1).contains("generateHosts = maybe"), c.warnings().toString());
        assertTrue(c.warnings().get(3).contains("[frobnicate] x is not a wsl.conf key uvm knows"), c.warnings().toString());
        assertTrue(c.warnings().get(0).startsWith("/data/distros/d/etc/wsl.conf:2:"), c.warnings().get(0));
    }

    @Test
    void emptyFile_isTheDefaults() {
        assertEquals(WslConf.defaults(), WslConf.parse("", "wsl.conf"));
    }
}
