package io.tendril.protocol.codec;

import io.tendril.graph.Key;
import org.apache.fory.config.Config;
import org.apache.fory.context.ReadContext;
import org.apache.fory.context.WriteContext;
import org.apache.fory.memory.MemoryBuffer;
import org.apache.fory.serializer.ImmutableSerializer;

/**
 * Encodes a tuple {@link Key} as its parts, and decodes it through {@link Key#of}, so that a
 * decoded key is validated and hashed like any other (Fory's field-by-field serializer would copy
 * the cached hash and skip the checks). Registered with the {@link ValueCodec}'s Fory under a
 * fixed user type id.
 *
 * <p>Layout: the number of parts (varint), then per part a tag byte and the part: a string, a
 * zig-zag varint long, or a nested key.
 */
final class KeySerializer extends ImmutableSerializer<Key> {
  private static final byte STRING = 1;
  private static final byte LONG = 2;
  private static final byte KEY = 3;
  /** A rough size of one part in memory, charged against Fory's graph-memory budget. */
  private static final int BYTES_PER_PART = 24;

  KeySerializer(Config config) {
    super(config, Key.class);
  }

  @Override
  public void write(WriteContext context, Key key) {
    MemoryBuffer buffer = context.getBuffer();
    buffer.writeVarUInt32(key.size());
    for (int i = 0; i < key.size(); i++) {
      Object part = key.get(i);
      if (part instanceof String s) {
        buffer.writeByte(STRING);
        context.getStringSerializer().write(context, s);
      } else if (part instanceof Long l) {
        buffer.writeByte(LONG);
        buffer.writeVarInt64(l);
      } else {
        buffer.writeByte(KEY);
        write(context, (Key) part);
      }
    }
  }

  @Override
  public Key read(ReadContext context) {
    MemoryBuffer buffer = context.getBuffer();
    int size = buffer.readVarUInt32();
    if (size < 0 || size > buffer.remaining()) {
      throw new IllegalArgumentException(
          "a tuple key of " + Integer.toUnsignedString(size) + " parts cannot fit in the "
              + buffer.remaining() + " bytes left");
    }
    context.reserveGraphMemory((long) size * BYTES_PER_PART);
    Object[] parts = new Object[size];
    for (int i = 0; i < size; i++) {
      byte tag = buffer.readByte();
      parts[i] =
          switch (tag) {
            case STRING -> context.readString();
            case LONG -> buffer.readVarInt64();
            case KEY -> readNested(context);
            default -> throw new IllegalArgumentException("unknown tuple key part tag " + tag);
          };
    }
    return Key.of(parts);
  }

  private Key readNested(ReadContext context) {
    context.increaseDepth();
    Key key = read(context);
    context.decreaseDepth();
    return key;
  }
}
