/**
 * Reading event files into {@link dev.funnel.data.EventTable}s and whole
 * {@link dev.funnel.data.Dataset}s.
 *
 * <p>Entry point: {@link dev.funnel.data.io.DatasetLoader#load(String, LoadOptions)} with a spec
 * {@code lightgcn:DIR}, {@code movielens:PATH}, {@code csv:PATH} ({@code .tsv}, {@code .jsonl} by
 * extension), {@code sequence:PATH}. The defaults and how header, delimiter and columns are
 * detected are listed on {@link dev.funnel.data.io.LoadOptions}.
 *
 * <p>Conventions of every reader:
 * <ul>
 *   <li>Timestamps are stored in epoch milliseconds. Integers below 10^11 are epoch seconds, others
 *       milliseconds; decimals are seconds; ISO-8601 text with an offset, without one (UTC) or a bare
 *       date is accepted. Sequence files use the line number as time.
 *   <li>Missing timestamp: 0; missing type: {@link dev.funnel.data.EventTable#DEFAULT_TYPE}; missing
 *       value: 1. MovieLens events have type {@code rating} and the rating as value.
 *   <li>A bad line throws {@link dev.funnel.data.DataFormatException} naming file, line, field and
 *       value; events read before it stay in the table and a bad line never adds ids. With
 *       skip-bad-lines, bad lines are counted in {@link dev.funnel.data.BadLines} with the first five
 *       messages. An empty file is always an error.
 *   <li>Item-feature rows of items not in the dataset are skipped and counted, never added.
 * </ul>
 * Parsing works on bytes of a reused buffer ({@code LineSource}, {@code FieldSplitter}); numeric
 * ids skip String creation through an int-indexed cache ({@code IdResolver}).
 */
package dev.funnel.data.io;
