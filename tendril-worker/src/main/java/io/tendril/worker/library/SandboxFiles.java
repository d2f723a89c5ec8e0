package io.tendril.worker.library;

import io.tendril.protocol.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The library's reads and writes in a call's sandbox: inputs (links into the worker's cache,
 * followed) are read whole; the result is written to a temporary file and renamed into place, and
 * never through a link, so a result name can never write into the worker's cache. Stateless.
 */
final class SandboxFiles {
  private SandboxFiles() {}

  /**
   * Reads an input file.
   *
   * @param sandbox the call's sandbox (absolute)
   * @param name the input's sandbox name
   * @param maxBytes the largest input accepted
   * @return its bytes
   * @throws IOException if it cannot be read, is not a regular file or is larger than the limit
   * @throws IllegalArgumentException if the name would leave the sandbox
   */
  static byte[] read(Path sandbox, String name, int maxBytes) throws IOException {
    Path p = resolve(sandbox, name);
    if (!Files.isRegularFile(p)) {
      throw new IOException(Files.exists(p) ? "it is not a regular file" : "it does not exist");
    }
    long size = Files.size(p);
    if (size > maxBytes) {
      throw new IOException("it holds " + size + " bytes, more than the value codec's maximum of " + maxBytes);
    }
    return Files.readAllBytes(p);
  }

  /**
   * Creates a sandbox the worker left to the library to make (a call that reads no files and whose
   * result turned out too large to travel inline). Its parent must exist: the library never
   * creates the worker's sandbox area.
   *
   * @param sandbox the call's sandbox (absolute)
   * @throws IOException if it cannot be created
   */
  static void create(Path sandbox) throws IOException {
    if (!Files.isDirectory(sandbox.getParent(), LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the worker's sandbox area " + sandbox.getParent() + " is gone");
    }
    if (!Files.isDirectory(sandbox, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(sandbox);
    }
  }

  /**
   * Writes a result file, replacing whatever file or link was there.
   *
   * @param sandbox the call's sandbox (absolute)
   * @param name the result's sandbox name
   * @param bytes the encoded result
   * @throws IOException if it cannot be written, or its directory passes through a link
   * @throws IllegalArgumentException if the name would leave the sandbox
   */
  static void write(Path sandbox, String name, byte[] bytes) throws IOException {
    Path target = resolve(sandbox, name);
    if (!Files.isDirectory(sandbox, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the sandbox " + sandbox + " is gone");
    }
    Path parent = target.getParent();
    for (Path p = sandbox; !p.equals(parent); ) {
      p = p.resolve(parent.getName(p.getNameCount()).toString());
      if (Files.isSymbolicLink(p)) {
        throw new IOException("its directory passes through the link " + sandbox.relativize(p));
      }
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(sandbox.relativize(p) + " is not a directory");
      }
    }
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".result-", ".part");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path resolve(Path sandbox, String name) {
    if (!Protocol.isSafeSandboxName(name)) {
      throw new IllegalArgumentException("the sandbox name '" + name + "' would leave the sandbox");
    }
    return sandbox.resolve(name);
  }
}
