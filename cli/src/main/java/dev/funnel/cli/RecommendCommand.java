package dev.funnel.cli;

import dev.funnel.recall.ModelFile;
import dev.funnel.recall.ModelRecommender;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = "Recommend items for a user from a saved model (seen items excluded).",
    footer = {"", "Example:", "  funnel recommend --model models/itemcf.fnl --user 196 --k 10 --exclude 242,302"})
final class RecommendCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file written by 'funnel train'.")
  Path model;

  @Option(names = "--user", required = true, paramLabel = "ID", description = "External user id.")
  String user;

  @Option(names = "--k", defaultValue = "10", description = "How many items. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--exclude", split = ",", paramLabel = "ITEM[,ITEM...]", description = "Items never to return.")
  List<String> exclude = List.of();

  @Override
  public Integer call() throws Exception {
    ModelRecommender r = new ModelRecommender(model.getFileName().toString(), ModelFile.read(model));
    ModelRecommender.Result result = r.recommend(user, k, exclude);
    if (result.fallback() != ModelRecommender.Fallback.NONE) {
      System.out.println("user '" + user + "' is unknown to the model: most popular items instead");
    }
    Printing.printItems(result.items());
    return 0;
  }
}
