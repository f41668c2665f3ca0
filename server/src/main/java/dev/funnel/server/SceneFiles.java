package dev.funnel.server;

import dev.funnel.pipeline.Pipeline;
import dev.funnel.pipeline.SceneBuilder;
import dev.funnel.pipeline.SceneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The scenes of a folder: every {@code *.yaml} / {@code *.yml} file is one scene, built through
 * {@link SceneBuilder} (stages from the registry). All or nothing: the first bad file fails the load
 * with a {@link SceneException} naming the file, the key and the value, so a server never starts (or
 * reloads) with half its scenes.
 */
final class SceneFiles {
  private SceneFiles() {}

  /** Scene name -> pipeline (sorted by name); empty when the folder does not exist. */
  static Map<String, Pipeline> load(Path dir, SceneBuilder builder) {
    if (!Files.isDirectory(dir)) {
      return Map.of();
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the scenes folder " + dir + ": " + e.getMessage(), e);
    }
    Map<String, Pipeline> out = new TreeMap<>();
    Map<String, Path> from = new LinkedHashMap<>();
    for (Path file : files) {
      Map<String, Object> scene = SceneYaml.read(file);
      if (dev.funnel.pipeline.experiment.Experiment.isExperiment(scene)) {
        continue; // loaded by loadExperiments
      }
      Pipeline p = builder.build(file.toString(), scene);
      Path other = from.put(p.name(), file);
      if (other != null) {
        throw new SceneException(file.toString(), "name", p.name(), "scene name already used by " + other);
      }
      out.put(p.name(), p);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The experiment scenes of a folder (files with an {@code experiment} key; {@link #load} skips them),
   * by scene name. Variant files are read relative to the folder (keep them in a sub-folder, such as
   * {@code variants/}, so they do not also serve as scenes of their own). All or nothing, like {@link #load}.
   */
  static Map<String, dev.funnel.pipeline.experiment.Experiment> loadExperiments(Path dir, SceneBuilder builder, java.util.Set<String> plainScenes) {
    if (!Files.isDirectory(dir)) {
      return Map.of();
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the scenes folder " + dir + ": " + e.getMessage(), e);
    }
    Map<String, dev.funnel.pipeline.experiment.Experiment> out = new TreeMap<>();
    Map<String, String> names = new java.util.HashMap<>();
    for (Path file : files) {
      Map<String, Object> scene = SceneYaml.read(file);
      if (!dev.funnel.pipeline.experiment.Experiment.isExperiment(scene)) {
        continue;
      }
      var e = dev.funnel.pipeline.experiment.Experiment.build(file.toString(), scene, builder, rel -> {
        Path v = dir.resolve(rel).normalize();
        return Map.entry(v.toString(), SceneYaml.read(v));
      });
      if (plainScenes.contains(e.scene()) || out.containsKey(e.scene())) {
        throw new SceneException(file.toString(), "name", e.scene(), "scene name already used by another scene file");
      }
      String other = names.put(e.name(), file.toString());
      if (other != null) {
        throw new SceneException(file.toString(), "experiment.name", e.name(), "experiment name already used by " + other);
      }
      out.put(e.scene(), e);
    }
    return Collections.unmodifiableMap(out);
  }
}
