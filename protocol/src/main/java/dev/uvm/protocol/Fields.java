package dev.uvm.protocol;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of one received control message (or of an object inside one), read by type. A field
 * of the wrong type is a {@link Wire.ProtocolException} that names the message, the field and what
 * it must be; a missing field, or {@code null}, takes the default. Unknown fields are ignored, as
 * docs/protocol.md promises.
 */
public final class Fields {
    private final String message;
    private final Map<String, Object> values;

    private Fields(String message, Map<String, Object> values) {
        this.message = message;
        this.values = values;
    }

    /** The fields of a control frame's payload: a JSON object with a string {@code type}. */
    public static Fields ofMessage(byte[] payload) throws Wire.ProtocolException {
        Object parsed = Json.parse(payload);
        if (!(parsed instanceof Map<?, ?> map) || !(map.get("type") instanceof String type)) {
            throw new Wire.ProtocolException("control frame is not a JSON object with a \"type\" field");
        }
        return new Fields(type, cast(map));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    /** The message's {@code type}. */
    public String type() {
        return (String) values.get("type");
    }

    /** Whether the field is present and not {@code null}. */
    boolean has(String name) {
        Object v = values.get(name);
        return v != null && v != Json.NULL;
    }

    /** A string field, or {@code null}. */
    String string(String name) throws Wire.ProtocolException {
        Object v = values.get(name);
        if (v == null || v == Json.NULL) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw wrong(name, "a string");
        }
        return s;
    }

    /** A string field, or {@code fallback}. */
    String string(String name, String fallback) throws Wire.ProtocolException {
        String s = string(name);
        return s == null ? fallback : s;
    }

    /** An id given as a string or a whole number, as text; {@code null} when missing. */
    String id(String name) throws Wire.ProtocolException {
        Object v = values.get(name);
        if (v instanceof Long || v instanceof BigInteger) {
            return v.toString();
        }
        return string(name);
    }

    boolean bool(String name) throws Wire.ProtocolException {
        Object v = values.get(name);
        if (v == null || v == Json.NULL) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw wrong(name, "true or false");
        }
        return b;
    }

    /** A whole number, or {@code fallback}. */
    long number(String name, long fallback) throws Wire.ProtocolException {
        Object v = values.get(name);
        if (v == null || v == Json.NULL) {
            return fallback;
        }
        if (!(v instanceof Long n)) {
            throw wrong(name, "a whole number");
        }
        return n;
    }

    /** A whole number, or {@code null}. */
    Integer optionalInt(String name) throws Wire.ProtocolException {
        return has(name) ? (int) number(name, 0) : null;
    }

    /**
     * A whole number from {@code min} to {@code max}, or {@code fallback} when missing; anything
     * else is an error saying {@code "name" must be WHAT from MIN to MAX, got VALUE}.
     */
    int bounded(String name, int fallback, int min, int max, String what) throws Wire.ProtocolException {
        Object v = values.get(name);
        if (v == null || v == Json.NULL) {
            return fallback;
        }
        if (!(v instanceof Long n) || n < min || n > max) {
            throw new Wire.ProtocolException("\"" + name + "\" must be " + what + " from " + min + " to " + max
                    + ", got " + (v instanceof String s ? "\"" + s + "\"" : v));
        }
        return (int) (long) n;
    }

    /** An array of strings; empty when missing. */
    List<String> strings(String name) throws Wire.ProtocolException {
        List<String> out = new ArrayList<>();
        for (Object e : array(name, "an array of strings")) {
            if (!(e instanceof String s)) {
                throw new Wire.ProtocolException(message + ": \"" + name + "\" must be an array of strings, found "
                        + kind(e));
            }
            out.add(s);
        }
        return out;
    }

    /** An array of objects; empty when missing. */
    List<Fields> objects(String name) throws Wire.ProtocolException {
        List<Fields> out = new ArrayList<>();
        for (Object e : array(name, "an array of objects")) {
            if (!(e instanceof Map<?, ?> m)) {
                throw new Wire.ProtocolException(message + ": \"" + name + "\" must be an array of objects, found "
                        + kind(e));
            }
            out.add(new Fields(message + "." + name, cast(m)));
        }
        return out;
    }

    private List<?> array(String name, String what) throws Wire.ProtocolException {
        Object v = values.get(name);
        if (v == null || v == Json.NULL) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw wrong(name, what);
        }
        return list;
    }

    private Wire.ProtocolException wrong(String name, String what) {
        return new Wire.ProtocolException(message + ": \"" + name + "\" must be " + what + ", found "
                + kind(values.get(name)));
    }

    /** The JSON kind of a parsed value, as a person reads it: STRING, NUMBER, BOOLEAN, NULL, ARRAY, OBJECT. */
    private static String kind(Object v) {
        if (v == Json.NULL || v == null) {
            return "NULL";
        }
        if (v instanceof String) {
            return "STRING";
        }
        if (v instanceof Boolean) {
            return "BOOLEAN";
        }
        if (v instanceof List) {
            return "ARRAY";
        }
        return v instanceof Map ? "OBJECT" : "NUMBER";
    }
}
