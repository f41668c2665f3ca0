package dev.funnel.rank.schema;

import dev.funnel.data.DataFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows as read, before encoding: per schema field a column of raw values (categorical cells as ids
 * into a per-field dictionary of the distinct strings, multi-valued cells as CSR token lists with
 * weights, numbers as floats with NaN for an empty cell), plus labels, optional weights and groups.
 * A {@link FeatureEncoder} is fitted on one table and encodes any table of the same schema; keeping
 * distinct strings once per field keeps a large file's table small.
 *
 * <p>Built row by row with {@link Builder}: a row is parsed and checked completely before any of it is
 * stored, so a bad row (reported with file, line, column and value) leaves no trace, and every row
 * accepted before it stays.
 */
public final class SampleTable {
  private final FeatureSchema schema;
  private final int rows;
  private final float[] labels;
  private final float[] weights;
  private final int[] groups;
  private final Column[] columns;

  private SampleTable(FeatureSchema schema, int rows, float[] labels, float[] weights, int[] groups, Column[] columns) {
    this.schema = schema;
    this.rows = rows;
    this.labels = labels;
    this.weights = weights;
    this.groups = groups;
    this.columns = columns;
  }

  public FeatureSchema schema() {
    return schema;
  }

  public int size() {
    return rows;
  }

  /** 0/1 labels (all 0 when the rows had no label column). */
  public float[] labels() {
    return labels;
  }

  /** Sample weights, null without a weight column. */
  public float[] weights() {
    return weights;
  }

  /** Group ids (equal strings, equal ids), null without a group column. */
  public int[] groups() {
    return groups;
  }

  Column column(int field) {
    return columns[field];
  }

  /** The distinct strings of a column and, per row, which (categorical) or which tokens (multi, sequence). */
  static final class Column {
    final List<String> strings = new ArrayList<>();
    final Map<String, Integer> ids = new HashMap<>();
    int[] cell = new int[256]; // categorical: string id, -1 when empty
    float[] numbers = new float[256]; // numeric: value (after log when the field asks), NaN when empty
    int[] ptr = new int[257]; // multi/sequence: row r's tokens are tokens[ptr[r] .. ptr[r+1])
    int[] tokens = new int[256];
    float[] tokenWeights = new float[256];
    int nTokens;

    int id(String s) {
      Integer id = ids.get(s);
      if (id == null) {
        id = strings.size();
        strings.add(s);
        ids.put(s, id);
      }
      return id;
    }
  }

  /** Builds a table from rows of cells laid out by a header. */
  public static final class Builder {
    private final FeatureSchema schema;
    private final int width;
    private final int labelAt;
    private final int weightAt;
    private final int groupAt;
    private final int[] fieldAt;
    private final Column[] columns;
    private final Column groupColumn = new Column();
    private int rows;
    private float[] labels = new float[256];
    private float[] weights;
    private int[] groups;
    // one row's parse, committed only when all of it is good
    private final float[] rowNumbers;
    private final List<List<String>> rowTokens = new ArrayList<>();
    private final List<float[]> rowTokenWeights = new ArrayList<>();

    /**
     * @param header the column names of the rows to come
     * @param labelled true: the label column must be there (training, evaluation); false: it may be
     *     missing (scoring), and labels are then 0
     * @param source names the input in errors (a file name; may be null)
     */
    public Builder(FeatureSchema schema, List<String> header, boolean labelled, String source) {
      this.schema = schema;
      this.width = header.size();
      labelAt = header.indexOf(schema.label());
      if (labelAt < 0 && labelled) {
        throw missing(source, "label", schema.label(), header);
      }
      weightAt = schema.weight() == null ? -1 : header.indexOf(schema.weight());
      if (schema.weight() != null && weightAt < 0) {
        throw missing(source, "weight", schema.weight(), header);
      }
      groupAt = schema.group() == null ? -1 : header.indexOf(schema.group());
      if (schema.group() != null && groupAt < 0) {
        throw missing(source, "group", schema.group(), header);
      }
      List<FieldSpec> fields = schema.fields();
      fieldAt = new int[fields.size()];
      columns = new Column[fields.size()];
      for (int f = 0; f < fieldAt.length; f++) {
        fieldAt[f] = header.indexOf(fields.get(f).column());
        if (fieldAt[f] < 0) {
          throw missing(source, fields.get(f).name(), fields.get(f).column(), header);
        }
        columns[f] = new Column();
        rowTokens.add(new ArrayList<>());
        rowTokenWeights.add(new float[8]);
      }
      rowNumbers = new float[fields.size()];
      if (weightAt >= 0) {
        weights = new float[256];
      }
      if (groupAt >= 0) {
        groups = new int[256];
      }
    }

    private static DataFormatException missing(String source, String field, String column, List<String> header) {
      return new DataFormatException(source, 1, field, column, "column not in the header " + header);
    }

    /** Rows added so far. */
    public int size() {
      return rows;
    }

    /**
     * Adds one row ({@code cells} in header order). A bad cell is a {@link DataFormatException} naming
     * {@code source}, {@code line}, the field and the cell; the row is then not added.
     */
    public void add(String[] cells, String source, long line) {
      if (cells.length != width) {
        throw new DataFormatException(source, line, null, String.join(String.valueOf(schema.delimiter()), cells),
            "wrong column count: expected " + width + ", found " + cells.length);
      }
      float label = labelAt < 0 ? 0f : switch (cells[labelAt].strip()) {
        case "1", "+1", "1.0", "true" -> 1f;
        case "0", "-1", "0.0", "-1.0", "false" -> 0f;
        default -> throw new DataFormatException(source, line, schema.label(), cells[labelAt], "label must be 0/1, -1/+1 or true/false");
      };
      float weight = 1f;
      if (weightAt >= 0) {
        weight = number(cells[weightAt]);
        if (!(weight >= 0) || Float.isInfinite(weight)) {
          throw new DataFormatException(source, line, schema.weight(), cells[weightAt], "weight must be a finite number >= 0");
        }
      }
      List<FieldSpec> fields = schema.fields();
      for (int f = 0; f < fieldAt.length; f++) {
        FieldSpec spec = fields.get(f);
        String cell = cells[fieldAt[f]].strip();
        switch (spec.kind()) {
          case NUMERIC -> rowNumbers[f] = numeric(spec, cell, source, line);
          case MULTI, SEQUENCE -> tokens(f, spec, cell, source, line);
          case CATEGORICAL -> { }
          default -> throw new IllegalStateException();
        }
      }
      // every cell is good: commit
      if (rows == labels.length) {
        int n = rows * 2;
        labels = Arrays.copyOf(labels, n);
        weights = weights == null ? null : Arrays.copyOf(weights, n);
        groups = groups == null ? null : Arrays.copyOf(groups, n);
      }
      labels[rows] = label;
      if (weights != null) {
        weights[rows] = weight;
      }
      if (groups != null) {
        groups[rows] = groupColumn.id(cells[groupAt].strip());
      }
      for (int f = 0; f < fieldAt.length; f++) {
        Column c = columns[f];
        switch (fields.get(f).kind()) {
          case CATEGORICAL -> {
            if (rows == c.cell.length) {
              c.cell = Arrays.copyOf(c.cell, rows * 2);
            }
            String cell = cells[fieldAt[f]].strip();
            c.cell[rows] = cell.isEmpty() ? -1 : c.id(cell);
          }
          case NUMERIC -> {
            if (rows == c.numbers.length) {
              c.numbers = Arrays.copyOf(c.numbers, rows * 2);
            }
            c.numbers[rows] = rowNumbers[f];
          }
          case MULTI, SEQUENCE -> {
            List<String> toks = rowTokens.get(f);
            float[] tw = rowTokenWeights.get(f);
            if (rows + 1 >= c.ptr.length) {
              c.ptr = Arrays.copyOf(c.ptr, c.ptr.length * 2);
            }
            if (c.nTokens + toks.size() > c.tokens.length) {
              int n = Math.max(c.tokens.length * 2, c.nTokens + toks.size());
              c.tokens = Arrays.copyOf(c.tokens, n);
              c.tokenWeights = Arrays.copyOf(c.tokenWeights, n);
            }
            for (int t = 0; t < toks.size(); t++) {
              c.tokens[c.nTokens] = c.id(toks.get(t));
              c.tokenWeights[c.nTokens] = tw[t];
              c.nTokens++;
            }
            c.ptr[rows + 1] = c.nTokens;
          }
          default -> throw new IllegalStateException();
        }
      }
      rows++;
    }

    private float numeric(FieldSpec spec, String cell, String source, long line) {
      if (cell.isEmpty()) {
        return Float.NaN;
      }
      float x = number(cell);
      if (!Float.isFinite(x)) {
        throw new DataFormatException(source, line, spec.name(), cell, "not a finite number");
      }
      if (spec.log()) {
        if (x < 0) {
          throw new DataFormatException(source, line, spec.name(), cell, "log=true needs a value >= 0");
        }
        x = (float) Math.log1p(x);
      }
      return x;
    }

    /** Splits a multi-valued cell into this row's scratch tokens: {@code a|b:0.5|c}, empty parts skipped. */
    private void tokens(int f, FieldSpec spec, String cell, String source, long line) {
      List<String> toks = rowTokens.get(f);
      toks.clear();
      float[] tw = rowTokenWeights.get(f);
      int from = 0;
      while (from <= cell.length()) {
        int to = cell.indexOf(spec.separator(), from);
        if (to < 0) {
          to = cell.length();
        }
        String part = cell.substring(from, to).strip();
        from = to + 1;
        if (part.isEmpty()) {
          continue;
        }
        float w = 1f;
        int colon = part.lastIndexOf(':');
        if (colon >= 0) {
          w = number(part.substring(colon + 1));
          if (!Float.isFinite(w) || w < 0 || colon == 0) {
            throw new DataFormatException(source, line, spec.name(), part, "expected value or value:weight with a finite weight >= 0");
          }
          part = part.substring(0, colon).strip();
        }
        if (toks.size() == tw.length) {
          tw = Arrays.copyOf(tw, tw.length * 2);
          rowTokenWeights.set(f, tw);
        }
        tw[toks.size()] = w;
        toks.add(part);
      }
      if (spec.kind() == FieldKind.SEQUENCE && spec.maxLength() > 0 && toks.size() > spec.maxLength()) {
        int drop = toks.size() - spec.maxLength(); // keep the most recent (last) entries
        System.arraycopy(tw, drop, tw, 0, spec.maxLength());
        toks.subList(0, drop).clear();
      }
    }

    private static float number(String s) {
      try {
        return Float.parseFloat(s.strip());
      } catch (NumberFormatException e) {
        return Float.NaN;
      }
    }

    public SampleTable build() {
      for (Column c : columns) {
        c.cell = Arrays.copyOf(c.cell, rows);
        c.numbers = Arrays.copyOf(c.numbers, rows);
        c.ptr = Arrays.copyOf(c.ptr, rows + 1);
      }
      return new SampleTable(schema, rows, Arrays.copyOf(labels, rows), weights == null ? null : Arrays.copyOf(weights, rows),
          groups == null ? null : Arrays.copyOf(groups, rows), columns.clone());
    }
  }
}
