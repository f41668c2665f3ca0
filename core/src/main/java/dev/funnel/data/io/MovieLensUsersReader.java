package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.IdMap;
import dev.funnel.data.ItemFeatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads MovieLens 100K {@code u.user} ({@code id|age|gender|occupation|zip}) into categorical user
 * features: {@code age} bucketed as MovieLens 1M does (under 18, 18-24, 25-34, 35-44, 45-49, 50-55,
 * 56+), {@code gender}, {@code occupation} and {@code zip} (its first character: a US region, or a
 * letter for a Canadian code). The result has the shape of {@link ItemFeatures} with user ids in
 * place of item ids (one value per field). As for items, users are looked up in the dataset's user
 * map and never added; rows of unknown users are counted in {@link ItemFeatures#unknownItems()}.
 */
public final class MovieLensUsersReader {
  /** The age bucket names, in order; a bucket is named by its lower bound. */
  public static final List<String> AGE_BUCKETS = List.of("1", "18", "25", "35", "45", "50", "56");
  private static final int[] AGE_LOWER = {0, 18, 25, 35, 45, 50, 56};

  private MovieLensUsersReader() {}

  /** The bucket of an age in years (see the class comment). */
  public static String ageBucket(int age) {
    int b = 0;
    while (b + 1 < AGE_LOWER.length && age >= AGE_LOWER[b + 1]) {
      b++;
    }
    return AGE_BUCKETS.get(b);
  }

  public static ItemFeatures read(Path path, IdMap users, BadLines.Recorder bad) {
    String file = path.toString();
    FieldSplitter fields = new FieldSplitter("|", false);
    ItemFeatures.FieldBuilder age = new ItemFeatures.FieldBuilder("age");
    ItemFeatures.FieldBuilder gender = new ItemFeatures.FieldBuilder("gender");
    ItemFeatures.FieldBuilder occupation = new ItemFeatures.FieldBuilder("occupation");
    ItemFeatures.FieldBuilder zip = new ItemFeatures.FieldBuilder("zip");
    long unknown = 0;
    boolean any = false;
    try (LineSource lines = new LineSource(path)) {
      while (lines.next()) {
        if (lines.blank()) {
          continue;
        }
        any = true;
        int n = fields.split(lines.buf(), lines.start(), lines.end());
        if (n != 5) {
          bad.record(new DataFormatException(file, lines.lineNumber(), null, DelimitedReader.lineText(lines),
              "wrong column count: expected 5 fields (id|age|gender|occupation|zip), found " + n));
          continue;
        }
        String ageText = fields.string(1, StandardCharsets.ISO_8859_1).trim();
        int years;
        try {
          years = Integer.parseInt(ageText);
        } catch (NumberFormatException e) {
          years = -1;
        }
        if (years < 0 || years > 150) {
          bad.record(new DataFormatException(file, lines.lineNumber(), "age", ageText, "not an age in years (0..150)"));
          continue;
        }
        String g = fields.string(2, StandardCharsets.ISO_8859_1).trim();
        String o = fields.string(3, StandardCharsets.ISO_8859_1).trim();
        String z = fields.string(4, StandardCharsets.ISO_8859_1).trim();
        if (g.isEmpty() || o.isEmpty() || z.isEmpty()) {
          String which = g.isEmpty() ? "gender" : o.isEmpty() ? "occupation" : "zip";
          bad.record(new DataFormatException(file, lines.lineNumber(), which, "", "must not be empty"));
          continue;
        }
        int user = users.get(fields.string(0, StandardCharsets.ISO_8859_1).trim());
        if (user < 0) {
          unknown++;
          continue;
        }
        age.add(user, ageBucket(years));
        gender.add(user, g);
        occupation.add(user, o);
        zip.add(user, z.substring(0, 1).toUpperCase(java.util.Locale.ROOT));
      }
    }
    if (!any) {
      throw new DataFormatException(file, 0, null, null, "empty file: no data lines");
    }
    int n = users.size();
    return new ItemFeatures(List.of(age.build(n), gender.build(n), occupation.build(n), zip.build(n)), n, unknown);
  }
}
