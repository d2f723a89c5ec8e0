package io.tendril.protocol.codec;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolved functions of one class loader, kept for reuse: the executing side resolves each
 * descriptor once and calls the result for every task that names it. A library process keeps one
 * cache per class loader it runs functions from. Safe to share between threads.
 *
 * <p>Two maps: the methods looked up, keyed by descriptor without captured values (one entry per
 * function in the code), and the resolved functions, keyed by whole descriptor (one entry per
 * distinct set of captured values as well). Each is emptied when it reaches the maximum size, so a
 * stream of lambdas capturing ever-different values cannot grow it without bound; the next
 * resolutions then look up again.
 */
public final class FunctionCache {
  /** The default maximum number of entries per map. */
  public static final int DEFAULT_MAX_ENTRIES = 4096;

  private final ValueCodec codec;
  private final ClassLoader loader;
  private final int maxEntries;
  private final ConcurrentHashMap<FunctionDescriptor, FunctionLinker.Target> targets =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<FunctionDescriptor, ResolvedFunction> resolved =
      new ConcurrentHashMap<>();

  /**
   * Creates a cache with the default maximum size.
   *
   * @param codec the codec captured values are decoded with; it is used on {@code loader}
   * @param loader where functions and captured values' classes are found
   */
  public FunctionCache(ValueCodec codec, ClassLoader loader) {
    this(codec, loader, DEFAULT_MAX_ENTRIES);
  }

  /**
   * Creates a cache.
   *
   * @param codec the codec captured values are decoded with; it is used on {@code loader}
   * @param loader where functions and captured values' classes are found
   * @param maxEntries the most entries kept per map, at least 1
   * @throws IllegalArgumentException if an argument is null or the size is below 1
   */
  public FunctionCache(ValueCodec codec, ClassLoader loader, int maxEntries) {
    if (codec == null || loader == null) {
      throw new IllegalArgumentException(
          "a FunctionCache needs a value codec and a class loader, e.g."
              + " new FunctionCache(ValueCodec.standard(), getClass().getClassLoader())");
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, not " + maxEntries);
    }
    this.codec = codec.withClassLoader(loader);
    this.loader = loader;
    this.maxEntries = maxEntries;
  }

  /**
   * The function a descriptor names, resolved on this cache's class loader.
   *
   * @param d the descriptor
   * @return the callable function, the same object for equal descriptors while it is cached
   * @throws FunctionNotFoundException if the class, method or name is not found
   * @throws CodecException if the descriptor does not fit what was found, or its captured values
   *     cannot be decoded
   */
  public ResolvedFunction resolve(FunctionDescriptor d) {
    if (d == null) {
      throw new IllegalArgumentException("resolve(null): give a function descriptor");
    }
    ResolvedFunction f = resolved.get(d);
    if (f != null) {
      return f;
    }
    FunctionDescriptor key = d.withoutCapturedArgs();
    FunctionLinker.Target target = targets.get(key);
    if (target == null) {
      target = FunctionLinker.link(key, loader);
      if (targets.size() >= maxEntries) {
        targets.clear();
      }
      FunctionLinker.Target earlier = targets.putIfAbsent(key, target);
      target = earlier != null ? earlier : target;
    }
    f = FunctionLinker.bind(target, d, codec);
    if (resolved.size() >= maxEntries) {
      resolved.clear();
    }
    ResolvedFunction earlier = resolved.putIfAbsent(d, f);
    return earlier != null ? earlier : f;
  }

  /**
   * The class loader functions are found on.
   *
   * @return the loader
   */
  public ClassLoader classLoader() {
    return loader;
  }

  /**
   * How many resolved functions are cached now.
   *
   * @return the count
   */
  public int size() {
    return resolved.size();
  }
}
