package dev.funnel.server;

import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Loads every model file ({@code *.fnl}) of a directory, named by file name without the suffix. */
public final class ModelDirectory {
  private ModelDirectory() {}

  /**
   * The models of {@code dir} by name, sorted by name.
   *
   * @throws UncheckedIOException if the directory cannot be listed or a file cannot be read (the
   *     message names the file and why)
   * @throws IllegalArgumentException if the directory holds no model file
   */
  public static Map<String, SavedModel> load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("model directory " + dir + " does not exist or is not a directory");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> p.getFileName().toString().endsWith(ModelFile.SUFFIX) && Files.isRegularFile(p)).forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list model directory " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no model files (*" + ModelFile.SUFFIX + ") in " + dir);
    }
    Collections.sort(files);
    Map<String, SavedModel> models = new LinkedHashMap<>();
    for (Path file : files) {
      String fileName = file.getFileName().toString();
      String name = fileName.substring(0, fileName.length() - ModelFile.SUFFIX.length());
      if (name.isEmpty()) {
        throw new IllegalArgumentException("model file " + file + " has no name before " + ModelFile.SUFFIX);
      }
      try {
        models.put(name, ModelFile.read(file));
      } catch (IOException e) {
        // ModelFile.read(Path) already prefixes the path.
        throw new UncheckedIOException("cannot load model '" + name + "': " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cannot load model '" + name + "' from " + file + ": " + e.getMessage(), e);
      }
    }
    return Collections.unmodifiableMap(models);
  }
}
