package dev.uvm.config;

import java.util.List;

/**
 * A configuration that passed validation, with the warnings found on the way.
 */
public record LoadedConfig(UvmConfig config, List<ConfigProblem> warnings) {
    public LoadedConfig {
        warnings = List.copyOf(warnings);
    }
}
