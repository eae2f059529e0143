package dev.uvm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Windows service's parts that Linux can check: WinSW's configuration (packaging/windows/uvm.xml)
 * runs the daemon as bin/uvm does and stops it cleanly within its kill timeout, and the bundle
 * {@code scripts/package-windows.sh} makes holds a class path that really starts the daemon and the
 * client (run here with this host's Java) and a config that the daemon's own check accepts but for
 * its backend, which needs Windows.
 */
class WindowsPackagingTest {
    private static final Path XML = UvmDaemon.HOME.resolve("packaging/windows/uvm.xml");
    /** The default shutdownTimeout (docs/config.md), which the service's stop must outlast. */
    private static final int SHUTDOWN_TIMEOUT_SECONDS = 30;

    @Test
    void winswConfig_runsTheDaemonAsBinUvmDoes_andStopsItCleanlyBeforeTheKill() throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(XML.toFile());
        Element service = doc.getDocumentElement();
        assertEquals("service", service.getTagName());
        assertEquals("uvm", text(service, "id"));
        assertEquals("java", text(service, "executable"));
        String args = text(service, "arguments");
        assertTrue(args.endsWith("-cp \"%BASE%\\lib\\*\" dev.uvm.daemon.Main --config \"%ProgramData%\\uvm\\uvm.conf\" daemon"),
                args);
        for (String flag : daemonJvmFlags()) {
            assertTrue(args.contains(flag + " "), "bin/uvm gives the daemon " + flag + "; uvm.xml must too: " + args);
        }
        assertEquals("-cp \"%BASE%\\lib\\*\" dev.uvm.client.Main stop-daemon", text(service, "stoparguments"));
        Matcher stop = Pattern.compile("(\\d+) sec").matcher(text(service, "stoptimeout"));
        assertTrue(stop.matches(), text(service, "stoptimeout"));
        assertTrue(Integer.parseInt(stop.group(1)) >= 2 * SHUTDOWN_TIMEOUT_SECONDS,
                "WinSW must not kill the daemon while its VMs still power off");
        assertEquals("vmcompute", text(service, "depend"));
        assertEquals("Automatic", text(service, "startmode"));
        assertEquals("true", text(service, "delayedAutoStart"));
        assertEquals(0, service.getElementsByTagName("serviceaccount").getLength(), "LocalSystem, WinSW's default");
        NodeList failures = service.getElementsByTagName("onfailure");
        assertTrue(failures.getLength() >= 1);
        assertEquals("restart", ((Element) failures.item(0)).getAttribute("action"));
        assertEquals("roll-by-size", ((Element) service.getElementsByTagName("log").item(0)).getAttribute("mode"));
        List<String> env = new ArrayList<>();
        NodeList envs = service.getElementsByTagName("env");
        for (int i = 0; i < envs.getLength(); i++) {
            Element e = (Element) envs.item(i);
            env.add(e.getAttribute("name") + "=" + e.getAttribute("value"));
        }
        assertTrue(env.contains("UVM_SOCKET=%ProgramData%\\uvm\\uvm.sock"), env.toString());
        assertTrue(env.contains("XDG_STATE_HOME=%ProgramData%"), "the state folder %ProgramData%\\uvm: " + env);
        String cmd = Files.readString(UvmDaemon.HOME.resolve("packaging/windows/uvm.cmd"));
        assertTrue(cmd.contains("set \"UVM_SOCKET=%ProgramData%\\uvm\\uvm.sock\""), "uvm.cmd finds the service's socket");
    }

    @Test
    void bundle_startsTheDaemonAndTheClientFromItsLibFolder_andItsConfigPassesTheCheckButForWindowsBackend() throws Exception {
        HostCommand.ok(20, UvmDaemon.HOME.resolve("scripts/package-windows.sh").toString());
        Path bundle = UvmDaemon.HOME.resolve("packaging/out/windows/uvm");
        assertTrue(Files.isRegularFile(UvmDaemon.HOME.resolve("packaging/out/uvm-windows.zip")));
        for (String f : List.of("uvm-service.xml", "uvm.cmd", "uvm.conf", "README.md", "guest/vmlinux",
                "guest/initramfs.cpio", "guest/cmdline")) {
            assertTrue(Files.isRegularFile(bundle.resolve(f)), f + " is in the bundle");
        }
        assertTrue(Files.readString(bundle.resolve("uvm.cmd")).contains("\r\n"), "cmd.exe's line ends");
        String classPath = bundle.resolve("lib") + "/*"; // the same wildcard uvm.xml gives java
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String daemonHelp = HostCommand.ok(2, java, "-cp", classPath, "dev.uvm.daemon.Main", "daemon", "--help");
        assertTrue(daemonHelp.contains("Usage: uvm daemon"), daemonHelp);
        String clientHelp = HostCommand.ok(2, java, "-cp", classPath, "dev.uvm.client.Main", "stop-daemon", "--help");
        assertTrue(clientHelp.contains("stop-daemon"), clientHelp);
        String conf = Files.readString(bundle.resolve("uvm.conf"), StandardCharsets.UTF_8);
        assertTrue(conf.contains("\nbackend = hcs\r\n"), "the bundle's config chooses HCS");
        HostCommand check = HostCommand.run(2, List.of(java, "-cp", classPath, "dev.uvm.daemon.Main", "config",
                "--config", bundle.resolve("uvm.conf").toString(), "check"));
        // The one error is the backend's, which needs Windows: every other line (CRLF ends and all) is valid.
        assertEquals(1, check.exit(), check.out());
        assertTrue(check.out().contains("1 error, 0 warnings"), check.out());
        assertTrue(check.out().contains("the hcs backend needs Windows"), check.out());
    }

    /** The JVM flags bin/uvm gives the daemon: its {@code flags=(...)} array. */
    private static List<String> daemonJvmFlags() throws Exception {
        String script = Files.readString(UvmDaemon.HOME.resolve("bin/uvm"));
        Matcher m = Pattern.compile("flags=\\(([^)]*)\\)").matcher(script);
        assertTrue(m.find(), "bin/uvm has no daemon flags array");
        List<String> flags = Arrays.stream(m.group(1).split("\\s+")).filter(s -> !s.isEmpty()).toList();
        assertTrue(flags.size() >= 5 && flags.get(0).startsWith("-XX:"), flags.toString());
        return flags;
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        assertEquals(1, nodes.getLength(), "one <" + tag + ">");
        return nodes.item(0).getTextContent().strip();
    }
}
