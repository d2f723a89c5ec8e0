package io.tendril.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tendril.graph.Fn1;
import io.tendril.graph.Fn2;
import io.tendril.graph.FnN;
import io.tendril.graph.Key;
import io.tendril.graph.json.Builtins;
import io.tendril.protocol.codec.model.Alpha;
import io.tendril.protocol.codec.model.Beta;
import io.tendril.protocol.codec.model.Gamma;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every decoder of this package on random and damaged input, from fixed seeds: each input decodes
 * or is refused with a {@link CodecException}; nothing else is thrown, nothing hangs, and nothing
 * allocates what a forged length asks for. After a run the decoder still decodes valid input.
 */
class DecoderFuzzTest {
  private static final int RANDOMS = 2500;
  private static final int MUTATIONS = 2500;

  private static final ValueCodec CODEC =
      ValueCodec.builder().allowPackage("io.tendril.protocol.codec.model").allow(Point.class).build();

  private static final List<Object> VALUES =
      List.of(
          42,
          "a string of some length, with ünïcode ✓",
          List.of(1, "a", List.of(2.5, Map.of("k", new int[] {1, 2, 3}))),
          new TreeMap<>(Map.of("a", new long[] {1, 2}, "b", Optional.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")))),
          new Object[] {null, 'c', Set.of(1, 2, 3), BigDecimal.TEN, LocalDate.of(2026, 1, 1)},
          Key.of("x", 1, Key.of("y", "z")),
          new Beta("beta", List.of(new Alpha(1), new Alpha(2))),
          List.of(Gamma.HIGH, new Point(3, 4), new Point[] {new Point(1, 1)}),
          ZonedDateTime.of(2026, 3, 29, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
          new ArrayList<>(List.of(Map.of(Key.of("k", 0), List.of(new Beta("n", List.of())))))
      );

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void valueCodecRefusesDamagedInputCleanly(long seed) {
    List<byte[]> valid = VALUES.stream().map(CODEC::encode).toList();
    Fuzz.Outcome outcome = Fuzz.run(seed, valid, RANDOMS, MUTATIONS, CODEC::decode);
    assertThat(outcome.refused()).isPositive();
    for (Object v : VALUES) {
      assertThat(CODEC.decode(CODEC.encode(v))).usingRecursiveComparison().isEqualTo(v);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {4, 5, 6})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void functionDescriptorsRefuseDamagedInputCleanly(long seed) {
    FunctionDescriptors fds = FunctionDescriptors.using(CODEC);
    int k = 7;
    Point origin = new Point(0, 0);
    List<FunctionDescriptor> descriptors =
        List.of(
            fds.describe((Fn1<Integer, Integer>) CodecOps::inc),
            fds.describe((Fn2<Integer, Integer, Integer>) CodecOps::add),
            fds.describe((FnN<Long>) CodecOps::sum),
            fds.describe((Fn1<String, String>) "abc"::concat),
            fds.describe((Fn1<Integer, Integer>) x -> x + k),
            fds.describe((Fn1<Point, Boolean>) origin::equals),
            fds.describe((Fn2<Integer, Integer, Point>) Point::new),
            fds.describe(Builtins.find("add").orElseThrow()));
    List<byte[]> valid = descriptors.stream().map(FunctionDescriptors::encode).toList();
    FunctionCache cache = fds.cache(getClass().getClassLoader());
    // Resolving what decodes must also end in a function or a CodecException.
    Fuzz.Outcome outcome =
        Fuzz.run(seed, valid, RANDOMS, MUTATIONS, bytes -> cache.resolve(FunctionDescriptors.decode(bytes)));
    assertThat(outcome.refused()).isPositive();
    for (FunctionDescriptor d : descriptors) {
      assertThat(FunctionDescriptors.decode(FunctionDescriptors.encode(d))).isEqualTo(d);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 8, 9})
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void remoteFailuresRefuseDamagedInputCleanly(long seed) {
    List<RemoteFailure> failures =
        List.of(
            RemoteFailure.of(new IOException("disk full", new IllegalStateException("inner"))),
            RemoteFailure.of(new ArithmeticException()),
            RemoteFailure.of(new RuntimeException("ü ✓ 𝄞".repeat(20))));
    List<byte[]> valid = failures.stream().map(RemoteFailure::encode).toList();
    Fuzz.Outcome outcome = Fuzz.run(seed, valid, RANDOMS, MUTATIONS, RemoteFailure::decode);
    assertThat(outcome.refused()).isPositive();
    for (RemoteFailure f : failures) {
      assertThat(RemoteFailure.decode(f.encode())).isEqualTo(f);
    }
  }
}
