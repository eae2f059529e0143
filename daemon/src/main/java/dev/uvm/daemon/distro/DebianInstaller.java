package dev.uvm.daemon.distro;

import java.util.ArrayList;
import java.util.List;

/**
 * The command that builds a Debian root file system as a tar stream on stdout: Debian's own
 * {@code mmdebstrap} (minbase plus the tools people expect in a terminal), with, if asked for, a
 * default user who may use sudo without a password and is named in {@code /etc/wsl.conf}. It runs
 * on the host as the daemon's user ({@code --mode=auto}: as root directly, otherwise in a user
 * namespace, which needs subordinate ids in {@code /etc/subuid}).
 */
public final class DebianInstaller {
    /** Packages beyond minbase. */
    static final String INCLUDE = "ca-certificates,sudo,procps,less,bash-completion,nano";
    static final String MIRROR = "http://deb.debian.org/debian";

    private DebianInstaller() {
    }

    /** The mmdebstrap command line for {@code release}, with an optional default {@code user}. */
    public static List<String> command(String release, String user) {
        List<String> cmd = new ArrayList<>(List.of("mmdebstrap", "--mode=auto", "--variant=minbase",
                "--format=tar", "--include=" + INCLUDE));
        if (user != null) {
            // The user name is checked by the protocol ([a-z_][a-z0-9_-]*), so it is safe in these hooks.
            cmd.add("--customize-hook=chroot \"$1\" useradd --create-home --shell /bin/bash --groups sudo " + user);
            cmd.add("--customize-hook=echo '" + user + " ALL=(ALL) NOPASSWD:ALL' >\"$1/etc/sudoers.d/" + user
                    + "\" && chmod 440 \"$1/etc/sudoers.d/" + user + "\"");
            cmd.add("--customize-hook=printf '[user]\\ndefault = " + user + "\\n' >\"$1/etc/wsl.conf\"");
        }
        cmd.add(release);
        cmd.add("-");
        cmd.add(MIRROR);
        return cmd;
    }
}
