package dev.uvm.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the control messages, with Jackson's streaming API only: an {@code ObjectMapper} costs
 * tens of milliseconds to set up in a fresh JVM, which every {@code uvm run} would pay, and
 * jackson-databind would be the client's largest jar. Parsed values are plain Java: a
 * {@code Map<String, Object>} per object (in field order), {@code List<Object>}, {@code String},
 * {@code Long} (or {@code BigInteger} beyond it), {@code Double}, {@code Boolean} and {@link #NULL}.
 */
final class Json {
    /** JSON {@code null}, as a value (a missing field is absent from its map). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** Writes the fields of one object, between its braces. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** One JSON object: {@code body}'s fields, compact or indented for people. */
    static byte[] object(Body body, boolean pretty) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            if (pretty) {
                g.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return bytes.toByteArray();
    }

    /** A control message: a JSON object whose first field is {@code type}, then {@code fields}. */
    static byte[] message(String type, Body fields, boolean pretty) {
        return object(g -> {
            g.writeStringField("type", type);
            fields.write(g);
        }, pretty);
    }

    /** A JSON array of objects, indented for people ({@code uvm list --json}). */
    static byte[] array(List<? extends Body> elements) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartArray();
            for (Body e : elements) {
                g.writeStartObject();
                e.write(g);
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return bytes.toByteArray();
    }

    /** Writes a string field, or {@code null}. */
    static void string(JsonGenerator g, String name, String value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }

    /** Writes an array of strings. */
    static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** Writes an array of objects. */
    static void objects(JsonGenerator g, String name, List<? extends Body> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (Body v : values) {
            g.writeStartObject();
            v.write(g);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /**
     * The JSON value of {@code bytes}; nesting is bounded by the parser's depth limit.
     *
     * @throws Wire.ProtocolException if it is not valid JSON, or there is none
     */
    static Object parse(byte[] bytes) throws Wire.ProtocolException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new Wire.ProtocolException("control frame is not a JSON object with a \"type\" field");
            }
            return value(p, t);
        } catch (JsonProcessingException e) {
            throw new Wire.ProtocolException("control frame is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Wire.ProtocolException("control frame is not valid JSON: " + e.getMessage());
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> o = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    o.put(name, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                List<Object> a = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    a.add(value(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return t == JsonToken.VALUE_TRUE;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t);
        }
    }
}
