package io.tendril.manager;

import io.tendril.protocol.codec.ValueCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The value codecs of a manager's graph runs, one per class loader and set of allowed packages,
 * built on first use and shared by every later run with the same two: building a codec costs
 * milliseconds and a fresh set of serializers that the JIT must compile again, which a run of a
 * few thousand calls would pay each time. The most recently used {@value #MAX_CODECS} are kept, so
 * that an application that makes class loaders by the hundred does not keep them all alive.
 * Thread-safe.
 */
final class CallerCodecs {
  /** How many codecs are kept. */
  static final int MAX_CODECS = 16;

  private record Key(ClassLoader loader, List<String> packages) {}

  private final Map<Key, ValueCodec> codecs = new LinkedHashMap<>(MAX_CODECS, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, ValueCodec> eldest) {
      return size() > MAX_CODECS;
    }
  };

  /**
   * The codec of a class loader and a set of allowed packages.
   *
   * @param loader where classes named in values are loaded from
   * @param allowedPackages packages allowed beyond the standard set
   * @return the codec, built on first use
   */
  synchronized ValueCodec of(ClassLoader loader, Set<String> allowedPackages) {
    Key key = new Key(loader, allowedPackages.stream().distinct().sorted().toList());
    ValueCodec codec = codecs.get(key);
    if (codec == null) {
      ValueCodec.Builder b = ValueCodec.builder().classLoader(loader);
      allowedPackages.forEach(b::allowPackage);
      codec = b.build();
      codecs.put(key, codec);
    }
    return codec;
  }
}
