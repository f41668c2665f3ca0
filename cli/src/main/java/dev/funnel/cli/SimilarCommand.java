package dev.funnel.cli;

import dev.funnel.recall.ModelFile;
import dev.funnel.recall.ModelRecommender;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "similar", mixinStandardHelpOptions = true,
    description = "Items similar to an item, from a saved model.",
    footer = {"", "Example:", "  funnel similar --model models/itemcf.fnl --item 50 --k 10"})
final class SimilarCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file written by 'funnel train'.")
  Path model;

  @Option(names = "--item", required = true, paramLabel = "ID", description = "External item id.")
  String item;

  @Option(names = "--k", defaultValue = "10", description = "How many items. Default: ${DEFAULT-VALUE}.")
  int k;

  @Override
  public Integer call() throws Exception {
    ModelRecommender r = new ModelRecommender(model.getFileName().toString(), ModelFile.read(model));
    ModelRecommender.Result result = r.similar(item, k, List.of());
    if (result == null) {
      throw new IllegalArgumentException("item '" + item + "' is not in the model's catalogue");
    }
    Printing.printItems(result.items());
    return 0;
  }
}
