package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code ComPort}: a guest serial port connected to a host named pipe such as {@code \\.\pipe\vm-com1}. */
public record ComPort(
        @JsonProperty("NamedPipe") String namedPipe,
        @JsonProperty("OptimizeForDebugger") Boolean optimizeForDebugger) {
}
