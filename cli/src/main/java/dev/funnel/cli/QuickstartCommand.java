package dev.funnel.cli;

import dev.funnel.data.Dataset;
import dev.funnel.data.DatasetStats;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.data.io.LoadResult;
import dev.funnel.data.split.SplitSpec;
import dev.funnel.data.synthetic.SyntheticConfig;
import dev.funnel.data.synthetic.SyntheticShop;
import dev.funnel.eval.EvalTable;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.experiment.ResultRow;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.registry.Registry;
import dev.funnel.server.ServerConfig;
import dev.funnel.util.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generate (or read) data, train the recall models, evaluate them, save them and serve them on localhost.",
        "With no --data, a deterministic synthetic shop is generated: users with tastes over item categories,",
        "power-law item popularity, timestamps and event types."},
    footer = {"", "Examples:", "  funnel quickstart", "  funnel quickstart --data movielens:../shared/data/ml-100k/u.data --port 9090",
        "  funnel quickstart --no-serve"})
final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--data", paramLabel = "SPEC", description = "Your data instead of the synthetic shop (same specs as 'eval --dataset').")
  String data;

  @Option(names = "--split", paramLabel = "SPEC", description = "Split for --data (default: its own, else by time).")
  String split;

  @Option(names = "--workdir", defaultValue = "funnel-data", paramLabel = "DIR",
      description = "Where generated data and models go. Default: ${DEFAULT-VALUE}.")
  Path workdir;

  @Option(names = "--models", split = ",", paramLabel = "NAME[,NAME...]",
      description = "Models to train. Default: pop, itemcf, usercf, swing, mfbpr, ials, item2vec (lightgcn and simplex train"
          + " for minutes with their defaults: name them to include them; 'funnel models' lists all).")
  List<String> models;

  @Option(names = "--k", split = ",", defaultValue = "10,20", paramLabel = "K[,K...]", description = "Cut-offs. Default: ${DEFAULT-VALUE}.")
  int[] ks;

  @Option(names = "--port", defaultValue = "8080", description = "HTTP port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--no-serve", description = "Stop after saving the models instead of serving them.")
  boolean noServe;

  /** The models whose default training takes seconds on the synthetic shop; the quickstart's default. */
  static final List<String> QUICK_MODELS = List.of("pop", "itemcf", "usercf", "swing", "mfbpr", "ials", "item2vec");

  @Option(names = "--quiet", description = "No progress bars.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    if (models == null || models.isEmpty()) {
      models = new ArrayList<>(QUICK_MODELS);
      models.retainAll(Registry.recallAlgorithms().keySet());
    }
    models.forEach(m -> Experiment.configure(m, Map.of())); // unknown names fail before any work
    System.out.println("Funnel quickstart");
    String spec = data;
    LoadOptions options = LoadOptions.defaults();
    if (spec == null) {
      Path dir = workdir.resolve("quickstart");
      Files.createDirectories(dir);
      SyntheticShop shop = new SyntheticShop(SyntheticConfig.quickstart());
      Path events = dir.resolve("events.csv");
      Path items = dir.resolve("items.csv");
      shop.writeEvents(events);
      shop.writeItems(items);
      SyntheticConfig c = shop.config();
      System.out.printf("data       generated a synthetic shop (%,d users, %,d items, %d categories, seed %d): %s, %s%n", c.users(),
          c.items(), c.categories(), c.seed(), events, items);
      spec = "csv:" + events;
      options = options.withItemFeaturesPath(items.toString()).withSplit(SplitSpec.parse("user-temporal:0.8"));
    }
    if (split != null) {
      options = options.withSplit(SplitSpec.parse(split));
    }
    LoadResult loaded = DatasetLoader.load(spec, options);
    Dataset d = loaded.dataset();
    DatasetOptions.printSummary(System.out, loaded);
    DatasetStats stats = DatasetStats.of(d);
    for (String[] row : stats.rows()) {
      System.out.printf("           %-34s %s%n", row[0], row[1]);
    }

    int threads = Parallel.defaultThreads();
    TrainContext context = new TrainContext(threads, 42L, new ConsoleProgress(System.out, quiet));
    Experiment.Protocol protocol = new Experiment.Protocol(ks, 0, threads, 42L);
    Path modelDir = workdir.resolve("models");
    Map<String, SavedModel> saved = new LinkedHashMap<>();
    List<ResultRow> rows = new ArrayList<>();
    for (String model : models) {
      FittedModel fitted = Experiment.fit(model, Map.of(), d.train(), context);
      System.out.printf("train      %s in %.2f s%n", model, fitted.fitSeconds());
      rows.add(Experiment.evaluate(fitted, d, protocol, context));
      SavedModel s = SavedModel.of(fitted.model(), d.users(), d.items(), d.train());
      ModelFile.write(modelDir.resolve(model + ModelFile.SUFFIX), s);
      saved.put(model, s);
    }
    System.out.println();
    System.out.print(EvalTable.format(rows.get(0).protocol(), models, rows.stream().map(ResultRow::evalResult).toList()));
    Json.write(workdir.resolve("quickstart-eval.json"), EvalCommand.report(d.name(), rows));
    System.out.printf("%nsaved      %d models in %s, evaluation in %s (%.1f s so far)%n", saved.size(), modelDir,
        workdir.resolve("quickstart-eval.json"), (System.nanoTime() - start) / 1e9);
    if (noServe) {
      return 0;
    }
    String user = exampleUser(d);
    String item = d.items().external(mostPopularItem(d));
    String base = "http://localhost:" + port;
    String defaultModel = saved.containsKey("itemcf") ? "itemcf" : models.get(0);
    System.out.println();
    System.out.println("Try:");
    System.out.println("  curl '" + base + "/v1/recommend?user=" + user + "&k=10'");
    String other = models.stream().filter(m -> !m.equals(defaultModel)).findFirst().orElse(defaultModel);
    System.out.println("  curl '" + base + "/v1/recommend?user=" + user + "&k=10&model=" + other + "&exclude=" + item + "'");
    System.out.println("  curl '" + base + "/v1/recommend?user=someone-new&k=5'      # unknown user: popularity fallback");
    System.out.println("  curl '" + base + "/v1/similar?item=" + item + "&k=10'");
    System.out.println("  curl '" + base + "/health'");
    System.out.println("  curl '" + base + "/metrics'");
    ServerConfig defaults = ServerConfig.defaults();
    ServeCommand.serveUntilStopped(new ServerConfig("127.0.0.1", port, defaults.maxK(), defaultModel, defaults.eventLoops()), saved);
    return 0;
  }

  private static String exampleUser(Dataset d) {
    for (int u = 0; u < d.users().size(); u++) {
      if (d.train().userDegree(u) >= 10) {
        return d.users().external(u);
      }
    }
    return d.users().external(0);
  }

  private static int mostPopularItem(Dataset d) {
    int best = 0;
    for (int i = 1; i < d.items().size(); i++) {
      if (d.train().itemDegree(i) > d.train().itemDegree(best)) {
        best = i;
      }
    }
    return best;
  }
}
