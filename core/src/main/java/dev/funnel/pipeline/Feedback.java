package dev.funnel.pipeline;

/**
 * Where the impression and click of one shown candidate go back to: a learning stage (the
 * exploration bandit) attaches one to the candidate it placed ({@link Candidate#explored}); the live
 * service calls it when an impression or click event arrives with the response's {@code request_id}.
 * Each is called at most once per shown item; a click without an impression first calls
 * {@link #impression}. Implementations are thread-safe.
 */
public interface Feedback {
  void impression();

  void click();
}
