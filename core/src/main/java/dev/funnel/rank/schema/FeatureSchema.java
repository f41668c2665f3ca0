package dev.funnel.rank.schema;

import dev.funnel.data.DataFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which CSV columns become which features: the label column, optional weight and group columns, and
 * the fields in order (each becomes one {@link dev.funnel.rank.FieldMap} field, laid out in this order).
 *
 * <p>The schema file is a plain line format (core has no YAML/JSON dependency): one directive per
 * line, {@code #} starts a comment, options are {@code key=value} words:
 *
 * <pre>
 * label click                        # required: 0/1 (or -1/+1, true/false) column
 * weight w                           # optional sample-weight column (finite, &gt;= 0)
 * group user                         # optional group column, e.g. the user for GAUC
 * delimiter ,                        # optional: , (default), tab, ; or |
 * field user categorical min_count=2
 * field item categorical buckets=1000000 hashes=2 seed=7
 * field tags multi pooling=mean separator=|
 * field price numeric log=true transform=standardize
 * field age numeric transform=bucketize boundaries=18,25,35,50
 * field income numeric transform=bucketize quantiles=8
 * field history sequence vocabulary=item max_length=50
 * field city categorical column=city_name
 * </pre>
 *
 * Errors name the schema file, line, field and the bad word.
 */
public record FeatureSchema(String label, String weight, String group, char delimiter, List<FieldSpec> fields) {

  public FeatureSchema {
    if (label == null || label.isEmpty()) {
      throw new IllegalArgumentException("a schema needs a label column ('label COLUMN')");
    }
    fields = List.copyOf(fields);
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a schema needs at least one field ('field NAME KIND ...')");
    }
    Set<String> names = new HashSet<>();
    for (FieldSpec f : fields) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("field named twice: " + f.name());
      }
    }
    for (FieldSpec f : fields) {
      if (f.kind() == FieldKind.SEQUENCE) {
        FieldSpec v = fields.stream().filter(g -> g.name().equals(f.vocabulary())).findFirst().orElse(null);
        if (v == null || v.kind() != FieldKind.CATEGORICAL) {
          throw new IllegalArgumentException("sequence field " + f.name() + ": vocabulary=" + f.vocabulary()
              + " must name a categorical field of the schema");
        }
      }
    }
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("delimiter must not be a quote or a line break");
    }
  }

  /** The field called {@code name}; an error listing the fields when there is none. */
  public FieldSpec field(String name) {
    for (FieldSpec f : fields) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown field '" + name + "'; fields: " + fields.stream().map(FieldSpec::name).toList());
  }

  public static FeatureSchema read(Path file) throws IOException {
    return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Parses schema text; {@code source} (may be null) names it in errors. */
  public static FeatureSchema parse(String source, String text) {
    String label = null;
    String weight = null;
    String group = null;
    char delimiter = ',';
    List<FieldSpec> fields = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int ln = 0; ln < lines.length; ln++) {
      String line = lines[ln];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] words = line.split("[ \t]+");
      long lineNo = ln + 1;
      String directive = words[0];
      switch (directive) {
        case "label", "weight", "group", "delimiter" -> {
          if (words.length != 2) {
            throw new DataFormatException(source, lineNo, directive, line, "expected '" + directive + " VALUE'");
          }
          switch (directive) {
            case "label" -> label = words[1];
            case "weight" -> weight = words[1];
            case "group" -> group = words[1];
            default -> delimiter = switch (words[1]) {
              case "tab", "\\t" -> '\t';
              case ",", ";", "|" -> words[1].charAt(0);
              default -> throw new DataFormatException(source, lineNo, "delimiter", words[1], "expected , tab ; or |");
            };
          }
        }
        case "field" -> fields.add(field(source, lineNo, line, words));
        default -> throw new DataFormatException(source, lineNo, null, directive, "unknown directive (label, weight, group, delimiter, field)");
      }
    }
    try {
      return new FeatureSchema(label, weight, group, delimiter, fields);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(source, 0, null, null, e.getMessage());
    }
  }

  private static FieldSpec field(String source, long lineNo, String line, String[] words) {
    if (words.length < 3) {
      throw new DataFormatException(source, lineNo, null, line, "expected 'field NAME KIND [key=value ...]'");
    }
    String name = words[1];
    FieldKind kind = FieldKind.parse(words[2]);
    if (kind == null) {
      throw new DataFormatException(source, lineNo, name, words[2], "unknown kind (categorical, multi, numeric, sequence)");
    }
    String column = name;
    int minCount = 1;
    int maxSize = 0;
    int buckets = 0;
    int hashes = 1;
    long seed = 0;
    String pooling = "sum";
    char separator = '|';
    boolean log = false;
    String transform = "raw";
    double[] boundaries = new double[0];
    int quantiles = 0;
    String vocabulary = null;
    int maxLength = 0;
    for (int w = 3; w < words.length; w++) {
      int eq = words[w].indexOf('=');
      if (eq <= 0) {
        throw new DataFormatException(source, lineNo, name, words[w], "expected key=value");
      }
      String key = words[w].substring(0, eq);
      String value = words[w].substring(eq + 1);
      try {
        switch (key) {
          case "column" -> column = value;
          case "min_count" -> minCount = Integer.parseInt(value);
          case "max_size" -> maxSize = Integer.parseInt(value);
          case "buckets" -> buckets = Integer.parseInt(value);
          case "hashes" -> hashes = Integer.parseInt(value);
          case "seed" -> seed = Long.parseLong(value);
          case "pooling" -> pooling = value;
          case "separator" -> {
            if (value.length() != 1) {
              throw new DataFormatException(source, lineNo, name, words[w], "separator must be one character");
            }
            separator = value.charAt(0);
          }
          case "log" -> {
            if (!value.equals("true") && !value.equals("false")) {
              throw new DataFormatException(source, lineNo, name, words[w], "log must be true or false");
            }
            log = value.equals("true");
          }
          case "transform" -> transform = value;
          case "boundaries" -> {
            String[] parts = value.split(",");
            boundaries = new double[parts.length];
            for (int b = 0; b < parts.length; b++) {
              boundaries[b] = Double.parseDouble(parts[b]);
            }
          }
          case "quantiles" -> quantiles = Integer.parseInt(value);
          case "vocabulary" -> vocabulary = value;
          case "max_length" -> maxLength = Integer.parseInt(value);
          default -> throw new DataFormatException(source, lineNo, name, words[w], "unknown option (column, min_count, max_size, buckets, "
              + "hashes, seed, pooling, separator, log, transform, boundaries, quantiles, vocabulary, max_length)");
        }
      } catch (NumberFormatException e) {
        throw new DataFormatException(source, lineNo, name, words[w], "not a number");
      }
    }
    try {
      return new FieldSpec(name, column, kind, minCount, maxSize, buckets, hashes, seed, pooling, separator, log, transform, boundaries,
          quantiles, vocabulary, maxLength);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(source, lineNo, name, line, e.getMessage());
    }
  }

  /** The schema text that {@link #parse} reads back to an equal schema. */
  public String toText() {
    StringBuilder sb = new StringBuilder("label ").append(label).append('\n');
    if (weight != null) {
      sb.append("weight ").append(weight).append('\n');
    }
    if (group != null) {
      sb.append("group ").append(group).append('\n');
    }
    sb.append("delimiter ").append(delimiter == '\t' ? "tab" : String.valueOf(delimiter)).append('\n');
    for (FieldSpec f : fields) {
      sb.append(f.toLine()).append('\n');
    }
    return sb.toString();
  }
}
