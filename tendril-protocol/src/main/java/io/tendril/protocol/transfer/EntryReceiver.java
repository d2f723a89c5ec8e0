package io.tendril.protocol.transfer;

import io.tendril.protocol.wire.EntryHeader;
import io.tendril.protocol.wire.FileChunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Writes a {@code TransferService.Fetch} stream to disk: into a temporary path next to the target,
 * checking every entry's size and that no entry path leaves the root, then moves it into place
 * atomically. The counterpart of {@link EntryStreamer}.
 */
public final class EntryReceiver {
  private EntryReceiver() {}

  /**
   * Receives a stream into {@code target}, replacing what was there.
   *
   * @param chunks the stream, e.g. a blocking stub's iterator
   * @param target where the file or directory ends up
   * @return the number of data bytes received
   * @throws IOException on a malformed stream, a size mismatch or a write failure
   */
  public static long receive(Iterator<FileChunk> chunks, Path target) throws IOException {
    EntryTree tree = new EntryTree(target);
    long total = 0;
    try {
      OutputStream current = null;
      long remaining = 0;
      try {
        while (chunks.hasNext()) {
          FileChunk c = chunks.next();
          if (c.hasHeader()) {
            if (remaining != 0) {
              throw new IOException("entry ended " + remaining + " bytes early");
            }
            if (current != null) {
              current.close();
              current = null;
            }
            EntryHeader h = c.getHeader();
            Path p = tree.place(h);
            if (p != null) {
              current = Files.newOutputStream(p);
              remaining = h.getSize();
              EntryTree.executable(p, h);
            }
          } else {
            if (current == null) {
              throw new IOException("data before an entry header");
            }
            int n = c.getData().size();
            if (n > remaining) {
              throw new IOException("entry longer than its declared size");
            }
            c.getData().writeTo(current);
            remaining -= n;
            total += n;
          }
        }
      } finally {
        if (current != null) {
          current.close();
        }
      }
      if (remaining != 0) {
        throw new IOException("transfer ended " + remaining + " bytes early");
      }
      tree.commit();
      return total;
    } catch (IOException | RuntimeException e) {
      tree.abandon();
      throw e;
    }
  }

  /** Deletes a file or directory tree if it exists. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(p)) {
        for (Path c : (Iterable<Path>) s::iterator) {
          deleteRecursively(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
