package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * uvm's own kernel against a container runtime's own kernel check: Docker's
 * {@code contrib/check-config.sh}, taken from Debian's {@code docker.io} package (downloaded once
 * into guest/out/cache), run against the config the kernel was built with. Every option of its
 * "Generally Necessary" list must be enabled, and of the optional ones only those uvm.config
 * leaves out on purpose (each named in its comments) may be missing.
 */
class GuestKernelConfigTest {
    /** Optional options uvm.config leaves out, with its reasons; anything else missing fails. */
    private static final Set<String> LEFT_OUT = Set.of(
            "CONFIG_MEMCG_SWAP", // gone in 6.1: swap accounting is part of MEMCG (the script says so itself)
            "CONFIG_RT_GROUP_SCHED", // cgroup v2 refuses to enable the cpu controller with it
            "CONFIG_CRYPTO_AEAD", "CONFIG_CRYPTO_GCM", "CONFIG_CRYPTO_SEQIV", "CONFIG_CRYPTO_GHASH", "CONFIG_XFRM",
            "CONFIG_XFRM_USER", "CONFIG_XFRM_ALGO", "CONFIG_INET_ESP", // encrypted swarm overlay networks
            "CONFIG_NF_NAT_FTP", "CONFIG_NF_CONNTRACK_FTP", "CONFIG_NF_NAT_TFTP", "CONFIG_NF_CONNTRACK_TFTP",
            "CONFIG_AUFS_FS", "CONFIG_BLK_DEV_DM", "CONFIG_DM_THIN_PROVISIONING"); // old storage drivers

    @Test
    void dockersCheckConfig_everyNecessaryOptionEnabled_andOnlyChosenOptionalOnesMissing() throws Exception {
        Path config = UvmDaemon.IMAGE.resolve("vmlinux-uvm.config");
        assertTrue(Files.isRegularFile(config), config + " is missing: guest/kernel/build.sh writes it");
        // Its exit status is 1 when any option it knows is missing, optional ones included: the report decides.
        String report = HostCommand.run(5, List.of("bash", checkConfigScript().toString(), config.toString())).out()
                .replaceAll("\u001b\\[[0-9;]*m", "");

        int necessary = report.indexOf("Generally Necessary:");
        int optional = report.indexOf("Optional Features:");
        assertTrue(necessary >= 0 && optional > necessary, report);
        List<String> checked = options(report.substring(necessary, optional), "");
        assertTrue(checked.size() >= 20, "too few options checked, the script changed?\n" + report);
        assertEquals(List.of(), options(report.substring(necessary, optional), "missing"), report);

        List<String> missingOptional = new ArrayList<>(options(report.substring(optional), "missing"));
        missingOptional.removeAll(LEFT_OUT);
        assertEquals(List.of(), missingOptional, report);
        assertTrue(options(report.substring(optional), "enabled").containsAll(List.of("CONFIG_USER_NS",
                "CONFIG_SECCOMP", "CONFIG_OVERLAY_FS", "CONFIG_BTRFS_FS", "CONFIG_EXT4_FS", "CONFIG_IP_VS_RR")), report);
    }

    /** The CONFIG_ names of the lines "- CONFIG_X: STATE" (any state when {@code state} is empty). */
    private static List<String> options(String section, String state) {
        return section.lines().map(String::strip)
                .filter(l -> l.startsWith("- CONFIG_") && l.contains(": " + state))
                .map(l -> l.substring(2, l.indexOf(':')))
                .toList();
    }

    /** check-config.sh out of Debian's docker.io package, fetched once with apt-get download (refreshing the lists if need be). */
    private static Path checkConfigScript() throws Exception {
        Path cache = Files.createDirectories(UvmDaemon.IMAGE.resolve("cache/docker-check-config"));
        Path script = cache.resolve("usr/share/docker.io/contrib/check-config.sh");
        if (Files.isRegularFile(script)) {
            return script;
        }
        HostCommand.ok(5, "sh", "-c", "cd '" + cache + "' && rm -f docker.io_*.deb"
                + " && (apt-get download -q docker.io || (apt-get update -qq && apt-get download -q docker.io))"
                + " && dpkg-deb --fsys-tarfile docker.io_*.deb | tar -x ./usr/share/docker.io/contrib/check-config.sh"
                + " && rm -f docker.io_*.deb");
        assertTrue(Files.isRegularFile(script), "no " + script + " in Debian's docker.io package");
        return script;
    }
}
