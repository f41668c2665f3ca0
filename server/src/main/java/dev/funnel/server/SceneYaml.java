package dev.funnel.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.funnel.pipeline.SceneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads one scene file into the plain map {@link dev.funnel.pipeline.SceneBuilder} validates: the
 * server's scene folder and {@code funnel eval --scene} read scenes the same way. Duplicate keys are
 * refused (a second {@code rank:} would silently win otherwise); errors name the file and, for bad
 * YAML, the line and column.
 */
public final class SceneYaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private SceneYaml() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new SceneException(file.toString(), null, null, "no such scene file");
    }
    Object tree;
    try {
      tree = YAML.readValue(file.toFile(), Object.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new SceneException(file.toString(), null, null, "not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new SceneException(file.toString(), null, null, "cannot read: " + e.getMessage());
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new SceneException(file.toString(), null, tree == null ? null : String.valueOf(tree), "a scene file must be a YAML mapping");
    }
    return (Map<String, Object>) tree;
  }
}
