package dev.funnel.pipeline.offline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.funnel.data.Dataset;
import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.SceneBuilder;
import dev.funnel.pipeline.SceneException;
import dev.funnel.pipeline.Stages;
import dev.funnel.pipeline.stacking.StackingModel;
import dev.funnel.pipeline.stacking.StackingModelFile;
import dev.funnel.rank.SampleBatch;
import dev.funnel.recall.TrainContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved stacking ranker scores exactly as the trained one; a live scene loads it, a bad file fails naming it. */
class StackingModelFileTest {
  @TempDir
  Path dir;

  private static StackingModel train(Map<String, Object> rank, ExecutorService executor) {
    Dataset d = FunnelEvaluationTest.tiny();
    Map<String, Object> scene = new LinkedHashMap<>(FunnelEvaluationTest.scene());
    scene.put("rank", rank);
    return FunnelEvaluation.trainStacking("tiny.yaml", scene, rank, d, List.of("itemcf"),
        new FunnelEvaluation.Settings(new int[] {2}, 1, 3, Map.of(), false), TrainContext.defaults(),
        OfflineResources.catalogue(d.itemFeatures(), d.items()), executor, 2, new PrintStream(new ByteArrayOutputStream()));
  }

  private static SampleBatch batch(StackingModel m) {
    Dataset d = FunnelEvaluationTest.tiny();
    List<Candidate> cs = new ArrayList<>();
    String[] items = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < items.length; i++) {
      Candidate c = new Candidate(items[i]);
      c.proposedBy("pop", i, 5f - i);
      if (i % 2 == 0) {
        c.proposedBy("i2i", i / 2, 1f / (i + 1));
      }
      cs.add(c);
    }
    return m.features().encode(cs, "u4", d.train(), d.users(), d.items(), null);
  }

  @Test
  void savedRankersScoreIdentically() throws Exception {
    ExecutorService executor = Executors.newCachedThreadPool();
    try {
      for (Map<String, Object> rank : List.<Map<String, Object>>of(
          Map.of("type", "model-ranker", "algorithm", "lr", "validation", 0.4),
          Map.of("type", "model-ranker", "algorithm", "fm", "validation", 0.4),
          Map.of("type", "model-ranker", "algorithm", "deepfm", "validation", 0.4, "layout", "fields",
              "params", Map.of("dim", "4", "hidden", "8,4", "epochs", "2", "batchSize", "8")))) {
        StackingModel m = train(rank, executor);
        Path file = dir.resolve(rank.get("algorithm") + ".fnls");
        StackingModelFile.write(file, m);
        StackingModel back = StackingModelFile.read(file);
        assertEquals(m.features().channels(), back.features().channels());
        assertEquals(m.samples(), back.samples());
        assertEquals(m.positives(), back.positives());
        assertEquals(m.model().algorithm(), back.model().algorithm());
        assertEquals(m.features().perField(), back.features().perField());
        float[] want = m.model().score(batch(m));
        assertArrayEquals(want, back.model().score(batch(back)), rank.get("algorithm") + " scores differ after a round trip");
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aSceneLoadsTheSavedRankerAndBadFilesFailNamingThem() throws Exception {
    ExecutorService executor = Executors.newCachedThreadPool();
    try {
      StackingModel m = train(Map.of("type", "model-ranker", "algorithm", "lr", "validation", 0.4), executor);
      Path good = dir.resolve("ranker.fnls");
      StackingModelFile.write(good, m);
      Dataset d = FunnelEvaluationTest.tiny();
      var saved = Map.of("itemcf", dev.funnel.recall.SavedModel.of(
          dev.funnel.experiment.Experiment.fit("itemcf", Map.of(), d.train(), TrainContext.defaults()).model(), d.users(), d.items(), d.train()));
      // Not an OfflineResources with a trained model under its key: the factory must read the file, as a live server does.
      OfflineResources resources = OfflineResources.of(new LinkedHashMap<>(saved), d.train(), d.users(), d.items(),
          OfflineResources.catalogue(d.itemFeatures(), d.items()));
      Map<String, Object> scene = new LinkedHashMap<>(FunnelEvaluationTest.scene());
      scene.put("rank", Map.of("type", "model-ranker", "file", good.toString()));
      var pipeline = new SceneBuilder(Stages.installed(), resources, executor).build("tiny.yaml", scene);
      assertEquals("stacking:lr", pipeline.ranker().description());

      byte[] bytes = Files.readAllBytes(good);
      bytes[bytes.length / 2] ^= 0x10;
      Path damaged = dir.resolve("damaged.fnls");
      Files.write(damaged, bytes);
      Path missing = dir.resolve("missing.fnls");
      for (Path bad : List.of(damaged, missing)) {
        scene.put("rank", Map.of("type", "model-ranker", "file", bad.toString()));
        SceneException e = assertThrows(SceneException.class,
            () -> new SceneBuilder(Stages.installed(), resources, executor).build("tiny.yaml", scene));
        assertTrue(e.getMessage().startsWith("tiny.yaml: rank.file:"), e.getMessage());
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        System.out.println(e.getMessage());
      }

      // A scene without one of the model's channels is refused.
      Map<String, Object> fewer = new LinkedHashMap<>(scene);
      fewer.put("channels", List.of(Map.of("name", "pop", "type", "popularity", "model", "itemcf", "quota", 2)));
      fewer.put("rank", Map.of("type", "model-ranker", "file", good.toString()));
      SceneException e = assertThrows(SceneException.class,
          () -> new SceneBuilder(Stages.installed(), resources, executor).build("tiny.yaml", fewer));
      assertTrue(e.getMessage().contains("lacks [i2i]"), e.getMessage());
    } finally {
      executor.shutdownNow();
    }
  }
}
