package dev.uvm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboard in packaging/ asks only for series uvm exports, in valid PromQL. */
class DashboardTest {
    private static final Path DASHBOARD = Path.of("../packaging/grafana-dashboard.json");

    private static List<String> expressions() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode t : panel.path("targets")) {
                exprs.add(t.get("expr").asText()
                        .replace("$__rate_interval", "1m").replace("$__range", "1h")
                        .replace("$vm", ".*").replace("$job", "uvm"));
            }
        }
        return exprs;
    }

    @Test
    void everyQuery_namesAnExportedSeries() throws Exception {
        List<String> exprs = expressions();
        assertFalse(exprs.isEmpty());
        String scrape;
        try (UvmMetrics metrics = new UvmMetrics("qemu")) {
            metrics.vm("default").bootSucceeded(1000, Map.of("vmm_up", 1L), 1);
            scrape = metrics.scrape();
        }
        Pattern name = Pattern.compile("\\b((?:uvm|process)_[a-z_]+)\\b");
        for (String e : exprs) {
            Matcher m = name.matcher(e);
            while (m.find()) {
                assertTrue(scrape.contains("\n" + m.group(1) + "{") || scrape.contains("\n" + m.group(1) + " "),
                        "dashboard query uses " + m.group(1) + ", which uvm does not export: " + e);
            }
        }
    }

    @Test
    void everyQuery_isValidPromql(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/promtool").canExecute(),
                "promtool is missing: scripts/install-deps.sh installs Debian's prometheus package");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<String> exprs = expressions();
        for (int i = 0; i < exprs.size(); i++) {
            rules.append("      - record: dashboard:query").append(i).append('\n')
                    .append("        expr: '").append(exprs.get(i).replace("'", "''")).append("'\n");
        }
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, rules);
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "rules", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("SUCCESS: " + exprs.size() + " rules found"), out);
    }
}
