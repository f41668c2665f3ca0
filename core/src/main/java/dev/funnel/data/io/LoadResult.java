package dev.funnel.data.io;

import dev.funnel.data.BadLines;
import dev.funnel.data.Dataset;

/** A loaded dataset, the lines skipped on the way (when skipping was on) and the wall time taken. */
public record LoadResult(Dataset dataset, BadLines badLines, double seconds) {}
