package io.tendril.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Key;
import io.tendril.protocol.codec.model.Alpha;
import io.tendril.protocol.codec.model.Beta;
import io.tendril.protocol.codec.model.Gamma;
import java.io.File;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips of the standard set, allowing more classes, refusals and their messages. */
class ValueCodecTest {
  private static final ValueCodec STANDARD = ValueCodec.standard();
  private static final String MODEL = "io.tendril.protocol.codec.model";

  /** Not allowed by any codec of these tests unless named. */
  record Secret(String text) {}

  /** Allowed by name in the tests that need a record of allowed classes. */
  record Sample(String name, int count, List<Object> items, Key key, Point[] corners, Optional<Point> best) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Sample s && name.equals(s.name) && count == s.count && items.equals(s.items)
          && key.equals(s.key) && Arrays.equals(corners, s.corners) && best.equals(s.best);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }
  }

  private static Object roundTrip(ValueCodec codec, Object value) {
    return codec.decode(codec.encode(value));
  }

  static Stream<Object> standardValues() {
    Map<String, Integer> linked = new LinkedHashMap<>();
    linked.put("z", 1);
    linked.put("a", 2);
    linked.put("m", 3);
    return Stream.of(
        true, (byte) -7, 'c', (short) 300, 42, Integer.MIN_VALUE, Long.MAX_VALUE, 1.5f, Math.PI,
        Double.NaN, "text", "", "héllo ✓ 𝄞",
        new byte[] {1, -2, 3}, new int[] {1, 2, Integer.MAX_VALUE}, new long[] {Long.MIN_VALUE, 0},
        new double[] {0.5, -0.0}, new float[] {1f, 2f}, new boolean[] {true, false},
        new char[] {'a', 'ü'}, new short[] {-1, 1}, new Object[] {1, "a", null, List.of(2)},
        new BigInteger("123456789012345678901234567890"), new BigDecimal("-1234.5678901234567890"),
        new ArrayList<>(List.of(1, "two", 3.0)), new LinkedList<>(List.of("a", "b")),
        new HashMap<>(Map.of("a", 1, "b", 2)), linked, new TreeMap<>(Map.of("b", 1, "a", 2)),
        new HashSet<>(Set.of(1, 2, 3)), new LinkedHashSet<>(List.of(3, 1, 2)), new TreeSet<>(Set.of("q", "p")),
        List.of(), List.of(1), List.of(1, 2, 3, 4), Map.of(), Map.of("k", 1), Map.of("a", 1, "b", 2, "c", 3),
        Set.of(), Set.of("x"), Set.of(1, 2, 3),
        Optional.empty(), Optional.of("present"),
        Instant.parse("2026-12-01T10:15:30.123456789Z"), LocalDate.of(2026, 2, 28), LocalTime.of(23, 59, 1),
        LocalDateTime.of(2026, 1, 2, 3, 4, 5), ZonedDateTime.of(2026, 3, 29, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
        OffsetDateTime.of(2026, 5, 6, 7, 8, 9, 10, ZoneOffset.ofHours(-5)), OffsetTime.of(1, 2, 3, 4, ZoneOffset.UTC),
        Duration.ofMillis(-1500), Period.of(1, 2, 3), Year.of(1999), YearMonth.of(2026, 12), MonthDay.of(2, 29),
        ZoneId.of("America/New_York"), ZoneOffset.ofHoursMinutes(5, 30), DayOfWeek.FRIDAY, Month.MAY,
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        Key.of("x", 0, 1), Key.of("a", Key.of("b", 2L), "c"), Key.of(), Key.of(-1L, Long.MAX_VALUE));
  }

  @ParameterizedTest
  @MethodSource("standardValues")
  void standardValuesRoundTripWithTheirClasses(Object value) {
    Object back = roundTrip(STANDARD, value);
    assertThat(back).isEqualTo(value);
    assertThat(back.getClass()).isEqualTo(value.getClass());
  }

  @Test
  void nullRoundTrips() {
    assertThat(STANDARD.encode(null)).hasSizeLessThan(4);
    assertThat(roundTrip(STANDARD, null)).isNull();
  }

  @Test
  void keysDecodeAsEqualKeysWithTheSameHash() {
    Key key = Key.of("chunk", 3, Key.of("inner", "x"));
    Key back = (Key) roundTrip(STANDARD, key);
    assertThat(back).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(back.get(1)).isEqualTo(3L);
    assertThat(roundTrip(STANDARD, Map.of(key, List.of(key)))).isEqualTo(Map.of(key, List.of(key)));
  }

  @Test
  void nestedCollectionsRoundTrip() {
    Map<String, Object> nested = new TreeMap<>();
    nested.put("lists", List.of(List.of(1, 2), List.of(), new ArrayList<>(List.of(Map.of("deep", new int[] {7})))));
    nested.put("sets", new HashSet<>(Set.of(Set.of("a"), List.of(1L))));
    nested.put("keys", Map.of(Key.of("x", 1), Optional.of(List.of(BigDecimal.TEN))));
    nested.put("mixed", new Object[] {new long[] {1}, null, List.of(new Object[] {"in"})});
    Object back = roundTrip(STANDARD, nested);
    assertThat(back).usingRecursiveComparison().isEqualTo(nested);
  }

  @Test
  void immutableCollectionsStayImmutable() {
    @SuppressWarnings("unchecked")
    List<Object> back = (List<Object>) roundTrip(STANDARD, List.of(1, 2, 3));
    assertThatThrownBy(() -> back.add(4)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void recordsOfAllowedClassesRoundTrip() {
    ValueCodec codec = ValueCodec.builder().allow(Sample.class, Point.class).build();
    Sample sample = new Sample("s", 3, List.of(1, "x", new Point(1, 2)), Key.of("k", 1),
        new Point[] {new Point(0, 0), null, new Point(-1, 5)}, Optional.of(new Point(9, 9)));
    assertThat(roundTrip(codec, sample)).isEqualTo(sample);
    assertThat(roundTrip(codec, new Point[][] {{new Point(1, 1)}, {}})).isEqualTo(new Point[][] {{new Point(1, 1)}, {}});
    assertThat(roundTrip(codec, List.of(new Point(3, 4), new Point(5, 6)))).isEqualTo(List.of(new Point(3, 4), new Point(5, 6)));
  }

  @Test
  void aClassThatIsNotAllowedIsRefusedWithHowToAllowIt() {
    String expected = "class io.tendril.protocol.codec.ValueCodecTest$Secret is not allowed by the value codec;"
        + " allow it with ValueCodec.builder().allow(io.tendril.protocol.codec.ValueCodecTest.Secret.class)"
        + " or ValueCodec.builder().allowPackage(\"io.tendril.protocol.codec\")";
    assertThatThrownBy(() -> STANDARD.encode(new Secret("x")))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith(expected);
    assertThatThrownBy(() -> STANDARD.encode(List.of(1, Map.of("k", new Secret("nested")))))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith(expected);
    assertThatThrownBy(() -> STANDARD.encode(new Secret[] {new Secret("a")}))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith(expected);
    assertThatThrownBy(() -> STANDARD.encode(new File("/tmp")))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("class java.io.File is not allowed by the value codec");
  }

  @Test
  void decodingAClassThatIsNotAllowedIsRefusedToo() {
    ValueCodec permissive = ValueCodec.builder().allow(Secret.class).build();
    byte[] bytes = permissive.encode(List.of("ok", new Secret("hidden")));
    assertThat(roundTrip(permissive, List.of(new Secret("y")))).isEqualTo(List.of(new Secret("y")));
    assertThatThrownBy(() -> STANDARD.decode(bytes))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageStartingWith("class io.tendril.protocol.codec.ValueCodecTest$Secret is not allowed by the value codec");
    byte[] array = permissive.encode(new Secret[] {new Secret("z")});
    assertThatThrownBy(() -> STANDARD.decode(array))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("ValueCodecTest$Secret is not allowed");
  }

  @Test
  void lambdasAndOtherCodeAreNeverValues() {
    Supplier<String> lambda = (Supplier<String> & Serializable) () -> "code";
    assertThatThrownBy(() -> STANDARD.encode(lambda)).isExactlyInstanceOf(CodecException.class);
    assertThatThrownBy(() -> STANDARD.encode(new Thread())).isExactlyInstanceOf(CodecException.class);
    assertThatThrownBy(() -> ValueCodec.builder().allow(lambda.getClass()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lambdas and hidden classes are code, not values");
  }

  @Test
  void classLiteralsOfClassesNotAllowedAreRefusedWhenDecoded() {
    ValueCodec permissive = ValueCodec.builder().allow(Secret.class).build();
    byte[] bytes = permissive.encode(Secret.class);
    assertThat(permissive.decode(bytes)).isEqualTo(Secret.class);
    assertThatThrownBy(() -> STANDARD.decode(bytes)).isExactlyInstanceOf(CodecException.class);
  }

  @Test
  void packagesAreAllowedByNameWhateverOrderTheEndsMeetTheirClasses() {
    ValueCodec encoder = ValueCodec.builder().allow(Gamma.class, Beta.class, Alpha.class).build();
    ValueCodec decoder = ValueCodec.builder().allowPackage(MODEL).build();
    byte[] beta = encoder.encode(new Beta("b", List.of(new Alpha(1), new Alpha(2))));
    byte[] gamma = encoder.encode(Gamma.HIGH);
    byte[] alpha = encoder.encode(new Alpha(7));
    byte[] mixed = encoder.encode(List.of(Gamma.LOW, new Alpha(3), new Beta("c", List.of())));

    assertThat(decoder.decode(alpha)).isEqualTo(new Alpha(7));
    assertThat(decoder.decode(mixed)).isEqualTo(List.of(Gamma.LOW, new Alpha(3), new Beta("c", List.of())));
    assertThat(decoder.decode(gamma)).isEqualTo(Gamma.HIGH);
    assertThat(decoder.decode(beta)).isEqualTo(new Beta("b", List.of(new Alpha(1), new Alpha(2))));

    // The other way round, with classes met in yet another order.
    byte[] back = decoder.encode(List.of(new Beta("r", List.of(new Alpha(0))), Gamma.HIGH, new Alpha(-1)));
    assertThat(encoder.decode(decoder.encode(new Alpha(5)))).isEqualTo(new Alpha(5));
    assertThat(encoder.decode(back)).isEqualTo(List.of(new Beta("r", List.of(new Alpha(0))), Gamma.HIGH, new Alpha(-1)));
  }

  @Test
  void aPackageDoesNotAllowItsSubPackagesOrItsParent() {
    ValueCodec parent = ValueCodec.builder().allowPackage("io.tendril.protocol").build();
    assertThatThrownBy(() -> parent.encode(new Alpha(1)))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("allowPackage(\"io.tendril.protocol.codec.model\")");
    ValueCodec model = ValueCodec.builder().allowPackage(MODEL).build();
    assertThatThrownBy(() -> model.encode(new Point(1, 2))).isExactlyInstanceOf(CodecException.class);
  }

  @Test
  void derivedCodecsKeepTheAllowList() {
    ValueCodec codec = ValueCodec.builder().allow(Point.class).allowPackage(MODEL).maxDepth(64).build();
    ValueCodec other = codec.withClassLoader(new ClassLoader(getClass().getClassLoader()) {});
    assertThat(other).isNotSameAs(codec);
    assertThat(codec.withClassLoader(codec.classLoader())).isSameAs(codec);
    assertThat(other.decode(codec.encode(List.of(new Point(1, 1), new Alpha(2))))).isEqualTo(List.of(new Point(1, 1), new Alpha(2)));
    assertThat(other.allows(Point.class)).isTrue();
    assertThat(other.allows(Alpha[].class)).isTrue();
    assertThat(other.allows(Secret.class)).isFalse();
    assertThat(STANDARD.allows(int[][].class)).isTrue();
    assertThat(STANDARD.allows(Key.class)).isTrue();
  }

  @Test
  void decodesPartsOfArraysAndBuffers() {
    byte[] value = STANDARD.encode(List.of("a", 1));
    byte[] framed = new byte[value.length + 5];
    System.arraycopy(value, 0, framed, 3, value.length);
    assertThat(STANDARD.decode(framed, 3, value.length)).isEqualTo(List.of("a", 1));

    ByteBuffer heap = ByteBuffer.wrap(framed, 3, value.length).slice();
    assertThat(STANDARD.decode(heap)).isEqualTo(List.of("a", 1));
    assertThat(heap.hasRemaining()).isFalse();

    ByteBuffer direct = ByteBuffer.allocateDirect(value.length);
    direct.put(value).flip();
    assertThat(STANDARD.decode(direct)).isEqualTo(List.of("a", 1));
    assertThat(direct.hasRemaining()).isFalse();
  }

  @Test
  void refusesBytesThatAreNotOneValue() {
    byte[] value = STANDARD.encode("v");
    byte[] longer = Arrays.copyOf(value, value.length + 1);
    assertThatThrownBy(() -> STANDARD.decode(longer))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("1 bytes are left over");
    assertThatThrownBy(() -> STANDARD.decode(new byte[0]))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("0 bytes");
    byte[] wrongFormat = value.clone();
    wrongFormat[0] = 0x00;
    assertThatThrownBy(() -> STANDARD.decode(wrongFormat))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("not a value codec encoding");
    assertThatThrownBy(() -> STANDARD.decode(Arrays.copyOf(value, value.length - 1)))
        .isExactlyInstanceOf(CodecException.class);
  }

  @Test
  void enforcesItsSizeAndDepthLimits() {
    ValueCodec small = ValueCodec.builder().maxEncodedBytes(64).maxDepth(8).build();
    assertThatThrownBy(() -> small.encode(new byte[100]))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("more than the codec's maximum of 64");
    assertThatThrownBy(() -> small.decode(STANDARD.encode(new byte[100])))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("more than the codec's maximum of 64");
    Object deep = "bottom";
    for (int i = 0; i < 12; i++) {
      deep = List.of(deep);
    }
    byte[] deepBytes = STANDARD.encode(deep);
    assertThat(STANDARD.decode(deepBytes)).isEqualTo(deep);
    assertThatThrownBy(() -> small.decode(deepBytes)).isExactlyInstanceOf(CodecException.class);
  }

  @Test
  void valuesNestedUpToTheDefaultDepthRoundTrip() {
    Object deep = List.of();
    for (int i = 0; i < ValueCodec.DEFAULT_MAX_DEPTH - 10; i++) {
      deep = List.of(deep);
    }
    assertThat(roundTrip(STANDARD, deep)).isEqualTo(deep);
    Object deeper = deep;
    for (int i = 0; i < 20; i++) {
      deeper = List.of(deeper);
    }
    byte[] bytes = STANDARD.encode(deeper);
    assertThatThrownBy(() -> STANDARD.decode(bytes))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("depth");
  }

  @Test
  void valuesThatContainThemselvesAreRefused() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThatThrownBy(() -> STANDARD.encode(cycle))
        .isExactlyInstanceOf(CodecException.class)
        .hasMessageContaining("contains itself");
  }

  @Test
  void decodingAnAllowedClassMissingFromTheClassLoaderSaysSo() {
    ClassLoader withoutModel = new ClassLoader(ClassLoader.getPlatformClassLoader()) {};
    ValueCodec encoder = ValueCodec.builder().allowPackage(MODEL).build();
    ValueCodec decoder = encoder.withClassLoader(withoutModel);
    byte[] bytes = encoder.encode(new Alpha(1));
    // Fory also looks on the thread's context class loader, so take the class away there too.
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    thread.setContextClassLoader(withoutModel);
    try {
      assertThatThrownBy(() -> decoder.decode(bytes))
          .isExactlyInstanceOf(CodecException.class)
          .hasMessageContaining("class io.tendril.protocol.codec.model.Alpha is allowed but not found")
          .hasMessageContaining("classpath");
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  @Test
  void builderValidatesItsSettings() {
    assertThatThrownBy(() -> ValueCodec.builder().allowPackage("not a package"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'not a package' is not a package name");
    assertThatThrownBy(() -> ValueCodec.builder().allowPackage(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ValueCodec.builder().allow((Class<?>) null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ValueCodec.builder().classLoader(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("classLoader is null");
    assertThatThrownBy(() -> ValueCodec.builder().maxEncodedBytes(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEncodedBytes");
    assertThatThrownBy(() -> ValueCodec.builder().maxDepth(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDepth");
    assertThatThrownBy(() -> ValueCodec.builder().maxGraphMemoryBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxGraphMemoryBytes");
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    ValueCodec codec = ValueCodec.builder().allowPackage(MODEL).build();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int id = t;
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < 500; i++) {
            Beta beta = new Beta("t" + id, List.of(new Alpha(i)));
            assertThat(codec.decode(codec.encode(beta))).isEqualTo(beta);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
  }
}
