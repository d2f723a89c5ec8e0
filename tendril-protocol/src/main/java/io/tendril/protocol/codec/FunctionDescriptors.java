package io.tendril.protocol.codec;

import io.tendril.graph.Fn;

/**
 * Names task functions so they can run in another process: {@link #describe} turns a function into
 * a {@link FunctionDescriptor} on the submitting side, {@link #encode} and {@link #decode} carry it
 * as bytes, and {@link #resolve} (or a {@link FunctionCache}) finds it again on the executing side.
 * Functions travel by name; only the values a lambda captured travel as data, through the value
 * codec. Nothing is ever read with Java object serialization.
 *
 * <pre>{@code
 * FunctionDescriptors fds = FunctionDescriptors.using(codec);
 * byte[] wire = FunctionDescriptors.encode(fds.describe(Ops::inc));
 * // ... in the library process:
 * ResolvedFunction f = cache.resolve(FunctionDescriptors.decode(wire));
 * Object result = f.call(new Object[] {41});
 * }</pre>
 *
 * <p>What can be named: static method references ({@code Ops::inc}), instance method references
 * with or without a captured receiver ({@code Point::norm}, {@code "abc"::concat}), constructor
 * references ({@code Point::new}), lambdas whose captured values the codec allows, classes
 * implementing a function interface that are stateless and have a public no-argument constructor,
 * and functions registered by name (the JSON graph format's built-ins such as {@code "add"}, and
 * {@code "com.example.Ops::inc"} names). Anything else fails at {@link #describe} with an {@link
 * UnnameableFunctionException} that says how to write the function instead.
 */
public final class FunctionDescriptors {
  private final ValueCodec codec;

  private FunctionDescriptors(ValueCodec codec) {
    this.codec = codec;
  }

  /**
   * Descriptors whose captured values go through the standard codec.
   *
   * @return the instance
   */
  public static FunctionDescriptors standard() {
    return new FunctionDescriptors(ValueCodec.standard());
  }

  /**
   * Descriptors whose captured values go through a given codec; use the same codec settings on
   * both sides.
   *
   * @param codec the codec
   * @return the instance
   * @throws IllegalArgumentException if the codec is null
   */
  public static FunctionDescriptors using(ValueCodec codec) {
    if (codec == null) {
      throw new IllegalArgumentException(
          "using(null): give a value codec, e.g. ValueCodec.standard()");
    }
    return new FunctionDescriptors(codec);
  }

  /**
   * The codec captured values are encoded with.
   *
   * @return the codec
   */
  public ValueCodec codec() {
    return codec;
  }

  /**
   * Describes a task function.
   *
   * @param fn a method reference, a lambda, a function class instance or a registered function
   * @return its descriptor
   * @throws UnnameableFunctionException if the function cannot be named; the message names it and
   *     says how to fix it
   */
  public FunctionDescriptor describe(Fn fn) {
    return FunctionDescriber.describe(fn, codec);
  }

  /**
   * The binary form of a descriptor (see docs/codec.md).
   *
   * @param d the descriptor
   * @return its bytes
   */
  public static byte[] encode(FunctionDescriptor d) {
    if (d == null) {
      throw new IllegalArgumentException("encode(null): give a function descriptor");
    }
    return DescriptorFormat.encode(d);
  }

  /**
   * Reads a descriptor from its binary form.
   *
   * @param bytes what {@link #encode} gave, possibly corrupted
   * @return the descriptor
   * @throws CodecException if the bytes are not a valid descriptor
   */
  public static FunctionDescriptor decode(byte[] bytes) {
    return DescriptorFormat.decode(bytes);
  }

  /**
   * Resolves a descriptor on a class loader, without caching: every call looks the function up
   * again and, for a function with captured values, builds a codec on the loader. To resolve
   * repeatedly, use a {@link FunctionCache} from {@link #cache}.
   *
   * @param d the descriptor
   * @param loader where the function's class and its captured values' classes are found
   * @return the callable function
   * @throws FunctionNotFoundException if the class, method or name is not found on the loader;
   *     the message names them and where the loader looked
   * @throws CodecException if the descriptor does not fit what was found, or its captured values
   *     cannot be decoded
   */
  public ResolvedFunction resolve(FunctionDescriptor d, ClassLoader loader) {
    if (d == null || loader == null) {
      throw new IllegalArgumentException("resolve needs a descriptor and a class loader");
    }
    FunctionLinker.Target target = FunctionLinker.link(d, loader);
    ValueCodec onLoader = d.hasCapturedArgs() ? codec.withClassLoader(loader) : codec;
    return FunctionLinker.bind(target, d, onLoader);
  }

  /**
   * A cache of resolved functions on a class loader, decoding captured values with this codec.
   *
   * @param loader where functions are found
   * @return a new cache
   */
  public FunctionCache cache(ClassLoader loader) {
    return new FunctionCache(codec, loader);
  }
}
