package dev.funnel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a peer script of {@code bench/peers} (PyTorch, gensim, ...) in the same benchmark run: its
 * progress lines are echoed, its one {@code ROW {json}} line is the result.
 */
public final class PythonPeer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PythonPeer() {}

  /**
   * Runs {@code python3 script args... --key value...} (one pair per entry of {@code params}) and
   * returns its ROW with {@code peer} set to {@code name}.
   *
   * @param debianPackage named in the error when the script fails (the usual cause: not installed)
   * @throws IllegalStateException if the script fails, times out or prints no ROW line
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> run(String name, Path script, List<String> args, Map<String, Object> params,
      String debianPackage) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Files.exists(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3",
        script.toString()));
    cmd.addAll(args);
    params.forEach((k, v) -> {
      cmd.add("--" + k);
      cmd.add(String.valueOf(v));
    });
    System.out.println("running peer " + name + ": " + String.join(" ", cmd));
    Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, Object> row = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("ROW ")) {
          row = JSON.readValue(line.substring(4), LinkedHashMap.class);
        } else {
          System.out.println("  [" + name + "] " + line);
        }
      }
    }
    try {
      if (!proc.waitFor(30, TimeUnit.MINUTES) || proc.exitValue() != 0 || row == null) {
        throw new IllegalStateException(name + " failed (exit " + (proc.isAlive() ? "timeout" : proc.exitValue())
            + "); is " + debianPackage + " installed? apt-get install -y " + debianPackage);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
    row.put("peer", name);
    return row;
  }
}
