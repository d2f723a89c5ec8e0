package io.tendril.protocol.codec;

import io.tendril.graph.Key;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;
import org.apache.fory.exception.InsecureException;
import org.apache.fory.memory.MemoryBuffer;

/**
 * The one binary codec for task arguments and results, and for the values a lambda captured: fast
 * (Apache Fory), allow-listed (a class that is not allowed is never encoded, and never loaded when
 * decoding) and safe on untrusted bytes (whatever the input, {@link #decode} returns a value or
 * throws {@link CodecException}, within bounded time and memory). Instances are immutable and
 * thread-safe; build one per class loader and share it.
 *
 * <p>The manager encodes task arguments with it and a worker's library decodes them; results go
 * the other way. Both ends must allow the same classes: {@link #standard()} allows the standard
 * set (null, boxed primitives, strings, primitive arrays, {@code Object[]}, big numbers, the
 * common collections and the immutable results of {@code List.of}, {@code Map.of} and {@code
 * Set.of}, {@code Optional}, {@code java.time}, {@code UUID}, tuple {@link Key}s); more are allowed
 * with {@link #builder()}:
 *
 * <pre>{@code
 * ValueCodec codec = ValueCodec.builder()
 *     .allow(Point.class, Shape[].class)
 *     .allowPackage("com.example.model")
 *     .classLoader(userJars)
 *     .build();
 * }</pre>
 *
 * <p><b>How the two ends agree on classes.</b> Classes are identified on the wire by name, never
 * by a number assigned at registration, so two codecs agree whatever order they met their classes
 * in: an allowed class that is not one of Fory's built-in types is written as its package and
 * class name (once per encoding), and the decoder checks that name against its own allow list
 * before it loads the class from its class loader. Records and other classes are written in
 * Fory's compatible mode, with their field names, so a field added on one side only is skipped or
 * defaulted rather than misread. See docs/codec.md for the layout and the limits.
 *
 * <p>Shared references are not tracked: an object reachable twice is encoded twice, and a value
 * that contains itself cannot be encoded.
 */
public final class ValueCodec {
  /** The first byte of every encoding: Apache Fory 1.x, Java mode, with this class's options. */
  static final byte FORMAT = 0x46;

  /** The default of {@link Builder#maxEncodedBytes(int)}: 1 GiB. */
  public static final int DEFAULT_MAX_ENCODED_BYTES = 1 << 30;

  /** The default of {@link Builder#maxGraphMemoryBytes(long)}: 1 GiB. */
  public static final long DEFAULT_MAX_GRAPH_MEMORY_BYTES = 1L << 30;

  /** The default of {@link Builder#maxDepth(int)}: 256 levels of nesting. */
  public static final int DEFAULT_MAX_DEPTH = 256;

  /** Fory's user type id of {@link Key}: fixed, so both ends agree without registering in order. */
  private static final int KEY_TYPE_ID = 0;

  private static final int INITIAL_BUFFER_BYTES = 64;

  private final AllowList allowList;
  private final ClassLoader classLoader;
  private final int maxEncodedBytes;
  private final long maxGraphMemoryBytes;
  private final int maxDepth;
  private final ThreadSafeFory fory;

  private ValueCodec(Builder b) {
    this.allowList = new AllowList(b.classes, b.packages);
    this.classLoader = b.classLoader;
    this.maxEncodedBytes = b.maxEncodedBytes;
    this.maxGraphMemoryBytes = b.maxGraphMemoryBytes;
    this.maxDepth = b.maxDepth;
    this.fory =
        Fory.builder()
            .withLanguage(Language.JAVA)
            // Registration by number would make both ends depend on registration order, and Fory
            // freezes registration at first use, so classes of an allowed package could not be
            // added later. The allow list, consulted by name before any class is loaded, is the
            // gate instead (see AllowList).
            .requireClassRegistration(false)
            .withTypeChecker(allowList)
            .suppressClassRegistrationWarnings(true)
            .withCompatible(true)
            .withDeserializeUnknownClass(false)
            .withRefTracking(false)
            .withClassLoader(classLoader)
            .withMaxDepth(maxDepth)
            .withMaxGraphMemoryBytes(maxGraphMemoryBytes)
            .buildThreadSafeFory();
    // A fixed id, part of the format like Fory's own ids: not an order both ends must repeat.
    fory.register(Key.class, KEY_TYPE_ID);
    fory.registerSerializer(Key.class, resolver -> new KeySerializer(resolver.getConfig()));
  }

  private static final class Standard {
    static final ValueCodec INSTANCE = builder().build();
  }

  /**
   * The codec of the standard set of classes, on this library's class loader. Shared.
   *
   * @return the standard codec
   */
  public static ValueCodec standard() {
    return Standard.INSTANCE;
  }

  /**
   * A builder of a codec that allows more than the standard set.
   *
   * @return a new builder allowing the standard set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this codec's settings, to derive another codec from.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.classes.addAll(allowList.classes());
    b.packages.addAll(allowList.packages());
    b.classLoader = classLoader;
    b.maxEncodedBytes = maxEncodedBytes;
    b.maxGraphMemoryBytes = maxGraphMemoryBytes;
    b.maxDepth = maxDepth;
    return b;
  }

  /**
   * This codec on another class loader: the same allowed classes and limits, decoding classes
   * from {@code loader}. Building a codec costs milliseconds, so keep the result.
   *
   * @param loader where decoded classes are loaded from
   * @return a new codec, or this one if it already uses {@code loader}
   */
  public ValueCodec withClassLoader(ClassLoader loader) {
    return loader == classLoader ? this : toBuilder().classLoader(loader).build();
  }

  /**
   * The class loader decoded classes are loaded from. A class it does not find is looked for on
   * the decoding thread's context class loader too (Fory does so), always after the allow list
   * accepted its name.
   *
   * @return the loader
   */
  public ClassLoader classLoader() {
    return classLoader;
  }

  /**
   * Whether values of a class may be encoded and decoded by name. Fory's built-in JDK types are
   * also accepted without being listed; see docs/codec.md.
   *
   * @param cls a class
   * @return true if the class, or for an array its element class, is allowed
   */
  public boolean allows(Class<?> cls) {
    return cls.isPrimitive() || allowList.allows(cls.getName());
  }

  /**
   * Encodes a value.
   *
   * @param value null, or a value of allowed classes all the way down
   * @return its encoding
   * @throws CodecException if the value holds an object whose class is not allowed (the message
   *     names the class and how to allow it), cannot be serialized, contains itself, or encodes to
   *     more than the maximum size
   */
  public byte[] encode(Object value) {
    MemoryBuffer buffer = MemoryBuffer.newHeapBuffer(INITIAL_BUFFER_BYTES);
    buffer.writeByte(FORMAT);
    AllowList.clearRefused();
    try {
      fory.serialize(buffer, value);
    } catch (StackOverflowError e) {
      throw failure("cannot encode " + describe(value), e);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw failure("cannot encode " + describe(value), e);
    }
    int size = buffer.writerIndex();
    if (size > maxEncodedBytes) {
      throw new CodecException(
          "cannot encode " + describe(value) + ": its encoding takes " + size + " bytes, more than"
              + " the codec's maximum of " + maxEncodedBytes
              + "; raise it with ValueCodec.builder().maxEncodedBytes(...)");
    }
    return buffer.getBytes(0, size);
  }

  /**
   * Decodes a value.
   *
   * @param bytes an encoding made by {@link #encode}
   * @return the value, possibly null
   * @throws CodecException if the bytes are not a valid encoding, name a class that is not allowed
   *     or not found on this codec's class loader, or exceed a limit
   */
  public Object decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes a value from part of an array.
   *
   * @param bytes the array
   * @param offset where the encoding starts
   * @param length its length; every byte must belong to the value
   * @return the value, possibly null
   * @throws CodecException if the bytes are not a valid encoding, name a class that is not allowed
   *     or not found on this codec's class loader, or exceed a limit
   * @throws IndexOutOfBoundsException if the range is not within the array
   */
  public Object decode(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length == 0) {
      throw new CodecException("cannot decode a value from 0 bytes");
    }
    if (length > maxEncodedBytes) {
      throw new CodecException(
          "cannot decode a value of " + length + " bytes: more than the codec's maximum of "
              + maxEncodedBytes + "; raise it with ValueCodec.builder().maxEncodedBytes(...)");
    }
    if (bytes[offset] != FORMAT) {
      throw new CodecException(
          String.format(
              "cannot decode a value: the bytes are not a value codec encoding (first byte 0x%02x,"
                  + " expected 0x%02x)",
              bytes[offset] & 0xff, FORMAT));
    }
    MemoryBuffer buffer = MemoryBuffer.fromByteArray(bytes, offset + 1, length - 1);
    Object value;
    AllowList.clearRefused();
    try {
      value = fory.deserialize(buffer);
    } catch (StackOverflowError e) {
      throw failure("cannot decode a value", e);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw failure("cannot decode a value", e);
    }
    if (buffer.readerIndex() != buffer.size()) {
      throw new CodecException(
          "cannot decode a value: " + (buffer.size() - buffer.readerIndex())
              + " bytes are left over after it; the input is corrupted or not one value");
    }
    return value;
  }

  /**
   * Decodes a value from the remaining bytes of a buffer, and consumes them.
   *
   * @param buffer a buffer positioned at the encoding, limited to its end
   * @return the value, possibly null
   * @throws CodecException as {@link #decode(byte[])}
   */
  public Object decode(ByteBuffer buffer) {
    if (buffer.hasArray()) {
      int offset = buffer.arrayOffset() + buffer.position();
      Object value = decode(buffer.array(), offset, buffer.remaining());
      buffer.position(buffer.limit());
      return value;
    }
    if (buffer.remaining() > maxEncodedBytes) {
      throw new CodecException(
          "cannot decode a value of " + buffer.remaining() + " bytes: more than the codec's"
              + " maximum of " + maxEncodedBytes
              + "; raise it with ValueCodec.builder().maxEncodedBytes(...)");
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return decode(bytes);
  }

  /** Turns a failure inside Fory into our exception, naming a refused class when there is one. */
  private CodecException failure(String what, Throwable e) {
    String refused = AllowList.takeRefused();
    InsecureException insecure = cause(e, InsecureException.class);
    if (insecure != null) {
      String name = refused != null ? refused : AllowList.refusedIn(insecure.getMessage());
      if (name != null) {
        return new CodecException(AllowList.notAllowedMessage(name), e);
      }
    }
    if (hasCause(e, StackOverflowError.class)) {
      return new CodecException(
          what + ": it is nested too deeply or contains itself (the value codec does not follow"
              + " shared references)", e);
    }
    ClassNotFoundException missing = cause(e, ClassNotFoundException.class);
    if (missing != null) {
      return new CodecException(
          what + ": class " + missing.getMessage() + " is allowed but not found by the class"
              + " loader " + ClassLoaders.describe(classLoader)
              + "; is the jar that holds it on this environment's classpath?", e);
    }
    return new CodecException(what + ": " + rootMessage(e), e);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    return cause(e, type) != null;
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    Throwable t = e;
    for (int i = 0; t != null && i < 32; i++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    for (int i = 0; root.getCause() != null && root.getCause() != root && i < 32; i++) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String text = root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static String describe(Object value) {
    return value == null ? "null" : "a value of " + value.getClass().getName();
  }

  @Override
  public String toString() {
    return "ValueCodec[classes=" + allowList.classes() + ", packages=" + allowList.packages()
        + ", maxEncodedBytes=" + maxEncodedBytes + ", maxGraphMemoryBytes=" + maxGraphMemoryBytes
        + ", maxDepth=" + maxDepth + "]";
  }

  /**
   * Settings of a {@link ValueCodec}: which classes beyond the standard set it allows, the class
   * loader it decodes classes from, and its limits. Not thread-safe; the codec it builds is.
   */
  public static final class Builder {
    private static final Pattern PACKAGE =
        Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
            + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    private final Set<String> classes = new LinkedHashSet<>();
    private final Set<String> packages = new LinkedHashSet<>();
    private ClassLoader classLoader = ValueCodec.class.getClassLoader();
    private int maxEncodedBytes = DEFAULT_MAX_ENCODED_BYTES;
    private long maxGraphMemoryBytes = DEFAULT_MAX_GRAPH_MEMORY_BYTES;
    private int maxDepth = DEFAULT_MAX_DEPTH;

    private Builder() {}

    /**
     * Allows values of these classes (for an array class, of its element class and arrays of it).
     * A record or other class is encoded field by field, so the classes of its fields must be
     * allowed too.
     *
     * @param allowed the classes
     * @return this builder
     * @throws IllegalArgumentException for a null class, a lambda or a hidden class
     */
    public Builder allow(Class<?>... allowed) {
      for (Class<?> c : allowed) {
        if (c == null) {
          throw new IllegalArgumentException(
              "allow(null): give the classes to allow, e.g. allow(Point.class)");
        }
        Class<?> element = c;
        while (element.isArray()) {
          element = element.getComponentType();
        }
        if (element.isPrimitive()) {
          continue;
        }
        if (element.isHidden() || element.isSynthetic()) {
          throw new IllegalArgumentException(
              "cannot allow " + element.getName() + ": lambdas and hidden classes are code, not"
                  + " values; send functions as task functions, which travel by name");
        }
        classes.add(element.getName());
      }
      return this;
    }

    /**
     * Allows values of every class of these packages (not of their sub-packages). The classes are
     * matched by name when first met, on both ends, so they need not be listed or loaded ahead.
     *
     * @param names package names such as {@code "com.example.model"}
     * @return this builder
     * @throws IllegalArgumentException if a name is not a package name
     */
    public Builder allowPackage(String... names) {
      for (String name : names) {
        if (name == null || !PACKAGE.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "allowPackage: '" + name + "' is not a package name; write it like"
                  + " \"com.example.model\"");
        }
        packages.add(name);
      }
      return this;
    }

    /**
     * Sets the class loader decoded classes are loaded from: the loader of the user's jars on a
     * worker. The default is the loader of this library.
     *
     * @param loader the loader
     * @return this builder
     * @throws IllegalArgumentException if the loader is null
     */
    public Builder classLoader(ClassLoader loader) {
      if (loader == null) {
        throw new IllegalArgumentException(
            "classLoader is null: pass the loader of the classes to decode, e.g."
                + " Thread.currentThread().getContextClassLoader()");
      }
      this.classLoader = loader;
      return this;
    }

    /**
     * Sets the largest encoding accepted by {@link ValueCodec#decode} and produced by {@link
     * ValueCodec#encode}. Default {@value ValueCodec#DEFAULT_MAX_ENCODED_BYTES} bytes.
     *
     * @param bytes the limit, at least 16
     * @return this builder
     * @throws IllegalArgumentException if the limit is below 16
     */
    public Builder maxEncodedBytes(int bytes) {
      if (bytes < 16) {
        throw new IllegalArgumentException("maxEncodedBytes must be at least 16, not " + bytes);
      }
      this.maxEncodedBytes = bytes;
      return this;
    }

    /**
     * Sets the estimated memory one decoded value may take: a guard against small inputs that
     * claim huge collections. Default {@value ValueCodec#DEFAULT_MAX_GRAPH_MEMORY_BYTES} bytes.
     *
     * @param bytes the limit, positive
     * @return this builder
     * @throws IllegalArgumentException if the limit is not positive
     */
    public Builder maxGraphMemoryBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxGraphMemoryBytes must be positive, not " + bytes);
      }
      this.maxGraphMemoryBytes = bytes;
      return this;
    }

    /**
     * Sets how deeply a decoded value may nest (a list in a list counts two). Default {@value
     * ValueCodec#DEFAULT_MAX_DEPTH}. Encoding does not check it: keep it the same on both ends.
     *
     * @param depth the limit, from 2 to 4096
     * @return this builder
     * @throws IllegalArgumentException if the limit is out of range
     */
    public Builder maxDepth(int depth) {
      if (depth < 2 || depth > 4096) {
        throw new IllegalArgumentException("maxDepth must be from 2 to 4096, not " + depth);
      }
      this.maxDepth = depth;
      return this;
    }

    /**
     * Builds the codec. Costs milliseconds: build once and share.
     *
     * @return a new codec
     */
    public ValueCodec build() {
      return new ValueCodec(this);
    }

    @Override
    public String toString() {
      return "ValueCodec.Builder[classes=" + classes + ", packages=" + packages + "]";
    }
  }
}
