package dev.funnel.pipeline.offline;

import dev.funnel.pipeline.Candidate;
import dev.funnel.pipeline.Pipeline;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.PipelineResult;
import dev.funnel.pipeline.Ranker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * A scene replayed offline: the same channels, quotas, budget, filters, rank and re-rank stages as
 * served (pre-rank and ads mode included), with two differences that do not change what is recommended: channel timeouts are lifted
 * (an evaluation must not depend on machine load; a replay that still degrades is counted), and the
 * first scoring stage's input (the pre-rank's, else the rank stage's), the merged candidates at the budget, is kept for per-channel and union recall.
 */
public final class ReplayPipeline {
  /** A request's answer and its candidates as the rank stage received them (after merge and filters). */
  public record Replay(PipelineResult result, List<Candidate> candidates) {}

  private static final long NO_TIMEOUT_MS = 600_000;

  private final Pipeline pipeline;
  private final ThreadLocal<List<Candidate>> captured = new ThreadLocal<>();

  public ReplayPipeline(Pipeline served, PipelineResources resources, ExecutorService executor) {
    List<Pipeline.ChannelSlot> slots = new ArrayList<>();
    for (Pipeline.ChannelSlot s : served.channels()) {
      slots.add(new Pipeline.ChannelSlot(s.channel(), s.quota(), NO_TIMEOUT_MS));
    }
    // The candidates at the budget are the first stage's input after the merge: the pre-rank's when there is one.
    Pipeline.PrerankSlot prerank = served.prerank();
    Ranker ranker = prerank == null ? capturing(served.ranker()) : served.ranker();
    Pipeline.PrerankSlot pre = prerank == null ? null : new Pipeline.PrerankSlot(capturing(prerank.ranker()), prerank.keep());
    pipeline = new Pipeline(served.name(), slots, served.budget(), served.overFetch(), served.filters(), ranker, served.rerankers(),
        resources, executor, pre, served.ads());
  }

  private Ranker capturing(Ranker inner) {
    return new Ranker() {
      @Override
      public String description() {
        return inner.description();
      }

      @Override
      public boolean probability() {
        return inner.probability();
      }

      @Override
      public void score(PipelineRequest request, List<Candidate> candidates) {
        captured.set(new ArrayList<>(candidates));
        inner.score(request, candidates);
      }
    };
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  /** Runs one request on the calling thread (channels on the executor). */
  public Replay run(PipelineRequest request) {
    captured.remove();
    PipelineResult r = pipeline.run(request);
    List<Candidate> c = captured.get();
    captured.remove();
    return new Replay(r, c == null ? List.of() : c);
  }
}
