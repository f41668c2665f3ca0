package dev.funnel.store.log;

import dev.funnel.store.Event;

/**
 * An event as the log holds it: its sequence number (1, 2, 3, ... without gaps in the log; a replay skips
 * the sequences of erased events) and the event.
 */
public record LoggedEvent(long sequence, Event event) {}
