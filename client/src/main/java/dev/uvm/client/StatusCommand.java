package dev.uvm.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uvm.protocol.Wire;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code uvm status}: the daemon's version, backend, acceleration, config and addresses. */
@Command(name = "status", description = "Show the daemon's version, backend, acceleration, config and socket.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        JsonNode result = main.requestRunning(Wire.message("status"),
                " (it starts with the first `uvm run`, or with `uvm daemon`)");
        if (result == null) {
            return 1;
        }
        if (json) {
            System.out.println(Wire.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            return 0;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("type")) {
                System.out.printf("%-15s %s%n", e.getKey() + ":", e.getValue().isNull() ? "-" : e.getValue().asText());
            }
        }
        return 0;
    }
}
