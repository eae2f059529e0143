package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian package that scripts/package.sh builds (scripts/test.sh builds it before this suite):
 * its contents and lintian's verdict, then its life in a throwaway root ({@code dpkg --root} with
 * {@code --force-script-chrootless}, so its maintainer scripts run for real against that root's
 * files): install, a VM booted by the installed files through a daemon they run, shell completion
 * against that daemon, remove (only the conffile and the service's enablement state stay), purge
 * (nothing stays). The root's dpkg database knows only the packages the Depends line names, so a
 * wrong dependency fails the install.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackageE2ETest {
    /** What the root's dpkg database holds: the packages that satisfy the Depends line on this machine. */
    private static final Set<String> DEPENDENCIES = Set.of("openjdk-17-jre-headless", "qemu-system-x86", "e2fsprogs",
            "mmdebstrap", "adduser", "passwd");
    /** The package's files left after a remove: the conffile, and the service's state as debhelper keeps it. */
    private static final Set<String> LEFT_AFTER_REMOVE = Set.of("etc/uvm/uvm.conf",
            "etc/systemd/system/uvm.service", "etc/systemd/system/multi-user.target.wants/uvm.service",
            "var/lib/systemd/deb-systemd-helper-enabled/uvm.service.dsh-also",
            "var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/uvm.service",
            "var/lib/systemd/deb-systemd-helper-masked/uvm.service");

    private static Path deb;
    private static Path root;
    private static Set<String> before;
    private static UvmDaemon d;

    @BeforeAll
    static void findPackage() throws Exception {
        Path out = UvmDaemon.HOME.resolve("packaging/out");
        try (Stream<Path> debs = Files.list(out)) {
            List<Path> found = debs.filter(p -> p.getFileName().toString().matches("uvm_.*_amd64\\.deb")).toList();
            assertEquals(1, found.size(), "one package in " + out + " (scripts/package.sh builds it): " + found);
            deb = found.get(0);
        }
        root = Files.createTempDirectory(Path.of("/tmp"), "uvm-dpkg-root-");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (d != null) {
            d.close();
        }
        HostCommand.run(10, List.of("rm", "-rf", root.toString()));
    }

    @Test
    @Order(1)
    void contents_holdTheCommandServiceConffileCompletionAndAManPagePerSubcommand() throws Exception {
        Set<String> files = HostCommand.ok(10, "sh", "-c", "dpkg-deb --fsys-tarfile '" + deb + "' | tar -t").lines()
                .map(f -> f.replaceFirst("^\\./", "")).collect(Collectors.toSet());
        for (String f : List.of("usr/bin/uvm", "lib/systemd/system/uvm.service", "etc/uvm/uvm.conf",
                "usr/share/bash-completion/completions/uvm", "usr/share/zsh/vendor-completions/_uvm",
                "usr/share/uvm/client.classpath", "usr/share/uvm/daemon.classpath",
                "usr/lib/uvm/guest/vmlinux-uvm", "usr/lib/uvm/guest/vmlinux", "usr/lib/uvm/guest/initramfs-uvm.cpio",
                "usr/share/doc/uvm/copyright", "usr/share/doc/uvm/changelog.gz", "usr/share/man/man1/uvm.1.gz",
                "usr/share/man/man5/uvm.conf.5.gz")) {
            assertTrue(files.contains(f), f + " is missing from " + deb);
        }
        for (String sub : subcommands()) {
            assertTrue(files.contains("usr/share/man/man1/uvm-" + sub + ".1.gz"), "no man page for uvm " + sub);
        }
        assertEquals("/etc/uvm/uvm.conf", HostCommand.ok(10, "sh", "-c", "dpkg-deb --ctrl-tarfile '" + deb + "' | tar -xO ./conffiles").strip());
        String depends = HostCommand.ok(10, "dpkg-deb", "-f", deb.toString(), "Depends");
        for (String p : List.of("qemu-system-x86", "java17-runtime-headless", "e2fsprogs", "mmdebstrap")) {
            assertTrue(depends.contains(p), "Depends lacks " + p + ": " + depends);
        }
        String unit = HostCommand.ok(10, "sh", "-c", "dpkg-deb --fsys-tarfile '" + deb + "' | tar -xO ./lib/systemd/system/uvm.service");
        assertTrue(unit.contains("ExecStart=/usr/bin/uvm --config /etc/uvm/uvm.conf daemon"), unit);
        String conf = HostCommand.ok(10, "sh", "-c", "dpkg-deb --fsys-tarfile '" + deb + "' | tar -xO ./etc/uvm/uvm.conf");
        assertTrue(conf.lines().anyMatch(l -> l.equals("socketGroup = uvm")), "the service's socket is for group uvm");
    }

    @Test
    @Order(2)
    void lintian_findsNoError() throws Exception {
        HostCommand r = HostCommand.run(10, List.of("lintian", "--fail-on", "error", deb.toString()));
        assertEquals(0, r.exit(), "lintian: " + r.out());
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("E:")), r.out());
    }

    @Test
    @Order(3)
    void install_intoAThrowawayRoot_runsTheMaintainerScripts() throws Exception {
        Path dpkg = Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.createDirectories(dpkg.resolve("info"));
        Files.createDirectories(dpkg.resolve("updates"));
        Files.createDirectories(dpkg.resolve("triggers"));
        Files.writeString(dpkg.resolve("available"), "");
        StringBuilder status = new StringBuilder();
        for (String stanza : Files.readString(Path.of("/var/lib/dpkg/status")).split("\n\n")) {
            String name = stanza.lines().filter(l -> l.startsWith("Package: ")).findFirst().orElse("").substring(9);
            if (DEPENDENCIES.contains(name) && stanza.contains("Status: install ok installed")) {
                status.append(stanza.strip()).append("\n\n");
                String arch = stanza.lines().filter(l -> l.equals("Multi-Arch: same")).findAny().isPresent() ? ":amd64" : "";
                Files.writeString(dpkg.resolve("info/" + name + arch + ".list"), "");
            }
        }
        Files.writeString(dpkg.resolve("status"), status.toString());
        Files.createDirectories(root.resolve("etc"));
        for (String db : List.of("passwd", "group", "shadow", "gshadow")) {
            String lines = Files.readString(Path.of("/etc", db)).lines()
                    .filter(l -> !l.startsWith("uvm:") && !l.startsWith("uvm-vmm:")).collect(Collectors.joining("\n", "", "\n"));
            Files.writeString(root.resolve("etc/" + db), lines);
        }
        before = listing();

        dpkgRoot("-i", deb.toString());
        assertTrue(Files.readString(root.resolve("etc/group")).lines().anyMatch(l -> l.startsWith("uvm:")),
                "postinst creates the group uvm");
        assertTrue(Files.readString(root.resolve("etc/passwd")).lines()
                .anyMatch(l -> l.startsWith("uvm-vmm:") && l.endsWith(":/nonexistent:/usr/sbin/nologin")), "and the VMM user");
        assertTrue(Files.isSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/uvm.service")),
                "the service is enabled, as Debian enables daemons");
        assertTrue(Files.size(root.resolve("var/cache/uvm/uvm-client.jsa")) > 0, "postinst made the client's archive");
        assertTrue(Files.isExecutable(root.resolve("usr/bin/uvm")));
    }

    @Test
    @Order(4)
    void installedFiles_bootAVm_andCheckTheirConffile() throws Exception {
        Path uvm = root.resolve("usr/bin/uvm");
        d = new UvmDaemon("[vm]\nvmIdleTimeout = 600000\n").launcher(uvm).start();
        String daemonCommand = d.process().toHandle().info().commandLine().orElse("");
        assertTrue(daemonCommand.contains("-Duvm.image=" + root.resolve("usr/lib/uvm/guest")), daemonCommand);

        UvmDaemon.Result r = d.uvm("run", "--", "uname", "-s");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Linux", r.stdout().strip());
        assertEquals("", r.stderr(), "no notice: the package ships uvm's own kernel");
        assertEquals("6.1.192-uvm", d.uvm("run", "--", "uname", "-r").stdout().strip(), "uvm's own kernel, from the package");

        String version = d.uvm("--version").stdout();
        String commit = HostCommand.ok(10, "git", "-C", UvmDaemon.HOME.toString(), "rev-parse", "--short=7", "HEAD").strip();
        assertTrue(version.startsWith("uvm 0.1.0 (commit " + commit), version);
        assertTrue(version.contains("backend: qemu"), version);
        assertTrue(version.contains("guest kernel: uvm's own 6.1.192-uvm"), version);
        assertTrue(version.contains("guest image: " + root.resolve("usr/lib/uvm/guest")), version);

        UvmDaemon.Result check = d.uvm("config", "check", root.resolve("etc/uvm/uvm.conf").toString());
        assertEquals(0, check.exit(), "the shipped config is valid: " + check);
    }

    @Test
    @Order(5)
    void completion_namesSubcommandsOptionsVmsAndDistributions_fromTheRunningDaemon() throws Exception {
        Path tarball = Rootfs.tarball(d.dir.resolve("rootfs"), d.dir.resolve("rootfs.tar.gz"));
        UvmDaemon.Result imported = d.uvm("import", "alpha", tarball.toString());
        assertEquals(0, imported.exit(), imported.toString());

        assertEquals(List.of("terminate"), complete("uvm", "ter"));
        assertTrue(complete("uvm", "").containsAll(List.of("run", "shell", "install", "completion")));
        assertTrue(complete("uvm", "run", "--").containsAll(List.of("--vm", "--distribution", "--detach")));
        assertEquals(List.of("default"), complete("uvm", "run", "--vm", ""));
        assertEquals(List.of("default"), complete("uvm", "terminate", ""));
        assertEquals(List.of("alpha"), complete("uvm", "run", "-d", "al"));
        assertEquals(List.of("alpha"), complete("uvm", "-d", ""));
        assertEquals(List.of("alpha"), complete("uvm", "unregister", ""));
        assertEquals(List.of("alpha"), complete("uvm", "export", ""));
        assertEquals(List.of(), complete("uvm", "run", "ls", "--"), "a guest command's words are not uvm's");
        assertEquals(List.of("bash", "zsh"), complete("uvm", "completion", ""));
        UvmDaemon.Result job = d.uvm("run", "--detach", "--", "sleep", "600");
        assertEquals(0, job.exit(), job.toString());
        String id = job.stdout().strip();
        assertEquals(List.of(id), complete("uvm", "logs", ""), "job ids: " + job);
        assertEquals(List.of(id), complete("uvm", "kill", "-s", "KILL", ""));
        assertEquals(0, d.uvm("kill", id).exit());
        if (Files.isExecutable(Path.of("/usr/bin/zsh"))) {
            assertEquals(List.of("alpha"), completeInZsh("uvm", "unregister", ""));
            assertEquals(List.of("terminate"), completeInZsh("uvm", "ter"));
        }

        d.uvm("stop-daemon");
        d.process().waitFor(2, TimeUnit.MINUTES);
        assertFalse(d.process().isAlive());
        assertEquals(List.of(), complete("uvm", "unregister", ""), "no daemon, no distribution names");
        assertEquals(List.of("default"), complete("uvm", "run", "--vm", ""), "VM names come from the config then");
        assertFalse(Files.exists(d.socket), "completion never starts a daemon");
    }

    @Test
    @Order(6)
    void upgrade_stopsTheDaemonsOfTheOldFiles_andKeepsAnEditedConffile() throws Exception {
        Path conffile = root.resolve("etc/uvm/uvm.conf");
        Files.writeString(conffile, Files.readString(conffile) + "\n# edited by the administrator\n");
        d.close();
        d = new UvmDaemon("[vm]\nvmIdleTimeout = 600000\n").launcher(root.resolve("usr/bin/uvm")).start();
        assertEquals(0, d.uvm("run", "--", "true").exit());
        assertEquals(1, d.qemuProcesses().size());

        dpkgRoot("-i", deb.toString()); // the same version again: dpkg's upgrade path (prerm upgrade, postinst configure OLD)
        assertTrue(d.process().waitFor(1, TimeUnit.MINUTES), "prerm stopped the daemon before its jars were replaced");
        assertEquals(0, d.process().exitValue(), "a clean stop: " + d.log());
        assertTrue(d.qemuProcesses().isEmpty(), "its VM is powered off");
        assertTrue(Files.readString(conffile).contains("# edited by the administrator"), "the admin's config is kept");

        d.start();
        UvmDaemon.Result r = d.uvm("run", "--", "uname", "-s");
        assertEquals("Linux", r.stdout().strip(), "the upgraded files serve again: " + r);
        d.uvm("stop-daemon");
        d.process().waitFor(2, TimeUnit.MINUTES);
    }

    @Test
    @Order(7)
    void remove_leavesTheConffile_andPurge_leavesNothing() throws Exception {
        dpkgRoot("-r", "uvm");
        Set<String> left = new TreeSet<>(listing());
        left.removeAll(before);
        assertEquals(new TreeSet<>(LEFT_AFTER_REMOVE), left, "after dpkg -r");

        dpkgRoot("-P", "uvm");
        Set<String> purged = new TreeSet<>(listing());
        purged.removeAll(before);
        assertEquals(Set.of(), purged, "after dpkg -P");
        assertTrue(Files.readString(root.resolve("etc/group")).contains("\nuvm:"), "system groups stay, as Debian's policy has it");
    }

    /** COMPREPLY of the installed bash completion for the words (the last one is being completed). */
    private static List<String> complete(String... words) throws Exception {
        String script = "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                + "_uvm_complete; printf '%s\\n' \"${COMPREPLY[@]}\"";
        return completion(List.of("bash", "-c", script, "bash",
                root.resolve("usr/share/bash-completion/completions/uvm").toString()), words);
    }

    /**
     * The same in zsh, through its bashcompinit, with the shell options bashcompinit calls the
     * function with. zsh's compgen does not filter by the word being completed (compadd does,
     * afterwards), so the candidates are filtered here as compadd would.
     */
    private static List<String> completeInZsh(String... words) throws Exception {
        String script = "autoload -U compinit && compinit -u -d \"$1.zcompdump\"; autoload -U +X bashcompinit && bashcompinit; "
                + "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                + "t() { emulate -L sh; setopt kshglob noshglob braceexpand; _uvm_complete; printf '%s\\n' \"${COMPREPLY[@]}\"; }; t";
        Path zshScript = root.resolve("usr/share/zsh/vendor-completions/_uvm");
        Path copy = Files.copy(zshScript, d.dir.resolve("_uvm"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String prefix = words[words.length - 1];
        return completion(List.of("zsh", "-f", "-c", script, "zsh", copy.toString()), words).stream()
                .filter(w -> w.startsWith(prefix)).toList();
    }

    private static List<String> completion(List<String> shell, String... words) throws Exception {
        List<String> cmd = new ArrayList<>(shell);
        cmd.add(root.resolve("usr/bin/uvm").toString());
        cmd.addAll(Arrays.asList(words).subList(1, words.length));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(d.clientEnv());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(1, TimeUnit.MINUTES);
        return out.lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    /** The subcommands {@code uvm --help} lists (the first name of each). */
    private static List<String> subcommands() throws Exception {
        String help = HostCommand.ok(10, UvmDaemon.UVM.toString(), "--help");
        String commands = help.substring(help.indexOf("Commands:"));
        return commands.lines().skip(1).filter(l -> l.matches("  \\S.*"))
                .map(l -> l.strip().split("[ ,]")[0]).filter(n -> !n.equals("help")).toList();
    }

    private static void dpkgRoot(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless",
                "--log=" + root.resolve("dpkg.log")));
        cmd.addAll(List.of(args));
        HostCommand r = HostCommand.run(10, cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.out());
    }

    /** Every file and symbolic link under the root, relative; dpkg's own database and log left out. */
    private static Set<String> listing() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString())
                    .filter(p -> !p.startsWith("var/lib/dpkg/") && !p.equals("dpkg.log") && !p.matches("etc/\\w+-"))
                    .filter(p -> !p.matches("etc/(passwd|group|shadow|gshadow)"))
                    .collect(Collectors.toSet());
        }
    }

}
