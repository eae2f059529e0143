package dev.uvm.config;

/** The {@code autoMemoryReclaim} modes, named as in {@code .wslconfig}. */
public enum MemoryReclaim {
    DISABLED,
    DROP_CACHE,
    GRADUAL
}
