package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.IdMap;
import dev.funnel.data.ItemFeatures;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads item features. Items are looked up in the dataset's item map and never added: a feature
 * row alone gives no training signal, and adding items would widen every matrix after the fact.
 * Rows of unknown items are skipped and counted in {@link ItemFeatures#unknownItems()}.
 */
public final class ItemFeaturesReader {
  /** The 19 MovieLens 100K genres in u.item flag order (as listed in u.genre). */
  public static final List<String> MOVIELENS_GENRES = List.of("unknown", "Action", "Adventure", "Animation", "Children's", "Comedy",
      "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War",
      "Western");

  private ItemFeaturesReader() {}

  /**
   * Reads a CSV (or TSV, detected) with header {@code item,<field>,<field>...}; a cell holds zero or
   * more values separated by {@code |}, e.g. {@code 42,Action|Comedy,funny|classic}.
   */
  public static ItemFeatures readCsv(Path path, IdMap items, BadLines.Recorder bad) {
    String file = path.toString();
    try (LineSource lines = new LineSource(path)) {
      if (!DelimitedReader.nextNonBlank(lines)) {
        throw new DataFormatException(file, 0, null, null, "empty file: no header");
      }
      String d = DelimitedReader.detectDelimiter(lines.buf(), lines.start(), lines.end());
      if (d.equals("|")) {
        d = ","; // '|' separates values inside a cell
      }
      FieldSplitter fields = new FieldSplitter(d, true);
      int width = fields.split(lines.buf(), lines.start(), lines.end());
      if (width < 2) {
        throw new DataFormatException(file, lines.lineNumber(), null, DelimitedReader.lineText(lines),
            "header must be item,<field>,...");
      }
      List<ItemFeatures.FieldBuilder> builders = new ArrayList<>();
      for (int k = 1; k < width; k++) {
        builders.add(new ItemFeatures.FieldBuilder(fields.string(k, StandardCharsets.UTF_8).trim()));
      }
      long unknown = 0;
      while (lines.next()) {
        if (lines.blank()) {
          continue;
        }
        int n = fields.split(lines.buf(), lines.start(), lines.end());
        if (n != width) {
          bad.record(new DataFormatException(file, lines.lineNumber(), null, DelimitedReader.lineText(lines),
              n < 0 ? "malformed quoted field (unclosed quote, or text after the closing quote)" : "wrong column count: expected " + width + " fields, found " + n));
          continue;
        }
        int item = items.get(fields.string(0, StandardCharsets.UTF_8).trim());
        if (item < 0) {
          unknown++;
          continue;
        }
        for (int k = 1; k < width; k++) {
          addValues(builders.get(k - 1), item, fields.string(k, StandardCharsets.UTF_8));
        }
      }
      return build(builders, items.size(), unknown);
    }
  }

  private static void addValues(ItemFeatures.FieldBuilder b, int item, String cell) {
    int from = 0;
    while (from <= cell.length()) {
      int bar = cell.indexOf('|', from);
      int to = bar < 0 ? cell.length() : bar;
      String v = cell.substring(from, to).trim();
      if (!v.isEmpty()) {
        b.add(item, v);
      }
      from = to + 1;
    }
  }

  /**
   * Reads MovieLens 100K {@code u.item} (pipe-separated, Latin-1: id|title|date|video date|url|19
   * genre flags) into field {@code genre}.
   */
  public static ItemFeatures readMovieLensGenres(Path path, IdMap items, BadLines.Recorder bad) {
    String file = path.toString();
    Charset latin1 = StandardCharsets.ISO_8859_1;
    FieldSplitter fields = new FieldSplitter("|", false);
    ItemFeatures.FieldBuilder genre = new ItemFeatures.FieldBuilder("genre");
    long unknown = 0;
    int width = 5 + MOVIELENS_GENRES.size();
    boolean any = false;
    try (LineSource lines = new LineSource(path)) {
      while (lines.next()) {
        if (lines.blank()) {
          continue;
        }
        any = true;
        byte[] b = lines.buf();
        int n = fields.split(b, lines.start(), lines.end());
        if (n != width) {
          bad.record(new DataFormatException(file, lines.lineNumber(), null, new String(b, lines.start(), lines.end() - lines.start(), latin1),
              "wrong column count: expected " + width + " fields, found " + n));
          continue;
        }
        int badFlag = -1;
        for (int g = 0; g < MOVIELENS_GENRES.size(); g++) {
          int k = 5 + g;
          if (fields.end(k) - fields.start(k) != 1 || (b[fields.start(k)] != '0' && b[fields.start(k)] != '1')) {
            badFlag = g;
            break;
          }
        }
        if (badFlag >= 0) {
          bad.record(new DataFormatException(file, lines.lineNumber(), MOVIELENS_GENRES.get(badFlag), fields.string(5 + badFlag, latin1),
              "genre flag must be 0 or 1"));
          continue;
        }
        int item = items.get(fields.string(0, latin1));
        if (item < 0) {
          unknown++;
          continue;
        }
        for (int g = 0; g < MOVIELENS_GENRES.size(); g++) {
          if (b[fields.start(5 + g)] == '1') {
            genre.add(item, MOVIELENS_GENRES.get(g));
          }
        }
      }
    }
    if (!any) {
      throw new DataFormatException(file, 0, null, null, "empty file: no data lines");
    }
    return build(List.of(genre), items.size(), unknown);
  }

  private static ItemFeatures build(List<ItemFeatures.FieldBuilder> builders, int numItems, long unknown) {
    List<ItemFeatures.Field> out = new ArrayList<>();
    for (ItemFeatures.FieldBuilder b : builders) {
      out.add(b.build(numItems));
    }
    return new ItemFeatures(out, numItems, unknown);
  }
}
