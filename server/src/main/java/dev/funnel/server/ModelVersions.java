package dev.funnel.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The model versions of a data directory, per model name (layout in {@code docs/formats.md}, "Model
 * versions"):
 *
 * <pre>
 * models/NAME.fnl               the seed: a model file trained elsewhere (version 0; optional)
 * models/NAME/manifest.json     which version serves, every kept version's facts, the last decision
 * models/NAME/v000012.fnl       version 12
 * </pre>
 *
 * A model file is written (and fsync'd) before the manifest that names it, and the manifest is
 * replaced atomically (temporary file, fsync, rename), so a crash leaves either the old or the new
 * manifest and every version it names is complete. A swap to a version the manifest already names
 * (a rollback) only updates {@code models/NAME/serving.ptr} in place ({@link ServingPointer}): one
 * device flush at the swap instead of the manifest's three or four. The last {@code keep} versions are kept, plus the
 * serving one whatever its age.
 *
 * <p>Thread-safe (one lock per store; writes are rare).
 */
public final class ModelVersions {
  static final String MANIFEST = "manifest.json";
  /** 2: {@code serving_seq} and {@code serving.ptr}; format 1 is read (no pointer). */
  static final int FORMAT = 2;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  /**
   * One version's facts as the manifest keeps them.
   *
   * @param version 1, 2, ...; 0 is the seed model file
   * @param createdAt epoch ms (the seed: its file's modification time)
   * @param algorithm the registry name it was trained with
   * @param logPosition the log position (sequence) of the snapshot it was trained on; 0 for the seed
   * @param events positive events in that snapshot
   * @param users users in its training data
   * @param items items in its training data
   * @param metrics the candidate's holdout metrics (empty without a holdout)
   * @param decision why it was promoted (or rolled back to)
   */
  public record Version(long version, long createdAt, String algorithm, long logPosition, long events, int users, int items,
      Map<String, Double> metrics, String decision) {
    public String fileName() {
      return fileName(version);
    }

    static String fileName(long version) {
      return String.format("v%06d%s", version, ModelFile.SUFFIX);
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", version);
      m.put("created_at", Instant.ofEpochMilli(createdAt).toString());
      m.put("algorithm", algorithm);
      m.put("log_position", logPosition);
      m.put("events", events);
      m.put("users", users);
      m.put("items", items);
      m.put("metrics", metrics);
      m.put("decision", decision);
      return m;
    }

    @SuppressWarnings("unchecked")
    static Version fromMap(Map<String, Object> m, Path manifest) {
      try {
        Map<String, Double> metrics = new LinkedHashMap<>();
        ((Map<String, Object>) m.getOrDefault("metrics", Map.of())).forEach((k, v) -> metrics.put(k, ((Number) v).doubleValue()));
        return new Version(((Number) m.get("version")).longValue(), Instant.parse((String) m.get("created_at")).toEpochMilli(),
            (String) m.get("algorithm"), ((Number) m.get("log_position")).longValue(), ((Number) m.get("events")).longValue(),
            ((Number) m.get("users")).intValue(), ((Number) m.get("items")).intValue(), metrics, (String) m.get("decision"));
      } catch (RuntimeException e) {
        throw new IllegalStateException(manifest + ": bad version entry " + m + ": " + e, e);
      }
    }
  }

  /** A training attempt's result, kept in the manifest whether or not it was promoted. */
  public record Attempt(long at, boolean promoted, Long version, long logPosition, String reason, double seconds) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", Instant.ofEpochMilli(at).toString());
      m.put("promoted", promoted);
      m.put("version", version);
      m.put("log_position", logPosition);
      m.put("reason", reason);
      m.put("seconds", Math.round(seconds * 1000) / 1000.0);
      return m;
    }

    static Attempt fromMap(Map<String, Object> m) {
      Object v = m.get("version");
      return new Attempt(Instant.parse((String) m.get("at")).toEpochMilli(), Boolean.TRUE.equals(m.get("promoted")),
          v == null ? null : ((Number) v).longValue(), ((Number) m.get("log_position")).longValue(), (String) m.get("reason"),
          ((Number) m.get("seconds")).doubleValue());
    }
  }

  /** One model's manifest. */
  private static final class Manifest {
    long serving;
    /** The serving pointer's sequence the manifest has seen: a pointer slot wins only with a higher one. */
    long servingSeq;
    final TreeMap<Long, Version> versions = new TreeMap<>();
    Attempt lastAttempt;
    /** Users erased while a version on disk still held them; cleared by {@link #purge}. */
    final TreeSet<String> pendingErasures = new TreeSet<>();
  }

  private final Path root;
  private final Path seeds;
  private volatile int keep;
  private final Map<String, Manifest> manifests = new TreeMap<>();

  private ModelVersions(Path root, Path seeds, int keep) {
    this.root = root;
    this.seeds = seeds;
    this.keep = keep;
  }

  /**
   * Opens the versions under {@code root} (the data directory's {@code models}); seed model files
   * ({@code NAME.fnl}) are read from {@code seeds} (usually the same folder).
   *
   * @param keep how many versions per model to keep on disk (the serving one is always kept)
   * @throws IllegalArgumentException when there is neither a seed nor a versioned model
   * @throws IllegalStateException when a manifest cannot be read (naming it)
   */
  public static ModelVersions open(Path root, Path seeds, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1; keep=" + keep);
    }
    ModelVersions v = new ModelVersions(root, seeds, keep);
    TreeSet<String> names = new TreeSet<>();
    if (Files.isDirectory(seeds)) {
      names.addAll(list(seeds, p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(ModelFile.SUFFIX),
          n -> n.substring(0, n.length() - ModelFile.SUFFIX.length())));
    }
    if (Files.isDirectory(root)) {
      names.addAll(list(root, p -> Files.isRegularFile(p.resolve(MANIFEST)), n -> n));
    }
    names.remove("");
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no model files (*" + ModelFile.SUFFIX + ") in " + seeds + " and no model versions in " + root);
    }
    for (String name : names) {
      v.manifests.put(name, v.readManifest(name));
    }
    return v;
  }

  private static List<String> list(Path dir, java.util.function.Predicate<Path> keep, java.util.function.UnaryOperator<String> name) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(keep).map(p -> name.apply(p.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private Manifest readManifest(String name) {
    Manifest m = new Manifest();
    Path file = root.resolve(name).resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return m;
    }
    try {
      Map<String, Object> doc = JSON.readValue(file.toFile(), OBJECT);
      int format = ((Number) doc.getOrDefault("format", 0)).intValue();
      if (format < 1 || format > FORMAT) {
        throw new IllegalStateException(file + ": manifest format " + format + " is not supported (this engine reads 1.." + FORMAT + ")");
      }
      m.serving = ((Number) doc.get("serving")).longValue();
      m.servingSeq = ((Number) doc.getOrDefault("serving_seq", 0)).longValue();
      for (Map<String, Object> e : (List<Map<String, Object>>) doc.getOrDefault("versions", List.of())) {
        Version ver = Version.fromMap(e, file);
        m.versions.put(ver.version(), ver);
      }
      m.pendingErasures.addAll((List<String>) doc.getOrDefault("pending_erasures", List.of()));
      Object last = doc.get("last_attempt");
      if (last != null) {
        m.lastAttempt = Attempt.fromMap((Map<String, Object>) last);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read model manifest " + file + ": " + e.getMessage(), e);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalStateException("model manifest " + file + " is malformed: " + e, e);
    }
    if (m.serving != 0 && !m.versions.containsKey(m.serving)) {
      throw new IllegalStateException(file + ": serving version " + m.serving + " is not among its versions " + m.versions.keySet());
    }
    Path pointer = file.resolveSibling(ServingPointer.FILE);
    ServingPointer.read(pointer).filter(e -> e.seq() > m.servingSeq).ifPresent(e -> {
      if (e.version() != 0 && !m.versions.containsKey(e.version())) {
        throw new IllegalStateException(pointer + ": serving version " + e.version() + " (sequence " + e.seq()
            + ") is not among the versions of " + file + ": " + m.versions.keySet());
      }
      m.serving = e.version();
      m.servingSeq = e.seq();
    });
    return m;
  }

  /** Sets how many versions per model are kept from the next new version on. */
  public void keep(int versions) {
    if (versions < 1) {
      throw new IllegalArgumentException("keep must be >= 1; keep=" + versions);
    }
    keep = versions;
  }

  /** Model names, sorted. */
  public synchronized List<String> names() {
    return List.copyOf(manifests.keySet());
  }

  public synchronized boolean has(String name) {
    return manifests.containsKey(name);
  }

  /** The serving version number (0: the seed file). */
  public synchronized long serving(String name) {
    return manifest(name).serving;
  }

  /** The facts of a version (the seed's are derived from its file), if it exists. */
  public synchronized Optional<Version> version(String name, long version) {
    if (version == 0) {
      Path seed = seedFile(name);
      if (!Files.isRegularFile(seed)) {
        return Optional.empty();
      }
      long mtime;
      try {
        mtime = Files.getLastModifiedTime(seed).toMillis();
      } catch (IOException e) {
        mtime = 0;
      }
      return Optional.of(new Version(0, mtime, null, 0, 0, 0, 0, Map.of(), "seed model file " + seed.getFileName()));
    }
    return Optional.ofNullable(manifest(name).versions.get(version));
  }

  /** Every version on disk, oldest first, the seed (0) included when its file exists. */
  public synchronized List<Version> versions(String name) {
    List<Version> out = new ArrayList<>();
    version(name, 0).ifPresent(out::add);
    out.addAll(manifest(name).versions.values());
    return out;
  }

  public synchronized Optional<Attempt> lastAttempt(String name) {
    return Optional.ofNullable(manifest(name).lastAttempt);
  }

  /** Reads a version's model file. */
  public SavedModel load(String name, long version) {
    Path file = file(name, version);
    try {
      return ModelFile.read(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load version " + version + " of model '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The serving model of every name, by name. */
  public Map<String, SavedModel> loadServing() {
    Map<String, SavedModel> out = new LinkedHashMap<>();
    for (String name : names()) {
      out.put(name, load(name, serving(name)));
    }
    return out;
  }

  /**
   * Writes {@code model} as the next version of {@code name} and makes it the serving one in the
   * manifest; prunes versions beyond {@code keep}.
   *
   * @return the new version's facts
   */
  public synchronized Version addServing(String name, SavedModel model, long logPosition, long events, Map<String, Double> metrics,
      Attempt attempt) {
    Manifest m = manifest(name);
    long next = Math.max(m.versions.isEmpty() ? 0 : m.versions.lastKey(), m.serving) + 1;
    Path dir = dir(name);
    Path file = dir.resolve(Version.fileName(next));
    try {
      Files.createDirectories(dir);
      ModelFile.write(file, model);
      force(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    Version v = new Version(next, System.currentTimeMillis(), model.model().algorithm(), logPosition, events, model.users().size(),
        model.items().size(), Map.copyOf(metrics), attempt.reason());
    m.versions.put(next, v);
    long before = m.serving;
    m.serving = next;
    m.lastAttempt = new Attempt(attempt.at(), true, next, logPosition, attempt.reason(), attempt.seconds());
    try {
      writeManifest(name, m);
    } catch (RuntimeException e) {
      m.versions.remove(next);
      m.serving = before;
      throw e;
    }
    prune(name, m);
    return v;
  }

  /** Records a training attempt that was not promoted. */
  public synchronized void recordRejected(String name, Attempt attempt) {
    Manifest m = manifest(name);
    m.lastAttempt = attempt;
    writeManifest(name, m);
  }

  /** Makes {@code version} the serving one in the manifest (the caller has loaded and swapped it in). */
  public synchronized void setServing(String name, long version) {
    Manifest m = manifest(name);
    if (version(name, version).isEmpty()) {
      throw new IllegalArgumentException("model '" + name + "' has no version " + version + "; versions: " + numbers(name));
    }
    Path pointer = dir(name).resolve(ServingPointer.FILE);
    if (Files.exists(pointer)) {
      ServingPointer.write(pointer, m.servingSeq + 1, version);
      m.servingSeq++;
      m.serving = version;
      return;
    }
    long before = m.serving;
    m.serving = version;
    try {
      writeManifest(name, m);
    } catch (RuntimeException e) {
      m.serving = before;
      throw e;
    }
  }

  /**
   * The versions on disk whose training data held {@code user} (read from each file's head), oldest
   * first.
   */
  public synchronized List<Long> versionsWithUser(String name, String user) {
    List<Long> out = new ArrayList<>();
    for (Version v : versions(name)) {
      Path file = file(name, v.version());
      try {
        if (ModelFile.readUsers(file).get(user) >= 0) {
          out.add(v.version());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the users of " + file + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Records durably that {@code user} was erased while a version of {@code name} on disk held them,
   * so that until {@link #purge} the user is not answered by those versions, also after a restart.
   */
  public synchronized void addPendingErasure(String name, String user) {
    Manifest m = manifest(name);
    if (m.pendingErasures.add(user)) {
      try {
        writeManifest(name, m);
      } catch (RuntimeException e) {
        m.pendingErasures.remove(user);
        throw e;
      }
    }
  }

  /** The erased users some version of {@code name} on disk may still hold. */
  public synchronized java.util.Set<String> pendingErasures(String name) {
    return java.util.Set.copyOf(manifest(name).pendingErasures);
  }

  /**
   * The serving version was trained without {@code users}: deletes every other version whose
   * training data held any of them (the seed file too, when it lives in the data directory), then
   * forgets them as pending. Rollback can then never bring an erased user's data back.
   *
   * @return the versions deleted, oldest first
   */
  public synchronized List<Long> purge(String name, java.util.Set<String> users) {
    Manifest m = manifest(name);
    List<Long> deleted = new ArrayList<>();
    for (Version v : versions(name)) {
      if (v.version() == m.serving) {
        continue;
      }
      Path file = file(name, v.version());
      boolean holds;
      try {
        dev.funnel.data.IdMap held = ModelFile.readUsers(file);
        holds = users.stream().anyMatch(u -> held.get(u) >= 0);
      } catch (IOException e) {
        holds = true; // unreadable: it cannot be shown not to hold them
      }
      if (!holds) {
        continue;
      }
      if (v.version() == 0 && !seeds.toAbsolutePath().normalize().equals(root.toAbsolutePath().normalize())) {
        System.getLogger(ModelVersions.class.getName()).log(System.Logger.Level.WARNING, "the seed model file " + file
            + " outside the data directory holds erased users; it is not served again, but delete it yourself");
        continue;
      }
      m.versions.remove(v.version());
      writeManifest(name, m);
      try {
        Files.deleteIfExists(file);
        deleted.add(v.version());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + file + ", which holds erased users: " + e.getMessage(), e);
      }
    }
    m.pendingErasures.removeAll(users);
    writeManifest(name, m);
    return deleted;
  }

  private Path file(String name, long version) {
    return version == 0 ? seedFile(name) : dir(name).resolve(Version.fileName(version));
  }

  /** The version numbers on disk, oldest first. */
  public synchronized List<Long> numbers(String name) {
    return versions(name).stream().map(Version::version).toList();
  }

  private Manifest manifest(String name) {
    Manifest m = manifests.get(name);
    if (m == null) {
      throw new IllegalArgumentException("unknown model '" + name + "'; models: " + String.join(", ", manifests.keySet()));
    }
    return m;
  }

  private Path dir(String name) {
    return root.resolve(name);
  }

  private Path seedFile(String name) {
    return seeds.resolve(name + ModelFile.SUFFIX);
  }

  private void prune(String name, Manifest m) {
    while (m.versions.size() > keep) {
      Long oldest = m.versions.firstKey();
      if (oldest == m.serving) {
        oldest = m.versions.higherKey(oldest);
        if (oldest == null) {
          break;
        }
      }
      m.versions.remove(oldest);
      writeManifest(name, m);
      try {
        Files.deleteIfExists(dir(name).resolve(Version.fileName(oldest)));
      } catch (IOException e) {
        System.getLogger(ModelVersions.class.getName()).log(System.Logger.Level.WARNING,
            "cannot delete old model version " + dir(name).resolve(Version.fileName(oldest)) + ": " + e.getMessage());
      }
    }
  }

  private void writeManifest(String name, Manifest m) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("model", name);
    doc.put("serving", m.serving);
    doc.put("serving_seq", m.servingSeq);
    List<Map<String, Object>> versions = new ArrayList<>();
    for (Version v : m.versions.values()) {
      Map<String, Object> e = v.toMap();
      e.put("file", v.fileName());
      versions.add(e);
    }
    doc.put("versions", versions);
    doc.put("last_attempt", m.lastAttempt == null ? null : m.lastAttempt.toMap());
    if (!m.pendingErasures.isEmpty()) {
      doc.put("pending_erasures", List.copyOf(m.pendingErasures));
    }
    Path dir = dir(name);
    Path file = dir.resolve(MANIFEST);
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, MANIFEST, ".tmp");
      try {
        Files.write(tmp, JSON.writeValueAsBytes(doc));
        force(tmp);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      Path pointer = dir.resolve(ServingPointer.FILE);
      if (!Files.exists(pointer)) {
        ServingPointer.create(pointer);
      }
      force(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model manifest " + file + ": " + e.getMessage(), e);
    }
  }

  private static void force(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, Files.isDirectory(path) ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      if (!Files.isDirectory(path)) {
        throw e;
      }
      // Some file systems cannot open a directory for fsync; the rename is still atomic.
    }
  }
}
