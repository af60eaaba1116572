package io.twine.transport.endpoints;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An endpoint string split into its parts, before any part is given a meaning: the type, the
 * positional values and the {@code name=value} fields (Twisted's endpoint syntax).
 *
 * <p>Syntax: parts separated by {@code :}; the first is the type; a part holding an {@code =}
 * is a named field, any other a positional value. A backslash makes the next character
 * literal, so {@code \:} is a colon inside a value (an IPv6 address: {@code interface=\:\:1})
 * and {@code \\} a backslash. Knowing nothing of types, this class leaves room for any
 * transport ({@code unix:}, {@code tls:}) to be added above it.
 */
final class EndpointDescription {

    private final String text;
    private final String type;
    private final List<String> positional;
    private final Map<String, String> fields;

    private EndpointDescription(String text, String type, List<String> positional, Map<String, String> fields) {
        this.text = text;
        this.type = type;
        this.positional = positional;
        this.fields = fields;
    }

    /** Splits {@code text}; fails on what no endpoint type could accept. */
    static EndpointDescription parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty endpoint description: expected TYPE:VALUES, such as tcp:8080");
        }
        List<String> parts = new ArrayList<>();
        List<Integer> equalsAt = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        int equals = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (++i == text.length()) {
                    throw new IllegalArgumentException("bad endpoint '" + text
                            + "': it ends with a backslash, which escapes nothing: expected a character after it");
                }
                part.append(text.charAt(i));
            } else if (c == ':') {
                parts.add(part.toString());
                equalsAt.add(equals);
                part.setLength(0);
                equals = -1;
            } else {
                if (c == '=' && equals < 0) {
                    equals = part.length();
                }
                part.append(c);
            }
        }
        parts.add(part.toString());
        equalsAt.add(equals);

        String type = parts.get(0);
        if (type.isEmpty() || equalsAt.get(0) >= 0) {
            throw new IllegalArgumentException("bad endpoint '" + text
                    + "': expected a type first (such as tcp, tcp6 or udp), got '" + type + "'");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < parts.size(); i++) {
            String value = parts.get(i);
            int at = equalsAt.get(i);
            if (at < 0) {
                positional.add(value);
                continue;
            }
            String name = value.substring(0, at);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("bad endpoint '" + text + "': expected a field name before '=' in '"
                        + value + "'");
            }
            if (fields.put(name, value.substring(at + 1)) != null) {
                throw new IllegalArgumentException("bad endpoint '" + text + "': field '" + name + "' is given twice");
            }
        }
        return new EndpointDescription(text, type, Collections.unmodifiableList(positional),
                Collections.unmodifiableMap(fields));
    }

    /** The string as given, for messages. */
    String text() {
        return text;
    }

    String type() {
        return type;
    }

    List<String> positional() {
        return positional;
    }

    Map<String, String> fields() {
        return fields;
    }

    /** Escapes {@code value} so that {@link #parse} reads it back as one literal value. */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ':' || c == '\\' || c == '=') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
