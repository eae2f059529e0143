package dev.uvm.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A distribution's {@code /etc/wsl.conf}, as uvm honours it. Keys uvm implements: {@code [boot]
 * command}, {@code [user] default}, {@code [network] hostname}, {@code generateHosts},
 * {@code generateResolvConf}, {@code [automount] enabled} and {@code root}. Everything else, and
 * values that do not parse, are ignored with a warning, as WSL does; a missing file is all defaults.
 *
 * @param bootCommand        run as root when the distribution starts, or empty
 * @param defaultUser        the user sessions run as unless they name one, or empty for root
 * @param hostname           the distribution's host name, or empty for uvm's choice
 * @param generateHosts      whether uvm writes {@code /etc/hosts}
 * @param generateResolvConf whether uvm writes {@code /etc/resolv.conf}
 * @param automount          whether the VM's host share appears in the distribution
 * @param automountRoot      the folder under which it appears, ending in {@code /}
 * @param warnings           what was ignored, for the daemon's log
 */
public record WslConf(String bootCommand, String defaultUser, String hostname, boolean generateHosts,
                      boolean generateResolvConf, boolean automount, String automountRoot, List<String> warnings) {
    /** Keys of {@code wsl.conf} that uvm does not implement, by section (lower case): ignored with a warning. */
    private static final Map<String, Set<String>> KNOWN = Map.of(
            "boot", Set.of("command", "systemd", "protectbinfmt"),
            "user", Set.of("default"),
            "network", Set.of("hostname", "generatehosts", "generateresolvconf"),
            "automount", Set.of("enabled", "root", "options", "mountfstab", "ldconfig", "cgroups"),
            "interop", Set.of("enabled", "appendwindowspath"),
            "time", Set.of("usewindowstimezone"),
            "gpu", Set.of("enabled"),
            "filesystem", Set.of("umask"));

    public WslConf {
        warnings = List.copyOf(warnings);
        if (!automountRoot.endsWith("/")) {
            automountRoot = automountRoot + "/";
        }
    }

    /** No {@code /etc/wsl.conf}: WSL's defaults. */
    public static WslConf defaults() {
        return new WslConf("", "", "", true, true, true, "/mnt/", List.of());
    }

    /** Reads the text of a {@code wsl.conf}; {@code file} names it in warnings. */
    public static WslConf parse(String text, String file) {
        Problems problems = new Problems(file);
        IniDocument doc = IniLexer.lex(text, problems);
        WslConf d = defaults();
        String boot = d.bootCommand();
        String user = d.defaultUser();
        String hostname = d.hostname();
        boolean hosts = d.generateHosts();
        boolean resolv = d.generateResolvConf();
        boolean automount = d.automount();
        String root = d.automountRoot();
        List<String> warnings = new ArrayList<>();
        problems.all().forEach(p -> warnings.add(p.toString()));
        for (IniDocument.Section section : doc.sections()) {
            String name = section.name() == null ? "" : section.name().toLowerCase(Locale.ROOT);
            for (IniDocument.Entry e : section.entries()) {
                String key = name + "." + e.key().toLowerCase(Locale.ROOT);
                try {
                    switch (key) {
                        case "boot.command" -> boot = e.value().strip();
                        case "user.default" -> user = e.value().strip();
                        case "network.hostname" -> hostname = e.value().strip();
                        case "network.generatehosts" -> hosts = ValueSyntax.parseBoolean(e.value());
                        case "network.generateresolvconf" -> resolv = ValueSyntax.parseBoolean(e.value());
                        case "automount.enabled" -> automount = ValueSyntax.parseBoolean(e.value());
                        case "automount.root" -> root = automountRoot(e.value());
                        default -> warnings.add(file + ":" + e.line() + ": [" + section.name() + "] " + e.key()
                                + (KNOWN.getOrDefault(name, Set.of()).contains(e.key().toLowerCase(Locale.ROOT))
                                ? " is not supported by uvm, ignored" : " is not a wsl.conf key uvm knows, ignored"));
                    }
                } catch (IllegalArgumentException ex) {
                    warnings.add(file + ":" + e.line() + ": [" + section.name() + "] " + e.key() + " = " + e.value()
                            + ": " + ex.getMessage() + "; the default applies");
                }
            }
        }
        return new WslConf(boot, user, hostname, hosts, resolv, automount, root, warnings);
    }

    private static String automountRoot(String value) {
        String v = value.strip();
        if (!v.startsWith("/") || v.contains("/../") || v.endsWith("/..") || v.contains("\n")) {
            throw new IllegalArgumentException("expected an absolute folder such as /mnt/");
        }
        return v;
    }
}
