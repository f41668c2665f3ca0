package dev.funnel.data;

/**
 * Bad input data: names the file, the 1-based line (0 when not about one line), the field and the
 * offending value, so a user can find and fix it. The message reads like a compiler error:
 * {@code ratings.csv:17: field 'timestamp': not a number: 'abc'}.
 *
 * <p>{@link #file()} is the path as given; the message shows only its file name to stay short.
 */
public class DataFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final String field;
  private final String value;

  /**
   * @param file the path of the file (may be null when not about a file)
   * @param line 1-based line number, 0 when not about a line
   * @param field the field name (may be null)
   * @param value the offending value as read (may be null)
   * @param problem what is wrong, e.g. "not a number"
   */
  public DataFormatException(String file, long line, String field, String value, String problem) {
    super(format(file, line, field, value, problem));
    this.file = file;
    this.line = line;
    this.field = field;
    this.value = value;
  }

  private static String format(String file, long line, String field, String value, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(shortName(file));
      if (line > 0) {
        sb.append(':').append(line);
      }
      sb.append(": ");
    }
    if (field != null) {
      sb.append("field '").append(field).append("': ");
    }
    sb.append(problem);
    if (value != null) {
      sb.append(": '").append(abbreviate(value)).append('\'');
    }
    return sb.toString();
  }

  private static String shortName(String file) {
    int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
    return slash >= 0 && slash < file.length() - 1 ? file.substring(slash + 1) : file;
  }

  /** Long lines are cut so one bad line cannot flood a log. */
  private static String abbreviate(String v) {
    return v.length() <= 200 ? v : v.substring(0, 200) + "...(" + v.length() + " chars)";
  }

  public String file() {
    return file;
  }

  /** 1-based line number, 0 if not applicable. */
  public long line() {
    return line;
  }

  public String field() {
    return field;
  }

  public String value() {
    return value;
  }
}
