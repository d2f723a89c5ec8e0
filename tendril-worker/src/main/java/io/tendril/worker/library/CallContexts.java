package io.tendril.worker.library;

import com.google.protobuf.ByteString;
import io.tendril.protocol.codec.CodecException;
import io.tendril.protocol.codec.FunctionCache;
import io.tendril.protocol.codec.FunctionDescriptor;
import io.tendril.protocol.codec.FunctionDescriptors;
import io.tendril.protocol.codec.ResolvedFunction;
import io.tendril.protocol.codec.ValueCodec;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value codec and function cache of each set of allowed packages a library has been asked for,
 * all on the library's class loader. Requests name the packages their values may come from beyond
 * the codec's standard types; building a codec costs milliseconds, so each distinct set is built
 * once and shared by every call that names it. Thread-safe; emptied when it reaches {@link
 * #MAX_CONTEXTS}, so that requests with ever-new sets cannot grow it without bound.
 */
final class CallContexts {
  /** The most sets of allowed packages kept. */
  static final int MAX_CONTEXTS = 64;

  /**
   * What calls with one set of allowed packages use.
   *
   * @param codec decodes arguments and encodes results
   * @param functions resolves functions, decoding their captured values with {@code codec}
   */
  record Context(ValueCodec codec, FunctionCache functions, ConcurrentHashMap<ByteString, Function> byWire) {
    Context(ValueCodec codec, FunctionCache functions) {
      this(codec, functions, new ConcurrentHashMap<>());
    }

    /**
     * The function of an encoded descriptor, decoded and resolved once per distinct encoding: the
     * calls of one function carry the same bytes, and decoding a descriptor costs more than a
     * small call. Emptied when it reaches {@link #MAX_FUNCTIONS}.
     *
     * @throws CodecException if the descriptor cannot be decoded
     * @throws IllegalArgumentException if it cannot be resolved
     */
    Function function(ByteString wire) {
      Function f = byWire.get(wire);
      if (f != null) {
        return f;
      }
      FunctionDescriptor d = FunctionDescriptors.decode(wire.toByteArray());
      f = new Function(d, functions.resolve(d));
      if (byWire.size() >= MAX_FUNCTIONS) {
        byWire.clear();
      }
      byWire.put(wire, f);
      return f;
    }
  }

  /** A decoded descriptor and the function it resolved to. */
  record Function(FunctionDescriptor descriptor, ResolvedFunction resolved) {}

  /** The most encoded descriptors kept resolved per context. */
  static final int MAX_FUNCTIONS = 4096;

  private final ClassLoader loader;
  private final ConcurrentHashMap<List<String>, Context> contexts = new ConcurrentHashMap<>();

  /** Creates the contexts of a library whose classes come from {@code loader}. */
  CallContexts(ClassLoader loader) {
    this.loader = loader;
  }

  /**
   * The context of a set of allowed packages.
   *
   * @param allowedPackages package names, in any order, possibly repeated
   * @return the context
   * @throws CallError if a name is not a package name
   */
  Context of(List<String> allowedPackages) throws CallError {
    List<String> key = allowedPackages.stream().distinct().sorted().toList();
    Context c = contexts.get(key);
    if (c != null) {
      return c;
    }
    ValueCodec codec;
    try {
      codec = ValueCodec.builder().allowPackage(key.toArray(String[]::new)).classLoader(loader).build();
    } catch (IllegalArgumentException e) {
      throw new CallError("the allowed packages " + key + " of the call are not valid: " + e.getMessage());
    }
    c = new Context(codec, new FunctionCache(codec, loader));
    if (contexts.size() >= MAX_CONTEXTS) {
      contexts.clear();
    }
    Context earlier = contexts.putIfAbsent(key, c);
    return earlier != null ? earlier : c;
  }
}
