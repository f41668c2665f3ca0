package dev.funnel.store.catalog;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The catalog: items and user profiles by external id, durable and thread-safe.
 *
 * <p>Every write returns only after it is on disk (synced): an acknowledged put, patch or delete
 * survives a crash and a reopen. Writes to one id are linearizable (a patch is an atomic
 * read-modify-write; concurrent patches of different fields of one item all land). Reads never block
 * on writes.
 *
 * <p>Iteration ({@link #forEachItem}, {@link #forEachUser}) visits records in ascending order of
 * their id's UTF-8 bytes (the same as Unicode code point order) over a consistent point-in-time view:
 * writes made during the iteration are not seen.
 *
 * <p>Bad input (an invalid id, a malformed record) is an {@link IllegalArgumentException} naming the
 * field and value; I/O failure is an {@link java.io.UncheckedIOException}, or an
 * {@link IllegalStateException} naming the store when the storage engine reports it.
 */
public interface Catalog extends AutoCloseable {
  /** Longest id (items, users, categories, tags, attribute names), in UTF-16 characters. */
  int MAX_ID_LENGTH = 256;
  /** Most categories or tags per item. */
  int MAX_LIST_SIZE = 1_000;
  /** Most attributes per record. */
  int MAX_ATTRIBUTES = 1_000;
  /** Longest string attribute value, in UTF-16 characters. */
  int MAX_STRING_ATTRIBUTE_LENGTH = 4_096;

  /** Stores {@code item}, replacing any record with its id. */
  void putItem(ItemRecord item);

  /** Stores all of {@code items} in one synced, atomic batch (all or none after a crash). */
  void putItems(Collection<ItemRecord> items);

  Optional<ItemRecord> getItem(String id);

  /**
   * Applies {@code patch} to the stored item atomically and returns the new record, or empty (and
   * stores nothing) when there is no item {@code id}.
   */
  Optional<ItemRecord> patchItem(String id, ItemPatch patch);

  /** Removes the item; returns whether it existed. */
  boolean deleteItem(String id);

  /** Visits every item in ascending id order (see the class comment). */
  void forEachItem(Consumer<? super ItemRecord> action);

  /** Stores {@code user}, replacing any profile with its id. */
  void putUser(UserRecord user);

  /** Stores all of {@code users} in one synced, atomic batch. */
  void putUsers(Collection<UserRecord> users);

  Optional<UserRecord> getUser(String id);

  /** Applies {@code patch} to the stored profile atomically; empty when there is no user {@code id}. */
  Optional<UserRecord> patchUser(String id, UserPatch patch);

  /**
   * Erases the user's profile (right to erasure; the user's events are the event log's business).
   * Returns whether it existed. Reads never see it again at once; call {@link #compact()} afterwards
   * to also drop the bytes from the files.
   */
  boolean deleteUser(String id);

  /** Visits every user in ascending id order (see the class comment). */
  void forEachUser(Consumer<? super UserRecord> action);

  /**
   * Rewrites the store so that deleted and overwritten records are physically gone from its files
   * (for erasure). Slow on large catalogs; call it after deletions, not per request. An
   * implementation may keep an erased id in metadata history (RocksDB's MANIFEST records former file
   * boundary keys) until the store is next opened, which rewrites that history; the erasure test
   * checks the files after compact, close and reopen.
   */
  void compact();

  /** Flushes and releases the store; further calls fail. Idempotent. */
  @Override
  void close();
}
