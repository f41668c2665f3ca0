package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.DataFormatException;
import dev.funnel.data.EventTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads MovieLens ratings into events of type {@code rating} with the rating as value and the
 * timestamp in epoch milliseconds. The layout is chosen by file name:
 * {@code u.data} (ML-100K, tab: user item rating ts), {@code ratings.dat} (ML-1M/10M,
 * {@code user::item::rating::ts}), {@code ratings.csv} (ML-20M/25M/latest, header
 * {@code userId,movieId,rating,timestamp}). Given a directory, the first of these present is read.
 */
public final class MovieLensReader {
  public static final String TYPE = "rating";
  private static final String[] NAMES = {"ratings.csv", "ratings.dat", "u.data"};
  private static final Map<String, String> POSITIONS = Map.of("user", "0", "item", "1", "value", "2", "timestamp", "3");

  private MovieLensReader() {}

  /** The ratings file of a MovieLens directory, or the path itself when it is a file. */
  public static Path ratingsFile(Path pathOrDir) {
    if (!Files.isDirectory(pathOrDir)) {
      return pathOrDir;
    }
    for (String n : NAMES) {
      Path p = pathOrDir.resolve(n);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataFormatException(pathOrDir.toString(), 0, null, null, "no MovieLens ratings file (ratings.csv, ratings.dat or u.data) in directory");
  }

  public static void read(Path pathOrDir, EventTable into, BadLines.Recorder bad) {
    Path file = ratingsFile(pathOrDir);
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file.toString(), 0, null, null, "no such file");
    }
    String name = file.getFileName().toString();
    DelimitedReader.Format f;
    if (name.endsWith(".csv")) {
      f = new DelimitedReader.Format(",", true, Map.of("user", "userId", "item", "movieId", "value", "rating", "timestamp", "timestamp"), TYPE,
          StandardCharsets.UTF_8);
    } else if (name.endsWith(".dat")) {
      f = new DelimitedReader.Format("::", false, POSITIONS, TYPE, StandardCharsets.UTF_8);
    } else if (name.equals("u.data") || (name.startsWith("u") && (name.endsWith(".base") || name.endsWith(".test")))) {
      f = new DelimitedReader.Format("\t", false, POSITIONS, TYPE, StandardCharsets.UTF_8);
    } else {
      // Unknown name: let the delimiter be detected, positions as in every MovieLens layout.
      f = new DelimitedReader.Format(null, null, Map.of(), TYPE, StandardCharsets.UTF_8);
    }
    DelimitedReader.read(file, into, f, bad);
  }
}
