package dev.funnel.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.online.EventType;
import dev.funnel.online.EventTypes;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.Catalog;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of {@code POST /v1/events}: a JSON array of event objects, or JSON lines (one object
 * per line, blank lines skipped). Each event is validated on its own; a bad one becomes a
 * {@link Rejected} with its line number (for an array: its 1-based position in the array), the field
 * at fault (null when the line as a whole is) and the reason, and the others are kept.
 */
final class EventLines {
  static final List<String> FIELDS = List.of("id", "user", "item", "type", "ts", "value", "request_id", "context");
  private static final Set<String> FIELD_SET = Set.copyOf(FIELDS);
  static final int MAX_CONTEXT_ENTRIES = 64;

  /** A line refused, and why. */
  record Rejected(int line, String field, String reason) {}

  /** The valid events (in body order), their line numbers, and the refused lines. */
  record Parsed(List<Event> events, List<Integer> lines, List<Rejected> rejected) {}

  /** The body as a whole could not be read (malformed JSON array). */
  static final class MalformedBody extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedBody(String message) {
      super(message, null, false, false);
    }
  }

  private EventLines() {}

  /**
   * @param now epoch ms given to events without {@code ts}
   * @throws MalformedBody when the body is a JSON array that is not well-formed
   */
  static Parsed parse(byte[] body, EventTypes types, ObjectMapper json, long now) {
    List<Event> events = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    int first = 0;
    while (first < body.length && Character.isWhitespace(body[first])) {
      first++;
    }
    if (first < body.length && body[first] == '[') {
      try (JsonParser p = json.getFactory().createParser(body)) {
        p.nextToken();
        int line = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          if (t == null) {
            throw new MalformedBody("malformed JSON array: it ends before its closing ']'");
          }
          line++;
          JsonNode node = p.readValueAsTree();
          one(node, line, types, now, events, lines, rejected);
        }
        if (p.nextToken() != null) {
          throw new MalformedBody("malformed JSON: content after the closing ']' of the array");
        }
      } catch (IOException e) {
        throw new MalformedBody("malformed JSON array: " + firstLine(e) + " at line " + lineOf(e));
      }
      return new Parsed(events, lines, rejected);
    }
    int line = 0;
    int start = 0;
    while (start <= body.length) {
      int end = start;
      while (end < body.length && body[end] != '\n') {
        end++;
      }
      line++;
      int from = start;
      int to = end;
      while (from < to && Character.isWhitespace(body[from])) {
        from++;
      }
      while (to > from && Character.isWhitespace(body[to - 1])) {
        to--;
      }
      if (from < to) {
        JsonNode node;
        try {
          node = json.readTree(body, from, to - from);
          one(node, line, types, now, events, lines, rejected);
        } catch (IOException e) {
          rejected.add(new Rejected(line, null, "malformed JSON: " + firstLine(e)));
        }
      }
      start = end + 1;
    }
    return new Parsed(events, lines, rejected);
  }

  private static String lineOf(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JsonProcessingException jp && jp.getLocation() != null
        ? Integer.toString(jp.getLocation().getLineNr()) : "?";
  }

  private static String firstLine(IOException e) {
    String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException jp ? jp.getOriginalMessage() : e.getMessage();
    int nl = m == null ? -1 : m.indexOf('\n');
    return nl < 0 ? String.valueOf(m) : m.substring(0, nl);
  }

  private static void one(JsonNode node, int line, EventTypes types, long now, List<Event> events, List<Integer> lines,
      List<Rejected> rejected) {
    try {
      events.add(event(node, types, now));
      lines.add(line);
    } catch (FieldException e) {
      rejected.add(new Rejected(line, e.field, e.getMessage()));
    }
  }

  private static Event event(JsonNode node, EventTypes types, long now) {
    if (node == null || !node.isObject()) {
      throw new FieldException(null, "an event must be a JSON object; got " + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELD_SET.contains(name)) {
        throw new FieldException(name, "unknown field '" + clip(name) + "'; valid fields: " + String.join(", ", FIELDS));
      }
    }
    String user = id(node, "user", true);
    String item = id(node, "item", true);
    JsonNode typeNode = node.get("type");
    if (typeNode == null || typeNode.isNull()) {
      throw new FieldException("type", "missing required field 'type'; valid types: " + String.join(", ", types.names()));
    }
    if (!typeNode.isTextual()) {
      throw new FieldException("type", "type must be a string; valid types: " + String.join(", ", types.names()));
    }
    String type = typeNode.textValue();
    EventType t;
    try {
      t = types.get(type);
    } catch (IllegalArgumentException e) {
      throw new FieldException("type", "unknown event type '" + clip(type) + "'; valid types: " + String.join(", ", types.names()));
    }
    long ts = timestamp(node.get("ts"), now);
    float value = Float.NaN;
    JsonNode v = node.get("value");
    if (v != null && !v.isNull()) {
      if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
        throw new FieldException("value", "value must be a finite number; value=" + clip(v.toString()));
      }
      value = (float) v.doubleValue();
    }
    String id = id(node, "id", false);
    String requestId = id(node, "request_id", false);
    Map<String, String> context = context(node.get("context"));
    Event e = new Event(id, user, item, type, ts, value, requestId, context);
    if (t.valueWeighted()) {
      try {
        types.validate(e);
      } catch (IllegalArgumentException bad) {
        throw new FieldException("value", bad.getMessage());
      }
    }
    return e;
  }

  private static String id(JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new FieldException(field, "missing required field '" + field + "'");
      }
      return null;
    }
    String s;
    if (v.isTextual()) {
      s = v.textValue();
    } else if (v.isIntegralNumber()) {
      s = v.asText();
    } else {
      throw new FieldException(field, field + " must be a string; " + field + "=" + clip(v.toString()));
    }
    if (s.isEmpty()) {
      throw new FieldException(field, field + " must not be empty");
    }
    if (s.length() > Catalog.MAX_ID_LENGTH) {
      throw new FieldException(field, field + " must be at most " + Catalog.MAX_ID_LENGTH + " characters; length=" + s.length());
    }
    return s;
  }

  private static long timestamp(JsonNode v, long now) {
    if (v == null || v.isNull()) {
      return now;
    }
    if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
      return v.longValue();
    }
    if (v.isTextual()) {
      String s = v.textValue();
      try {
        return Instant.parse(s).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e2) {
          // fall through to the error
        }
      }
    }
    throw new FieldException("ts", "ts must be epoch milliseconds (>= 0) or an ISO-8601 instant like 2026-01-31T12:00:00Z; ts="
        + clip(v.toString()));
  }

  private static Map<String, String> context(JsonNode v) {
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw new FieldException("context", "context must be a JSON object of strings, numbers or booleans");
    }
    if (v.size() > MAX_CONTEXT_ENTRIES) {
      throw new FieldException("context", "context may hold at most " + MAX_CONTEXT_ENTRIES + " entries; entries=" + v.size());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode x = e.getValue();
      if (!x.isValueNode() || x.isNull()) {
        throw new FieldException("context", "context values must be strings, numbers or booleans; context." + clip(e.getKey()) + "="
            + clip(x.toString()));
      }
      if (e.getKey().length() > Catalog.MAX_ID_LENGTH || x.asText().length() > Catalog.MAX_STRING_ATTRIBUTE_LENGTH) {
        throw new FieldException("context", "context key or value too long; key=" + clip(e.getKey()));
      }
      out.put(e.getKey(), x.asText());
    }
    return out;
  }

  /** At most 80 characters of a value quoted in a message. */
  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static final class FieldException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String field;

    FieldException(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }
}
