package io.tendril.worker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Unpacks a cached tar archive (compressed or not, as {@code tar} detects) into a new directory
 * with the system's {@code tar}, for a FetchFile whose source is Untar.
 *
 * <p>Nothing may escape the directory: the archive's listing ({@code tar -tf}, at most {@link
 * #MAX_LISTING_BYTES} of names) is checked first and an absolute member name or a {@code ..}
 * segment refuses the whole archive; after unpacking, a symbolic link whose target lies outside
 * the directory refuses it too. Ownership is not restored ({@code --no-same-owner}).
 *
 * <p>Owned by the {@link Fetcher}, on pool threads; the processes are killed on cancellation.
 */
final class ArchiveUnpacker {
  /** The largest listing of member names checked; a longer one refuses the archive. */
  static final int MAX_LISTING_BYTES = 16 << 20;

  private static final int MESSAGE_BYTES = 4096;

  /**
   * Unpacks {@code archive} into the new directory {@code target}.
   *
   * @param archive the tar file
   * @param archiveName its cache name, for messages
   * @param target the directory to create; must not exist
   * @param cancellation stops the unpacking
   * @throws IOException if the archive is unreadable, holds escaping members, or tar fails
   * @throws InterruptedException if interrupted
   */
  void unpack(Path archive, String archiveName, Path target, Cancellation cancellation)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(archive)) {
      throw new IOException("cannot unpack " + archiveName + ": it is not a file");
    }
    CommandProcess.Outcome listing = run(List.of("tar", "-tf", archive.toString()), archive.getParent(),
        MAX_LISTING_BYTES, cancellation);
    if (listing.exitCode() != 0) {
      throw new IOException("cannot list " + archiveName + ": " + tail(listing.output()));
    }
    if (listing.truncated()) {
      throw new IOException("cannot unpack " + archiveName + ": its listing exceeds " + MAX_LISTING_BYTES + " bytes");
    }
    for (String member : new String(listing.output(), StandardCharsets.UTF_8).split("\n")) {
      if (escapes(member)) {
        throw new IOException("refusing to unpack " + archiveName + ": member '" + member + "' would leave its directory");
      }
    }
    Files.createDirectories(target);
    CommandProcess.Outcome unpack = run(List.of("tar", "-xf", archive.toString(), "-C", target.toString(),
        "--no-same-owner"), target, MESSAGE_BYTES, cancellation);
    if (unpack.exitCode() != 0) {
      throw new IOException("cannot unpack " + archiveName + ": " + tail(unpack.output()));
    }
    Optional<Path> link = PathTrees.linkLeaving(target);
    if (link.isPresent()) {
      throw new IOException("refusing to unpack " + archiveName + ": link '" + link.get() + "' leads out of its directory");
    }
  }

  /** Whether a member name is absolute or climbs with '..'. */
  static boolean escapes(String member) {
    if (member.isEmpty()) {
      return false;
    }
    if (member.startsWith("/")) {
      return true;
    }
    for (String segment : member.split("/")) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  private CommandProcess.Outcome run(List<String> argv, Path dir, int outputLimit, Cancellation cancellation)
      throws IOException, InterruptedException {
    CommandProcess p = new CommandProcess(argv, dir,
        Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "LC_ALL", "C"),
        outputLimit, null);
    cancellation.onCancel(p::kill);
    CommandProcess.Outcome o = p.run();
    if (o.end() == CommandProcess.End.KILLED) {
      throw new IOException("unpacking was cancelled");
    }
    return o;
  }

  private static String tail(byte[] output) {
    String s = new String(output, StandardCharsets.UTF_8).strip();
    return s.length() <= 500 ? s : "..." + s.substring(s.length() - 500);
  }
}
