package dev.uvm.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.protocol.Wire;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code uvm list}: every configured VM with its state, sessions and idle deadline. */
@Command(name = "list", aliases = {"ls"}, description = "List VMs with state, sessions, uptime, memory and idle timer.")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        JsonNode result = main.requestRunning(Wire.message("list"), " (every VM is stopped)");
        if (result == null) {
            return 1;
        }
        if (json) {
            System.out.println(Wire.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.get("vms")));
            return 0;
        }
        System.out.printf("%-16s %-10s %-9s %-10s %-10s %-10s %s%n", "NAME", "STATE", "SESSIONS", "UPTIME", "MEMORY",
                "HOST RSS", "IDLE TIMER");
        long now = System.currentTimeMillis();
        for (JsonNode vm : result.get("vms")) {
            long deadline = vm.path("idleDeadlineMillis").asLong(-1);
            String idle = deadline >= 0 ? "fires in " + Format.duration(Math.max(0, deadline - now))
                    : vm.path("idleTimeoutMillis").asLong() < 0 ? "never" : "-";
            System.out.printf("%-16s %-10s %-9s %-10s %-10s %-10s %s%n", vm.path("name").asText(),
                    vm.path("state").asText(),
                    vm.path("foregroundSessions").asInt() + "+" + vm.path("backgroundSessions").asInt() + "bg",
                    vm.path("uptimeMillis").asLong() < 0 ? "-" : Format.duration(vm.path("uptimeMillis").asLong()),
                    Format.bytes(vm.path("memoryBytes").asLong()),
                    vm.path("hostResidentBytes").asLong() < 0 ? "-" : Format.bytes(vm.path("hostResidentBytes").asLong()),
                    idle);
            long retryAt = vm.path("retryAtMillis").asLong(-1);
            if (retryAt > now) {
                System.out.println("    boot failures: next attempt allowed in " + Format.duration(retryAt - now));
            }
            if (vm.path("keepAliveActive").asBoolean(false)) {
                System.out.println("    keepAlive: a window is open; the VM is held up until it closes");
            } else if (vm.path("nextKeepAliveMillis").asLong(-1) > now) {
                System.out.println("    keepAlive: next window opens in "
                        + Format.duration(vm.path("nextKeepAliveMillis").asLong() - now));
            }
            if (vm.path("nextPrewarmMillis").asLong(-1) > now) {
                System.out.println("    prewarm: next boot in " + Format.duration(vm.path("nextPrewarmMillis").asLong() - now));
            }
            for (JsonNode change : vm.path("pendingChanges")) {
                System.out.println("    at next boot: " + change.asText());
            }
            if (!vm.path("lastError").isNull() && vm.has("lastError")) {
                System.out.println("    last error: " + vm.path("lastError").asText().lines().findFirst().orElse(""));
            }
        }
        return 0;
    }
}
