package dev.uvm.config;

import java.util.List;

/**
 * A configuration that passed validation, with the warnings found on the way and where each
 * effective value came from.
 *
 * @param config   the effective configuration
 * @param warnings problems that did not prevent loading, in line order
 * @param origins  provenance of every effective value; {@link ConfigOrigins#none()} when not recorded
 */
public record LoadedConfig(UvmConfig config, List<ConfigProblem> warnings, ConfigOrigins origins) {
    public LoadedConfig {
        warnings = List.copyOf(warnings);
        origins = origins == null ? ConfigOrigins.none() : origins;
    }

    /** A configuration whose origins were not recorded. */
    public LoadedConfig(UvmConfig config, List<ConfigProblem> warnings) {
        this(config, warnings, ConfigOrigins.none());
    }

    /** The built-in defaults, every value's origin being {@link Origin#DEFAULT}. */
    public static LoadedConfig defaults() {
        return new LoadedConfig(UvmConfig.defaults(), List.of(), new ConfigOrigins.Builder().build());
    }
}
