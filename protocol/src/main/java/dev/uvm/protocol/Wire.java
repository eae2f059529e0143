package dev.uvm.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Frames of the client protocol (docs/protocol.md): a 5-byte header (type u8, length u32,
 * big-endian) and a payload. Control messages are JSON objects with a {@code type} field;
 * stdio travels as raw bytes.
 *
 * <p>Control messages are trees of Jackson's {@link JsonNode}s, written and parsed with Jackson's
 * streaming API only: an {@link ObjectMapper} takes tens of milliseconds to set up in a fresh
 * JVM, which every {@code uvm run} would pay. {@link #mapper()} is there for the rest (pretty
 * printing, tests).
 */
public final class Wire {
    /** Protocol version sent in {@code hello}; a peer with another version is refused. */
    public static final int VERSION = 1;
    public static final int CONTROL = 0x01;
    public static final int STDIN = 0x02;
    public static final int STDOUT = 0x03;
    public static final int STDERR = 0x04;
    /**
     * Largest payload of a control frame, in bytes: a run request's argv and environment must fit
     * the agent's 64 KiB EXEC frame anyway, and a small limit bounds what a connection may make
     * the daemon allocate before it has proven anything.
     */
    public static final int MAX_CONTROL = 1 << 16;
    /** Largest payload of a stdio frame. */
    public static final int MAX_DATA = 1 << 16;

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Wire() {
    }

    /** An ObjectMapper, made on first use. */
    public static ObjectMapper mapper() {
        return MapperHolder.MAPPER;
    }

    private static final class MapperHolder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** One received frame. */
    public record Frame(int type, byte[] payload) {
        public JsonNode json() throws IOException {
            if (type != CONTROL) {
                throw new ProtocolException("expected a control frame, got frame type " + type);
            }
            JsonNode n;
            try {
                n = decode(payload);
            } catch (JsonProcessingException e) {
                throw new ProtocolException("control frame is not valid JSON: " + e.getOriginalMessage());
            }
            if (n == null || !n.isObject() || !n.path("type").isTextual()) {
                throw new ProtocolException("control frame is not a JSON object with a \"type\" field");
            }
            return n;
        }
    }

    /** A peer broke the protocol; the message says how. */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }

    public static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        int len = in.readInt();
        int max = type == CONTROL ? MAX_CONTROL : MAX_DATA;
        if (type < CONTROL || type > STDERR) {
            throw new ProtocolException("unknown frame type " + type);
        }
        // An unsigned length over the limit reads as negative here.
        if (len < 0 || len > max) {
            throw new ProtocolException("frame of type " + type + " claims " + Integer.toUnsignedString(len)
                    + " bytes; the limit is " + max);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    public static void write(OutputStream out, int type, byte[] data, int off, int len) throws IOException {
        synchronized (out) {
            out.write(ByteBuffer.allocate(5).put((byte) type).putInt(len).array());
            out.write(data, off, len);
            out.flush();
        }
    }

    public static void send(OutputStream out, ObjectNode message) throws IOException {
        byte[] bytes = encode(message);
        write(out, CONTROL, bytes, 0, bytes.length);
    }

    public static ObjectNode message(String type) {
        return NODES.objectNode().put("type", type);
    }

    /** A JSON text of {@code node}, as {@code ObjectMapper.writeValueAsBytes} writes it. */
    public static byte[] encode(JsonNode node) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
            writeTree(g, node);
        }
        return bytes.toByteArray();
    }

    private static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (var field : node.properties()) {
                    g.writeFieldName(field.getKey());
                    writeTree(g, field.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    writeTree(g, element);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
                    case FLOAT -> g.writeNumber(node.floatValue());
                    default -> g.writeNumber(node.doubleValue());
                }
            }
            case NULL, MISSING -> g.writeNull();
            default -> throw new IOException("cannot write a JSON node of type " + node.getNodeType());
        }
    }

    /**
     * The JSON value in {@code bytes} as a tree, or {@code null} for no content, as
     * {@code ObjectMapper.readTree} reads it (numbers as int, long or BigInteger, fractions as double).
     */
    public static JsonNode decode(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken t = p.nextToken();
            return t == null ? null : readTree(p, t);
        }
    }

    /** Reads the value that starts at {@code t}; nesting is bounded by the parser's depth limit. */
    private static JsonNode readTree(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    o.set(name, readTree(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    a.add(readTree(p, e));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(p, "unexpected " + t);
        }
    }

    public static ObjectNode error(String text) {
        return message("error").put("message", text);
    }
}
