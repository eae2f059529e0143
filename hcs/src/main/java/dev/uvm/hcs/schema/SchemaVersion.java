package dev.uvm.hcs.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code SchemaVersion}: the HCS schema a document is written against. */
public record SchemaVersion(
        @JsonProperty("Major") int major,
        @JsonProperty("Minor") int minor) {

    /** 2.3, Windows 10 2004 (build 19041) and later; enough for LinuxKernelDirect. */
    public static final SchemaVersion V2_3 = new SchemaVersion(2, 3);
}
