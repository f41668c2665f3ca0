package dev.funnel.pipeline.featrank;

import dev.funnel.rank.schema.FeatureSchema;
import dev.funnel.rank.schema.FieldKind;
import dev.funnel.rank.schema.FieldSpec;
import dev.funnel.store.catalog.ItemRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where each column of a ranker's {@link FeatureSchema} comes from when a scene builds feature rows, and
 * the one function that writes those rows: the training sample builder ({@link FeatureSamples}) and the
 * serving rank stage ({@link FeatureRanker}) both call {@link #userCells} and {@link #itemCells}, so a
 * (user, item, history) gives the same cells, hence the same encoded features, in training and serving.
 *
 * <p>Column names (a field's {@code column=}, default its name):
 *
 * <ul>
 *   <li>{@code user}: the user id; {@code item}: the candidate's id
 *   <li>a {@code sequence} field (any column name): the user's behaviour sequence, oldest first, the
 *       newest {@code max_length} items (all known ones when 0)
 *   <li>{@code categories}, {@code tags}: the item's catalogue lists; {@code item.NAME}: the item's
 *       catalogue attribute NAME
 *   <li>{@code user.NAME}: the user's attribute NAME (catalogue {@code PUT /v1/users})
 *   <li>{@code context.hour} (0-23, UTC) and {@code context.weekday} (1-7, Monday 1) of the request time
 * </ul>
 *
 * Anything missing (unknown user or item, absent attribute) is an empty cell, which the encoder maps to
 * the out-of-vocabulary (or missing) feature: never an error at request time.
 */
public final class FeatureColumns {
  /** Where a column's cell comes from. */
  enum Source { USER, ITEM, HISTORY, CATEGORIES, TAGS, ITEM_ATTRIBUTE, USER_ATTRIBUTE, HOUR, WEEKDAY }

  private final FeatureSchema schema;
  private final List<String> header = new ArrayList<>();
  private final Source[] sources;
  private final String[] names; // attribute names
  private final char[] separators;
  private final int historyLength;
  private final boolean[] itemSide;

  /**
   * @throws IllegalArgumentException naming the field and column a scene cannot supply
   */
  public FeatureColumns(FeatureSchema schema) {
    this.schema = schema;
    List<FieldSpec> fields = schema.fields();
    sources = new Source[fields.size()];
    names = new String[fields.size()];
    separators = new char[fields.size()];
    itemSide = new boolean[fields.size()];
    int longest = 0;
    header.add(schema.label());
    for (int f = 0; f < fields.size(); f++) {
      FieldSpec s = fields.get(f);
      String c = s.column();
      header.add(c);
      separators[f] = s.separator();
      if (s.kind() == FieldKind.SEQUENCE) {
        sources[f] = Source.HISTORY;
        longest = s.maxLength() == 0 ? Integer.MAX_VALUE : Math.max(longest, s.maxLength());
      } else if (c.equals("user")) {
        sources[f] = Source.USER;
      } else if (c.equals("item")) {
        sources[f] = Source.ITEM;
      } else if (c.equals("categories") || c.equals("tags")) {
        sources[f] = c.equals("tags") ? Source.TAGS : Source.CATEGORIES;
      } else if (c.startsWith("item.") && c.length() > 5) {
        sources[f] = Source.ITEM_ATTRIBUTE;
        names[f] = c.substring(5);
      } else if (c.startsWith("user.") && c.length() > 5) {
        sources[f] = Source.USER_ATTRIBUTE;
        names[f] = c.substring(5);
      } else if (c.equals("context.hour")) {
        sources[f] = Source.HOUR;
      } else if (c.equals("context.weekday")) {
        sources[f] = Source.WEEKDAY;
      } else {
        throw new IllegalArgumentException("field " + s.name() + ": the scene cannot supply column '" + c + "' (user, item, categories, "
            + "tags, item.NAME, user.NAME, context.hour, context.weekday, or a sequence field); column=" + c);
      }
      Source src = sources[f];
      itemSide[f] = src == Source.ITEM || src == Source.CATEGORIES || src == Source.TAGS || src == Source.ITEM_ATTRIBUTE;
      if ((src == Source.CATEGORIES || src == Source.TAGS) && s.kind() == FieldKind.NUMERIC) {
        throw new IllegalArgumentException("field " + s.name() + ": column " + c + " is a list, the field must be categorical or multi; kind="
            + s.kind().word());
      }
    }
    if (schema.weight() != null && !header.contains(schema.weight())) {
      header.add(schema.weight()); // every row weighs 1
    }
    if (schema.group() != null && !header.contains(schema.group())) {
      header.add(schema.group()); // the user
    }
    historyLength = longest;
  }

  public FeatureSchema schema() {
    return schema;
  }

  /** Column names of the rows {@link #userCells} and {@link #itemCells} write: label first, then one per field (and weight/group). */
  public List<String> header() {
    return List.copyOf(header);
  }

  /** The longest behaviour sequence any field keeps (0: no sequence field; {@link Integer#MAX_VALUE}: unbounded). */
  public int historyLength() {
    return historyLength;
  }

  /**
   * The user side of a row, computed once per request: label cell "0", user id, user attributes,
   * context and the behaviour sequence; item columns empty (filled by {@link #itemCells} on a copy).
   *
   * @param user external user id, or null
   * @param attributes the user's attributes (may be empty)
   * @param history the user's items, oldest first; only the newest {@code max_length} of each sequence field are kept
   * @param now request (or event) time, epoch ms
   */
  public String[] userCells(String user, Map<String, Object> attributes, List<String> history, long now) {
    String[] row = new String[header.size()];
    java.util.Arrays.fill(row, "");
    row[0] = "0";
    List<FieldSpec> fields = schema.fields();
    for (int f = 0; f < sources.length; f++) {
      String cell = switch (sources[f]) {
        case USER -> user == null ? "" : user;
        case USER_ATTRIBUTE -> text(attributes == null ? null : attributes.get(names[f]));
        case HOUR -> Integer.toString(utc(now).getHour());
        case WEEKDAY -> Integer.toString(utc(now).getDayOfWeek().getValue());
        case HISTORY -> join(history, fields.get(f).maxLength(), separators[f]);
        default -> "";
      };
      row[f + 1] = clean(cell, fields.get(f));
    }
    for (int c = sources.length + 1; c < row.length; c++) {
      row[c] = header.get(c).equals(schema.weight()) ? "1" : user == null ? "" : user;
    }
    return row;
  }

  /** Fills the item columns of {@code row} (a copy of {@link #userCells}) for one item; {@code record} may be null. */
  public void itemCells(String[] row, String item, ItemRecord record) {
    List<FieldSpec> fields = schema.fields();
    for (int f = 0; f < sources.length; f++) {
      if (!itemSide[f]) {
        continue;
      }
      String cell = switch (sources[f]) {
        case ITEM -> item;
        case CATEGORIES -> record == null ? "" : join(record.categories(), 0, separators[f]);
        case TAGS -> record == null ? "" : join(record.tags(), 0, separators[f]);
        case ITEM_ATTRIBUTE -> record == null ? "" : text(record.attributes().get(names[f]));
        default -> "";
      };
      row[f + 1] = clean(cell, fields.get(f));
    }
  }

  /** The label cell of a row. */
  public void label(String[] row, boolean positive) {
    row[0] = positive ? "1" : "0";
  }

  private static ZonedDateTime utc(long now) {
    return Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC);
  }

  private static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString(d.longValue()); // 3.0 and 3 are one value
    }
    return v.toString();
  }

  /** The newest {@code max} (0: all) of {@code values} (oldest first), joined oldest first. */
  private static String join(List<String> values, int max, char separator) {
    if (values == null || values.isEmpty()) {
      return "";
    }
    int from = max > 0 ? Math.max(0, values.size() - max) : 0;
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < values.size(); i++) {
      sb.append(i > from ? String.valueOf(separator) : "").append(values.get(i).replace(separator, '_').replace(':', '_'));
    }
    return sb.toString();
  }

  /** A value containing the schema's separator or delimiter would be split differently: replaced by '_'. */
  private String clean(String cell, FieldSpec spec) {
    String c = cell.replace(schema.delimiter(), '_').replace('"', '_').replace('\n', '_').replace('\r', '_');
    if (spec.kind() == FieldKind.CATEGORICAL) {
      c = c.strip();
    } else if (spec.kind() == FieldKind.NUMERIC && !c.isEmpty()) {
      double x;
      try {
        x = Double.parseDouble(c.strip());
      } catch (NumberFormatException e) {
        x = Double.NaN;
      }
      if (!Double.isFinite(x) || (spec.log() && x < 0)) {
        c = ""; // a text or out-of-range value is missing, never a request error
      }
    }
    return c;
  }
}
