package dev.funnel.pipeline;

import java.util.function.Predicate;

/**
 * A candidate filter. {@link #prepare} does the per-request work once (snapshot the user's seen
 * items, resolve {@code now}) and returns the per-item test, which the pipeline pushes down into the
 * channels so that filtering never leaves a response short while valid items remain.
 */
public interface Filter {
  String name();

  /** The per-request test (true keeps the item); {@code null} when the filter keeps everything for this request. */
  Predicate<String> prepare(PipelineRequest request);
}
